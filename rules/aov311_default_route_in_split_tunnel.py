"""## What it does
Finds include routes for the whole address space (`0.0.0.0/0` or `::/0`) in a profile whose
`RoutingPolicyType` is `SplitTunnel`.

## Why is this bad?
The most specific route wins, and a `/0` route through the tunnel matches every destination that
no more specific route claims: the profile calls itself a split tunnel but sends all traffic of
that address family through the VPN. Everything that depends on the policy being split (the
general proxy, the local internet breakout the design expects, rules that only apply to split
or force tunnels) then sees the wrong picture. If all traffic should use the VPN, say so with
`ForceTunnel` (and exclusion routes for what must stay outside); otherwise list the internal
networks.

Sources: Windows "VPN routing decisions" (split and force tunnel; the most specific route
wins). That the policy and the route contradict each other is our reading.

## Example
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    </NativeProfile>
    <Route><Address>0.0.0.0</Address><PrefixSize>0</PrefixSize></Route>

## Use instead
    <NativeProfile>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>

or keep `SplitTunnel` and route only the internal networks:

    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV311",
    name="default-route-in-split-tunnel",
    severity=Severity.WARNING,
    short="SplitTunnel with an include route for the whole address space (0.0.0.0/0 or ::/0)",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    precision="high",
    documented=True,
    sources=("Windows VPN routing decisions: split and force tunnel",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.is_split_tunnel or profile.routing_policy_node is None:
        return
    policy = Related(profile.routing_policy_node.value_loc, "SplitTunnel is set here")
    for route in profile.inclusion_routes:
        if route.version and route.prefix == 0:
            yield RULE.finding(
                route.loc,
                f"route {route.address}/0 sends all IPv{route.version} "
                "traffic through the tunnel although the profile is SplitTunnel; "
                "use ForceTunnel, or route only the internal networks",
                related=(policy,),
            )
