"""## What it does
Warns when `DeviceCompliance/Enabled` is `true` but the profile does not authenticate with a
certificate through EAP: its `UserMethod` is `MSChapv2`, or its EAP configuration uses no
EAP-TLS (EAP type 13, alone or inside PEAP), for example PEAP with MSCHAPv2.

## Why is this bad?
Device compliance is the Entra ID conditional-access flow: the client obtains a short-lived
certificate from Entra ID and presents it to the VPN server. The CSP says the VPN should then
be set up for certificate authentication; a password-based method never uses that certificate,
so the compliance check does not take part in the sign-in. An EAP configuration that cannot be
read (missing, empty, or known only at run time) is not judged here: AOV701 reports a missing
one.

Sources: the VPNv2 CSP node reference (DeviceCompliance/Enabled: the VPN should be set up to
use certificate authentication).

## Example
    <DeviceCompliance><Enabled>true</Enabled></DeviceCompliance>
    <NativeProfile>
      <Authentication><UserMethod>MSChapv2</UserMethod></Authentication>
    </NativeProfile>

## Use instead
    <DeviceCompliance><Enabled>true</Enabled></DeviceCompliance>
    <NativeProfile>
      <Authentication>
        <UserMethod>Eap</UserMethod>
        <Eap><Configuration>
          <EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig">
            ... EAP-TLS (type 13), or PEAP with EAP-TLS inside ...
          </EapHostConfig>
        </Configuration></Eap>
      </Authentication>
    </NativeProfile>
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Related,
    RuleMeta,
    Severity,
    eap_configuration_text,
    hookimpl,
    profile_of,
    without_comments,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV706",
    name="device-compliance-without-certificate",
    severity=Severity.WARNING,
    short="DeviceCompliance enabled without certificate-based EAP authentication",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamedevicecomplianceenabled",
    tags=("profilexml", "authentication", "conditional-access"),
    precision="medium",
    documented=True,
    sources=(
        "VPNv2 CSP: DeviceCompliance/Enabled (the VPN should use certificate authentication)",
    ),
    kinds=(DocumentKind.PROFILE,),
)

#: an EAP-TLS method in EapHostConfig: its namespace, or an EAP Type element holding 13
_EAP_TLS = re.compile(r"EapTlsConnectionProperties|Type[^<>&]*(?:>|&gt;)\s*13\s*(?:<|&lt;)")


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    compliance = None if profile is None else profile.root.find("DeviceCompliance")
    enabled = None if compliance is None else compliance.find("Enabled")
    auth = None if profile is None else profile.authentication
    if enabled is None or enabled.text not in ("true", "1") or auth is None:
        return
    method = auth.find("UserMethod")
    if method is None:
        return  # machine certificate authentication, or nothing for AOV103 to report
    because = (Related(method.value_loc, f"UserMethod '{method.text}' is set here"),)
    if method.text.lower() == "mschapv2":
        yield RULE.finding(
            enabled.value_loc,
            "DeviceCompliance needs certificate authentication "
            "but UserMethod is MSChapv2; use EAP with EAP-TLS (or PEAP with "
            "EAP-TLS inside)",
            related=because,
        )
        return
    eap = auth.find("Eap")
    config = None if eap is None else eap.find("Configuration")
    content = None if config is None else eap_configuration_text(config)
    content = None if content is None else without_comments(content)
    if content is None or "EapHostConfig" not in content or _EAP_TLS.search(content):
        return  # unreadable or missing EAP configuration is AOV701's
    yield RULE.finding(
        enabled.value_loc,
        "DeviceCompliance needs certificate authentication but "
        "the EAP configuration uses no EAP-TLS (type 13); use EAP-TLS, or PEAP "
        "with EAP-TLS inside",
        related=because,
    )
