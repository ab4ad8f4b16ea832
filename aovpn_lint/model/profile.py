"""A typed, normalised view of a VPNProfile that rules read instead of walking XML.

Every value keeps the Node it came from, so a rule reports at the exact element. Enums are read
case-insensitively (working profiles write ``Ikev2``, ``EAP``); booleans are read strictly, as
xs:boolean defines them (``true``, ``false``, ``1``, ``0``): ``True`` or ``TRUE`` is neither true
nor false here, because Windows does not treat it as true either (AOV102 reports it). Whether a
value is *valid* is the job of the schema rules (AOV102), not of this view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aovpn_lint.model.ipfast import MAX_PREFIX, IPNetwork, network, parse_ip
from aovpn_lint.model.positions import Location
from aovpn_lint.model.tree import Node

_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})
#: the xs:boolean lexical space: exactly these spellings, lower case
BOOLEAN_SPELLINGS = _TRUE | _FALSE


def parse_bool(text: str | None) -> bool | None:
    """An xs:boolean: True for ``true``/``1``, False for ``false``/``0`` (surrounding whitespace
    allowed, as xs:boolean collapses it), None when absent or spelt any other way.

    Strict on purpose: Microsoft's Always On VPN guide warns that another case of ``true`` in
    ``AlwaysOn`` or ``RememberCredentials`` leaves the profile partially configured, so no rule
    may read ``True`` as true (or ``False`` as false)."""
    if text is None:
        return None
    word = text.strip()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


@dataclass(frozen=True, slots=True)
class Server:
    """One entry of NativeProfile/Servers: ``host`` or ``host;friendly name``.

    ``span`` is where the host name sits in the (stripped) Servers value, so a finding about one
    server points at that server, not at the start of the list.
    """

    host: str
    friendly_name: str | None
    node: Node
    span: tuple[int, int] = (0, 0)

    @property
    def loc(self) -> Location:
        base = self.node.value_loc
        start, end = self.span
        # The value is written as it reads (no entities or escapes) when its location spans
        # exactly its length on one line; otherwise the whole value is the best place.
        if (
            end > start
            and base.line == base.end_line
            and base.end_col - base.col == len(self.node.text)
        ):
            return Location(base.path, base.line, base.col + start, base.line, base.col + end)
        return base


@dataclass(eq=False, slots=True)
class Route:
    """A Route element; ``network`` is None when Address/PrefixSize do not form a valid prefix.

    ``version`` (4 or 6, 0 when the route is not a valid prefix), ``value`` (the address as an
    integer) and ``net_value`` (host bits cleared) let rules compare many routes with integer
    arithmetic; the ``ipaddress`` network object is built when a rule asks for it.
    """

    node: Node
    address: str | None
    prefix: int | None
    exclusion: bool
    metric: int | None
    version: int = 0
    value: int = 0
    net_value: int = 0
    _network: IPNetwork | None = field(default=None, repr=False)

    @property
    def network(self) -> IPNetwork | None:
        if self._network is None and self.version:
            assert self.prefix is not None
            self._network = network(self.version, self.value, self.prefix)
        return self._network

    @property
    def loc(self) -> Location:
        return self.node.loc

    @property
    def has_host_bits(self) -> bool:
        return self.version != 0 and self.value != self.net_value

    @property
    def is_host_route(self) -> bool:
        return self.version != 0 and self.prefix == MAX_PREFIX[self.version]

    def contains(self, other: Route) -> bool:
        """True when ``other``'s prefix lies inside this route's prefix (or equals it)."""
        if not self.version or self.version != other.version:
            return False
        assert self.prefix is not None and other.prefix is not None
        if other.prefix < self.prefix:
            return False
        shift = MAX_PREFIX[self.version] - self.prefix
        return other.net_value >> shift == self.net_value >> shift


@dataclass(eq=False, slots=True)
class Profile:
    """What the rules need to know about one VPNProfile."""

    root: Node
    native: Node | None
    plugin: Node | None
    servers: list[Server] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)

    # --- raw nodes -------------------------------------------------------------------------
    def native_child(self, tag: str) -> Node | None:
        return self.native.find(tag) if self.native is not None else None

    @property
    def servers_node(self) -> Node | None:
        return self.native_child("Servers")

    @property
    def routing_policy_node(self) -> Node | None:
        return self.native_child("RoutingPolicyType")

    @property
    def protocol_node(self) -> Node | None:
        return self.native_child("NativeProtocolType")

    @property
    def class_route_node(self) -> Node | None:
        return self.native_child("DisableClassBasedDefaultRoute")

    @property
    def authentication(self) -> Node | None:
        return self.native_child("Authentication")

    @property
    def traffic_filters(self) -> list[Node]:
        return self.root.find_all("TrafficFilter")

    @property
    def domain_name_information(self) -> list[Node]:
        return self.root.find_all("DomainNameInformation")

    # --- normalised values -----------------------------------------------------------------
    @property
    def routing_policy(self) -> str | None:
        """'SplitTunnel', 'ForceTunnel', another raw string, or None when unset."""
        node = self.routing_policy_node
        if node is None:
            return None
        low = node.text.lower()
        return {"splittunnel": "SplitTunnel", "forcetunnel": "ForceTunnel"}.get(low, node.text)

    @property
    def is_split_tunnel(self) -> bool:
        return self.routing_policy == "SplitTunnel"

    @property
    def is_force_tunnel(self) -> bool:
        return self.routing_policy == "ForceTunnel"

    @property
    def protocol(self) -> str | None:
        node = self.protocol_node
        return None if node is None else node.text

    @property
    def device_tunnel(self) -> bool:
        return parse_bool(self.root.text_of("DeviceTunnel")) is True

    @property
    def disables_class_route(self) -> bool:
        node = self.class_route_node
        return node is not None and parse_bool(node.text) is True

    @property
    def plumbs_ts_routes(self) -> bool:
        node = self.native_child("PlumbIKEv2TSAsRoutes")
        return node is not None and parse_bool(node.text) is True

    @property
    def user_method(self) -> str | None:
        auth = self.authentication
        return None if auth is None else auth.text_of("UserMethod")

    @property
    def machine_method(self) -> str | None:
        auth = self.authentication
        return None if auth is None else auth.text_of("MachineMethod")

    @property
    def inclusion_routes(self) -> list[Route]:
        """Routes that send traffic into the tunnel (not exclusion routes)."""
        return [r for r in self.routes if not r.exclusion]

    @property
    def exclusion_routes(self) -> list[Route]:
        return [r for r in self.routes if r.exclusion]


def build_profile(root: Node) -> Profile:
    native = root.find("NativeProfile")
    profile = Profile(root=root, native=native, plugin=root.find("PluginProfile"))
    if native is not None:
        servers = native.find("Servers")
        if servers is not None:
            profile.servers = parse_servers(servers)
    profile.routes = [_route(node) for node in root.find_all("Route")]
    return profile


def parse_servers(node: Node) -> list[Server]:
    """Split a Servers value: commas separate servers, a semicolon adds a friendly name."""
    servers = []
    text = node.text
    offset = 0
    for entry in text.split(","):
        host, _, friendly = entry.partition(";")
        name = host.strip()
        if name:
            start = offset + host.index(name)
            servers.append(Server(name, friendly.strip() or None, node, (start, start + len(name))))
        offset += len(entry) + 1
    return servers


def _route(node: Node) -> Route:
    # One pass over the children; the first element of each name counts (as Node.text_of).
    address = prefix_text = metric_text = exclusion_text = None
    for child in node.children:
        tag, value = child.tag, child.value
        if tag == "Address":
            if address is None:
                address = (value or "").strip()
        elif tag == "PrefixSize":
            if prefix_text is None:
                prefix_text = (value or "").strip()
        elif tag == "ExclusionRoute":
            if exclusion_text is None:
                exclusion_text = value or ""
        elif tag == "Metric" and metric_text is None:
            metric_text = (value or "").strip()
    prefix = _number(prefix_text)
    metric = _number(metric_text) if metric_text else None
    exclusion = parse_bool(exclusion_text) is True
    parsed = parse_ip(address) if address else None
    if parsed is None or prefix is None or prefix > MAX_PREFIX[parsed[0]]:
        return Route(node, address, prefix, exclusion, metric)
    version, number = parsed
    bits = MAX_PREFIX[version] - prefix
    return Route(node, address, prefix, exclusion, metric, version, number, number >> bits << bits)


def _number(text: str | None) -> int | None:
    # bounded: a crafted 5,000-digit value must not reach int() (nor make every rule crash)
    return int(text) if text and len(text) <= 9 and text.isascii() and text.isdigit() else None
