"""## What it does
Finds device tunnel profiles whose `NativeProtocolType` is not IKEv2 (a missing one is reported
by AOV103), and Intune VPN templates (Graph JSON, IntuneCD or Microsoft365DSC) that enable the
device tunnel (`enableDeviceTunnel`) with a `connectionType` other than `ikEv2`, or none.

## Why is this bad?
The device tunnel supports IKEv2 only; SSTP and the other protocols, and `Automatic`, are for
the user tunnel. A device tunnel with another protocol does not connect.

Intune's own "Device tunnel" setting is offered for IKEv2 only, and its documentation asks for
the connection type IKEv2 whenever the device tunnel is on. A third-party connection type
(Pulse Secure, F5, Cisco AnyConnect and the other plug-ins) cannot carry a device tunnel at all:
Windows gives plug-ins no control of it. A template that writes no `connectionType` has not
chosen IKEv2 either, so it is reported at `enableDeviceTunnel`.

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <NativeProfile>
      <NativeProtocolType>Automatic</NativeProtocolType>
    </NativeProfile>

In the Intune template: `"enableDeviceTunnel": true, "connectionType": "automatic"`.

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <NativeProfile>
      <NativeProtocolType>IKEv2</NativeProtocolType>
    </NativeProfile>

In the Intune template: `"enableDeviceTunnel": true, "connectionType": "ikEv2"`.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    RuleMeta,
    Severity,
    TemplateView,
    hookimpl,
    profile_of,
    template_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV404",
    name="device-tunnel-protocol",
    severity=Severity.ERROR,
    short="Device tunnel that does not use IKEv2",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "intune", "device-tunnel", "protocol"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: device tunnel supports IKEv2 only",
        "Intune Windows VPN settings: Device tunnel (IKEv2 only) needs connection type IKEv2",
    ),
    kinds=(DocumentKind.PROFILE, DocumentKind.INTUNE_TEMPLATE),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    template = template_of(document)
    if template is not None:
        yield from _check_template(template)
        return
    profile = profile_of(document)
    if profile is None or not profile.device_tunnel or profile.native is None:
        return
    node = profile.protocol_node
    if node is None:
        return  # a missing NativeProtocolType is AOV103's finding
    if node.text.lower() == "protocollist":
        types = [
            protocol.text_of("Type") or ""
            for protocol_list in profile.native.iter()
            for protocol in protocol_list.find_all("NativeProtocol")
        ]
        if any(t.lower() != "ikev2" for t in types):
            yield RULE.finding(
                node.value_loc,
                "the device tunnel's ProtocolList offers protocols "
                "other than IKEv2; a device tunnel supports IKEv2 only",
            )
    elif node.text.lower() != "ikev2":
        yield RULE.finding(
            node.value_loc,
            f"a device tunnel supports IKEv2 only, not '{node.text}'; "
            "set NativeProtocolType to IKEv2",
        )


def _check_template(template: TemplateView) -> Iterator[Finding]:
    if not template.device_tunnel:
        return
    kind = template.connection_type
    if kind is not None and kind.lower() == "ikev2":
        return
    key = template.key("connectionType")
    if kind is None:
        assert template.device_tunnel_node is not None
        yield RULE.finding(
            template.device_tunnel_node.value_loc,
            f"the template enables the device tunnel but sets no '{key}'; a device tunnel "
            f"supports IKEv2 only: set '{key}' to 'ikEv2'",
        )
        return
    assert template.connection_type_node is not None
    what = "a third-party plug-in" if template.is_plugin else "not IKEv2"
    yield RULE.finding(
        template.connection_type_node.value_loc,
        f"a device tunnel supports IKEv2 only, and connection type '{kind}' is {what}; set "
        f"'{key}' to 'ikEv2'",
    )
