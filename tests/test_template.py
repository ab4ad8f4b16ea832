"""The typed view of Intune's VPN template and the device-tunnel rules on it, whatever the carrier.

The view is computed from the Node tree alone, so a YAML tree (the shape of an IntuneCD backup)
or a tree whose booleans are written ``$true`` (Microsoft365DSC) gets the same checks as a
Graph JSON export. Tests select the template rules they are about.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aovpn_lint.api import TemplateView, template_of
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.load.intune import load_export
from aovpn_lint.load.yaml import load_yaml_nodes
from aovpn_lint.model.document import Carrier, Container, Document, DocumentKind
from aovpn_lint.model.positions import Source
from aovpn_lint.model.template import (
    INBOX_CONNECTION_TYPES,
    PLUGIN_CONNECTION_TYPES,
    read_flag,
)
from aovpn_lint.model.tree import Node, NodeKind, Span
from helpers import lint_path, lint_text

RULES = RuleSet(load_entry_points=False)
TEMPLATE_RULES = ("AOV401", "AOV403", "AOV404", "AOV405", "AOV602")
#: every member of Graph's windows10VpnConnectionType enum
GRAPH_CONNECTION_TYPES = (
    "pulseSecure",
    "f5EdgeClient",
    "dellSonicWallMobileConnect",
    "checkPointCapsuleVpn",
    "automatic",
    "ikEv2",
    "l2tp",
    "pptp",
    "citrix",
    "paloAltoGlobalProtect",
    "ciscoAnyConnect",
    "unknownFutureValue",
    "microsoftTunnel",
)


def _graph(**settings: object) -> dict[str, object]:
    return {
        "@odata.type": "#microsoft.graph.windows10VpnConfiguration",
        "displayName": "Contoso Device Tunnel",
        "servers": [{"address": "vpn.contoso.com", "isDefaultServer": True}],
        **settings,
    }


def _view(data: dict[str, object]) -> TemplateView:
    text = json.dumps(data, indent=1)
    documents, problems = load_export(text, Source("t.json", text))
    assert not problems
    [document] = documents
    view = template_of(document)
    assert view is not None
    return view


def _flag(kind: NodeKind, value: str) -> Node:
    return Node("enableDeviceTunnel", value, (), Span(0, 0, 0, 0, 0), Source("x", ""), kind=kind)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (NodeKind.BOOLEAN, "true", True),  # JSON, YAML (the loader lower-cases True)
        (NodeKind.BOOLEAN, "false", False),
        (NodeKind.BOOLEAN, "$true", True),  # PowerShell, as a DSC block writes it
        (NodeKind.STRING, "$False", False),
        (NodeKind.STRING, "True", True),
        (NodeKind.NULL, "", None),
        (NodeKind.STRING, "yes", None),
        (NodeKind.NUMBER, "1", None),
    ],
)
def test_flags_are_read_as_their_carrier_writes_them(
    kind: NodeKind, value: str, expected: bool | None
) -> None:
    assert read_flag(_flag(kind, value)) is expected


def test_connection_types_are_inbox_plugin_or_unknown() -> None:
    inbox = {t for t in GRAPH_CONNECTION_TYPES if t.lower() in INBOX_CONNECTION_TYPES}
    plugin = {t for t in GRAPH_CONNECTION_TYPES if t.lower() in PLUGIN_CONNECTION_TYPES}
    assert inbox == {"ikEv2", "l2tp", "pptp", "automatic"}
    assert set(GRAPH_CONNECTION_TYPES) - inbox - plugin == {"unknownFutureValue"}
    for kind in GRAPH_CONNECTION_TYPES:
        view = _view(_graph(connectionType=kind))
        assert view.is_inbox_client is (kind in inbox), kind
        assert view.is_plugin is (kind in plugin), kind


def test_view_reads_the_graph_keys() -> None:
    view = _view(
        _graph(
            connectionType="IKEv2",
            authenticationMethod="certificate",
            enableDeviceTunnel=True,
            enableSplitTunneling=None,
            trafficRules=[{"name": "a"}, {"name": "b"}],
        )
    )
    assert view.device_tunnel and view.split_tunneling is None
    assert view.connection_type == "IKEv2" and view.is_inbox_client  # any letter case
    assert view.authentication_method == "certificate"
    assert [rule.text_of("name") for rule in view.traffic_rules] == ["a", "b"]


def test_a_template_without_settings_is_an_inbox_user_tunnel() -> None:
    view = _view(_graph())
    assert not view.device_tunnel and view.split_tunneling is None
    assert view.connection_type is None and view.is_inbox_client and not view.is_plugin
    assert view.traffic_rules == ()


def test_template_of_is_computed_once_and_only_for_templates() -> None:
    text = json.dumps(_graph(enableDeviceTunnel=True))
    [document] = load_export(text, Source("t.json", text))[0]
    assert template_of(document) is template_of(document)
    profile = Document("p.xml", DocumentKind.PROFILE, document.root, document.source)
    assert template_of(profile) is None


INTUNECD_YAML = """\
'@odata.type': '#microsoft.graph.windows10VpnConfiguration'
displayName: Contoso Device Tunnel
connectionName: Contoso Device Tunnel
servers:
- address: vpn.contoso.com
  description: RRAS
  isDefaultServer: true
