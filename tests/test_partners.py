"""Partners: a file named alone (as pre-commit passes the staged files) is checked by the
cross-file rules against the files on disk they need, and nothing else is read or reported.

Each test builds its repository in a temporary folder holding ``.git`` (the repository root).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aovpn_lint import partners as partners_module
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import DEPLOYMENT_FOLDER_FILES, Linter
from aovpn_lint.model.document import Document, DocumentKind
from aovpn_lint.read import Target
from helpers import EXAMPLES, FIXTURES, ROOT

RULES = RuleSet(load_entry_points=False)
PROJECT_RULES = tuple(
    sorted(rid for rid, rule in RULES.rules.items() if "aovpn_lint_check_project" in rule.impls)
)
PROFILE = """<VPNProfile>
  <AlwaysOn>true</AlwaysOn>{extra}
  <NativeProfile>
    <Servers>vpn.contoso.com</Servers>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
  </NativeProfile>
  <RegisterDNS>true</RegisterDNS>
</VPNProfile>
"""
USER = PROFILE.format(extra="")
DEVICE = PROFILE.format(extra="\n  <DeviceTunnel>true</DeviceTunnel>")
INVENTORY = "servers:\n  - name: rras01\n    public-fqdn: vpn.contoso.com\n"

Found = tuple[str, str, int, int]


def lint(
    paths: list[Path], root: Path, config: Config | None = None
) -> tuple[list[tuple[str | None, Found]], Linter]:
    """Lint ``paths`` as the command line does; every finding as (result path, finding)."""
    linter = Linter(config or Config(select=PROJECT_RULES), RULES)
    found = [
        (
            result.path,
            (f.rule_id, Path(f.loc.path).relative_to(root).as_posix(), f.loc.line, f.loc.col),
        )
        for result in linter.lint_paths([str(p) for p in paths])
        for f in result.findings
    ]
    return found, linter


def findings(paths: list[Path], root: Path, config: Config | None = None) -> set[Found]:
    return {f for _path, f in lint(paths, root, config)[0]}


def repository(tmp_path: Path, source: Path | None = None) -> Path:
    root = tmp_path / "repo"
    if source is not None:
        shutil.copytree(source, root)
    root.mkdir(exist_ok=True)
    (root / ".git").mkdir()
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            yield path


FOLDERS = [
    *(FIXTURES / rid / "bad" for rid in PROJECT_RULES if (FIXTURES / rid / "bad").is_dir()),
    *sorted(p for p in (FIXTURES / "project").iterdir() if p.is_dir()),
    EXAMPLES,
]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_file_alone_gets_the_findings_of_the_whole_run(tmp_path: Path, folder: Path) -> None:
    """Linting the files one at a time reports, over all of them, exactly what linting the
    folder reports, and each run reports findings in its own file only."""
    root = repository(tmp_path, folder)
    whole = findings([root], root)
    assert any(f[0] in PROJECT_RULES for f in whole), "the folder must exercise a cross-file rule"
    union: set[Found] = set()
    for path in files(root):
        found, _linter = lint([path], root)
        name = path.relative_to(root).as_posix()
        assert {f[1] for _result, f in found} <= {name}, "a partner's finding was reported"
        assert {result for result, _f in found} <= {str(path), None}
        union.update(f for _result, f in found)
    assert union == whole


def test_a_script_alone_is_compared_with_the_profile_beside_it(tmp_path: Path) -> None:
    root = repository(tmp_path, FIXTURES / "AOV601" / "bad")
    script = root / "Deploy-VpnProfile.ps1"
    assert {f[0] for f in findings([script], root)} == {"AOV601"}
    (root / "profile.xml").unlink()
    assert findings([script], root) == set()


def test_the_inventory_above_and_the_one_beside_that_lists_the_file(tmp_path: Path) -> None:
    root = repository(tmp_path)
    user = write(
        root / "site" / "profiles" / "user.xml", USER.replace("vpn.contoso", "vpn9.contoso")
    )
    config = Config(select=("AOV503",))
    assert findings([user], root, config) == set()  # no inventory anywhere yet
    # beside the profile's folders but listing other files: not this file's inventory
    write(
        root / "site" / "inventory" / "aovpn-inventory.yaml",
        INVENTORY + "profiles:\n  - path: x.xml\n",
    )
    assert findings([user], root, config) == set()
    # once it lists the profile, it is
    write(
        root / "site" / "inventory" / "aovpn-inventory.yaml",
        INVENTORY + "profiles:\n  - path: ../profiles/*.xml\n",
    )
    assert {f[:2] for f in findings([user], root, config)} == {("AOV503", "site/profiles/user.xml")}
    # an inventory in a folder above applies to every profile below it
    shutil.rmtree(root / "site" / "inventory")
    write(root / "aovpn-inventory.yaml", INVENTORY)
    assert {f[:2] for f in findings([user], root, config)} == {("AOV503", "site/profiles/user.xml")}


def test_profiles_the_inventory_lists_are_deployed_together(tmp_path: Path) -> None:
    """AOV506 needs the device tunnel the inventory lists in another folder."""
    root = repository(tmp_path)
    user = write(root / "user" / "user.xml", USER)
    write(root / "device" / "deep" / "device.xml", DEVICE)
    inventory = INVENTORY + "profiles:\n  - path: user/*.xml\n  - path: device/**/*.xml\n"
    write(root / "aovpn-inventory.yaml", inventory)
    assert {f[:2] for f in findings([user], root)} == {("AOV506", "user/user.xml")}
    write(root / "aovpn-inventory.yaml", inventory.replace("device/**", "elsewhere/**"))
    assert findings([user], root) == set()


def test_partners_stay_inside_the_repository(tmp_path: Path) -> None:
    """A link to a profile outside the repository, an inventory path leading out of it and an
    inventory above the repository root are never read."""
    root = repository(tmp_path)
    outside = write(tmp_path / "outside" / "device.xml", DEVICE)
    user = write(root / "vpn" / "user.xml", USER)
    write(tmp_path / "aovpn-inventory.yaml", INVENTORY.replace("vpn.contoso", "other.contoso"))
    os.symlink(outside, root / "vpn" / "device.xml")
    assert findings([user], root) == set()
    # the same profile as a file of the repository is found (the test can fail)
    (root / "vpn" / "device.xml").unlink()
    shutil.copy(outside, root / "vpn" / "device.xml")
    assert {f[0] for f in findings([user], root)} == {"AOV506"}
    (root / "vpn" / "device.xml").unlink()
    write(
        root / "aovpn-inventory.yaml",
        INVENTORY + "profiles:\n  - path: vpn/*.xml\n  - path: ../outside/*.xml\n",
    )
    assert findings([user], root) == set()


def test_excluded_files_are_no_partners(tmp_path: Path) -> None:
    root = repository(tmp_path)
    user = write(root / "vpn" / "user.xml", USER)
    write(root / "vpn" / "device.xml", DEVICE)
    assert {f[0] for f in findings([user], root)} == {"AOV506"}
    excluded = Config(select=PROJECT_RULES, exclude=("device.xml",), base_dir=str(root))
    assert findings([user], root, excluded) == set()


def test_a_collection_folder_is_not_loaded_for_one_file(tmp_path: Path) -> None:
    """A folder with more profiles than a deployment holds is not kept by a whole run, so a file
    named alone does not load it either."""
    root = repository(tmp_path)
    for index in range(DEPLOYMENT_FOLDER_FILES + 1):
        write(root / "collection" / f"p{index:02}.xml", USER)
    _found, linter = lint([root / "collection" / "p00.xml"], root)
    assert linter.kept_documents == 0
    write(root / "small" / "a.xml", USER)
    write(root / "small" / "b.xml", DEVICE)
    _found, linter = lint([root / "small" / "a.xml"], root)
    assert linter.kept_documents == 2


def test_the_search_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """For one file, only its folder, the folders above it and their direct subfolders are
    listed, and what the inventory's paths reach: never the rest of the repository."""
    root = repository(tmp_path)
    user = write(root / "a" / "b" / "user.xml", USER)
    write(
        root / "a" / "inventory" / "aovpn-inventory.yaml",
        INVENTORY + "profiles:\n  - path: ../b/*.xml\n",
    )
    for name in ("x", "y"):
        write(root / "elsewhere" / name / "deep" / "p.xml", DEVICE)
    scanned: list[str] = []
    scandir = os.scandir

    def spy(path: str) -> object:
        scanned.append(Path(path).resolve().relative_to(root.resolve()).as_posix())
        return scandir(path)

    monkeypatch.setattr(partners_module.os, "scandir", spy)
    assert findings([user], root) == set()
    allowed = {".", "a", "a/b", "a/inventory", "elsewhere"}
    assert set(scanned) <= allowed, sorted(set(scanned) - allowed)
    assert "a/inventory" in scanned


