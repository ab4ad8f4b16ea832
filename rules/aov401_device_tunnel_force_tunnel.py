"""## What it does
Finds device tunnel profiles (`DeviceTunnel` true) whose `RoutingPolicyType` is explicitly
`ForceTunnel`, and Intune VPN templates (Graph JSON, IntuneCD or Microsoft365DSC) that enable the
device tunnel (`enableDeviceTunnel`) with split tunnelling explicitly off
(`enableSplitTunneling` false), which the template turns into a force tunnel.

## Why is this bad?
Microsoft supports the device tunnel only as a split tunnel: it exists to reach the few servers a
machine needs before anyone signs in (domain controllers, certificate revocation, management).
A forced device tunnel is unsupported and breaks connectivity.

A device tunnel with routes but no `RoutingPolicyType` is not reported here: what Windows does
then is undocumented, and AOV308 (routing-policy-unset, a warning) asks to set it explicitly.
Likewise a template that does not write `enableSplitTunneling` at all is not reported (every
Graph export writes it; only a hand-trimmed file or a partial DSC block leaves it out).

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

In the Intune template: `"enableDeviceTunnel": true, "enableSplitTunneling": true` with host
routes (`"routes": [{"destinationPrefix": "10.0.0.10", "prefixSize": 32}]`).
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    RuleMeta,
    Severity,
    TemplateView,
    hookimpl,
    profile_of,
    template_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV401",
    name="device-tunnel-force-tunnel",
    severity=Severity.ERROR,
    short="Device tunnel with ForceTunnel is not supported",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "intune", "device-tunnel", "routing"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: force tunnel is not supported",
        "Microsoft Graph: windows10VpnConfiguration enableDeviceTunnel, enableSplitTunneling",
    ),
    kinds=(DocumentKind.PROFILE, DocumentKind.INTUNE_TEMPLATE),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    template = template_of(document)
    if template is not None:
        yield from _check_template(template)
        return
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


def _check_template(template: TemplateView) -> Iterator[Finding]:
    """The template has no routing policy: split tunnelling off is its force tunnel."""
    node = template.split_tunneling_node
    if template.device_tunnel and template.split_tunneling is False:
        assert node is not None
        key = template.key("enableSplitTunneling")
        yield RULE.finding(
            node.value_loc,
            f"a device tunnel cannot be a force tunnel; set '{key}' to {template.true} and list "
            "host routes to the servers the machine needs before sign-in",
        )
