"""## What it does
Notes `DisableClassBasedDefaultRoute` set to `true` in a force-tunnel profile.

## Why is this bad?
The setting only changes split-tunnel routing. With force tunnel all traffic already uses the
VPN, so it has no effect and suggests the profile was converted from split tunnel without
cleaning up.

## Example
    <NativeProfile>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>

Fix (safe): the element is removed.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
    remove,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV304",
    name="ineffective-class-route-setting",
    severity=Severity.NOTE,
    short="DisableClassBasedDefaultRoute has no effect with ForceTunnel",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofiledisableclassbaseddefaultroute",
    tags=("profilexml", "routing"),
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.is_force_tunnel or not profile.disables_class_route:
        return
    assert profile.class_route_node is not None
    yield RULE.finding(
        profile.class_route_node.value_loc,
        "DisableClassBasedDefaultRoute has no effect with ForceTunnel; remove it",
        fix=Fix("remove <DisableClassBasedDefaultRoute>", (remove(profile.class_route_node),)),
    )
