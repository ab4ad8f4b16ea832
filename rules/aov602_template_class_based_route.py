"""## What it does
Warns when an Intune VPN template (`windows10VpnConfiguration`) enables split tunnelling.

## Why is this bad?
In split tunnel, Windows adds a route derived from the class of the address the client receives
(a 10.x.x.x address routes all of 10.0.0.0/8 into the tunnel, 172.16.x.x a /16, 192.168.x.x a
/24). ProfileXML turns this off with `DisableClassBasedDefaultRoute`, but the Intune VPN
template has no such setting: every split-tunnel profile built from the template carries the
class-based route, whatever routes it lists. That route can capture the user's home or hotel
network, or leave internal subnets unreachable.

## Example
    {"@odata.type": "#microsoft.graph.windows10VpnConfiguration",
     "enableSplitTunneling": true,
     "routes": [{"destinationPrefix": "10.10.0.0", "prefixSize": 16}]}

## Use instead
Deploy the profile as custom ProfileXML (OMA-URI `./User/Vendor/MSFT/VPNv2/<name>/ProfileXML`)
with the class-based route disabled:

    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>
    <Route><Address>10.10.0.0</Address><PrefixSize>16</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, parse_bool

RULE = RuleMeta(
    doc=__doc__,
    id="AOV602",
    name="template-class-based-route",
    severity=Severity.WARNING,
    short="Intune VPN template with split tunnel cannot disable the class-based route",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofiledisableclassbaseddefaultroute",
    tags=("intune", "routing"),
    documented=True,
    sources=(
        "VPNv2 CSP: DisableClassBasedDefaultRoute",
        "Microsoft Graph: windows10VpnConfiguration has no class-based route setting",
    ),
    kinds=(DocumentKind.INTUNE_TEMPLATE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "intune-vpn-template" or document.root is None:
        return
    split = document.root.find("enableSplitTunneling")
    if split is None or parse_bool(split.text) is not True:
        return
    yield RULE.finding(
        split.value_loc,
        "split tunnelling in the Intune VPN template always adds a class-based route (/8, /16 or "
        "/24) for the client's address; deploy custom ProfileXML with "
        "DisableClassBasedDefaultRoute set to 'true' instead",
    )
