"""## What it does
Finds device tunnel profiles whose `NativeProtocolType` is not IKEv2 (a missing one is reported
by AOV103).

## Why is this bad?
The device tunnel supports IKEv2 only; SSTP and the other protocols, and `Automatic`, are for
the user tunnel. A device tunnel with another protocol does not connect.

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <NativeProfile>
      <NativeProtocolType>Automatic</NativeProtocolType>
    </NativeProfile>

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <NativeProfile>
      <NativeProtocolType>IKEv2</NativeProtocolType>
    </NativeProfile>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV404",
    name="device-tunnel-protocol",
    severity=Severity.ERROR,
    short="Device tunnel that does not use IKEv2",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "device-tunnel", "protocol"),
    documented=True,
    sources=("Configure VPN device tunnels in Windows client: device tunnel supports IKEv2 only",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
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
