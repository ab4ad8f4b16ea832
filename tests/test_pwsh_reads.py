"""Deployment scripts that read their ProfileXML from a file: the link, where the path is written,
what happens to paths that are missing or lead out of the tree, and the cross-file rules that
treat the file as the profile the script deploys."""

from __future__ import annotations

import builtins
import os
import re
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import lint_file, lint_project
from aovpn_lint.load.powershell import load_script
from aovpn_lint.model.document import ReadStatus, ScriptInfo, ScriptRead
from aovpn_lint.model.findings import Finding
from aovpn_lint.model.positions import Source
from aovpn_lint.read import discover
from helpers import FIXTURES

RULES = RuleSet(load_entry_points=False)
DEPLOY = "New-CimInstance -ClassName 'MDM_VPNv2_01' -Property @{ ProfileXML = $ProfileXML }\n"
PROFILE = (
    "<VPNProfile><NativeProfile><Servers>vpn.example.com</Servers>"
    "<NativeProtocolType>IKEv2</NativeProtocolType></NativeProfile></VPNProfile>\n"
)


def reads(path: Path, script: str) -> tuple[ScriptRead, ...]:
    path.write_text(script, encoding="utf-8")
    documents, _problems = load_script(script, Source(str(path), script))
    info = documents[0].payload
    assert isinstance(info, ScriptInfo)
    return info.reads


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository: scripts/ beside profiles/profile.xml."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "profile.xml").write_text(PROFILE, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "line",
    [
        "$ProfileXML = Get-Content ..\\profiles\\profile.xml -Raw",
        "$ProfileXML = Get-Content -Raw -Path '..\\profiles\\profile.xml'",
        '$ProfileXML = Get-Content -Encoding UTF8 -LiteralPath "..\\profiles\\profile.xml" -Raw',
        '[xml]$Profile = Get-Content "$PSScriptRoot\\..\\profiles\\profile.xml"',
        "$Profile = [xml](gc '.\\..\\profiles\\profile.xml')",
        '$ProfileXML = [System.IO.File]::ReadAllText("$PSScriptRoot/../profiles/profile.xml")',
        "$ProfileXML = [IO.File]::ReadAllText((Join-Path $PSScriptRoot "
        "'..\\profiles\\profile.xml'))",
        "$Xml = New-Object System.Xml.XmlDocument; "
        '$Xml.Load("${PSScriptRoot}\\..\\profiles\\profile.xml")',
        "$ProfileXML = Get-Content -Path (Join-Path -Path $PSScriptRoot "
        "-ChildPath '..\\profiles\\profile.xml') -Raw",
        "$File = '..\\profiles\\profile.xml'\n$ProfileXML = Get-Content $File -Raw",
        '$File = "$PSScriptRoot\\..\\profiles\\profile.xml"\n$ProfileXML = Get-Content $File -Raw',
        "$File = Join-Path $PSScriptRoot '..\\profiles\\profile.xml'\n"
        "$ProfileXML = Get-Content -Path $File",
    ],
)
def test_every_way_of_reading_the_file_is_linked(repo: Path, line: str) -> None:
    script = f"# deploy\n{line}\n{DEPLOY}"
    [read] = reads(repo / "scripts" / "Deploy.ps1", script)
    assert read.status is ReadStatus.FOUND
    assert Path(read.path).resolve() == (repo / "profiles" / "profile.xml").resolve()
    # located at the path as written (the literal, for a variable set to one)
    written = re.search(
        r"(?:\$\{?PSScriptRoot\}?[\\/])?(?:\.\\)?\.\.[\\/]profiles[\\/]profile\.xml", script
    )
    assert written is not None
    line_no = script.count("\n", 0, written.start()) + 1
    col = written.start() - script.rfind("\n", 0, written.start())
    assert (read.loc.line, read.loc.col) == (line_no, col)
    assert read.loc.end_col == col + len(written.group())


