"""Folder walks respect .gitignore files as git reads them, unless told not to."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aovpn_lint.cli import main
from helpers import FIXTURES

BAD = FIXTURES / "AOV301" / "bad.xml"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    for name in (
        "top.xml",
        "build/out.xml",
        "profiles/user.xml",
        "profiles/user.bak.xml",
        "profiles/keep.bak.xml",
        "profiles/lab/lab.xml",
        "local/mine.xml",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BAD, path)
    (tmp_path / ".gitignore").write_text("build/\n*.bak.xml\n", encoding="utf-8")
    (tmp_path / "profiles" / ".gitignore").write_text("!keep.bak.xml\nlab/\n", encoding="utf-8")
    (tmp_path / ".git" / "info" / "exclude").write_text("local/\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _linted(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    main(["--no-config", "-j", "1", "--select", "AOV301", "--format", "json", *args])
    document = json.loads(capsys.readouterr().out)
    return {f["path"].replace("\\", "/") for f in document["findings"]}


def test_ignored_files_and_folders_are_not_walked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _linted(capsys, ".") == {"top.xml", "profiles/user.xml", "profiles/keep.bak.xml"}
    # a walk below the root still reads the .gitignore files above it
    assert _linted(capsys, "profiles") == {"profiles/user.xml", "profiles/keep.bak.xml"}


def test_named_files_and_ignored_folders_named_on_purpose_are_linted(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _linted(capsys, "profiles/user.bak.xml") == {"profiles/user.bak.xml"}
    assert _linted(capsys, "build") == {"build/out.xml"}


def test_no_respect_gitignore_walks_everything(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    everything = {
        "top.xml",
        "build/out.xml",
        "profiles/user.xml",
        "profiles/user.bak.xml",
        "profiles/keep.bak.xml",
        "profiles/lab/lab.xml",
        "local/mine.xml",
    }
    assert _linted(capsys, "--no-respect-gitignore", ".") == everything
    (repo / ".aovpn-lint.yaml").write_text("respect-gitignore: false\n", encoding="utf-8")
    main(["-j", "1", "--select", "AOV301", "--format", "json", "."])
    document = json.loads(capsys.readouterr().out)
    assert {f["path"].replace("\\", "/") for f in document["findings"]} == everything
    # the command line wins over the file
    main(["-j", "1", "--select", "AOV301", "--format", "json", "--respect-gitignore", "."])
    document = json.loads(capsys.readouterr().out)
    assert len({f["path"] for f in document["findings"]}) == 3


def test_outside_a_repository_the_walked_folder_s_gitignore_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(BAD, tmp_path / "sub" / "a.xml")
    shutil.copy(BAD, tmp_path / "sub" / "b.xml")
    (tmp_path / "sub" / ".gitignore").write_text("b.xml\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _linted(capsys, "sub") == {"sub/a.xml"}
