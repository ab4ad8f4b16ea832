"""Microsoft365DSC configurations: VPN template blocks read as the Graph template, custom
OMA-URI settings as profiles, with every node and finding located in the .ps1."""

from __future__ import annotations

import base64
import json
import random
import re
import textwrap
from pathlib import Path

from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.load import dscnames, intune
from aovpn_lint.load.dispatch import load_bytes
from aovpn_lint.model.document import Carrier, Document, DocumentKind, GapKind, ScriptInfo
from aovpn_lint.model.findings import Finding
from aovpn_lint.model.positions import Source
from aovpn_lint.model.tree import Node, NodeKind
from helpers import EXAMPLES, ROOT, lint_path, lint_text

RULES = RuleSet(load_entry_points=False)

HEADER = """Configuration ContosoVpn
{
    param(
        [Parameter()]
        [System.String]
        $ApplicationId,

        [Parameter()]
        [System.String]
        $TenantId
    )
    Import-DscResource -ModuleName Microsoft365DSC

    Node localhost
    {
"""
FOOTER = """    }
}
"""

TEMPLATE = (
    HEADER
    + """        IntuneDeviceConfigurationVpnPolicyWindows10 'ContosoDeviceTunnel'
        {
            DisplayName          = "Contoso Device Tunnel";
            ConnectionName       = 'Contoso ''Device'' Tunnel';
            ConnectionType       = "ikEv2";
            AuthenticationMethod = "certificate";
            EnableDeviceTunnel   = $True;
            EnableSplitTunneling = $true;
            ServerCollection     = @(
                MSFT_MicrosoftGraphvpnServer{
                    Address = 'vpn1.contoso.com'
                    Description = "Site `"A`""
                    IsDefaultServer = $True
                }
                MSFT_MicrosoftGraphvpnServer{
                    Address = 'vpn2.contoso.com'; Description = 'Site B'; IsDefaultServer = $True
                }
            );
            Routes               = @(
                MSFT_MicrosoftGraphvpnRoute{
                    DestinationPrefix = '10.10.0.10'
                    PrefixSize = 32
                }
            );
            TrafficRules         = @(
                MSFT_MicrosoftGraphvpnTrafficRule{
                    Name = 'DC'
                    Protocols = 6
                    RemotePortRanges = @(
                        MSFT_MicrosoftGraphNumberRange{ LowerNumber = 389; UpperNumber = 389 }
                    )
                    RoutingPolicyType = 'splitTunnel'
                }
            );
            ProxyServer          = MSFT_MicrosoftGraphwindows10VpnProxyServer{
                Address = 'proxy.contoso.com'
                Port = 8080
            };
            DnsSuffixes          = @("corp.contoso.com", 'contoso.local');
            TrustedNetworkDomains = @();
            WindowsInformationProtectionDomain = $null;
            Ensure               = "Present";
            ApplicationId        = $ApplicationId;
            TenantId             = $TenantId;
        }
"""
    + FOOTER
)

#: the same template as Graph returns it
GRAPH = {
    "displayName": "Contoso Device Tunnel",
    "connectionName": "Contoso 'Device' Tunnel",
    "connectionType": "ikEv2",
    "authenticationMethod": "certificate",
    "enableDeviceTunnel": True,
    "enableSplitTunneling": True,
    "servers": [
        {"address": "vpn1.contoso.com", "description": 'Site "A"', "isDefaultServer": True},
        {"address": "vpn2.contoso.com", "description": "Site B", "isDefaultServer": True},
    ],
    "routes": [{"destinationPrefix": "10.10.0.10", "prefixSize": 32}],
    "trafficRules": [
        {
            "name": "DC",
            "protocols": 6,
            "remotePortRanges": [{"lowerNumber": 389, "upperNumber": 389}],
            "routingPolicyType": "splitTunnel",
        }
    ],
    "proxyServer": {"address": "proxy.contoso.com", "port": 8080},
    "dnsSuffixes": ["corp.contoso.com", "contoso.local"],
    "trustedNetworkDomains": [],
    "windowsInformationProtectionDomain": None,
}

