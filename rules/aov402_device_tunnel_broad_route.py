"""## What it does
Warns when a device tunnel routes a network instead of single hosts (a prefix shorter than /32
for IPv4 or /128 for IPv6). Exclusion routes are not reported.

## Why is this bad?
The device tunnel should carry only what the machine needs before sign-in: domain controllers,
certificate revocation and management servers. Microsoft recommends host routes for it. Broad
routes pull user traffic into the device tunnel and collide with the user tunnel's routes.

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <Route><Address>10.0.0.10</Address><PrefixSize>32</PrefixSize></Route>
    <Route><Address>10.0.0.11</Address><PrefixSize>32</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV402",
    name="device-tunnel-broad-route",
    severity=Severity.WARNING,
    short="Device tunnel route is wider than a host route",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "device-tunnel", "routing"),
    documented=True,
    sources=("Configure VPN device tunnels in Windows client: sample uses host routes",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.device_tunnel:
        return
    for route in profile.inclusion_routes:
        if not route.version or route.is_host_route or route.network is None:
            continue
        host = route.network.max_prefixlen
        yield RULE.finding(
            route.loc,
            f"device tunnel route {route.network} covers a whole network; route only "
            f"the servers needed before sign-in, as /{host} host routes",
        )