connectionType: automatic
authenticationMethod: usernameAndPassword
enableAlwaysOn: true
enableDeviceTunnel: True
enableSplitTunneling: false
trafficRules:
- name: Domain controllers
  protocols: 0
  vpnTrafficDirection: outbound
"""


def test_every_template_rule_reads_a_yaml_tree_as_it_reads_json() -> None:
    """An IntuneCD backup in YAML: the loader that recognises it is not the rules' business,
    so the document is built here from the located YAML tree."""
    source = Source("Device Configurations/Contoso_windows10VpnConfiguration.yaml", INTUNECD_YAML)
    root = load_yaml_nodes(INTUNECD_YAML, source)
    assert root is not None
    container = Container(Carrier.INTUNE, "IntuneCD backup")
    document = Document(source.path, DocumentKind.INTUNE_TEMPLATE, root, source, container)
    findings = RULES.check(document, Config(select=TEMPLATE_RULES))
    lines = INTUNECD_YAML.splitlines()
    found = {
        (f.rule_id, lines[f.loc.line - 1][f.loc.col - 1 : f.loc.end_col - 1]) for f in findings
    }
    assert found == {
        ("AOV401", "false"),
        ("AOV403", "trafficRules"),
        ("AOV404", "automatic"),
        ("AOV405", "usernameAndPassword"),
    }


def test_device_tunnel_rules_stay_quiet_on_a_well_built_device_tunnel(tmp_path: Path) -> None:
    data = _graph(
        connectionType="ikEv2",
        authenticationMethod="certificate",
        enableAlwaysOn=True,
        enableDeviceTunnel=True,
        enableSplitTunneling=True,
        routes=[{"destinationPrefix": "10.0.0.10", "prefixSize": 32}],
        trafficRules=[],
    )
    findings = lint_text(tmp_path, json.dumps(data, indent=1), "dt.json", RULES, TEMPLATE_RULES)
    assert [f.rule_id for f in findings] == ["AOV602"]  # the inbox client's class-based route


def test_device_tunnel_rules_ignore_a_user_tunnel_template(tmp_path: Path) -> None:
    data = _graph(
        connectionType="pptp",
        authenticationMethod="usernameAndPassword",
        enableDeviceTunnel=False,
        enableSplitTunneling=False,
        trafficRules=[{"name": "all", "protocols": 0}],
    )
    findings = lint_text(tmp_path, json.dumps(data, indent=1), "ut.json", RULES, TEMPLATE_RULES)
    assert findings == []


DSC_DEVICE_TUNNEL = """Configuration Vpn
{
    Import-DscResource -ModuleName Microsoft365DSC
    Node localhost
    {
        IntuneDeviceConfigurationVpnPolicyWindows10 'Device'
        {
            DisplayName          = "Device";
            ConnectionType       = "l2tp";
            AuthenticationMethod = "usernameAndPassword";
            EnableDeviceTunnel   = $True;
            EnableSplitTunneling = $False;
            TrafficRules         = @(
                MSFT_MicrosoftGraphvpnTrafficRule{
                    Name = 'web'
                    VpnTrafficDirection = 'outbound'
                }
            );
            Ensure               = "Present";
        }
    }
}
"""


def test_messages_name_the_settings_as_the_carrier_spells_them(tmp_path: Path) -> None:
    """A Microsoft365DSC user is told the DSC property and PowerShell literal to write
    (``EnableSplitTunneling = $True``), a Graph or IntuneCD user the Graph key (``true``)."""
    script = tmp_path / "Vpn.ps1"
    script.write_text(DSC_DEVICE_TUNNEL, encoding="utf-8")
    findings = {f.rule_id: f.message for f in lint_path(script, select=TEMPLATE_RULES)}
    assert set(findings) == {"AOV401", "AOV403", "AOV404", "AOV405"}
    assert "'EnableSplitTunneling' to $True" in findings["AOV401"]
    assert "'TrafficRules'" in findings["AOV403"] and "'VpnTrafficDirection'" in findings["AOV403"]
    assert "'ConnectionType' to 'ikEv2'" in findings["AOV404"]
    assert "'AuthenticationMethod' to 'certificate'" in findings["AOV405"]
    export = tmp_path / "device.json"
    export.write_text(
        json.dumps(
            _graph(
                connectionType="l2tp",
                authenticationMethod="usernameAndPassword",
                enableDeviceTunnel=True,
                enableSplitTunneling=False,
                trafficRules=[{"name": "web", "vpnTrafficDirection": "outbound"}],
            )
        ),
        encoding="utf-8",
    )
    graph = {f.rule_id: f.message for f in lint_path(export, select=TEMPLATE_RULES)}
    assert "'enableSplitTunneling' to true" in graph["AOV401"]
    assert "'connectionType' to 'ikEv2'" in graph["AOV404"]
    assert "'trafficRules'" in graph["AOV403"]
