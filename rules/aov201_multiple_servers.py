"""## What it does
Warns when `NativeProfile/Servers` lists more than one VPN server (entries separated by commas).

## Why is this bad?
Listing several servers does not give failover. The Windows VPN client connects to the first
server only, and the others cannot be relied on even for manual selection (field reports say that
since 2023 Windows no longer offers them). When the first server is down, Always On simply fails.
Redundancy needs one name in front of several servers: a load balancer, or global DNS such as
Azure Traffic Manager.

The same holds for the server list of Intune's VPN template. A semicolon adds a friendly name to
one server: `vpn.example.com;vpn.example.com` (as Intune-generated XML writes it) is a single
server and is not reported.

## Example
    <Servers>vpn1.example.com,vpn2.example.com</Servers>

## Use instead
    <Servers>vpn.example.com</Servers>

with `vpn.example.com` answered by a load balancer or a global DNS service.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    IntuneTemplate,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV201",
    name="multiple-servers",
    severity=Severity.WARNING,
    short="More than one server listed: no failover, only the first is used",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofileservers",
    tags=("profilexml", "servers", "availability"),
    documented=True,
    sources=(
        "VPNv2 CSP: Servers is a comma-separated list, each entry optionally "
        "'server;friendly name'",
    ),
    kinds=(DocumentKind.PROFILE, DocumentKind.INTUNE_TEMPLATE),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind == "intune-vpn-template" and document.root is not None:
        yield from _template(document)
        return
    profile = profile_of(document)
    if profile is None or profile.servers_node is None:
        return
    hosts = list(dict.fromkeys(server.host.lower() for server in profile.servers))
    if len(hosts) >= 2:
        yield RULE.finding(profile.servers_node.value_loc, _message("Servers lists", hosts))


def _template(document: Document) -> Iterator[Finding]:
    """Intune's VPN template lists servers as separate entries; the same holds for them."""
    assert document.root is not None
    servers = document.root.find("servers")
    template = document.payload
    if not isinstance(template, IntuneTemplate):
        return
    hosts = list(dict.fromkeys(host.lower() for host, _loc in template.servers))
    if servers is not None and len(hosts) >= 2:
        yield RULE.finding(servers.loc, _message("the template lists", hosts))


def _message(lead: str, hosts: list[str]) -> str:
    shown = ", ".join(f"'{h}'" for h in hosts[:4]) + (", ..." if len(hosts) > 4 else "")
    return (
        f"{lead} {len(hosts)} servers ({shown}) but Windows connects to the first only; "
        "this is no failover: publish one name behind a load balancer or global DNS"
    )
