"""The deployment inventory (``aovpn-inventory.yaml``): VPN servers, their client address pools, and
the profiles deployed. It ties the files of a deployment together for the cross-file rules.

Schema (keys in kebab-case, like the configuration file)::

    servers:                          # required: the RRAS / VPN servers
      - name: rras01                  # required, unique
        public-fqdn: vpn.contoso.com  # required: the name clients dial (a string or a list)
        internal-address: 10.1.0.21/24  # optional: internal interface address and prefix length
        client-pool: 10.99.0.0/24     # optional: static client pool, CIDR or 'first-last'
                                      #   (a string or a list of them)
        description: Site A           # optional
    profiles:                         # optional: the profiles deployed
      - path: ../profiles/*.xml       # required: file or glob, relative to the inventory
        tunnel: user                  # optional: user | device
    internal-networks:                # optional: networks reachable through the VPN (CIDR)
      - 10.0.0.0/8
    version: 1                        # optional: the schema version

Every problem is recorded as an :class:`InventoryIssue` (what and where, no message) that AOV504
words, located at the key or value; YAML that cannot be parsed is AOV100. The parsed
:class:`Inventory` is the document's payload.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.load.yaml import YamlProblem, load_yaml_nodes
from aovpn_lint.model.document import Document, DocumentKind, ParseProblem
from aovpn_lint.model.inventory import (
    AddressRange,
    Inventory,
    InventoryIssue,
    InventoryIssueKind,
    InventoryPlace,
    IPInterface,
    IPNetwork,
    ProfileEntry,
    Server,
)
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.model.tree import Node, NodeKind

Kind = InventoryIssueKind
Place = InventoryPlace
TOP_KEYS = ("servers", "profiles", "internal-networks", "version")
SERVER_KEYS = ("name", "public-fqdn", "internal-address", "client-pool", "description")
PROFILE_KEYS = ("path", "tunnel", "description")
TUNNELS = ("user", "device")
VERSIONS = ("1",)
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$"
)


# --- validation ----------------------------------------------------------------------------------
class _Checker:
    """Collects the issues of one inventory in document order (the order AOV504 reports)."""

    def __init__(self) -> None:
        self.issues: list[InventoryIssue] = []

    def add(self, issue: InventoryIssue) -> None:
        self.issues.append(issue)

    def keys(self, node: Node, known: tuple[str, ...], place: InventoryPlace) -> None:
        for child in node.children:
            if child.tag not in known:
                self.add(
                    InventoryIssue(
                        Kind.UNKNOWN_KEY, child.loc, place=place, key=child.tag, known=known
                    )
                )

    def mapping(self, node: Node, place: InventoryPlace) -> bool:
        if node.value is None and node.kind is not NodeKind.SEQUENCE:
            return True
        self.add(InventoryIssue(Kind.NOT_A_MAPPING, node.value_loc, place=place))
        return False

    def sequence(self, node: Node | None, key: str) -> tuple[Node, ...]:
        if node is None:
            return ()
        if node.kind is NodeKind.SEQUENCE:
            return node.children
        self.add(InventoryIssue(Kind.NOT_A_LIST, node.value_loc, key=key))
        return ()

    def string(self, node: Node | None, key: str) -> str | None:
        if node is None:
            return None
        if node.value is None or node.kind is NodeKind.SEQUENCE or not node.text:
            self.add(InventoryIssue(Kind.NOT_A_STRING, node.value_loc, key=key))
            return None
        return node.text

    def strings(self, node: Node | None, key: str) -> list[tuple[str, Location]]:
        """A string or a list of strings, each with its location."""
        if node is None:
            return []
        items = node.children if node.kind is NodeKind.SEQUENCE else (node,)
        out = []
        for item in items:
            text = self.string(item, key)
            if text is not None:
                out.append((text, item.value_loc))
        return out


def parse_inventory(root: Node | None, path: str) -> Inventory:
    """Validate the YAML tree and build the inventory; invalid entries are left out."""
    check = _Checker()
    empty = Inventory(path, (), (), ())
    if root is None:
        check.add(InventoryIssue(Kind.EMPTY, Location(path, 1, 1, 1, 2)))
        return replace(empty, issues=tuple(check.issues))
    if not check.mapping(root, Place.INVENTORY):
        return replace(empty, issues=tuple(check.issues))
    check.keys(root, TOP_KEYS, Place.INVENTORY)
    servers_node = root.find("servers")
    if servers_node is None:
        check.add(InventoryIssue(Kind.MISSING, root.loc, key="servers"))
    servers = _servers(check, check.sequence(servers_node, "servers"))
    profiles = _profiles(check, check.sequence(root.find("profiles"), "profiles"))
    networks = []
    for text, loc in check.strings(root.find("internal-networks"), "internal-networks"):
        net = _network(check, text, loc)
        if net is not None:
            networks.append((net, loc))
    version = root.find("version")
    if version is not None and version.text not in VERSIONS:
        check.add(
            InventoryIssue(
                Kind.UNSUPPORTED_VERSION,
                version.value_loc,
                key="version",
                value=version.text,
                known=VERSIONS,
            )
        )
    servers_loc = servers_node.loc if servers_node is not None else None
    return Inventory(
        path, tuple(servers), tuple(profiles), tuple(networks), servers_loc, tuple(check.issues)
    )


def _servers(check: _Checker, items: tuple[Node, ...]) -> list[Server]:
    servers: list[Server] = []
    seen: dict[str, Server] = {}
    for item in items:
        if not check.mapping(item, Place.SERVER):
            continue
        check.keys(item, SERVER_KEYS, Place.SERVER)
        name_node = item.find("name")
        name = check.string(name_node, "name")
        if name_node is None:
            check.add(InventoryIssue(Kind.MISSING, item.loc, place=Place.SERVER, key="name"))
        fqdns = _fqdns(check, item, name)
        internal, internal_loc = _internal(check, item.find("internal-address"))
        pools = []
        for text, loc in check.strings(item.find("client-pool"), "client-pool"):
            pool = parse_range(text, loc)
            if isinstance(pool, InventoryIssue):
                check.add(pool)
            else:
                pools.append(pool)
        if name is None or name_node is None:
            continue
        first = seen.get(name.lower())
        if first is not None:
            # names are compared case-insensitively: Windows resolves them that way
            check.add(
                InventoryIssue(
                    Kind.DUPLICATE,
                    name_node.value_loc,
                    place=Place.SERVER,
                    key="name",
                    value=name,
                    first_line=first.loc.line,
                )
            )
            continue
        server = Server(name, tuple(fqdns), internal, internal_loc, tuple(pools), item.loc)
        seen[name.lower()] = server
        servers.append(server)
    return servers


def _fqdns(check: _Checker, item: Node, name: str | None) -> list[str]:
    """The server's public names, normalised (no trailing dot, lower case) for lookups."""
    fqdns = []
    for text, loc in check.strings(item.find("public-fqdn"), "public-fqdn"):
        if _HOSTNAME.match(text) or _is_ip(text):
            fqdns.append(text.rstrip(".").lower())
        else:
            check.add(
                InventoryIssue(
                    Kind.NOT_A_HOSTNAME, loc, place=Place.SERVER, key="public-fqdn", value=text
                )
            )
    if item.find("public-fqdn") is None:
        check.add(
            InventoryIssue(
                Kind.MISSING, item.loc, place=Place.SERVER, key="public-fqdn", name=name or ""
            )
        )
    return fqdns


