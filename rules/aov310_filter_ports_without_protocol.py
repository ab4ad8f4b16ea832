"""## What it does
Finds `TrafficFilter` rules that list `LocalPortRanges` or `RemotePortRanges` without a
`Protocol` of 6 (TCP) or 17 (UDP).

## Why is this bad?
Ports exist only for TCP and UDP. Microsoft documents port ranges as valid only when the filter's
protocol is TCP or UDP; without it the rule cannot match as intended, and because a traffic
filter blocks everything it does not match, the traffic the rule was written for is dropped.

## Example
    <TrafficFilter>
      <RemotePortRanges>443</RemotePortRanges>
      <RemoteAddressRanges>10.0.0.0/8</RemoteAddressRanges>
    </TrafficFilter>

## Use instead
    <TrafficFilter>
      <Protocol>6</Protocol>
      <RemotePortRanges>443</RemotePortRanges>
      <RemoteAddressRanges>10.0.0.0/8</RemoteAddressRanges>
    </TrafficFilter>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV310",
    name="filter-ports-without-protocol",
    severity=Severity.ERROR,
    short="TrafficFilter port ranges need Protocol 6 (TCP) or 17 (UDP)",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
    tags=("profilexml", "traffic-filter"),
    documented=True,
    sources=("VPNv2 CSP: port ranges are only valid when Protocol is TCP (6) or UDP (17)",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    for rule in profile.traffic_filters:
        ports = rule.find("LocalPortRanges") or rule.find("RemotePortRanges")
        if ports is None or (rule.text_of("Protocol") or "") in ("6", "17"):
            continue
        protocol = rule.text_of("Protocol")
        shown = f"Protocol '{protocol}'" if protocol else "no Protocol"
        yield RULE.finding(
            ports.loc,
            f"{ports.tag} with {shown}: ports only apply to TCP and UDP; "
            "add <Protocol>6</Protocol> (TCP) or <Protocol>17</Protocol> (UDP)",
        )
