"""The deployment inventory as data: VPN servers, their client address pools, the profiles
deployed. The cross-file rules read it; ``aovpn_lint.load.inventory`` builds it from YAML."""

from __future__ import annotations

import enum
import ipaddress
import os
from dataclasses import dataclass

from aovpn_lint.globs import matches
from aovpn_lint.model.positions import Location

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPInterface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class InventoryPlace(enum.Enum):
    """Which mapping of the inventory an issue is in: the top level, a server or a profile."""

    INVENTORY = "inventory"
    SERVER = "server"
    PROFILE = "profile"


class InventoryIssueKind(enum.Enum):
    """What is wrong at a place of the inventory. Each kind says which fields it fills."""

    #: the file holds no YAML document at all
    EMPTY = "empty"
    #: ``place`` is not a mapping
    NOT_A_MAPPING = "not-a-mapping"
    #: the value of ``key`` is not a list
    NOT_A_LIST = "not-a-list"
    #: the value (or a list item) of ``key`` is not a non-empty string
    NOT_A_STRING = "not-a-string"
    #: ``key`` is not one of ``known``, the keys valid in ``place``
    UNKNOWN_KEY = "unknown-key"
    #: ``place`` lacks the required ``key``; ``name`` is the server's when it has one
    MISSING = "missing"
    #: the server name ``value`` was first used on line ``first_line``
    DUPLICATE = "duplicate"
    #: the ``public-fqdn`` ``value`` is neither a DNS name nor an IP address
    NOT_A_HOSTNAME = "not-a-hostname"
    #: the ``internal-address`` ``value`` is not an IP address (with or without a prefix)
    INVALID_ADDRESS = "invalid-address"
    #: the ``value`` of ``key`` is an address without the prefix length it needs
    NO_PREFIX = "no-prefix"
    #: the ``value`` of ``key`` is not a CIDR network (nor, for a pool, a 'first-last' range)
    INVALID_NETWORK = "invalid-network"
    #: the network ``value`` of ``key`` has host bits set; ``suggestion`` has them cleared
    HOST_BITS = "host-bits"
    #: the 'first-last' pool ``value`` does not hold two IP addresses
    INVALID_RANGE = "invalid-range"
    #: the 'first-last' pool ``value`` mixes IPv4 and IPv6
    MIXED_FAMILIES = "mixed-families"
    #: the 'first-last' pool ``value`` ends before it starts; ``suggestion`` is it swapped
    RANGE_REVERSED = "range-reversed"
    #: the ``value`` of ``key`` is not one of ``known``
    UNKNOWN_VALUE = "unknown-value"
    #: the schema ``version`` ``value`` is not one of ``known``
    UNSUPPORTED_VERSION = "unsupported-version"


@dataclass(frozen=True, slots=True)
class InventoryIssue:
    """A place where the inventory does not follow its schema, as data: the loader records
    what it found and AOV504 words it, so a message lives in its rule (and a rule pack can
    match on ``kind`` instead of parsing text). There is deliberately no message field."""

    kind: InventoryIssueKind
    loc: Location
    place: InventoryPlace = InventoryPlace.INVENTORY
    #: the key concerned (``servers``, ``client-pool``...)
    key: str = ""
    #: the value as written (stripped)
    value: str = ""
    #: UNKNOWN_KEY: the keys valid in ``place``; UNKNOWN_VALUE, UNSUPPORTED_VERSION: the values
    known: tuple[str, ...] = ()
    #: HOST_BITS, RANGE_REVERSED: the value corrected (computed while parsing it)
    suggestion: str = ""
    #: MISSING: the name of the server the key is missing from, when it has a valid one
    name: str = ""
    #: DUPLICATE: the line where the name was first used
    first_line: int = 0


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
    #: what does not follow the schema, in document order (AOV504 reports them)
    issues: tuple[InventoryIssue, ...] = ()

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
