"""## What it does
Finds split-tunnel profiles that disable the class-based route but define no `Route` (exclusion
routes do not count).

## Why is this bad?
With the class-based route disabled, only the listed routes go through the tunnel. With none
listed, nothing does: the VPN connects but no internal resource is reachable.

Not reported when `PlumbIKEv2TSAsRoutes` is true, because the server's IKEv2 traffic selectors
then supply the routes. Not reported for per-app VPN either: a `TrafficFilter` that names an
`App` (or `Claims`) with `<RoutingPolicyType>ForceTunnel</RoutingPolicyType>` sends all of that
app's traffic through the tunnel without any route (VPNv2 CSP, TrafficFilter/RoutingPolicyType:
it applies to app-based rules only, and only to that rule).

## Example
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>
    <Route><Address>10.10.0.0</Address><PrefixSize>16</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Profile,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV303",
    name="split-tunnel-without-routes",
    severity=Severity.ERROR,
    short="Class-based route disabled but no Route: nothing goes through the tunnel",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    documented=True,
    sources=(
        "VPNv2 CSP: RouteList is required for split tunneling",
        "VPNv2 CSP: DisableClassBasedDefaultRoute",
        "VPNv2 CSP: TrafficFilter/RoutingPolicyType (app-based rules)",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.is_split_tunnel or not profile.disables_class_route:
        return
    if profile.inclusion_routes or profile.plumbs_ts_routes or _has_per_app_force_tunnel(profile):
        return
    assert profile.class_route_node is not None
    yield RULE.finding(
        profile.class_route_node.value_loc,
        "split tunnel with the class-based route disabled but no Route: no traffic "
        "will use the VPN; add Route elements for the internal networks (or, for per-app "
        "VPN, a TrafficFilter naming the App with RoutingPolicyType ForceTunnel)",
    )


def _has_per_app_force_tunnel(profile: Profile) -> bool:
    """A per-app VPN: an app-based TrafficFilter (App or Claims) that force-tunnels that app."""
    for rule in profile.traffic_filters:
        policy = (rule.text_of("RoutingPolicyType") or "").strip().lower()
        if policy == "forcetunnel" and (rule.has("App") or rule.has("Claims")):
            return True
    return False
