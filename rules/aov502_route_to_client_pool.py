"""## What it does
Notes a route in a profile (or an Intune VPN template) that lies inside the static client
address pool of one of the inventory's VPN servers.

## Why is this bad?
The client address pool is the VPN clients' own address space: a connected client already
reaches its own interface, and other clients are not a destination users need. A route for it
adds nothing and suggests a misunderstanding of where the pool lives, often a leftover from
copying the server's configuration into the profile.

## Example
    # aovpn-inventory.yaml
    servers:
      - name: rras01
        public-fqdn: vpn.example.com
        client-pool: 10.99.0.0/24

    <Route><Address>10.99.0.0</Address><PrefixSize>24</PrefixSize></Route>

## Use instead
Route the internal networks only:

    <Route><Address>10.10.0.0</Address><PrefixSize>16</PrefixSize></Route>
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
    id="AOV502",
    name="route-to-client-pool",
    severity=Severity.NOTE,
    short="A profile routes the VPN client address pool itself (inventory)",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenameroutelist",
    tags=("inventory", "routing", "cross-file"),
    kinds=(),
)


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for inventory in inventories(documents):
        pools = [(server, pool) for server in inventory.servers for pool in server.pools]
        for item in deployed(documents, inventory):
            for network, loc in item.routes:
                for server, pool in pools:
                    if pool.contains(network):
                        yield RULE.finding(
                            loc,
                            f"route '{network}' lies inside the client pool '{pool.text}' of "
                            f"'{server.name}'; routes for the VPN clients' own pool are not "
                            "needed, remove it",
                            related=(Related(pool.loc, f"client pool of '{server.name}'"),),
                        )
                        break
