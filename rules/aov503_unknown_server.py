"""## What it does
Warns when a profile (or an Intune VPN template) connects to a server that the deployment
inventory does not list, by public FQDN or by name.

## Why is this bad?
A server name that is not in the inventory is usually a typo, a decommissioned server or a
test gateway left in a production profile. Windows only finds out when the tunnel fails to
connect, on every client the profile reaches.

## Example
    # aovpn-inventory.yaml
    servers:
      - name: rras01
        public-fqdn: vpn.example.com

    <Servers>vpn-test.example.com</Servers>

## Use instead
    <Servers>vpn.example.com</Servers>

or add the server to the inventory if it is meant to be there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from aovpn_lint.api import (
    Document,
    Finding,
    Related,
    RuleMeta,
    Severity,
    deployed,
    hookimpl,
    inventories,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV503",
    name="unknown-server",
    severity=Severity.WARNING,
    short="A profile's server is not a server of the inventory",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofileservers",
    tags=("inventory", "servers", "cross-file"),
    kinds=(),
)


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for inventory in inventories(documents):
        if not inventory.servers:
            continue
        known = sorted({fqdn for server in inventory.servers for fqdn in server.fqdns})
        shown = ", ".join(f"'{name}'" for name in known[:4]) + (", ..." if len(known) > 4 else "")
        for item in deployed(documents, inventory):
            for host, loc in item.servers:
                if inventory.server_for(host) is None:
                    yield RULE.finding(
                        loc,
                        f"server '{host}' is not in the inventory (known: {shown}); fix the name "
                        "or add the server to the inventory",
                        related=(
                            Related(
                                inventory.servers_loc or inventory.servers[0].loc,
                                "servers of the inventory",
                            ),
                        ),
                    )
