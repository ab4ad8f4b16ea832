"""The deployment inventory as data: VPN servers, their client address pools, the profiles
deployed. The cross-file rules read it; ``aovpn_lint.load.inventory`` builds it from YAML."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from aovpn_lint.globs import matches
from aovpn_lint.model.positions import Location

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: a place in the inventory and what is wrong there
Issue = tuple[Location, str]


@dataclass(frozen=True, slots=True)
class AddressRange:
    """A client pool or a subnet as the first and last address it holds."""

    text: str
    first: IPAddress
    last: IPAddress
    loc: Location

    def overlaps(self, other: AddressRange) -> bool:
        return (
            self.first.version == other.first.version
            and int(self.first) <= int(other.last)
            and int(other.first) <= int(self.last)
        )

    def contains(self, network: IPNetwork) -> bool:
        return (
            self.first.version == network.version
            and int(self.first) <= int(network.network_address)
            and int(network.broadcast_address) <= int(self.last)
        )


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    fqdns: tuple[str, ...]
    internal: IPInterface | None
    internal_loc: Location | None
    pools: tuple[AddressRange, ...]
    loc: Location

    @property
    def internal_subnet(self) -> AddressRange | None:
        if self.internal is None or self.internal_loc is None:
            return None
        net = self.internal.network
        return AddressRange(str(net), net.network_address, net.broadcast_address, self.internal_loc)


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    pattern: str
    tunnel: str | None
    loc: Location


@dataclass(frozen=True, slots=True)
class Inventory:
    path: str
    servers: tuple[Server, ...]
    profiles: tuple[ProfileEntry, ...]
    internal_networks: tuple[tuple[IPNetwork, Location], ...]
    #: where the 'servers' key is (related location of cross-file findings)
    servers_loc: Location | None = None
    #: what does not follow the schema (AOV504 reports them)
    issues: tuple[Issue, ...] = ()

    def server_for(self, host: str) -> Server | None:
        """The server a profile's server entry names (public FQDN or server name)."""
        wanted = host.strip().rstrip(".").lower()
        for server in self.servers:
            if wanted in server.fqdns or wanted == server.name.lower():
                return server
        return None

    def entry_for(self, path: str) -> ProfileEntry | None:
        """The profiles entry whose path or glob matches ``path`` (relative to the inventory)."""
        base = os.path.dirname(self.path)
        for entry in self.profiles:
            if matches(entry.pattern, path, base):
                return entry
        return None
