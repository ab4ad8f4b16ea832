"""## What it does
Warns when a native profile defines routes but no `RoutingPolicyType`.

## Why is this bad?
Without `RoutingPolicyType`, Windows uses force tunnel, its default. Routes in the profile show
that split tunnelling was intended; as a force tunnel the profile either sends all traffic
through the VPN or fails to import because routes and force tunnel do not mix.

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

from aovpn_lint.api import DocumentKind, Document, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV308",
    name="routing-policy-unset",
    severity=Severity.WARNING,
    short="Route elements without RoutingPolicyType: Windows defaults to force tunnel",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-routing",
    tags=("profilexml", "routing"),
    documented=True,
    sources=("Windows VPN routing decisions: force tunnel is the default",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or profile.native is None or profile.routing_policy_node is not None:
        return
    if profile.device_tunnel:
        return  # an error for device tunnels: AOV401 reports it
    if not profile.inclusion_routes:
        return
    yield RULE.finding(profile.native.loc,
                       f"the profile has {len(profile.inclusion_routes)} route(s) but no "
                       "RoutingPolicyType, so Windows uses force tunnel; add "
                       "<RoutingPolicyType>SplitTunnel</RoutingPolicyType>")
