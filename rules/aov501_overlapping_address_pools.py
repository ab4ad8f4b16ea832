"""## What it does
Checks the static client address pools of the inventory's VPN servers: pools of different
servers that overlap, or a pool that lies outside its own server's internal subnet but inside
another server's internal subnet.

Several servers may share one internal subnet and each carve its own, non-overlapping pool out of
it: that is a valid design (the routing article's comment thread endorses splitting a /24 between
VPN servers), and it is not reported.

Each finding is about one pool: a pool that overlaps pools listed before it is reported once,
with every pool it overlaps as a related location (the first pool of a group is the reference and
is not reported itself), so a long inventory gives one finding per pool, not one per pair.

## Why is this bad?
Each RRAS server hands out client addresses from its own pool, and the internal network routes
each pool back to the server that owns it. When two pools overlap, the same client address can be
given out twice and return traffic for it reaches only one of the servers: connections through
the other one break at random. A pool taken from the server's own internal subnet needs no extra
routing (the server answers for it on that link). A separate (off-link) pool needs a route back
to its server; when it falls inside another server's internal subnet, that LAN answers for those
addresses instead of the VPN server.

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

or share one internal subnet and split it:

    servers:
      - name: rras01
        public-fqdn: vpn.example.com
        internal-address: 10.1.0.21/24
        client-pool: 10.1.0.100-10.1.0.149
      - name: rras02
        public-fqdn: vpn.example.com
        internal-address: 10.1.0.22/24
        client-pool: 10.1.0.150-10.1.0.199
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from aovpn_lint.api import (
    AddressRange,
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
    short="VPN servers' static client pools overlap, or a pool lies in another server's "
    "internal subnet (inventory)",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/ras/always-on-vpn/deploy/always-on-vpn-deploy-infrastructure",
    tags=("inventory", "addressing", "cross-file"),
    kinds=(),
)

#: related locations listed on one finding; the message counts the rest
_MAX_RELATED = 20


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for inventory in inventories(documents):
        pools = [(server, pool) for server in inventory.servers for pool in server.pools]
        for index, (server, pool) in enumerate(pools):
            yield from _pool_overlaps(index, server, pool, pools)
        for server, pool in pools:
            yield from _subnet_overlaps(server, pool, inventory.servers)


def _pool_overlaps(
    index: int,
    server: InventoryServer,
    pool: AddressRange,
    pools: list[tuple[InventoryServer, AddressRange]],
) -> Iterator[Finding]:
    """One finding for a pool that overlaps a pool of another server listed before it."""
    hits = [
        (j, other, theirs)
        for j, (other, theirs) in enumerate(pools)
        if other is not server and theirs.overlaps(pool)
    ]
    if not hits or hits[0][0] > index:
        return  # no overlap, or the first pool of its group (reported on the later ones)
    others = [(other, theirs) for _j, other, theirs in hits]
    yield RULE.finding(
        pool.loc,
        f"client pool '{pool.text}' of '{server.name}' overlaps {_listed(others, 'pool')}; "
        "give every server its own non-overlapping static pool so return "
        "traffic reaches the right server",
        related=_related(others, "client pool"),
    )


def _subnet_overlaps(
    server: InventoryServer, pool: AddressRange, servers: Sequence[InventoryServer]
) -> Iterator[Finding]:
    """One finding for an off-link pool (not inside its own server's internal subnet) that lies
    in other servers' internal subnets. Servers sharing the owner's subnet are a valid design."""
    own = server.internal_subnet
    if own is not None and _inside(pool, own):
        return  # on-link for its server: shared subnets carved into pools are fine
    hits = [
        (other, subnet)
        for other in servers
        if other is not server
        for subnet in (other.internal_subnet,)
        if subnet is not None and pool.overlaps(subnet)
    ]
    if not hits:
        return
    where = f"outside its own internal subnet '{own.text}'" if own is not None else "off-link"
    yield RULE.finding(
        pool.loc,
        f"client pool '{pool.text}' of '{server.name}' is {where} but overlaps the internal "
        f"{_listed(hits, 'subnet')}, whose LAN answers for those addresses instead "
        f"of '{server.name}'; move the pool out of that subnet, into a range routed to "
        f"'{server.name}'" + (f" or into '{own.text}'" if own is not None else ""),
        related=_related(hits, "internal subnet"),
    )


def _inside(pool: AddressRange, subnet: AddressRange) -> bool:
    return (
        pool.first.version == subnet.first.version
        and int(subnet.first) <= int(pool.first)
        and int(pool.last) <= int(subnet.last)
    )


def _listed(items: Sequence[tuple[InventoryServer, AddressRange]], noun: str) -> str:
    """ "pool '10.1.0.0/25' of 'rras01'", or "3 pools ('...' of 'a', ...)" for several."""
    if len(items) == 1:
        other, rng = items[0]
        return f"{noun} '{rng.text}' of '{other.name}'"
    named = ", ".join(f"'{rng.text}' of '{other.name}'" for other, rng in items[:3])
    more = f" and {len(items) - 3} more" if len(items) > 3 else ""
    return f"{len(items)} {noun}s ({named}{more})"


def _related(
    items: Sequence[tuple[InventoryServer, AddressRange]], what: str
) -> tuple[Related, ...]:
    return tuple(
        Related(rng.loc, f"{what} '{rng.text}' of '{other.name}'")
        for other, rng in items[:_MAX_RELATED]
    )