def _internal(check: _Checker, node: Node | None) -> tuple[IPInterface | None, Location | None]:
    text = check.string(node, "internal-address")
    if text is None or node is None:
        return None, None
    loc = node.value_loc
    try:
        interface = ipaddress.ip_interface(text)
    except ValueError:
        check.add(InventoryIssue(Kind.INVALID_ADDRESS, loc, Place.SERVER, "internal-address", text))
        return None, None
    if "/" not in text:
        # still usable as an address; only the subnet (for the route checks) is unknown
        check.add(InventoryIssue(Kind.NO_PREFIX, loc, Place.SERVER, "internal-address", text))
    return interface, node.value_loc


def _profiles(check: _Checker, items: tuple[Node, ...]) -> list[ProfileEntry]:
    profiles = []
    for item in items:
        if not check.mapping(item, Place.PROFILE):
            continue
        check.keys(item, PROFILE_KEYS, Place.PROFILE)
        pattern = check.string(item.find("path"), "path")
        if item.find("path") is None:
            check.add(InventoryIssue(Kind.MISSING, item.loc, place=Place.PROFILE, key="path"))
        tunnel = _tunnel(check, item.find("tunnel"))
        if pattern is not None:
            profiles.append(ProfileEntry(pattern, tunnel, item.loc))
    return profiles


