"""## What it does
Warns when a native profile defines routes but no `RoutingPolicyType`, device tunnels
included.

## Why is this bad?
The VPNv2 CSP lists no default for `RoutingPolicyType`. Microsoft's "VPN routing decisions"
says force tunnel is the default when no routes are specified; what Windows does when routes
exist and the element is absent is undocumented. Windows may treat the profile as a force
tunnel: then it sends all traffic through the VPN, or (field reports) the import fails because
routes and force tunnel do not mix. Routes show that split tunnelling was intended, so say so
explicitly. On a device tunnel, which must be a split tunnel, this matters doubly; an explicit
`ForceTunnel` there is AOV401's error.

## Example
    <NativeProfile>
      <Servers>vpn.example.com</Servers>
    </NativeProfile>
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>

## Use instead
    <NativeProfile>
      <Servers>vpn.example.com</Servers>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV308",
    name="routing-policy-unset",
    severity=Severity.WARNING,
    short="Route elements without RoutingPolicyType: the default is undocumented, "
    "set it explicitly",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    documented=True,
    sources=(
        "Windows VPN routing decisions: force tunnel is the default when no routes are specified",
        "VPNv2 CSP: NativeProfile/RoutingPolicyType lists no default",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or profile.native is None or profile.routing_policy_node is not None:
        return
    if not profile.inclusion_routes:
        return
    kind = "device tunnel" if profile.device_tunnel else "profile"
    yield RULE.finding(
        profile.native.loc,
        f"the {kind} has {len(profile.inclusion_routes)} route(s) but no "
        "RoutingPolicyType; the default with routes is undocumented and Windows "
        "may treat the profile as force tunnel: set it explicitly, e.g. "
        "<RoutingPolicyType>SplitTunnel</RoutingPolicyType>",
    )