PROFILE = """<VPNProfile>
  <DeviceTunnel>true</DeviceTunnel>
  <NativeProfile>
    <Servers>vpn.contoso.com</Servers>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication><MachineMethod>Certificate</MachineMethod></Authentication>
    <RoutingPolicyType>Split</RoutingPolicyType>
  </NativeProfile>
</VPNProfile>"""


def custom(value: str, uri: str = "./User/Vendor/MSFT/VPNv2/Contoso Device/ProfileXML") -> str:
    return (
        HEADER
        + f"""        IntuneDeviceConfigurationCustomPolicyWindows10 'ContosoDeviceTunnel'
        {{
            DisplayName = 'Contoso Device Tunnel'
            OmaSettings = @(
                MSFT_MicrosoftGraphomaSetting{{
                    DisplayName = 'ProfileXML'
                    OmaUri = '{uri}'
                    odataType = '#microsoft.graph.omaSettingString'
                    Value = {value}
                }}
            )
            Ensure = 'Present'
        }}
"""
        + FOOTER
    )


def load(text: str, name: str = "config.ps1") -> list[Document]:
    return load_bytes(text.encode("utf-8"), name)


def shape(node: Node) -> tuple[object, ...]:
    return (node.tag, node.kind, node.value, tuple(shape(child) for child in node.children))


def at(text: str, finding: Finding) -> str:
    """The characters a finding points at (one line)."""
    line = text.splitlines()[finding.loc.line - 1]
    return line[finding.loc.col - 1 : finding.loc.end_col - 1]


