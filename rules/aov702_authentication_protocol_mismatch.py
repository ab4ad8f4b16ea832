"""## What it does
Finds authentication methods that the profile's tunnel protocol does not support:
`UserMethod` `MSChapv2` with `NativeProtocolType` `IKEv2`, and `MachineMethod` `Certificate`
with `SSTP`, `L2TP` or `PPTP` (or a `ProtocolList` without IKEv2). `MachineMethod` `EAP` on a
user tunnel is never reported.

## Why is this bad?
The CSP says MSChapv2 is not supported with IKEv2, and machine certificate authentication only
with IKEv2. A profile that pairs them with the other protocol has no way to authenticate, so it
never connects. `Automatic`, and a `ProtocolList` that includes IKEv2, can still reach a
protocol where the method works, so they are left alone.

`MachineMethod` `EAP` next to `UserMethod` `EAP` on a user tunnel is not in the CSP's value list,
but it is a known workaround for profiles that Intune delivers to Windows 11 (published samples
carry it and Microsoft's own troubleshooting output shows it), so this rule accepts it.

Sources: the VPNv2 CSP node reference (Authentication/UserMethod: MSChapv2 not supported for
IKEv2; Authentication/MachineMethod: only supported in IKEv2).

## Example
    <NativeProfile>
      <NativeProtocolType>SSTP</NativeProtocolType>
      <Authentication><MachineMethod>Certificate</MachineMethod></Authentication>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <NativeProtocolType>IKEv2</NativeProtocolType>
      <Authentication><MachineMethod>Certificate</MachineMethod></Authentication>
    </NativeProfile>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Profile,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV702",
    name="authentication-protocol-mismatch",
    severity=Severity.ERROR,
    short="Authentication method that the tunnel protocol does not support",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofileauthenticationusermethod",
    tags=("profilexml", "authentication", "protocol"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: UserMethod (MSChapv2 is not supported for IKEv2)",
        "VPNv2 CSP: MachineMethod (only supported in IKEv2)",
    ),
    kinds=(DocumentKind.PROFILE,),
)

_NOT_IKEV2 = frozenset({"sstp", "l2tp", "pptp"})


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    auth = None if profile is None else profile.authentication
    protocol = None if profile is None else profile.protocol_node
    if profile is None or auth is None or protocol is None:
        return
    because = (Related(protocol.value_loc, f"NativeProtocolType '{protocol.text}' is set here"),)
    user = auth.find("UserMethod")
    if user is not None and user.text.lower() == "mschapv2" and protocol.text.lower() == "ikev2":
        yield RULE.finding(
            user.value_loc,
            "UserMethod MSChapv2 is not supported with IKEv2; use "
            "EAP (for example EAP-TLS or PEAP) or another protocol",
            related=because,
        )
    machine = auth.find("MachineMethod")
    if machine is not None and machine.text.lower() == "certificate" and _lacks_ikev2(profile):
        shown = (
            "a ProtocolList without IKEv2"
            if protocol.text.lower() == "protocollist"
            else f"'{protocol.text}'"
        )
        yield RULE.finding(
            machine.value_loc,
            f"MachineMethod Certificate works with IKEv2 only, not with {shown}; use IKEv2",
            related=because,
        )


def _lacks_ikev2(profile: Profile) -> bool:
    """SSTP, L2TP or PPTP, or a ProtocolList that offers none of IKEv2."""
    protocol = (profile.protocol or "").lower()
    if protocol in _NOT_IKEV2:
        return True
    listing = profile.native_child("ProtocolList")
    if protocol != "protocollist" or listing is None:
        return False
    types = [node.text.lower() for node in listing.iter() if node.tag == "Type"]
    return bool(types) and "ikev2" not in types
