"""## What it does
Warns when a device tunnel profile has `TrafficFilter` elements, unless one of them allows
inbound traffic (`<Direction>Inbound</Direction>`). The same holds for an Intune VPN template
(Graph JSON, IntuneCD or Microsoft365DSC) that enables the device tunnel (`enableDeviceTunnel`)
and lists network traffic rules (`trafficRules`, which Intune delivers as traffic filters),
unless one of them is inbound (`"vpnTrafficDirection": "inbound"`). Intune adds the rules of
apps restricted to the connection (per-app VPN) to these traffic rules as well.

## Why is this bad?
Once a device tunnel has traffic filters, Windows denies inbound traffic on it. Server-initiated
management (manage-out: remote desktop to the client, WinRM, remote Group Policy refresh) stops
working, which is often the reason a device tunnel was deployed. Restrict the tunnel with host
routes instead, or add an inbound filter (Windows 10 2004 and later).

## Example
    <DeviceTunnel>true</DeviceTunnel>
    <TrafficFilter><RemoteAddressRanges>10.0.0.10</RemoteAddressRanges></TrafficFilter>

In the Intune template:

    "enableDeviceTunnel": true,
    "trafficRules": [{"name": "DCs", "remoteAddressRanges":
        [{"lowerAddress": "10.0.0.10", "upperAddress": "10.0.0.10"}]}]

## Use instead
    <DeviceTunnel>true</DeviceTunnel>
    <Route><Address>10.0.0.10</Address><PrefixSize>32</PrefixSize></Route>

In the Intune template: no `trafficRules`, and host routes in `routes`
(`{"destinationPrefix": "10.0.0.10", "prefixSize": 32}`).
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    RuleMeta,
    Severity,
    TemplateView,
    hookimpl,
    profile_of,
    template_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV403",
    name="device-tunnel-traffic-filter",
    severity=Severity.WARNING,
    short="TrafficFilter on a device tunnel blocks inbound traffic (breaks manage-out)",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("profilexml", "intune", "device-tunnel", "traffic-filter"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: traffic filters deny inbound traffic",
        "Microsoft Graph: windows10VpnConfiguration trafficRules, vpnTrafficRule "
        "vpnTrafficDirection",
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


def _check_template(template: TemplateView) -> Iterator[Finding]:
    rules = template.traffic_rules
    if not template.device_tunnel or not rules or any(_is_inbound(rule) for rule in rules):
        return
    assert template.traffic_rules_node is not None
    yield RULE.finding(
        template.traffic_rules_node.loc,
        f"the device tunnel template has {len(rules)} traffic rule(s), so Windows denies "
        f"inbound traffic and manage-out stops working; remove '{template.key('trafficRules')}' "
        "and restrict the tunnel with host routes, or add a rule with "
        f"'{template.key('vpnTrafficDirection')}' 'inbound'",
    )


def _is_inbound(rule: Node) -> bool:
    return (rule.text_of("vpnTrafficDirection") or "").lower() == "inbound"
