"""## What it does
Warns when a device tunnel profile has `TrafficFilter` elements, unless one of them allows
inbound traffic (`<Direction>Inbound</Direction>`).

## Why is this bad?
Once a device tunnel has traffic filters, Windows denies inbound traffic on it. Server-initiated
management (manage-out: remote desktop to the client, WinRM, remote Group Policy refresh) stops
working, which is often the reason a device tunnel was deployed. Restrict the tunnel with host
routes instead, or add an inbound filter (Windows 10 2004 and later).

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <TrafficFilter><RemoteAddressRanges>10.0.0.10</RemoteAddressRanges></TrafficFilter>

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <Route><Address>10.0.0.10</Address><PrefixSize>32</PrefixSize></Route>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV403",
    name="device-tunnel-traffic-filter",
    severity=Severity.WARNING,
    short="TrafficFilter on a device tunnel blocks inbound traffic (breaks manage-out)",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "device-tunnel", "traffic-filter"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: traffic filters deny inbound traffic",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.device_tunnel:
        return
    filters = profile.traffic_filters
    if not filters or any((f.text_of("Direction") or "").lower() == "inbound" for f in filters):
        return
    yield RULE.finding(
        filters[0].loc,
        f"the device tunnel has {len(filters)} TrafficFilter(s), so Windows denies "
        "inbound traffic and manage-out stops working; restrict it with host routes "
        "or add an Inbound filter",
    )