def reads(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    """Scripts read what ``table`` says (by script file name), as the PowerShell loader records
    it: the path named as the run names files."""

    def script_reads(document: Document) -> tuple[str, ...]:
        if document.kind is not DocumentKind.SCRIPT:
            return ()
        return tuple(table.get(os.path.basename(document.path), ()))

    monkeypatch.setattr(partners_module, "script_reads", script_reads)


def loaded_partners(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """The partners the runs load, by path relative to ``root`` (filled as they run)."""
    loaded: list[str] = []
    load = Linter._load_partner

    def record(self: Linter, target: Target) -> list[Document]:
        documents = load(self, target)
        if documents:
            loaded.append(Path(target.path).resolve().relative_to(root.resolve()).as_posix())
        return documents

    monkeypatch.setattr(Linter, "_load_partner", record)
    return loaded


def test_a_file_a_script_reads_is_a_partner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file a named script reads its profile from is loaded for the cross-file rules when it
    is inside the repository."""
    root = repository(tmp_path)
    script = write(root / "scripts" / "Deploy.ps1", f"$ProfileXML = '{USER}'\n")
    write(root / "profiles" / "device.xml", DEVICE)
    write(tmp_path / "device.xml", DEVICE)
    table: dict[str, list[str]] = {}
    reads(monkeypatch, table)
    loaded = loaded_partners(monkeypatch, root)
    findings([script], root)
    assert loaded == []
    table["Deploy.ps1"] = [str(root / "scripts" / ".." / ".." / "device.xml"), "C:\\device.xml"]
    findings([script], root)
    assert loaded == []  # outside the repository, or a path of another machine: never read
    table["Deploy.ps1"] = [str(root / "scripts" / ".." / "profiles" / "device.xml")]
    findings([script], root)
    assert loaded == ["profiles/device.xml"]


def test_the_scripts_that_read_a_named_profile_are_partners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile committed alone is deployed by the scripts that read it: they are found in the
    folders searched for inventories, with the other scripts of their folder and what those
    read; scripts reading other files are not kept, and no deeper folder is searched."""
    root = repository(tmp_path)
    user = write(root / "profiles" / "user.xml", USER)
    write(root / "profiles" / "device.xml", DEVICE)
    for name in ("Deploy-User.ps1", "Deploy-Device.ps1"):
        write(root / "scripts" / name, "$ProfileXML = Get-Content -Raw $args[0]  # deploys it\n")
    write(root / "tools" / "Other.ps1", "$ProfileXML = Get-Content -Raw $args[0]  # another\n")
    write(root / "tools" / "lab.xml", USER)  # a partner only if Other.ps1 were kept
    write(
        root / "deep" / "er" / "Deploy.ps1", "$ProfileXML = Get-Content -Raw $args[0]  # too deep\n"
    )
    write(root / "elsewhere" / "device.xml", DEVICE)
    profiles = root / "profiles"
    reads(
        monkeypatch,
        {
            "Deploy-User.ps1": [str(profiles / "user.xml")],
            "Deploy-Device.ps1": [str(root / "elsewhere" / "device.xml")],
            "Other.ps1": [str(profiles / "device.xml")],
            "Deploy.ps1": [str(profiles / "user.xml")],
        },
    )
    loaded = loaded_partners(monkeypatch, root)
    findings([user], root)
    kept = {name for name in loaded if not name.endswith("Other.ps1")}
    assert kept == {
        "profiles/device.xml",
        "scripts/Deploy-User.ps1",
        "scripts/Deploy-Device.ps1",
        "elsewhere/device.xml",
    }
    assert "deep/er/Deploy.ps1" not in loaded
    assert "tools/lab.xml" not in loaded


def test_standard_input_named_as_a_file_has_its_partners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor sends the unsaved script on stdin with --stdin-filename: it is compared with the
    profile beside that name, and the file on disk under that name is not read as well."""
    root = repository(tmp_path, FIXTURES / "AOV601" / "bad")
    script = root / "Deploy-VpnProfile.ps1"
    monkeypatch.chdir(root)
    for name, expected in ((script.name, 1), (None, 0)):
        stdin = io.TextIOWrapper(io.BytesIO(script.read_bytes()))
        monkeypatch.setattr(sys, "stdin", stdin)
        linter = Linter(Config(select=PROJECT_RULES), RULES, stdin_name=name)
        found = [
            f
            for result in linter.lint_paths(["-"])
            for f in result.findings
            if f.rule_id in PROJECT_RULES  # without a name, stdin is read as XML: AOV100
        ]
        assert [f.rule_id for f in found] == ["AOV601"] * expected
        assert all(f.loc.path == script.name for f in found)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_special_file_beside_the_named_file_is_never_opened(tmp_path: Path) -> None:
    """A FIFO named like an export or a profile would block the run if it were opened."""
    root = repository(tmp_path)
    user = write(root / "vpn" / "user.xml", USER)
    write(root / "vpn" / "device.xml", DEVICE)
    for name in ("export.json", "other.xml", "aovpn-inventory.yaml"):
        os.mkfifo(root / "vpn" / name)
    command = [sys.executable, "-m", "aovpn_lint", "--no-config", "--select", "AOV506", str(user)]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "user.xml:8:3: AOV506" in done.stdout and "other.xml" not in done.stdout


def test_a_partner_that_gitignore_ignores_is_not_read(tmp_path: Path) -> None:
    """A whole run's walk skips what .gitignore ignores; a file named alone does not read it
    as a partner either."""
    root = repository(tmp_path)
    user = write(root / "vpn" / "user.xml", USER)
    write(root / "vpn" / "device.xml", DEVICE)
    write(root / ".gitignore", "vpn/device.xml\n")
    assert findings([user], root) == set() == findings([root], root)
    unignored = Config(select=PROJECT_RULES, respect_gitignore=False)
    assert {f[0] for f in findings([user], root, unignored)} == {"AOV506"}
