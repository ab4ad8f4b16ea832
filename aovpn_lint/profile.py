"""A typed, normalised view of a VPNProfile that rules read instead of walking XML.

Every value keeps the Node it came from, so a rule reports at the exact element. Values are read
leniently (case-insensitive enums, ``1``/``0`` booleans); whether a value is *valid* is the job of
the schema rules (AOV102), not of this view.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from aovpn_lint.model import Location, Node

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def parse_bool(text: str | None) -> bool | None:
    """xs:boolean read case-insensitively; None when absent or not a boolean."""
    if text is None:
        return None
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


@dataclass(frozen=True, slots=True)
class Server:
    """One entry of NativeProfile/Servers: ``host`` or ``host;friendly name``."""

    host: str
    friendly_name: str | None
    node: Node

    @property
    def loc(self) -> Location:
        return self.node.value_loc


@dataclass(frozen=True, slots=True)
class Route:
    """A Route element; ``network`` is None when Address/PrefixSize do not form a valid prefix."""

    node: Node
    address: str | None
    prefix: int | None
    network: IPNetwork | None
    exclusion: bool
    metric: int | None

    @property
    def loc(self) -> Location:
        return self.node.loc

    @property
    def has_host_bits(self) -> bool:
        if self.network is None or self.address is None:
            return False
        try:
            return ipaddress.ip_address(self.address) != self.network.network_address
        except ValueError:
            return False

    @property
    def is_host_route(self) -> bool:
        return self.network is not None and self.network.prefixlen == self.network.max_prefixlen


@dataclass(slots=True)
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
    for entry in (node.value or "").split(","):
        host, _, friendly = entry.partition(";")
        if host.strip():
            servers.append(Server(host.strip(), friendly.strip() or None, node))
    return servers


def _route(node: Node) -> Route:
    address = node.text_of("Address")
    prefix_text = node.text_of("PrefixSize")
    prefix = int(prefix_text) if prefix_text and prefix_text.isdigit() else None
    metric_text = node.text_of("Metric")
    metric = int(metric_text) if metric_text and metric_text.isdigit() else None
    network: IPNetwork | None = None
    if address and prefix is not None:
        try:
            network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
        except ValueError:
            network = None
    exclusion = parse_bool(node.text_of("ExclusionRoute")) is True
    return Route(node, address, prefix, network, exclusion, metric)
