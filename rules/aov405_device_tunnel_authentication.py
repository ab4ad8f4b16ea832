"""## What it does
Finds device tunnel profiles that do not authenticate with a machine certificate
(`<MachineMethod>Certificate</MachineMethod>`), for example ones using `UserMethod` EAP.

## Why is this bad?
The device tunnel connects before any user signs in, so there are no user credentials to offer;
Windows supports only IKEv2 machine certificate authentication for it. Any other method fails to
connect.

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <Authentication><UserMethod>Eap</UserMethod></Authentication>

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <Authentication><MachineMethod>Certificate</MachineMethod></Authentication>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV405",
    name="device-tunnel-authentication",
    severity=Severity.ERROR,
    short="Device tunnel without machine certificate authentication",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "device-tunnel", "authentication"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: machine certificate authentication",
        "VPNv2 CSP: MachineMethod Certificate (IKEv2 only)",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.device_tunnel or profile.native is None:
        return
    if (profile.machine_method or "").lower() == "certificate":
        return
    auth = profile.authentication
    where = auth.loc if auth is not None else profile.native.loc
    used = profile.machine_method or profile.user_method
    shown = f" (found '{used}')" if used else ""
    yield RULE.finding(
        where,
        f"a device tunnel must authenticate with "
        f"<MachineMethod>Certificate</MachineMethod>{shown}; user methods cannot "
        "work before sign-in",
    )
