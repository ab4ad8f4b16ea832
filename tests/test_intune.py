"""Intune and MDM exports: the VPN template JSON, custom OMA-URI ProfileXML (JSON escapes,
base64) and SyncML, with findings located in the export."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.model.findings import Finding
from helpers import EXAMPLES, lint_path, lint_text, run_cli, select_args

RULES = RuleSet(load_entry_points=False)
#: the rules these exports are about: PROFILE's 'Split' (AOV102), the template rules
SELECT = ("AOV102", "AOV201", "AOV202", "AOV602")
PROFILE = (
    "<VPNProfile>\n"
    "  <NativeProfile>\n"
    "    <Servers>vpn.contoso.com</Servers>\n"
    "    <NativeProtocolType>IKEv2</NativeProtocolType>\n"
    "    <Authentication><UserMethod>Eap</UserMethod></Authentication>\n"
    "    <RoutingPolicyType>Split</RoutingPolicyType>\n"
    "  </NativeProfile>\n"
    "</VPNProfile>"
)


def located(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return sorted((f.rule_id, f.loc.line, f.loc.col) for f in findings)


def custom_export(
    value: str, odata: str = "#microsoft.graph.omaSettingString"
) -> dict[str, object]:
    return {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "displayName": "Contoso VPN",
        "omaSettings": [
            {
                "@odata.type": odata,
                "displayName": "VPN profile",
                "omaUri": "./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML",
                "value": value,
            }
        ],
    }


def test_escaped_profilexml_is_located_on_the_original_character(tmp_path: Path) -> None:
    # PowerShell's ConvertTo-Json writes '<' as \u003c: six characters per angle bracket
    text = (
        json.dumps(custom_export(PROFILE), indent=2).replace("<", "\\u003c").replace(">", "\\u003e")
    )
    findings = lint_text(tmp_path, text, "export.json", RULES, SELECT)
    [finding] = findings
    line = text.splitlines()[finding.loc.line - 1]
    assert finding.rule_id == "AOV102" and finding.loc.line == 9
    assert line[finding.loc.col - 1 : finding.loc.end_col - 1] == "Split"
    assert (finding.loc.col, finding.loc.end_col) == (342, 347)


def test_raw_json_string_with_newline_escapes(tmp_path: Path) -> None:
    text = json.dumps(custom_export(PROFILE), indent=2)
    [finding] = lint_text(tmp_path, text, "export.json", RULES, SELECT)
    assert (finding.rule_id, finding.loc.line, finding.loc.col) == ("AOV102", 9, 232)
    assert text.splitlines()[8][231:236] == "Split"
    assert finding.loc.path.endswith("export.json")


def test_base64_value_is_linted_and_located_at_the_value(tmp_path: Path) -> None:
    encoded = base64.b64encode(PROFILE.encode("utf-8")).decode("ascii")
    text = json.dumps(custom_export(encoded, "#microsoft.graph.omaSettingStringXml"), indent=2)
    [finding] = lint_text(tmp_path, text, "export.json", RULES, SELECT)
    assert (finding.rule_id, finding.loc.line, finding.loc.col) == ("AOV102", 9, 17)
    assert text.splitlines()[8][15:17] == '"P'


def test_template_rules_and_locations() -> None:
    findings = lint_path(EXAMPLES / "intune" / "contoso-vpn-template.json", RULES, select=SELECT)
    assert located(findings) == [("AOV201", 8, 4), ("AOV202", 19, 26), ("AOV602", 24, 27)]
    [default] = [f for f in findings if f.rule_id == "AOV202"]
    assert [(r.loc.line, r.loc.col) for r in default.related] == [(9, 5)]


def test_graph_collection_page_and_bare_list(tmp_path: Path) -> None:
    template = {
        "@odata.type": "#microsoft.graph.windows10VpnConfiguration",
        "displayName": "T",
        "servers": [
            {"address": "a.contoso.com", "isDefaultServer": True},
            {"address": "b.contoso.com", "isDefaultServer": True},
        ],
        "enableSplitTunneling": True,
    }
    for name, data in (("page.json", {"value": [template]}), ("list.json", [template])):
        text = json.dumps(data, indent=1)
        ids = sorted(f.rule_id for f in lint_text(tmp_path, text, name, RULES, SELECT))
        assert ids == ["AOV201", "AOV202", "AOV602"], name


def test_syncml_data_with_entities_and_cdata(tmp_path: Path) -> None:
    escaped = PROFILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    syncml = (
        '<SyncML xmlns="SYNCML:SYNCML1.2">\n<SyncBody>\n<Add>\n<CmdID>1</CmdID>\n<Item>\n'
        "<Target><LocURI>./Device/Vendor/MSFT/VPNv2/Contoso/ProfileXML</LocURI></Target>\n"
        '<Meta><Format xmlns="syncml:metinf">chr</Format></Meta>\n'
        f"<Data>{escaped}</Data>\n</Item>\n</Add>\n"
        "<Replace>\n<CmdID>2</CmdID>\n<Item>\n"
        "<Target><LocURI>./User/Vendor/MSFT/VPNv2/Other/ProfileXML</LocURI></Target>\n"
        f"<Data><![CDATA[{PROFILE}]]></Data>\n</Item>\n</Replace>\n<Final/>\n</SyncBody>\n</SyncML>\n"
    )
    findings = lint_text(tmp_path, syncml, "deploy.syncml.xml", RULES, SELECT)
    assert located(findings) == [("AOV102", 13, 30), ("AOV102", 27, 24)]
    lines = syncml.splitlines()
    assert lines[12][29:34] == "Split" and lines[26][23:28] == "Split"


def test_invalid_json_export_is_a_located_parse_error(tmp_path: Path) -> None:
    text = (
        '{\n  "@odata.type": "#microsoft.graph.windows10VpnConfiguration",\n  "servers": [,]\n}\n'
    )
    [finding] = lint_text(tmp_path, text, "broken.json", RULES)
    assert (finding.rule_id, finding.loc.line, finding.loc.col) == ("AOV100", 3, 15)


def test_duplicate_json_keys_are_reported(tmp_path: Path) -> None:
    text = (
        '{"@odata.type": "#microsoft.graph.windows10VpnConfiguration",\n'
        ' "servers": [], "servers": []}'
    )
    [finding] = lint_text(tmp_path, text, "dup.json", RULES)
    assert (finding.rule_id, finding.loc.line) == ("AOV100", 2) and "duplicate" in finding.message


def test_deep_json_is_refused_without_a_crash(tmp_path: Path) -> None:
    text = (
        '{"omaUri": "./User/Vendor/MSFT/VPNv2/x/ProfileXML", "omaSettings": '
        + "[" * 50_000
        + "]" * 50_000
        + "}"
    )
    [finding] = lint_text(tmp_path, text, "deep.json", RULES)
    assert finding.rule_id == "AOV100" and "nested too deeply" in finding.message


def test_unrelated_json_is_skipped_by_walks_and_clean_when_named(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "version": ')  # broken, but not ours
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": {}}')
    (tmp_path / "vpn.json").write_text(json.dumps(custom_export(PROFILE)))
    walked = run_cli("--no-config", *select_args(SELECT), "--format", "json", str(tmp_path))
    document = json.loads(walked.stdout)
    assert document["files"] == 1
    assert {f["path"].rsplit("/", 1)[-1] for f in document["findings"]} == {"vpn.json"}
    named = run_cli(
        "--no-config",
        *select_args(SELECT),
        str(tmp_path / "package.json"),
        str(tmp_path / "tsconfig.json"),
    )
    assert named.returncode == 0, named.stdout


def test_non_string_value_is_reported(tmp_path: Path) -> None:
    data = custom_export("x")
    data["omaSettings"][0]["value"] = 42  # type: ignore[index]
    [finding] = lint_text(tmp_path, json.dumps(data), "n.json", RULES)
    assert finding.rule_id == "AOV100" and "not a string" in finding.message
