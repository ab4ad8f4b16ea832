"""``--output`` and the atomic write behind it: what is at the path decides how it is written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from aovpn_lint import atomicwrite, cli
from aovpn_lint.atomicwrite import replace_atomically, write_file
from helpers import FIXTURES, cli_executable, run_cli

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types")
BAD = FIXTURES / "AOV302" / "bad.xml"
ARGS = ("--no-config", "--select", "AOV302", "--format", "json")


def _findings(text: str) -> list[str]:
    return [f["rule_id"] for f in json.loads(text)["findings"]]


def test_a_new_report_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_file(str(tmp_path / "new.json"), b"x")
        os.umask(0o077)
        write_file(str(tmp_path / "private.json"), b"x")
    finally:
        os.umask(old)
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
        assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["new.json", "private.json"]


@posix_only
def test_a_replaced_report_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    result = run_cli(*ARGS, "--output", str(target), str(BAD))
    assert result.returncode == 1, result.stderr
    assert _findings(target.read_text()) == ["AOV302"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["report.json"]


@posix_only
def test_a_symlink_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o604)
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    result = run_cli(*ARGS, "--output", str(link), str(BAD))
    assert result.returncode == 1, result.stderr
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert _findings(real.read_text()) == ["AOV302"]
    assert stat.S_IMODE(real.stat().st_mode) == 0o604
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


@posix_only
def test_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("missing.json")
    result = run_cli(*ARGS, "--output", str(link), str(BAD))
    assert result.returncode == 2 and "cannot write report" in result.stderr
    assert link.is_symlink() and sorted(os.listdir(tmp_path)) == ["link.json"]


@posix_only
def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    code = cli.main([*ARGS, "--output", str(fifo), str(BAD)])
    reader.join(timeout=30)
    assert code == 1
    assert _findings(received[0].decode()) == ["AOV302"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["report.fifo"]


@posix_only
def test_a_fifo_without_a_reader_fails_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    monkeypatch.setattr(atomicwrite, "FIFO_WAIT", 0.2)
    code = cli.main([*ARGS, "--output", str(fifo), str(BAD)])
    assert code == 2
    assert "no process read the FIFO" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["report.fifo"]


@posix_only
def test_a_device_is_written_through_and_stays_a_device() -> None:
    before = os.lstat(os.devnull)
    result = run_cli(*ARGS, "--output", os.devnull, str(BAD))
    assert result.returncode == 1, result.stderr
    after = os.lstat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout")
def test_dev_stdout_writes_to_the_standard_output_and_appends(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("first line\n")
    with open(out, "ab") as handle:  # as a shell's '>>' opens it
        result = subprocess.run(
            [cli_executable(), *ARGS, "--output", "/dev/stdout", str(BAD)],
            stdout=handle,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert result.returncode == 1, result.stderr
    text = out.read_text()
    assert text.startswith("first line\n")
    assert _findings(text.split("\n", 1)[1]) == ["AOV302"]
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_directory_is_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "report.json"
    folder.mkdir()
    with pytest.raises(IsADirectoryError):
        write_file(str(folder), b"x")
    assert folder.is_dir() and os.listdir(tmp_path) == ["report.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def full_disk(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomicwrite.os, "write", full_disk)
    with pytest.raises(OSError):
        replace_atomically(str(target), b"new")
    monkeypatch.undo()
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["report.json"]
