"""The pre-commit hook, end to end with the real pre-commit: ``try-repo`` runs it on a bad
profile, and a commit of a bad profile is rejected while a fixed one goes through. With the hook
as ``.pre-commit-hooks.yaml`` publishes it, installed from a commit of this checkout: ``run
--all-files`` on a copy of ``examples/`` reports exactly what ``aovpn-lint .`` does, and a commit
of the drifting script alone is refused (its partners are found on disk).

Slow (pre-commit builds a virtual environment and installs aovpn-lint into it with pip), but run
in CI. Skipped, saying why, only where pip cannot reach any package index to build it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

BAD = EXAMPLES / "broken" / "force-tunnel-with-routes.xml"
GOOD = EXAMPLES / "user-tunnel-split.xml"

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)
if not (ROOT / ".git").exists():
    pytest.skip("the project is not a git checkout (pre-commit needs one)", allow_module_level=True)


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PRE_COMMIT_HOME": str(home),
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "PRE_COMMIT_COLOR": "never",
            "NO_COLOR": "1",
        }
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _git(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd, env
    )


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = _env(tmp_path / "pre-commit-home")
    work = tmp_path / "vpn profiles"  # a space in the path on purpose
    work.mkdir()
    assert _git(work, env, "init", "-q", ".").returncode == 0
    return work, env


def test_hook_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "aovpn-lint" and hook["language"] == "python"
    assert hook["entry"] == "aovpn-lint --force-exclude" and hook["pass_filenames"] is True
    # the cross-file rules must see every file of the run in one process
    assert hook["require_serial"] is True
    import re

    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    for name in (
        "ProfileXML_User.xml",
        "BROKEN.XML",
        "sub dir/Deploy-Vpn.ps1",
        "Deploy.PS1",
        "modules/Vpn.PSM1",
        "omadm/ProfileXML.syncml",
        "intune/export.json",
        "intune/EXPORT.JSON",
        "inv.yaml",
        "a.yml",
        "Inventory.YML",
        "docs/README.md",
        "wiki/VPN.MD",
    ):
        assert files.search(name) and not exclude.search(name), name
    for name in (
        ".pre-commit-config.yaml",
        ".pre-commit-hooks.yaml",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        ".aovpn-lint.yaml",
    ):
        assert not (files.search(name) and not exclude.search(name)), name


def test_try_repo_runs_the_hook_and_fails_on_a_bad_profile(
    repo: tuple[Path, dict[str, str]],
) -> None:
    work, env = repo
    shutil.copy(BAD, work / "ProfileXML_User.xml")
    shutil.copy(GOOD, work / "ProfileXML_Good.xml")
    (work / "notes.md").write_text("not linted\n", encoding="utf-8")
    assert _git(work, env, "add", ".").returncode == 0
    result = _run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "aovpn-lint", "--all-files"],
        work,
        env,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "aovpn-lint" in output and "Failed" in output
    assert "ProfileXML_User.xml:13:3: AOV301 [error]" in output
    assert "ProfileXML_Good.xml:" not in output  # the clean profile has no finding
    assert "notes.md" not in output


def test_try_repo_lints_upper_case_names(repo: tuple[Path, dict[str, str]]) -> None:
    """Windows tools write PROFILE.XML and Deploy.PS1: the hook's patterns ignore letter case."""
    work, env = repo
    shutil.copy(BAD, work / "BROKEN.XML")
    profile = BAD.read_text(encoding="utf-8").replace("'", "''")
    (work / "Deploy.PS1").write_text(f"$ProfileXML = '{profile}'\n", encoding="utf-8")
    assert _git(work, env, "add", ".").returncode == 0
    result = _run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "aovpn-lint", "--all-files"],
        work,
        env,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "BROKEN.XML:13:3: AOV301 [error]" in output
    assert "Deploy.PS1:13:3: AOV301 [error]" in output


