"""## What it does
Checks the static client address pools of the inventory's VPN servers: two servers whose pools
overlap, or one server's pool that overlaps another server's internal subnet.

## Why is this bad?
Each RRAS server hands out client addresses from its own pool, and the internal network routes
each pool back to the server that owns it. When two pools overlap, the same client address can be
given out twice and return traffic for it reaches only one of the servers: connections through
the other one break at random. A pool inside another server's internal subnet is answered by
that subnet, not by the VPN server. A pool carved from the server's own internal subnet is fine.

## Example
    servers:
      - name: rras01
        public-fqdn: vpn.example.com
        client-pool: 10.99.0.0/24
      - name: rras02
        public-fqdn: vpn.example.com
        client-pool: 10.99.0.128/25

## Use instead
    servers:
      - name: rras01
        public-fqdn: vpn.example.com
        client-pool: 10.99.0.0/24
      - name: rras02
        public-fqdn: vpn.example.com
        client-pool: 10.99.1.0/24
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from aovpn_lint.api import (
    Document,
    Finding,
    InventoryServer,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    inventories,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV501",
    name="overlapping-address-pools",
    severity=Severity.ERROR,
    short="Two VPN servers' static client pools overlap (inventory)",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/ras/always-on-vpn/deploy/always-on-vpn-deploy-infrastructure",
    tags=("inventory", "addressing", "cross-file"),
    kinds=(),
)


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for inventory in inventories(documents):
        servers = inventory.servers
        for i, later in enumerate(servers):
            for earlier in servers[:i]:
                yield from _pools(earlier, later)
        for server in servers:
            for other in servers:
                subnet = other.internal_subnet
                if other is server or subnet is None:
                    continue
                for pool in server.pools:
                    if pool.overlaps(subnet):
                        yield RULE.finding(
                            pool.loc,
                            f"client pool '{pool.text}' of '{server.name}' overlaps the internal "
                            f"subnet '{subnet.text}' of '{other.name}'; take the pool from the "
                            "server's own subnet or from a range routed to it",
                            related=(Related(subnet.loc, f"internal address of '{other.name}'"),))


def _pools(earlier: InventoryServer, later: InventoryServer) -> Iterator[Finding]:
    for pool in later.pools:
        for other in earlier.pools:
            if pool.overlaps(other):
                yield RULE.finding(
                    pool.loc,
                    f"client pool '{pool.text}' of '{later.name}' overlaps pool '{other.text}' of "
                    f"'{earlier.name}'; give every server its own non-overlapping static pool so "
                    "return traffic reaches the right server",
                    related=(Related(other.loc, f"client pool of '{earlier.name}'"),))