def _tunnel(check: _Checker, node: Node | None) -> str | None:
    """The tunnel type in lower case; None when it is absent or not one we know."""
    tunnel = check.string(node, "tunnel")
    if tunnel is None or node is None:
        return None
    if tunnel.lower() not in TUNNELS:
        check.add(
            InventoryIssue(
                Kind.UNKNOWN_VALUE,
                node.value_loc,
                place=Place.PROFILE,
                key="tunnel",
                value=tunnel,
                known=TUNNELS,
            )
        )
        return None
    return tunnel.lower()


def parse_range(text: str, loc: Location) -> AddressRange | InventoryIssue:
    """A pool written as CIDR or 'first-last'; the issue when it is not valid."""

    def issue(kind: InventoryIssueKind, suggestion: str = "") -> InventoryIssue:
        return InventoryIssue(
            kind, loc, Place.SERVER, key="client-pool", value=text, suggestion=suggestion
        )

    raw = text.strip()
    if "-" in raw and "/" not in raw:
        first_text, _, last_text = (part.strip() for part in raw.partition("-"))
        try:
            first, last = ipaddress.ip_address(first_text), ipaddress.ip_address(last_text)
        except ValueError:
            return issue(Kind.INVALID_RANGE)
        if first.version != last.version:
            return issue(Kind.MIXED_FAMILIES)
        if int(first) > int(last):
            return issue(Kind.RANGE_REVERSED, f"{last}-{first}")
        return AddressRange(raw, first, last, loc)
    try:
        net = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        return issue(Kind.INVALID_NETWORK)
    if "/" not in raw:
        return issue(Kind.NO_PREFIX)
    if net.network_address != ipaddress.ip_interface(raw).ip:
        return issue(Kind.HOST_BITS, str(net))
    return AddressRange(raw, net.network_address, net.broadcast_address, loc)


def _network(check: _Checker, text: str, loc: Location) -> IPNetwork | None:
    """An internal network; with host bits set it is still used, as the network they are in."""
    key = "internal-networks"
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        check.add(InventoryIssue(Kind.INVALID_NETWORK, loc, key=key, value=text))
        return None
    if "/" in text and net.network_address != ipaddress.ip_interface(text).ip:
        check.add(InventoryIssue(Kind.HOST_BITS, loc, key=key, value=text, suggestion=str(net)))
    return net


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- loaders -------------------------------------------------------------------------------------
def load_inventory(text: str, source: Source) -> Loaded:
    try:
        root = load_yaml_nodes(text, source)
    except YamlProblem as exc:
        loc = Location(source.path, exc.line, exc.col, exc.line, exc.col + 1)
        return [], [ParseProblem(loc, f"{exc.message}; fix the inventory's YAML syntax")]
    return [inventory_document(root, source)], []


def may_be_inventory(text: str) -> bool:
    """Whether YAML text could be an inventory at all (a top-level ``servers:`` or
    ``profiles:`` key): checked before anything is parsed."""
    return _TOP_SECTION.search(text) is not None


def looks_like_inventory(root: Node | None) -> bool:
    """A top-level mapping whose servers (or profiles) are a list of mappings with our keys, or
    near misses of them (``client_pool``, ``publicFqdn``): a name and a description alone say
    nothing, and a Graph object (an ``@odata.type``, such as an IntuneCD backup of the VPN
    template with its ``servers`` list) is never an inventory."""
    if root is None or root.kind is not NodeKind.MAPPING or root.has("@odata.type"):
        return False
    for section, keys in (("servers", SERVER_KEYS), ("profiles", PROFILE_KEYS)):
        node = root.find(section)
        if node is None or node.kind is not NodeKind.SEQUENCE:
            continue
        telling = set(keys) - {"name", "description"}
        for item in node.children:
            if item.kind is NodeKind.MAPPING and any(
                _kebab(child.tag) in telling for child in item.children
            ):
                return True
    return False


def inventory_document(root: Node | None, source: Source) -> Document:
    return Document(
        source.path,
        DocumentKind.INVENTORY,
        root,
        source,
        payload=parse_inventory(root, source.path),
    )


_TOP_SECTION = re.compile(r"^(servers|profiles)\s*:", re.M)
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _kebab(key: str) -> str:
    return _CAMEL.sub(r"-\1", key).lower().replace("_", "-")