def test_a_missing_file_is_reported_and_never_opened(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = f"$ProfileXML = Get-Content .\\UserTunnel.xml -Raw\n{DEPLOY}"
    path = repo / "scripts" / "Deploy.ps1"
    path.write_text(script, encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the loader opened {args[0]!r}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    documents, _ = load_script(script, Source(str(path), script))
    [read] = documents[0].payload.reads
    assert read.status is ReadStatus.MISSING and read.written == ".\\UserTunnel.xml"


@pytest.mark.parametrize(
    "path",
    [
        "C:\\ProgramData\\Contoso\\profile.xml",
        "\\\\fileserver\\vpn\\profile.xml",
        "/etc/vpn/profile.xml",
        "~/profile.xml",
        "$env:ProgramData\\Contoso\\profile.xml",
        "..\\..\\outside.xml",  # above the repository root
        "link\\secret.xml",  # a symbolic link leading out of the repository
    ],
)
def test_a_path_out_of_the_tree_is_never_looked_at(repo: Path, path: str) -> None:
    outside = repo.parent / "outside.xml"
    outside.write_text(PROFILE, encoding="utf-8")
    (repo / "scripts" / "link").symlink_to(repo.parent, target_is_directory=True)
    (repo.parent / "secret.xml").write_text(PROFILE, encoding="utf-8")
    script = f"$ProfileXML = Get-Content '{path}' -Raw\n{DEPLOY}"
    [read] = reads(repo / "scripts" / "Deploy.ps1", script)
    assert read.status is ReadStatus.OUTSIDE and read.path == ""
    [note] = lint_one(repo / "scripts" / "Deploy.ps1", "AOV603")
    assert "outside the linted tree" in note.message and (note.loc.line, note.loc.col) == (1, 28)


@pytest.mark.parametrize(
    "script",
    [
        # no sign of a VPN profile: a script that reads some other XML is not ours
        "[xml]$Settings = Get-Content .\\settings.xml\n$Settings.Save('x')\n",
        # not an .xml file, or a path only known at run time
        "$ProfileXML = Get-Content .\\profile.txt -Raw\n" + DEPLOY,
        "$ProfileXML = Get-Content -Path $XmlFilePath -Raw\n" + DEPLOY,
        '$ProfileXML = Get-Content "$Folder\\profile.xml" -Raw\n' + DEPLOY,
        "$ProfileXML = Get-Content .\\*.xml -Raw\n" + DEPLOY,
        # a comment or a string that mentions Get-Content
        "# $ProfileXML = Get-Content .\\profile.xml\n" + DEPLOY,
        "Write-Host 'run Get-Content .\\profile.xml first'\n" + DEPLOY,
    ],
)
def test_no_link_without_a_literal_xml_path(tmp_path: Path, script: str) -> None:
    assert reads(tmp_path / "Deploy.ps1", script) == ()


def lint_one(path: Path, rule_id: str) -> list[Finding]:
    config = Config(select=(rule_id,))
    return [
        f
        for f in lint_file(discover([str(path)], config).__next__(), RULES, config, False).findings
        if f.rule_id == rule_id
    ]


def lint_folder(folder: Path, rule_id: str) -> list[Finding]:
    """Every file of ``folder`` as one run with only ``rule_id`` on, per-file and cross-file."""
    config = Config(select=(rule_id,))
    documents = []
    findings = []
    for target in discover([str(folder)], config):
        result = lint_file(target, RULES, config, keep=True)
        documents.extend(result.documents)
        findings.extend(result.findings)
    findings.extend(lint_project(documents, RULES, config))
    return [f for f in findings if f.rule_id == rule_id]


def marked(folder: Path, rule_id: str, kind: str = "expect") -> list[tuple[str, int]]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if f"{kind}: {rule_id}" in line:
                found.append((path.relative_to(folder).as_posix(), number))
    return found


def at(folder: Path, finding_loc_path: str, line: int) -> tuple[str, int]:
    return Path(finding_loc_path).resolve().relative_to(folder.resolve()).as_posix(), line


SCRIPT_READS = FIXTURES / "project" / "script-reads"


@pytest.mark.parametrize("rule_id", ["AOV603", "AOV506"])
def test_profiles_read_by_scripts_are_deployed_together(rule_id: str) -> None:
    """profiles/ holds a device tunnel and two user tunnels, so the folder alone says nothing;
    the scripts beside each other deploy one device and one user tunnel: AOV506 applies."""
    findings = lint_folder(SCRIPT_READS, rule_id)
    assert sorted(at(SCRIPT_READS, f.loc.path, f.loc.line) for f in findings) == marked(
        SCRIPT_READS, rule_id
    )
    related = sorted(at(SCRIPT_READS, r.loc.path, r.loc.line) for f in findings for r in f.related)
    assert related == marked(SCRIPT_READS, rule_id, "related")
    if rule_id == "AOV506":
        assert "deployed by scripts in the same folder" in findings[0].message


def test_without_the_scripts_the_profiles_folder_says_nothing(tmp_path: Path) -> None:
    for name in ("device.xml", "user.xml", "user-lab.xml"):
        (tmp_path / name).write_bytes((SCRIPT_READS / "profiles" / name).read_bytes())
    assert lint_folder(tmp_path, "AOV506") == []


def test_an_inventory_entry_naming_the_script_covers_the_file_it_reads(repo: Path) -> None:
    (repo / "scripts" / "Deploy.ps1").write_text(
        f"$ProfileXML = Get-Content ..\\profiles\\profile.xml -Raw\n{DEPLOY}", encoding="utf-8"
    )
    (repo / "aovpn-inventory.yaml").write_text(
        "servers:\n  - name: rras01\n    public-fqdn: vpn.contoso.com\n"
        "profiles:\n  - path: scripts/Deploy.ps1\n",
        encoding="utf-8",
    )
    [finding] = lint_folder(repo, "AOV503")
    assert at(repo, finding.loc.path, finding.loc.line) == ("profiles/profile.xml", 1)
    assert "vpn.example.com" in finding.message


def test_a_file_read_into_the_embedded_profile_is_a_fragment_not_the_profile(
    tmp_path: Path,
) -> None:
    script = (
        '$EapConfig = Get-Content -Path "$PSScriptRoot\\eap-tls.xml" -Raw\n'
        '$ProfileXML = @"\n<VPNProfile><NativeProfile><Authentication><Eap><Configuration>'
        "$EapConfig</Configuration></Eap></Authentication></NativeProfile></VPNProfile>\n"
        '"@\n' + DEPLOY
    )
    assert reads(tmp_path / "Deploy.ps1", script) == ()


def test_a_path_in_another_letter_case_finds_the_file_as_windows_does(repo: Path) -> None:
    script = f"$ProfileXML = Get-Content ..\\Profiles\\PROFILE.xml -Raw\n{DEPLOY}"
    [read] = reads(repo / "scripts" / "Deploy.ps1", script)
    assert read.status is ReadStatus.FOUND
    assert Path(read.path).resolve() == (repo / "profiles" / "profile.xml").resolve()


def test_a_pester_test_reads_the_profile_to_check_it_not_to_deploy_it(repo: Path) -> None:
    """Pester finds its tests by the name '*.Tests.ps1': such a script asserts on the profile
    it reads (and may name MDM_VPNv2_01 to query it), so it deploys nothing and links nothing."""
    test = (
        "Describe 'VPN profile' {\n"
        '    BeforeAll { $xml = Get-Content -Raw "$PSScriptRoot/../profiles/profile.xml" }\n'
        "    It 'is a VPNProfile' { $xml | Should -Match '<VPNProfile>' }\n"
        "    It 'is deployed' { Get-CimInstance -ClassName MDM_VPNv2_01 | Should -Not -BeNull }\n"
        "}\n"
    )
    assert reads(repo / "scripts" / "Profile.Tests.ps1", test) == ()
    (linked,) = reads(repo / "scripts" / "Profile.ps1", test)
    assert linked.status is ReadStatus.FOUND
