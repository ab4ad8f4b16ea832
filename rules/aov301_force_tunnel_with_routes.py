"""## What it does
Finds `Route` elements in a profile whose `RoutingPolicyType` is `ForceTunnel`, unless they are
exclusion routes (`<ExclusionRoute>true</ExclusionRoute>`).

## Why is this bad?
Force tunnel already sends all traffic through the VPN, so routes have nothing to add, and field
guidance says they break the profile: published samples require that "all Route entries with the
exception of Exclusion Routes must be removed", and field reports say the import then fails with a
general error, so the VPN is never created (this is a field report, not a Microsoft statement).
Exclusion routes are the documented exception: they send chosen destinations (Teams or
Microsoft 365 media, for example) outside a force tunnel.

## Example
    <NativeProfile>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>

## Use instead
    <NativeProfile>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>
    <Route>
      <Address>203.0.113.0</Address><PrefixSize>24</PrefixSize>
      <ExclusionRoute>true</ExclusionRoute>
    </Route>

or switch to `SplitTunnel` if only those networks should use the VPN.
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
    id="AOV301",
    name="force-tunnel-with-routes",
    severity=Severity.ERROR,
    short="ForceTunnel combined with Route elements that are not exclusion routes",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    documented=False,
    sources=(
        "Windows VPN routing decisions (force tunnel; exclusion routes)",
        "Field guidance: Always On VPN routing article comments and published ProfileXML samples",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.is_force_tunnel or profile.routing_policy_node is None:
        return
    policy = Related(profile.routing_policy_node.value_loc, "ForceTunnel is set here")
    for route in profile.inclusion_routes:
        target = f"{route.address}/{route.prefix}" if route.address else "this route"
        yield RULE.finding(
            route.loc,
            f"route {target} cannot be combined with ForceTunnel (field reports: the profile "
            "import fails); "
            "remove it, mark it <ExclusionRoute>true</ExclusionRoute>, or use SplitTunnel",
            related=(policy,),
        )
