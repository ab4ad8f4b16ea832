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

Every problem is an AOV504 finding located at the key or value; YAML that cannot be parsed is
AOV100. The parsed :class:`Inventory` is kept in ``document.data['inventory']``.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from dataclasses import replace

from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.load.yaml import YamlProblem, load_yaml_nodes
from aovpn_lint.model.document import Document, DocumentKind, ParseProblem
from aovpn_lint.model.inventory import (
    AddressRange,
    Inventory,
    IPInterface,
    IPNetwork,
    Issue,
    ProfileEntry,
    Server,
)
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.model.tree import Node, NodeKind

TOP_KEYS = ("servers", "profiles", "internal-networks", "version")
SERVER_KEYS = ("name", "public-fqdn", "internal-address", "client-pool", "description")
PROFILE_KEYS = ("path", "tunnel", "description")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$"
)


# --- validation ----------------------------------------------------------------------------------
class _Checker:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def issue(self, loc: Location, message: str) -> None:
        self.issues.append((loc, message))

    def keys(self, node: Node, known: tuple[str, ...], where: str) -> None:
        for child in node.children:
            if child.tag in known:
                continue
            close = difflib.get_close_matches(
                child.tag.replace("_", "-").lower(), known, n=1, cutoff=0.6
            )
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            self.issue(child.loc, f"unknown key '{child.tag}' in {where}; {hint}")

    def mapping(self, node: Node, what: str) -> bool:
        if node.value is None and node.kind is not NodeKind.SEQUENCE:
            return True
        self.issue(node.value_loc, f"{what} must be a mapping of keys to values")
        return False

    def sequence(self, node: Node | None, what: str) -> tuple[Node, ...]:
        if node is None:
            return ()
        if node.kind is NodeKind.SEQUENCE:
            return node.children
        self.issue(node.value_loc, f"'{what}' must be a list (one '- ' item per entry)")
        return ()

    def string(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if node.value is None or node.kind is NodeKind.SEQUENCE or not node.text:
            self.issue(node.value_loc, f"'{what}' must be a non-empty string")
            return None
        return node.text

    def strings(self, node: Node | None, what: str) -> list[tuple[str, Location]]:
        """A string or a list of strings, each with its location."""
        if node is None:
            return []
        items = node.children if node.kind is NodeKind.SEQUENCE else (node,)
        out = []
        for item in items:
            text = self.string(item, what)
            if text is not None:
                out.append((text, item.value_loc))
        return out


def parse_inventory(root: Node | None, path: str) -> Inventory:
    """Validate the YAML tree and build the inventory; invalid entries are left out."""
    check = _Checker()
    empty = Inventory(path, (), (), ())
    if root is None:
        check.issue(
            Location(path, 1, 1, 1, 2),
            "the inventory is empty; list the VPN servers under 'servers:'",
        )
        return replace(empty, issues=tuple(check.issues))
    if not check.mapping(root, "the inventory"):
        return replace(empty, issues=tuple(check.issues))
    check.keys(root, TOP_KEYS, "the inventory")
    servers_node = root.find("servers")
    if servers_node is None:
        check.issue(root.loc, "the inventory has no 'servers:' list; add the VPN servers")
    servers = _servers(check, check.sequence(servers_node, "servers"))
    profiles = _profiles(check, check.sequence(root.find("profiles"), "profiles"))
    networks = []
    for text, loc in check.strings(root.find("internal-networks"), "internal-networks"):
        net = _network(check, text, loc, "internal network")
        if net is not None:
            networks.append((net, loc))
    version = root.find("version")
    if version is not None and version.text != "1":
        check.issue(
            version.value_loc, f"inventory version '{version.text}' is not supported; use 1"
        )
    servers_loc = servers_node.loc if servers_node is not None else None
    return Inventory(
        path, tuple(servers), tuple(profiles), tuple(networks), servers_loc, tuple(check.issues)
    )


def _servers(check: _Checker, items: tuple[Node, ...]) -> list[Server]:
    servers: list[Server] = []
    seen: dict[str, Server] = {}
    for item in items:
        if not check.mapping(item, "each server"):
            continue
        check.keys(item, SERVER_KEYS, "a server")
        name = check.string(item.find("name"), "name")
        if item.find("name") is None:
            check.issue(item.loc, "this server has no 'name'; give each server a unique name")
        fqdns = []
        for text, loc in check.strings(item.find("public-fqdn"), "public-fqdn"):
            if _HOSTNAME.match(text) or _is_ip(text):
                fqdns.append(text.rstrip(".").lower())
            else:
                check.issue(
                    loc,
                    f"public-fqdn '{text}' is not a DNS name; write the name clients "
                    "connect to, e.g. 'vpn.contoso.com'",
                )
        if item.find("public-fqdn") is None:
            check.issue(
                item.loc, f"server '{name or '?'}' has no 'public-fqdn'; add the name clients dial"
            )
        internal, internal_loc = _internal(check, item.find("internal-address"))
        pools = []
        for text, loc in check.strings(item.find("client-pool"), "client-pool"):
            pool = parse_range(text, loc)
            if isinstance(pool, str):
                check.issue(loc, pool)
            else:
                pools.append(pool)
        if name is None:
            continue
        if name.lower() in seen:
            check.issue(
                item.find("name").value_loc,  # type: ignore[union-attr]
                f"server name '{name}' is used twice (first at line "
                f"{seen[name.lower()].loc.line}); server names must be unique",
            )
            continue
        server = Server(name, tuple(fqdns), internal, internal_loc, tuple(pools), item.loc)
        seen[name.lower()] = server
        servers.append(server)
    return servers


def _internal(check: _Checker, node: Node | None) -> tuple[IPInterface | None, Location | None]:
    text = check.string(node, "internal-address")
    if text is None or node is None:
        return None, None
    try:
        interface = ipaddress.ip_interface(text)
    except ValueError:
        check.issue(
            node.value_loc,
            f"internal-address '{text}' is not an IP address; write the "
            "internal interface address with its prefix length, e.g. '10.1.0.21/24'",
        )
        return None, None
    if "/" not in text:
        check.issue(
            node.value_loc,
            f"internal-address '{text}' has no prefix length, so its subnet "
            f"is unknown; write e.g. '{text}/24'",
        )
    return interface, node.value_loc


def _profiles(check: _Checker, items: tuple[Node, ...]) -> list[ProfileEntry]:
    profiles = []
    for item in items:
        if not check.mapping(item, "each profile"):
            continue
        check.keys(item, PROFILE_KEYS, "a profile")
        pattern = check.string(item.find("path"), "path")
        if item.find("path") is None:
            check.issue(item.loc, "this profile has no 'path'; name the file or a glob")
        tunnel_node = item.find("tunnel")
        tunnel = check.string(tunnel_node, "tunnel")
        if tunnel is not None and tunnel.lower() not in ("user", "device"):
            check.issue(
                tunnel_node.value_loc,  # type: ignore[union-attr]
                f"tunnel '{tunnel}' is not a tunnel type; use 'user' or 'device'",
            )
            tunnel = None
        if pattern is not None:
            profiles.append(ProfileEntry(pattern, tunnel.lower() if tunnel else None, item.loc))
    return profiles


def parse_range(text: str, loc: Location) -> AddressRange | str:
    """A pool written as CIDR or 'first-last'; a message when it is not valid."""
    raw = text.strip()
    if "-" in raw and "/" not in raw:
        first_text, _, last_text = (part.strip() for part in raw.partition("-"))
        try:
            first, last = ipaddress.ip_address(first_text), ipaddress.ip_address(last_text)
        except ValueError:
            return (
                f"client-pool '{text}' is not a valid address range; write 'first-last' with "
                "two IP addresses, e.g. '10.99.0.10-10.99.0.250'"
            )
        if first.version != last.version:
            return f"client-pool '{text}' mixes IPv4 and IPv6 addresses; use one family"
        if int(first) > int(last):
            return (
                f"client-pool '{text}' ends before it starts; write the lower address first "
                f"('{last}-{first}')"
            )
        return AddressRange(raw, first, last, loc)
    try:
        net = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        return (
            f"client-pool '{text}' is neither a CIDR network nor a range; write e.g. "
            "'10.99.0.0/24' or '10.99.0.10-10.99.0.250'"
        )
    if "/" not in raw:
        return f"client-pool '{text}' has no prefix length; write e.g. '{raw}/24' or a range"
    if net.network_address != ipaddress.ip_interface(raw).ip:
        return f"client-pool '{text}' has host bits set; did you mean '{net}'?"
    return AddressRange(raw, net.network_address, net.broadcast_address, loc)


def _network(check: _Checker, text: str, loc: Location, what: str) -> IPNetwork | None:
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        check.issue(loc, f"{what} '{text}' is not a CIDR network; write e.g. '10.0.0.0/8'")
        return None
    if "/" in text and net.network_address != ipaddress.ip_interface(text).ip:
        check.issue(loc, f"{what} '{text}' has host bits set; did you mean '{net}'?")
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
    inventory = parse_inventory(root, source.path)
    return [Document(source.path, DocumentKind.INVENTORY, root, source, payload=inventory)], []


def load_yaml(text: str, source: Source) -> Loaded:
    """A YAML file named on the command line (pre-commit passes every YAML file): linted as an
    inventory only when its structure is one; any other YAML, even broken, is not ours to judge."""
    if re.search(r"^(servers|profiles)\s*:", text, re.M) and _looks_like_inventory(text, source):
        return load_inventory(text, source)
    return [], []


def _looks_like_inventory(text: str, source: Source) -> bool:
    """A top-level mapping whose servers (or profiles) are a list of mappings with our keys."""
    try:
        root = load_yaml_nodes(text, source)
    except YamlProblem:
        return False
    if root is None or root.kind is not NodeKind.MAPPING:
        return False
    for section, keys in (("servers", SERVER_KEYS), ("profiles", PROFILE_KEYS)):
        node = root.find(section)
        if node is None or node.kind is not NodeKind.SEQUENCE:
            continue
        for item in node.children:
            if item.kind is NodeKind.MAPPING and any(
                child.tag in keys and child.tag != "name" for child in item.children
            ):
                return True
    return False
