"""## What it does
Warns when an Intune VPN template (`windows10VpnConfiguration`, from a Graph JSON export, an
IntuneCD backup or a Microsoft365DSC configuration) enables split tunnelling for Windows' inbox
VPN client: a `connectionType` of `ikEv2`, `l2tp`, `pptp` or `automatic`, or none at all.

## Why is this bad?
In split tunnel, Windows adds a route derived from the class of the address the client receives
(a 10.x.x.x address routes all of 10.0.0.0/8 into the tunnel, 172.16.x.x a /16, 192.168.x.x a
/24). ProfileXML turns this off with `DisableClassBasedDefaultRoute`, but the Intune VPN
template has no such setting: every split-tunnel profile built from the template carries the
class-based route, whatever routes it lists. That route can capture the user's home or hotel
network, or leave internal subnets unreachable.

The class-based route belongs to the inbox client (`DisableClassBasedDefaultRoute` is a
`NativeProfile` setting). A third-party connection type (`pulseSecure`, `f5EdgeClient`,
`ciscoAnyConnect`, `paloAltoGlobalProtect`, `citrix`, `checkPointCapsuleVpn`,
`dellSonicWallMobileConnect`, `microsoftTunnel`) becomes a plug-in profile whose vendor client
decides the routes, so such templates are not reported. Graph documents no default connection
type and its exports always write one; a template that names none names no plug-in either, so
it is read as the inbox client. An unknown value (`unknownFutureValue`) is not reported.

## Example
    {"@odata.type": "#microsoft.graph.windows10VpnConfiguration",
     "connectionType": "ikEv2",
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

A template for a third-party client (`"connectionType": "f5EdgeClient"`) may keep split
tunnelling: its routes are the vendor's.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    RuleMeta,
    Severity,
    hookimpl,
    template_of,
)

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
        "Microsoft Graph: windows10VpnConnectionType (inbox and plug-in connection types)",
    ),
    kinds=(DocumentKind.INTUNE_TEMPLATE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    template = template_of(document)
    if template is None or template.split_tunneling is not True or not template.is_inbox_client:
        return
    assert template.split_tunneling_node is not None
    client = f" ('{template.connection_type}')" if template.connection_type else ""
    yield RULE.finding(
        template.split_tunneling_node.value_loc,
        f"split tunnelling with the inbox VPN client{client} in the Intune VPN template always "
        "adds a class-based route (/8, /16 or /24) for the client's address; deploy custom "
        "ProfileXML with DisableClassBasedDefaultRoute set to 'true' instead",
    )