def located(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return sorted((f.rule_id, f.loc.line, f.loc.col) for f in findings)


def test_template_block_has_the_graph_template_tree() -> None:
    [script, template] = load(TEMPLATE)
    assert script.kind is DocumentKind.SCRIPT and template.kind is DocumentKind.INTUNE_TEMPLATE
    [graph] = intune.load_export(
        json.dumps({"@odata.type": "#microsoft.graph.windows10VpnConfiguration", **GRAPH}),
        Source("t.json", ""),
    )[0]
    assert graph.root is not None and template.root is not None
    expected = tuple(shape(child) for child in graph.root.children if child.tag != "@odata.type")
    assert tuple(shape(child) for child in template.root.children) == expected
    assert template.container is not None and template.container.carrier is Carrier.DSC
    assert template.payload.name == "Contoso Device Tunnel"
    assert [host for host, _ in template.payload.servers] == [
        "vpn1.contoso.com",
        "vpn2.contoso.com",
    ]
    assert [route for route, _ in template.payload.routes] == ["10.10.0.10/32"]


def test_every_node_spans_its_exact_text() -> None:
    [_script, template] = load(TEMPLATE)
    assert template.root is not None
    text = TEMPLATE
    nodes = {node.tag: node for node in template.root.children}
    connection = nodes["connectionName"]
    assert connection.value == "Contoso 'Device' Tunnel"
    assert text[connection.span.value_start : connection.span.value_end] == (
        "Contoso ''Device'' Tunnel"
    )
    assert text[connection.span.name_start : connection.span.name_end] == "ConnectionName"
    split = nodes["enableSplitTunneling"]
    assert (split.kind, split.value) == (NodeKind.BOOLEAN, "true")
    assert text[split.span.value_start : split.span.value_end] == "$true"
    first = nodes["servers"].children[0]
    assert text[first.span.name_start : first.span.name_end] == "MSFT_MicrosoftGraphvpnServer"
    description = first.find("description")
    assert description is not None and description.value == 'Site "A"'
    assert text[description.span.value_start : description.span.value_end] == 'Site `"A`"'
    for node in template.root.iter():
        if node.kind in (NodeKind.STRING, NodeKind.NUMBER) and node.span.value_start >= 0:
            raw = text[node.span.value_start : node.span.value_end]
            assert raw.replace("''", "'").replace('`"', '"') == node.value, node
    loc = split.value_loc
    assert text.splitlines()[loc.line - 1][loc.col - 1 : loc.end_col - 1] == "$true"


def test_template_rules_locate_findings_in_the_configuration(tmp_path: Path) -> None:
    findings = lint_text(tmp_path, TEMPLATE, "vpn.ps1", RULES, ("AOV201", "AOV202", "AOV602"))
    assert located(findings) == [("AOV201", 24, 13), ("AOV202", 31, 93), ("AOV602", 23, 36)]
    by_id = {f.rule_id: f for f in findings}
    assert at(TEMPLATE, by_id["AOV201"]) == "ServerCollection"
    assert at(TEMPLATE, by_id["AOV202"]) == "$True"
    assert at(TEMPLATE, by_id["AOV602"]) == "$true"
    [related] = by_id["AOV202"].related
    assert related.loc.line == 25  # the first default server's CIM instance


def test_arrays_without_at_sign() -> None:
    text = TEMPLATE.replace(
        "DnsSuffixes          = @(\"corp.contoso.com\", 'contoso.local');",
        "DnsSuffixes          = \"corp.contoso.com\",\n                'contoso.local';",
    )
    [_script, template] = load(text)
    assert template.root is not None
    suffixes = template.root.find("dnsSuffixes")
    assert suffixes is not None and suffixes.kind is NodeKind.SEQUENCE
    assert [item.value for item in suffixes.children] == ["corp.contoso.com", "contoso.local"]
    second = suffixes.children[1]
    assert text[second.span.value_start : second.span.value_end] == "contoso.local"
    assert [gap for gap in _script.payload.gaps] == []


def test_property_names_are_case_insensitive() -> None:
    text = TEMPLATE.replace("EnableSplitTunneling", "enablesplittunneling").replace(
        "ServerCollection", "SERVERCOLLECTION"
    )
    [_script, template] = load(text)
    assert template.root is not None
    assert template.root.text_of("enableSplitTunneling") == "true"
    assert template.root.has("servers")
    assert dscnames.GRAPH_NAMES["isdefaultserver"] == "isDefaultServer"
    assert dscnames.GRAPH_NAMES["odatatype"] == "@odata.type"


def test_custom_profile_gets_its_oma_uri_and_exact_locations(tmp_path: Path) -> None:
    text = custom("'" + PROFILE + "'")
    findings = lint_text(tmp_path, text, "custom.ps1", RULES, ("AOV102", "AOV604", "AOV605"))
    assert located(findings) == [("AOV102", 30, 24), ("AOV604", 22, 31), ("AOV605", 22, 31)]
    by_id = {f.rule_id: f for f in findings}
    assert at(text, by_id["AOV102"]) == "Split"
    assert at(text, by_id["AOV605"]) == "./User/Vendor/MSFT/VPNv2/Contoso Device/ProfileXML"
    [profile] = [d for d in load(text) if d.kind is DocumentKind.PROFILE]
    assert profile.container is not None
    assert profile.container.carrier is Carrier.DSC
    assert profile.container.oma_uri == "./User/Vendor/MSFT/VPNv2/Contoso Device/ProfileXML"
    assert "OmaSetting" in profile.container.description


def test_quoted_profile_escapes_are_mapped_back(tmp_path: Path) -> None:
    # double-quoted: backtick escapes; single-quoted: '' for one quote
    xml = PROFILE.replace("<VPNProfile>", '<VPNProfile xmlns:x="urn:x">')
    double = '"' + xml.replace('"', '`"') + '"'
    single = "'" + xml.replace('"', "'").replace("'", "''") + "'"
    for value in (double, single):
        text = custom(value)
        [finding] = lint_text(tmp_path, text, "custom.ps1", RULES, ("AOV102",))
        assert at(text, finding) == "Split"


def test_base64_value_is_located_at_the_value(tmp_path: Path) -> None:
    encoded = base64.b64encode(PROFILE.encode("utf-8")).decode("ascii")
    text = custom(f"'{encoded}'").replace("omaSettingString'", "omaSettingStringXml'")
    [finding] = lint_text(tmp_path, text, "custom.ps1", RULES, ("AOV102",))
    assert (finding.loc.line, finding.loc.col) == (24, 30)
    assert text.splitlines()[23][29:33] == encoded[:4]


def test_runtime_values_are_notes_never_guesses(tmp_path: Path) -> None:
    text = (
        TEMPLATE.replace(
            "EnableSplitTunneling = $true;",
            "EnableSplitTunneling = $ConfigurationData.NonNodeData.SplitTunnel;",
        )
        .replace("Address = 'vpn2.contoso.com'", 'Address = "vpn2.$Domain"')
        .replace('DisplayName          = "Contoso Device Tunnel"', 'DisplayName = "$Name VPN"')
    )
    findings = lint_text(tmp_path, text, "vpn.ps1", RULES, ("AOV201", "AOV202", "AOV602", "AOV603"))
    notes = [f for f in findings if f.rule_id == "AOV603"]
    assert [at(text, f) for f in notes] == ["$ConfigurationData.NonNodeData.SplitTunnel", "$Domain"]
    assert "(EnableSplitTunneling)" in notes[0].message
    assert not any(f.rule_id == "AOV602" for f in findings)  # unknown: not reported
    [_script, template] = load(text)
    assert template.root is not None
    split = template.root.find("enableSplitTunneling")
    assert split is not None and split.unresolved and split.value is None
    assert split in template.unresolved
    assert [host for host, _ in template.payload.servers] == ["vpn1.contoso.com"]


def test_expressions_after_a_value_are_one_runtime_value(tmp_path: Path) -> None:
    text = TEMPLATE.replace('"ikEv2";', '"ik$Kind" + $Suffix;').replace(
        "PrefixSize = 32", "PrefixSize = @(32, 24)[$Index]"
    )
    notes = lint_text(tmp_path, text, "vpn.ps1", RULES, ("AOV603",))
    assert [at(text, f) for f in notes] == ['"ik$Kind" + $Suffix', "@(32, 24)[$Index]"]
    [_script, template] = load(text)
    assert template.root is not None
    connection = template.root.find("connectionType")
    assert connection is not None and connection.unresolved and connection.kind is NodeKind.STRING
    assert [route for route, _ in template.payload.routes] == []


def test_statements_that_set_no_property_are_noted(tmp_path: Path) -> None:
    text = TEMPLATE.replace("            Ensure ", "            @VpnDefaults\n            Ensure ")
    [note] = lint_text(tmp_path, text, "vpn.ps1", RULES, ("AOV603",))
    assert at(text, note) == "@VpnDefaults"
    [script, *_] = load(text)
    assert isinstance(script.payload, ScriptInfo)
    assert [gap.kind for gap in script.payload.gaps] == [GapKind.DSC_STATEMENT]


def test_runtime_profile_value_is_noted_and_the_here_string_linted(tmp_path: Path) -> None:
    here = "$DeviceTunnel = @'\n" + PROFILE + "\n'@\n"
    text = here + custom("$DeviceTunnel")
    findings = lint_text(tmp_path, text, "custom.ps1", RULES, ("AOV102", "AOV603", "AOV604"))
    assert located(findings) == [("AOV102", 8, 24), ("AOV603", 35, 29)]
    assert at(text, findings[1]) == "$DeviceTunnel"


def test_profile_value_with_a_variable(tmp_path: Path) -> None:
    value = '"' + PROFILE.replace("vpn.contoso.com", "$VpnServer") + '"'
    text = custom(value)
    findings = lint_text(tmp_path, text, "custom.ps1", RULES, ("AOV102", "AOV603"))
    assert [(f.rule_id, at(text, f)) for f in findings] == [
        ("AOV603", "$VpnServer"),
        ("AOV102", "Split"),
    ]


def test_absent_policies_are_not_linted(tmp_path: Path) -> None:
    text = TEMPLATE.replace('Ensure               = "Present"', "Ensure = 'Absent'")
    assert lint_text(tmp_path, text, "vpn.ps1", RULES, ("AOV2", "AOV6")) == []


def test_suppression_comments_work_in_configurations(tmp_path: Path) -> None:
    text = TEMPLATE.replace(
        "            EnableSplitTunneling = $true;",
        "            # aovpn-lint: disable=AOV602 split tunnel by design (CHG-42)\n"
        "            EnableSplitTunneling = $true;",
    )
    text = text.replace(
        "Address = 'vpn2.contoso.com';",
        "Address = 'vpn2.contoso.com';  # aovpn-lint: disable=AOV202\n                   ",
    )
    findings = lint_text(tmp_path, text, "vpn.ps1", RULES, ("AOV201", "AOV202", "AOV602"))
    states = {f.rule_id: f.suppression for f in findings}
    assert states["AOV201"] is None
    assert states["AOV602"] is not None and "CHG-42" in states["AOV602"].justification
    assert states["AOV202"] is None  # the directive is on another line than the flag
    # a directive inside a string is no comment
    quoted = TEMPLATE.replace("'Site B'", "'# aovpn-lint: disable=AOV202'")
    findings = lint_text(tmp_path, quoted, "vpn.ps1", RULES, ("AOV202",))
    assert [f.suppression for f in findings] == [None]


def test_xml_comment_in_the_profile_value_suppresses(tmp_path: Path) -> None:
    value = (
        "'"
        + PROFILE.replace(
            "<RoutingPolicyType>", "<!-- aovpn-lint: disable=AOV102 -->\n    <RoutingPolicyType>"
        )
        + "'"
    )
    [finding] = lint_text(tmp_path, custom(value), "custom.ps1", RULES, ("AOV102",))
    assert finding.suppression is not None


def test_configurations_without_vpn_are_not_ours(tmp_path: Path) -> None:
    bitlocker = (
        HEADER
        + """        IntuneDeviceConfigurationCustomPolicyWindows10 'BitLocker'
        {
            DisplayName = 'BitLocker'
            OmaSettings = @(
                MSFT_MicrosoftGraphomaSetting{
                    OmaUri = './Device/Vendor/MSFT/BitLocker/RequireDeviceEncryption'
                    odataType = '#microsoft.graph.omaSettingInteger'
                    Value = 1
                }
                $MoreSettings
            )
            Ensure = 'Present'
        }
        IntuneDeviceConfigurationCustomPolicyWindows10 'Dynamic'
        {
            DisplayName = 'Defender'
            OmaSettings = $ConfigurationData.NonNodeData.Defender
            @Splat
        }
"""
        + FOOTER
    )
    mentions = (
        "# IntuneDeviceConfigurationVpnPolicyWindows10 'x' { EnableSplitTunneling = $True }\n"
        "Get-DscResource -Name IntuneDeviceConfigurationVpnPolicyWindows10 -Syntax\n"
        "$s = 'IntuneDeviceConfigurationVpnPolicyWindows10 \"x\" { EnableDeviceTunnel = $True }'\n"
    )
    broken = bitlocker.replace("Value = 1", "Value = 1\nIsReadOnly =")
    for text in (bitlocker, mentions, broken):
        assert lint_text(tmp_path, text, "other.ps1", RULES) == []


def test_broken_blocks_are_reported_not_raised(tmp_path: Path) -> None:
    unclosed = TEMPLATE[: TEMPLATE.index("            Ensure")]
    [problem] = lint_text(tmp_path, unclosed, "vpn.ps1", RULES, ("AOV100",))
    assert "no closing '}'" in problem.message
    twice = TEMPLATE.replace("ConnectionType       =", "ConnectionType = 'l2tp'\nConnectionType =")
    [problem] = lint_text(tmp_path, twice, "vpn.ps1", RULES, ("AOV100",))
    assert "set twice" in problem.message and problem.loc.line == 21
    deep = TEMPLATE.replace("TrustedNetworkDomains = @()", "Deep = " + "@(" * 5000 + ")" * 5000)
    [problem] = lint_text(tmp_path, deep, "vpn.ps1", RULES, ("AOV100",))
    assert "nested too deeply" in problem.message
    empty = TEMPLATE.replace('ConnectionType       = "ikEv2";', "ConnectionType = ;")
    [problem] = lint_text(tmp_path, empty, "vpn.ps1", RULES, ("AOV100",))
    assert "has no value" in problem.message
    huge = TEMPLATE.replace("TrustedNetworkDomains = @()", "Huge = @(" + "1," * 600_000 + "1)")
    [problem] = lint_text(tmp_path, huge, "vpn.ps1", RULES, ("AOV100",))
    assert "more than 500,000 values" in problem.message
    # a stray closer once made the reader loop on the same character
    for stray, expected in (("\n            )", "unexpected ')'"), ("@(}", "unexpected '}'")):
        text = TEMPLATE.replace("TrustedNetworkDomains = @();", f"TrustedNetworkDomains = {stray}")
        [problem] = lint_text(tmp_path, text, "vpn.ps1", RULES, ("AOV100",))
        assert expected in problem.message


def test_mutated_configurations_never_crash_the_loader() -> None:
    rng = random.Random(13)
    tokens = ["{", "}", "(", ")", "@(", "@{", "'", '"', "`", "$", "#", "<#", "#>", ";", ",", "="]
    bases = [TEMPLATE, custom("'" + PROFILE + "'"), custom('"' + PROFILE + '"')]
    for _ in range(300):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(text))
            cut = at + rng.randint(1, 20) if rng.random() < 0.5 else at
            text = text[:at] + ("" if cut > at else rng.choice(tokens)) + text[cut:]
        for document in load(text):
            if document.kind is DocumentKind.BROKEN:
                assert not any("loader" in p.message for p in document.payload), text


