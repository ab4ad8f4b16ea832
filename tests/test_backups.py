"""Intune backups (IntuneCD YAML and JSON, IntuneBackupAndRestore and IntuneManagement JSON):
recognised by content, never taken for an inventory, findings located at the value; and folder
walks that skip every file showing no sign of AOVPN content, whatever its size or state."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.load.dispatch import SIGNS, Format, walk_accepts
from aovpn_lint.model.findings import Finding
from aovpn_lint.read import discover
from helpers import EXAMPLES, FIXTURES, lint_path, lint_text, run_cli

RULES = RuleSet(load_entry_points=False)
PROFILE = (
    "<VPNProfile>\n"
    "  <AlwaysOn>true</AlwaysOn>\n"
    "  <NativeProfile>\n"
    "    <Servers>vpn.contoso.com</Servers>\n"
    "    <NativeProtocolType>IKEv2</NativeProtocolType>\n"
    "    <Authentication><UserMethod>Eap</UserMethod></Authentication>\n"
    "    <RoutingPolicyType>Split</RoutingPolicyType>\n"
    "  </NativeProfile>\n"
    "</VPNProfile>\n"
)
USER_URI = "./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML"


def custom(
    value: object, setting_type: str = "#microsoft.graph.omaSettingString"
) -> dict[str, object]:
    """A windows10CustomConfiguration as IntuneCD writes it (ids removed, assignments added)."""
    return {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "roleScopeTagIds": ["Default"],
        "description": "",
        "displayName": "Contoso VPN",
        "omaSettings": [
            {
                "@odata.type": setting_type,
                "displayName": "ProfileXML",
                "description": None,
                "omaUri": USER_URI,
                "isEncrypted": False,
                "secretReferenceValueId": None,
                "value": value,
            }
        ],
        "assignments": [{"intent": "apply", "target": {"groupName": "SG-VPN-Users"}}],
    }


def dump_yaml(data: object, width: int = 80) -> str:
    yaml = YAML()
    yaml.width = width
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def one(findings: list[Finding], rule_id: str) -> Finding:
    [finding] = [f for f in findings if f.rule_id == rule_id]
    return finding


def text_at(text: str, finding: Finding) -> str:
    line = text.splitlines()[finding.loc.line - 1]
    return line[finding.loc.col - 1 : finding.loc.end_col - 1]


# --- IntuneCD YAML: the profile located through every scalar style ------------------------------
@pytest.mark.parametrize(
    "style",
    [DoubleQuotedScalarString, SingleQuotedScalarString, LiteralScalarString, FoldedScalarString],
)
@pytest.mark.parametrize("width", [40, 200])
def test_yaml_scalar_styles_locate_the_original_character(
    tmp_path: Path, style: type, width: int
) -> None:
    text = dump_yaml(custom(style(PROFILE)), width)
    finding = one(lint_text(tmp_path, text, "b.yaml", RULES, ("AOV102",)), "AOV102")
    assert text_at(text, finding) == "Split", text


def test_block_scalar_with_an_indentation_indicator(tmp_path: Path) -> None:
    # a value that starts with blanks is dumped as '|2': the indicator counts from the key
    text = dump_yaml(custom(LiteralScalarString("  " + PROFILE)))
    assert "|2" in text
    finding = one(lint_text(tmp_path, text, "b.yaml", RULES, ("AOV102",)), "AOV102")
    assert text_at(text, finding) == "Split"


def test_pyyaml_double_quoted_shape_with_escaped_line_breaks(tmp_path: Path) -> None:
    # IntuneCD dumps with PyYAML, which folds a long double-quoted value with '\' at the line
    # ends and '\ ' for the indentation the next line keeps
    text = (
        "'@odata.type': '#microsoft.graph.windows10CustomConfiguration'\n"
        "displayName: Contoso VPN\n"
        "omaSettings:\n"
        "- '@odata.type': '#microsoft.graph.omaSettingString'\n"
        f"  omaUri: {USER_URI}\n"
        '  value: "<VPNProfile>\\n  <AlwaysOn>true</AlwaysOn>\\n  <NativeProfile>\\n\\\n'
        "    \\    <Servers>vpn.contoso.com</Servers>\\n\\\n"
        "    \\    <RoutingPolicyType>Split</RoutingPolicyType>\\n\\\n"
        '    \\  </NativeProfile>\\n</VPNProfile>"\n'
    )
    finding = one(lint_text(tmp_path, text, "b.yaml", RULES, ("AOV102",)), "AOV102")
    assert (finding.loc.line, finding.loc.col) == (8, 29) and text_at(text, finding) == "Split"


def test_intunecd_json_backup(tmp_path: Path) -> None:
    text = json.dumps(custom(PROFILE), indent=5)  # IntuneCD's json.dump(indent=5)
    finding = one(lint_text(tmp_path, text, "b.json", RULES, ("AOV102",)), "AOV102")
    assert text_at(text, finding) == "Split"


def test_oma_uri_checks_fire_in_yaml_at_the_uri(tmp_path: Path) -> None:
    device = PROFILE.replace("<AlwaysOn>", "<DeviceTunnel>true</DeviceTunnel><AlwaysOn>")
    data = custom(LiteralScalarString(device))
    data["omaSettings"][0]["omaUri"] = "./User/Vendor/MSFT/VPNv2/Contoso VPN/ProfileXML"  # type: ignore[index]
    text = dump_yaml(data)
    findings = lint_text(tmp_path, text, "b.yaml", RULES, ("AOV604", "AOV605"))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "omaUri:" in row)
    for rule_id in ("AOV604", "AOV605"):
        finding = one(findings, rule_id)
        assert (finding.loc.line, text_at(text, finding)) == (
            line,
            "./User/Vendor/MSFT/VPNv2/Contoso VPN/ProfileXML",
        )


# --- never an inventory --------------------------------------------------------------------------
def test_intunecd_template_is_the_template_not_an_inventory() -> None:
    path = FIXTURES / "AOV602" / "bad_intunecd.yaml"
    findings = lint_path(path, RULES, select=("AOV504", "AOV602"))
    assert [f.rule_id for f in findings] == ["AOV602"]


def test_inventory_recognition(tmp_path: Path) -> None:
    inventories = {
        "deploy.yaml": "servers:\n  - name: a\n    public-fqdn: vpn.contoso.com\n    poolx: x\n",
        "near.yaml": "servers:\n  - name: a\n    client_pool: 10.0.0.0/24\n",
    }
    for name, text in inventories.items():
        ids = {f.rule_id for f in lint_text(tmp_path, text, name, RULES, ("AOV504",))}
        assert ids == {"AOV504"}, name
    not_ours = {
        "graph.yaml": "'@odata.type': x\nservers:\n- address: a\n  description: b\n",
        "names.yaml": "servers:\n  - name: a\n    description: b\n",
    }
    for name, text in not_ours.items():
        assert lint_text(tmp_path, text, name, RULES) == [], name


# --- the value kinds and hints ------------------------------------------------------------------
def ps51_json(value: object, col: int = 0) -> str:
    """Windows PowerShell 5.1's ConvertTo-Json layout: four spaces a level, two after the
    colon, a nested container indented from its key, and '<' '>' '&' "'" as \\u escapes."""
    pad = " " * (col + 4)
    if isinstance(value, dict):
        rows = []
        for key, item in value.items():
            head = f"{pad}{_ps51_string(key)}:  "
            rows.append(head + ps51_json(item, len(head)))
        return "{\r\n" + ",\r\n".join(rows) + "\r\n" + " " * col + "}"
    if isinstance(value, list):
        rows = [pad + ps51_json(item, col + 4) for item in value]
        return "[\r\n" + ",\r\n".join(rows) + "\r\n" + " " * col + "]"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return _ps51_string(str(value))


def _ps51_string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text


def test_intune_backup_and_restore_utf16_export(tmp_path: Path) -> None:
    # Out-File in Windows PowerShell 5.1 writes UTF-16LE with a BOM; ids are kept
    data = {"id": "5b0f4c1e-2d7a-4e83-9f61-0c9a8b7d6e52", **custom(PROFILE.replace("\n", "\r\n"))}
    text = ps51_json(data) + "\r\n"
    finding = one(
        lint_text(
            tmp_path, b"\xff\xfe" + text.encode("utf-16-le"), "Contoso VPN.json", RULES, ("AOV102",)
        ),
        "AOV102",
    )
    assert text_at(text, finding) == "Split"
    # and a folder walk finds it by its UTF-16 content
    assert [t.path for t in discover([str(tmp_path)], Config())] == [
        str(tmp_path / "Contoso VPN.json")
    ]


def test_base64_xml_setting_is_located_at_the_value_start(tmp_path: Path) -> None:
    encoded = base64.b64encode(PROFILE.encode()).decode()
    for name, text in (
        ("im.json", ps51_json(custom(encoded, "#microsoft.graph.omaSettingStringXml"))),
        ("cd.yaml", dump_yaml(custom(encoded, "#microsoft.graph.omaSettingStringXml"), 4096)),
    ):
        finding = one(lint_text(tmp_path, text, name, RULES, ("AOV102",)), "AOV102")
        line = text.splitlines()[finding.loc.line - 1]
        assert line[finding.loc.col - 1 :].startswith(encoded[:8]), name


def test_encrypted_value_says_so(tmp_path: Path) -> None:
    data = custom("Kx3vQ9cA2mP0")
    data["omaSettings"][0]["isEncrypted"] = True  # type: ignore[index]
    [finding] = lint_text(tmp_path, json.dumps(data, indent=2), "e.json", RULES)
    assert finding.rule_id == "AOV100" and "encrypted" in finding.message


def test_examples_show_each_backup_tool() -> None:
    expected = {
        "intunecd": "AOV602",
        "intune-backup-and-restore": "AOV302",
        "intune-management": "AOV604",
    }
    for folder, rule_id in expected.items():
        paths = sorted((EXAMPLES / folder).rglob("*.*"))
        found = {f.rule_id for path in paths for f in lint_path(path, RULES)}
        assert found == {rule_id}, folder
        walked = sorted(Path(t.path) for t in discover([str(EXAMPLES / folder)], Config()))
        assert walked == paths, folder


# --- folder walks skip what is not ours ---------------------------------------------------------
NOT_OURS = {
    "package.json": '{"name": "x", "version": ',  # broken, and not ours
    "compliance.json": json.dumps(
        {"@odata.type": "#microsoft.graph.windows10CompliancePolicy", "displayName": "Baseline"}
    ),
    "Device Configurations/Baseline_windows10CompliancePolicy.yaml": (
        "'@odata.type': '#microsoft.graph.windows10CompliancePolicy'\ndisplayName: Baseline\n"
    ),
    ".github/workflows/ci.yml": "on: push\njobs:\n  test: {runs-on: ubuntu-latest\n",
    "docker-compose.yml": "services:\n  web:\n    image: nginx\n",
    "Legacy.csproj.xml": "<Project><PropertyGroup><TargetFramework>net48</Target",
    "task.xml": '<?xml version="1.0" encoding="UTF-16"?><Task><Actions/></Task>',
    "notes.md": "# Notes\n\n```xml\n<Project>\n```\n",
    "build.ps1": "param($x)\n$s = 'unterminated\n",
}


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_walk_skips_files_that_are_not_ours(tmp_path: Path) -> None:
    _tree(tmp_path, NOT_OURS)
    big = tmp_path / "gpreport.xml"  # larger than the file size limit, and not ours
    with big.open("w", encoding="utf-8") as handle:
        handle.write("<rsop><GPO>")
        for _ in range(14 * 1024):
            handle.write("<Setting Name='x'>" + "y" * 1000 + "</Setting>")
    config = Config()
    assert big.stat().st_size > config.max_file_size
    assert list(discover([str(tmp_path)], config)) == []
    result = run_cli("--no-config", "--format", "json", str(tmp_path))
    assert result.returncode == 0 and json.loads(result.stdout)["findings"] == []


def test_walk_still_reports_our_broken_or_large_files(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "broken.xml": "<VPNProfile><NativeProfile>",
            "broken.yaml": "'@odata.type': '#microsoft.graph.windows10VpnConfiguration'\nx: [\n",
        },
    )
    large = tmp_path / "export.json"
    large.write_text(
        '{"@odata.type": "#microsoft.graph.windows10VpnConfiguration", "x": "' + "a" * 2000 + '"}'
    )
    findings = [
        f
        for target in discover([str(tmp_path)], Config())
        for f in lint_path(target.path, RULES, Config(max_file_size=1000))
    ]
    assert sorted(Path(f.loc.path).name for f in findings if f.rule_id == "AOV100") == [
        "broken.xml",
        "broken.yaml",
        "export.json",
    ]


def test_sign_found_past_the_first_chunk_and_across_chunk_edges(tmp_path: Path) -> None:
    chunk = 1 << 20
    for where in (chunk - 5, 2 * chunk + 7):
        path = tmp_path / f"p{where}.xml"
        path.write_bytes(b"<!--" + b"x" * (where - 4) + b"<VPNProfile/>-->")
        assert walk_accepts(str(path), Format.XML)
        assert not walk_accepts(str(path), Format.XML, limit=where - 1)


def test_utf16_script_is_found_by_its_sign(tmp_path: Path) -> None:
    (tmp_path / "Deploy.ps1").write_bytes(
        b"\xff\xfe" + "$ProfileXML = '<VPNProfile></VPNProfile>'\r\n".encode("utf-16-le")
    )
    assert len(list(discover([str(tmp_path)], Config()))) == 1
    assert set(SIGNS) >= {Format.XML, Format.JSON, Format.YAML, Format.MARKDOWN, Format.POWERSHELL}


def test_named_files_are_linted_as_before(tmp_path: Path) -> None:
    # like ruff, a file named on the command line is read whatever the walk would decide
    path = tmp_path / "Legacy.csproj.xml"
    path.write_text(NOT_OURS["Legacy.csproj.xml"])
    assert [f.rule_id for f in lint_path(path, RULES)] == ["AOV100"]


def test_named_json_and_yaml_that_are_not_ours_get_no_finding(tmp_path: Path) -> None:
    _tree(tmp_path, NOT_OURS)
    for name in NOT_OURS:
        if name.endswith((".json", ".yml", ".yaml")):
            assert lint_path(tmp_path / name, RULES) == [], name
