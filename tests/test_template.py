"""The typed view of Intune's VPN template, computed from the Node tree whatever the carrier."""

from __future__ import annotations

import json

import pytest

from aovpn_lint.api import TemplateView, template_of
from aovpn_lint.load.intune import load_export
from aovpn_lint.model.document import Document, DocumentKind
from aovpn_lint.model.positions import Source
from aovpn_lint.model.template import (
    INBOX_CONNECTION_TYPES,
    PLUGIN_CONNECTION_TYPES,
    read_flag,
)
from aovpn_lint.model.tree import Node, NodeKind, Span

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