def test_utf16_configuration_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "vpn.ps1"
    path.write_bytes(b"\xff\xfe" + TEMPLATE.replace("\n", "\r\n").encode("utf-16-le"))
    findings = lint_path(path, RULES, select=("AOV201", "AOV202", "AOV602"))
    assert located(findings) == [("AOV201", 24, 13), ("AOV202", 31, 93), ("AOV602", 23, 36)]


def test_dsc_example_findings() -> None:
    path = EXAMPLES / "dsc" / "ContosoVpn.ps1"
    findings = lint_path(path, RULES, select=("AOV2", "AOV6"))
    text = path.read_text(encoding="utf-8")
    assert [(f.rule_id, at(text, f)) for f in findings] == [
        ("AOV602", "$True"),
        ("AOV201", "ServerCollection"),
        ("AOV202", "$True"),
        ("AOV604", "./User/Vendor/MSFT/VPNv2/Contoso Device Tunnel/ProfileXML"),
        ("AOV605", "./User/Vendor/MSFT/VPNv2/Contoso Device Tunnel/ProfileXML"),
    ]


def test_readme_snippet_lints_as_described(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Microsoft365DSC configurations") :]
    block = re.search(r"```powershell\n(.*?)```", section, re.S)
    assert block is not None
    text = HEADER + textwrap.indent(block.group(1), " " * 8) + FOOTER
    [finding] = lint_text(tmp_path, text, "readme.ps1", RULES, ("AOV2", "AOV6"))
    assert finding.rule_id == "AOV602" and finding.suppression is not None
