"""--force-exclude (the pre-commit hook's flag): files named on the command line are filtered as
a folder walk filters them, so a staged file that is not ours never blocks a commit."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT, run_cli

BROKEN_PROFILE = "<VPNProfile>\n  <AlwaysOn>true</AlwaysOn>\n"


def _lint(root: Path, *names: str, force: bool = True) -> dict[str, list[str]]:
    flags = ["--force-exclude"] if force else []
    result = run_cli("--no-config", "--format", "json", *flags, *names, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    found: dict[str, list[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        found.setdefault(finding["path"], []).append(finding["rule_id"])
    return found


def test_named_files_that_are_not_ours_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.csproj.xml").write_text("<Project><PropertyGroup>\n")
    (tmp_path / "gpreport.xml").write_text("<Report>" + "<GPO/>" * 50_000 + "</Report>\n")
    (tmp_path / "profile.xml").write_text(BROKEN_PROFILE)
    names = ("broken.csproj.xml", "gpreport.xml", "profile.xml")
    assert _lint(tmp_path, *names) == {"profile.xml": ["AOV100"]}, "ours and broken: reported"
    assert set(_lint(tmp_path, *names, force=False)) == {"broken.csproj.xml", "profile.xml"}


def test_named_files_that_gitignore_ignores_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "profile.xml").write_text(BROKEN_PROFILE)
    assert _lint(tmp_path, "generated/profile.xml") == {}
    assert _lint(tmp_path, "generated/profile.xml", force=False) != {}


def test_the_pre_commit_hook_sets_it() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert "entry: aovpn-lint --force-exclude\n" in hooks
