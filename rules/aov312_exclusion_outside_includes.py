"""## What it does
In a split-tunnel profile that disables the class-based route, finds exclusion routes
(`<ExclusionRoute>true</ExclusionRoute>`) that lie inside none of the profile's include routes.

## Why is this bad?
In a split tunnel only the networks routed into the tunnel use it; everything else already goes
out through the physical interface. An exclusion route exists to carve a destination out of a
wider route through the tunnel, so one that no include route covers changes nothing: it is
noise, and often a sign that the include route it was meant to cut into is missing or was
changed. (In a force tunnel exclusion routes are the documented way to keep chosen traffic out,
and they are not checked here.)

The rule stays quiet when the class-based route is enabled or `PlumbIKEv2TSAsRoutes` is set:
then routes the linter cannot see (derived from the client's address, or the server's traffic
selectors) may contain the exclusion. Routes a VPN server pushes during connection are not
visible either; if yours does, the exclusion may still matter.

Sources: Windows "VPN routing decisions" (split tunnel; exclusion routes) and the VPNv2 CSP
(Route/ExclusionRoute).

## Example
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
    <Route>
      <Address>192.0.2.0</Address><PrefixSize>24</PrefixSize>
      <ExclusionRoute>true</ExclusionRoute>
    </Route>

## Use instead
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
    <Route>
      <Address>10.99.0.0</Address><PrefixSize>16</PrefixSize>
      <ExclusionRoute>true</ExclusionRoute>
    </Route>

or remove the exclusion route.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    Profile,
    RuleMeta,
    Severity,
    hookimpl,
    parse_bool,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV312",
    name="exclusion-outside-includes",
    severity=Severity.NOTE,
    short="SplitTunnel exclusion route that no include route contains has no effect",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    precision="medium",
    documented=True,
    sources=(
        "Windows VPN routing decisions: split tunnel, exclusion routes",
        "VPNv2 CSP: Route/ExclusionRoute",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not _routes_are_all_visible(profile):
        return
    includes = profile.inclusion_routes
    for route in profile.exclusion_routes:
        if route.version and not any(inner.contains(route) for inner in includes):
            yield RULE.finding(
                route.loc,
                f"exclusion route {route.address}/{route.prefix} lies "
                "inside no include route, and a split tunnel already sends it "
                "outside the VPN; remove it or add the include route it should "
                "cut into",
            )


def _routes_are_all_visible(profile: Profile) -> bool:
    """SplitTunnel with the class-based route disabled and no traffic-selector routes."""
    plumbs = profile.native_child("PlumbIKEv2TSAsRoutes")
    return (
        profile.is_split_tunnel
        and parse_bool(_text(profile.class_route_node)) is True
        and not (plumbs is not None and parse_bool(plumbs.text) is True)
    )


def _text(node: Node | None) -> str | None:
    return None if node is None else node.text
