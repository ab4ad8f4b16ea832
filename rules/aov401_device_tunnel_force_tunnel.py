"""## What it does
Finds device tunnel profiles (`DeviceTunnel` true) whose `RoutingPolicyType` is explicitly
`ForceTunnel`.

## Why is this bad?
Microsoft supports the device tunnel only as a split tunnel: it exists to reach the few servers a
machine needs before anyone signs in (domain controllers, certificate revocation, management).
A forced device tunnel is unsupported and breaks connectivity.

A device tunnel with routes but no `RoutingPolicyType` is not reported here: what Windows does
then is undocumented, and AOV308 (routing-policy-unset, a warning) asks to set it explicitly.

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <NativeProfile>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>
    <Route><Address>10.0.0.10</Address><PrefixSize>32</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV401",
    name="device-tunnel-force-tunnel",
    severity=Severity.ERROR,
    short="Device tunnel with ForceTunnel is not supported",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "device-tunnel", "routing"),
    documented=True,
    sources=("Configure VPN device tunnels in Windows client: force tunnel is not supported",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.device_tunnel or profile.native is None:
        return
    if profile.is_force_tunnel:
        assert profile.routing_policy_node is not None
        yield RULE.finding(
            profile.routing_policy_node.value_loc,
            "a device tunnel cannot be a force tunnel; use SplitTunnel with host "
            "routes to the servers the machine needs before sign-in",
        )
