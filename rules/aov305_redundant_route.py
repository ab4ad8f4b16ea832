"""## What it does
Notes routes that repeat another route of the same profile, or lie inside a wider route of the
same kind (both through the tunnel, or both exclusion routes).

## Why is this bad?
A route inside a wider route of the same kind sends the same traffic the same way, so it only
adds noise and makes the profile harder to review; duplicates often hide a typo in the route
that was meant. Routes of the other kind are intentional and not reported: an exclusion carved
out of a tunnelled network, or a subnet put back into the tunnel inside an excluded range (the
more specific route wins).

## Example
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
    <Route><Address>10.20.0.0</Address><PrefixSize>16</PrefixSize></Route>

## Use instead
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>

Fix (safe): a route that repeats another exactly (same Address, PrefixSize, Metric and
kind) is removed; a route that lies inside another is left to you.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    MAX_PREFIX,
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    Node,
    Related,
    Route,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
    remove,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV305",
    name="redundant-route",
    severity=Severity.NOTE,
    short="Duplicate route, or a route contained in another route of the profile",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    precision="very-high",
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    inclusion, exclusion = profile.inclusion_routes, profile.exclusion_routes
    for group, others in ((inclusion, exclusion), (exclusion, inclusion)):
        carve_outs = {
            (r.version, r.net_value, r.prefix) for r in others if r.version and r.prefix is not None
        }
        for route, cover in _contained(group):
            if _carved_between(route, cover, carve_outs):
                continue  # e.g. a subnet put back into the tunnel inside an excluded range
            assert route.network is not None and cover.network is not None
            same = route.network == cover.network
            what = "repeats" if same else "lies inside"
            yield RULE.finding(
                route.loc,
                f"route {route.network} {what} route {cover.network} (line {cover.loc.line}); "
                "remove it",
                related=(Related(cover.loc, f"route {cover.network}"),),
                fix=_remove_repeat(route, cover),
            )


def _remove_repeat(route: Route, cover: Route) -> Fix | None:
    """Removing an exact repeat (the same children, values and order) changes nothing."""
    if _shape(route.node) != _shape(cover.node):
        return None
    return Fix(f"remove the repeated route {route.network}", (remove(route.node),))


def _shape(node: Node) -> tuple[object, ...]:
    return (
        node.tag,
        node.text,
        node.unresolved,
        tuple(_shape(child) for child in node.children),
    )


def _carved_between(route: Route, cover: Route, carve_outs: set[tuple[int, int, int]]) -> bool:
    """True when a route of the other kind lies between ``cover`` and ``route`` (containing
    ``route``, inside ``cover``): then ``route`` overrides it and is not redundant."""
    if not carve_outs:
        return False
    assert route.prefix is not None and cover.prefix is not None
    bits = MAX_PREFIX[route.version]
    for prefix in range(cover.prefix, route.prefix + 1):
        masked = route.net_value >> (bits - prefix) << (bits - prefix)
        if (route.version, masked, prefix) in carve_outs:
            return True
    return False


def _contained(routes: list[Route]) -> Iterator[tuple[Route, Route]]:
    """Pairs (redundant route, covering route) in O(n log n): sorted CIDR blocks either nest or
    are disjoint, so one covering block per address family is enough."""
    valid = [r for r in routes if r.version]  # a valid prefix (network is not None)
    ordered = sorted(
        range(len(valid)), key=lambda i: (valid[i].version, valid[i].net_value, valid[i].prefix, i)
    )
    cover: Route | None = None
    for route in (valid[i] for i in ordered):
        if cover is not None and cover.contains(route):
            yield route, cover
        else:
            cover = route
