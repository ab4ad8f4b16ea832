"""## What it does
Finds device tunnel profiles that do not authenticate with a machine certificate
(`<MachineMethod>Certificate</MachineMethod>`), for example ones using `UserMethod` EAP, and
Intune VPN templates (Graph JSON, IntuneCD or Microsoft365DSC) that enable the device tunnel
(`enableDeviceTunnel`) with an `authenticationMethod` other than `certificate`, or none.

## Why is this bad?
The device tunnel connects before any user signs in, so there are no user credentials to offer;
Windows supports only IKEv2 machine certificate authentication for it. Any other method fails to
connect.

Intune's documentation asks for the authentication method "Machine certificates" whenever the
device tunnel is on. Graph has a single certificate member, `certificate`, for both user and
machine certificates (which one is decided by the certificate profile the template links to,
and an export does not show it), so the template check accepts `certificate` and reports
`usernameAndPassword`, `customEapXml` (EAP) and `derivedCredential`. A template that writes no
`authenticationMethod` is reported at `enableDeviceTunnel`.

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <Authentication><UserMethod>Eap</UserMethod></Authentication>

In the Intune template: `"enableDeviceTunnel": true, "authenticationMethod": "customEapXml"`.

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <Authentication><MachineMethod>Certificate</MachineMethod></Authentication>

In the Intune template: `"enableDeviceTunnel": true, "authenticationMethod": "certificate"`,
linked to a device (machine) certificate profile.
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
    id="AOV405",
    name="device-tunnel-authentication",
    severity=Severity.ERROR,
    short="Device tunnel without machine certificate authentication",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "intune", "device-tunnel", "authentication"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: machine certificate authentication",
        "VPNv2 CSP: MachineMethod Certificate (IKEv2 only)",
        "Intune Windows VPN settings: Device tunnel needs the Machine certificates method",
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


def _check_template(template: TemplateView) -> Iterator[Finding]:
    if not template.device_tunnel:
        return
    method = template.authentication_method
    if method is not None and method.lower() == "certificate":
        return
    key = template.key("authenticationMethod")
    if method is None:
        assert template.device_tunnel_node is not None
        yield RULE.finding(
            template.device_tunnel_node.value_loc,
            f"the template enables the device tunnel but sets no '{key}'; a device tunnel "
            "must authenticate with a machine certificate: set it to 'certificate' with a "
            "device certificate profile",
        )
        return
    assert template.authentication_method_node is not None
    yield RULE.finding(
        template.authentication_method_node.value_loc,
        f"a device tunnel must authenticate with a machine certificate, not '{method}'; set "
        f"'{key}' to 'certificate' with a device certificate profile (user methods cannot "
        "work before sign-in)",
    )