def test_commit_with_a_bad_profile_is_rejected(repo: tuple[Path, dict[str, str]]) -> None:
    work, env = repo
    head = _git(ROOT, env, "rev-parse", "HEAD").stdout.strip()
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT.as_posix()}\n    rev: {head}\n"
        "    hooks:\n      - id: aovpn-lint\n",
        encoding="utf-8",
    )
    installed = _run([sys.executable, "-m", "pre_commit", "install"], work, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    shutil.copy(BAD, work / "ProfileXML_User.xml")
    _git(work, env, "add", ".")
    rejected = _git(work, env, "commit", "-q", "-m", "add a profile")
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0, output
    assert "AOV301" in output and "ProfileXML_User.xml" in output
    assert (
        _git(work, env, "rev-parse", "--verify", "-q", "HEAD").returncode != 0
    )  # nothing committed

    shutil.copy(GOOD, work / "ProfileXML_User.xml")
    _git(work, env, "add", ".")
    accepted = _git(work, env, "commit", "-q", "-m", "add a fixed profile")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr


# --- partners: a whole run and a commit of one file, with the hook as published ------------------
DRIFT = "examples/scripts/Deploy-VpnProfile.ps1"
#: what pip prints when it cannot reach an index (the hook's environment cannot be built)
_OFFLINE = (
    "Could not find a version that satisfies",
    "No matching distribution found",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """This checkout's files as they are now (committed or not) at one commit of a repository of
    their own, for ``repo:`` and ``rev:``; and a PRE_COMMIT_HOME that the tests using it share, so
    that pre-commit builds the hook's environment once."""
    base = tmp_path_factory.mktemp("hook")
    home = base / "pre-commit-home"
    env = _env(home)
    clone = base / "aovpn-lint"
    clone.mkdir()
    listed = _run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT, env
    )
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    for args in (("init", "-q", "."), ("add", "-A"), ("commit", "-q", "-m", "the hook under test")):
        done = _git(clone, env, *args)
        assert done.returncode == 0, done.stdout + done.stderr
    return clone, _git(clone, env, "rev-parse", "HEAD").stdout.strip(), home


def _profiles_repo(
    tmp_path: Path, hook: tuple[Path, str, Path], *args: str
) -> tuple[Path, dict[str, str]]:
    """A repository holding a copy of ``examples/`` and a configuration using the hook (with
    ``args``); the hook's environment installed, or the test skipped when pip cannot reach an
    index to build it."""
    clone, rev, home = hook
    env = _env(home)
    work = tmp_path / "vpn profiles"
    shutil.copytree(EXAMPLES, work / "examples")
    assert _git(work, env, "init", "-q", ".").returncode == 0
    hook_args = f"        args: [{', '.join(args)}]\n" if args else ""
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: '{clone.as_posix()}'\n    rev: {rev}\n"
        f"    hooks:\n      - id: aovpn-lint\n{hook_args}",
        encoding="utf-8",
    )
    installed = _run([sys.executable, "-m", "pre_commit", "install-hooks"], work, env)
    if installed.returncode != 0:
        output = installed.stdout + installed.stderr
        log = home / "pre-commit.log"
        output += log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        reason = next((marker for marker in _OFFLINE if marker in output), None)
        if reason and not _pip_reaches_an_index(tmp_path, env):
            pytest.skip(f"pip cannot install the hook's environment here ({reason!r})")
        pytest.fail(f"pre-commit could not install the hook:\n{output}")
    return work, env


def _pip_reaches_an_index(tmp_path: Path, env: dict[str, str]) -> bool:
    """Whether pip, as configured here, can fetch the build backend the hook's install needs:
    when it can, a failed install is a packaging bug, not a machine without a package index."""
    probe = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "setuptools>=68"]
    dest = tmp_path / "pip-probe"
    return _run([*probe, "--dest", str(dest)], tmp_path, env).returncode == 0


def _findings(output: str) -> set[tuple[object, ...]]:
    """The findings of aovpn-lint's JSON report inside ``output`` (pre-commit's lines around it)."""
    lines = output.splitlines()
    start, end = lines.index("{"), len(lines) - lines[::-1].index("}")
    report = json.loads("\n".join(lines[start:end]))
    return {
        (
            f["path"],
            f["line"],
            f["column"],
            f["rule_id"],
            f["message"],
            tuple((r["path"], r["line"], r["column"]) for r in f["related"]),
        )
        for f in report["findings"]
    }


def test_all_files_gives_the_findings_of_a_whole_run(
    tmp_path: Path, hook: tuple[Path, str, Path]
) -> None:
    work, env = _profiles_repo(tmp_path, hook, "--format", "json")
    assert _git(work, env, "add", ".").returncode == 0
    hooked = _run([sys.executable, "-m", "pre_commit", "run", "--all-files"], work, env)
    assert hooked.returncode == 1, hooked.stdout + hooked.stderr
    whole = _run([sys.executable, "-m", "aovpn_lint", "--format", "json", "."], work, env)
    assert whole.returncode == 1, whole.stderr
    expected = _findings(whole.stdout)
    assert {"AOV501", "AOV502", "AOV503", "AOV601"} <= {f[3] for f in expected}
    assert _findings(hooked.stdout) == expected


def test_committing_the_drifting_script_alone_is_refused(
    tmp_path: Path, hook: tuple[Path, str, Path]
) -> None:
    """Only the script is staged: the hook still compares it with the profile.xml beside it and
    the inventory that lists it, and reports nothing of theirs."""
    work, env = _profiles_repo(tmp_path, hook)
    script = work / DRIFT
    drifting = script.read_text(encoding="utf-8")
    script.unlink()
    assert _git(work, env, "add", ".").returncode == 0
    assert _git(work, env, "commit", "-q", "--no-verify", "-m", "the rest").returncode == 0
    assert _run([sys.executable, "-m", "pre_commit", "install"], work, env).returncode == 0

    script.write_text(drifting, encoding="utf-8")
    assert _git(work, env, "add", DRIFT).returncode == 0
    refused = _git(work, env, "commit", "-q", "-m", "the deployment script")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert f"{DRIFT}:53:14: AOV601 [warning]" in output  # differs from profile.xml beside it
    assert f"{DRIFT}:52:3: AOV502 [note]" in output  # from the inventory in ../inventory
    assert "examples/scripts/profile.xml:41:14" in output  # as the related location only
    reported = {line.split(":", 1)[0] for line in output.splitlines() if ": AOV" in line}
    assert reported == {DRIFT}, output
    assert _git(work, env, "log", "--format=%s").stdout.split("\n")[0] == "the rest"

    # the same script deploying what profile.xml holds goes through
    in_sync = drifting.replace("<Address>10.99.0.0</Address>", "<Address>172.20.0.0</Address>")
    in_sync = in_sync.replace("<PrefixSize>24</PrefixSize>", "<PrefixSize>14</PrefixSize>")
    assert in_sync.count("172.20.0.0") == 1 and in_sync.count(">14<") == 1
    script.write_text(in_sync, encoding="utf-8")
    assert _git(work, env, "add", DRIFT).returncode == 0
    accepted = _git(work, env, "commit", "-q", "-m", "the deployment script, in sync")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
