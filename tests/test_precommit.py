"""The pre-commit hook, end to end with the real pre-commit: ``try-repo`` runs it on a bad
profile, and a commit of a bad profile is rejected while a fixed one goes through.

Slow (pre-commit builds a virtual environment and installs aovpn-lint into it), but run in CI.
"""

from __future__ import annotations

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
    assert hook["entry"] == "aovpn-lint" and hook["pass_filenames"] is True
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
