"""A typed view of Intune's VPN template (Graph ``windows10VpnConfiguration``), read from the tree.

Every carrier of the template (a Graph JSON export, an IntuneCD backup in YAML or JSON, a
Microsoft365DSC resource block) is loaded into the same Node tree under Graph's camelCase keys,
so this view is computed from the tree alone and serves all of them without loader changes.
Each value keeps the Node it came from, so a rule reports at the exact key or value.

Graph spells enum members in camelCase (``ikEv2``, ``usernameAndPassword``); they are compared
without regard to case, as PowerShell (DSC) compares them. A boolean is true or false when the
carrier wrote one (JSON ``true``, YAML ``true``/``True``, DSC ``$true``); a key that is absent or
``null`` is None: the view never guesses a value the file does not state.
"""

from __future__ import annotations

from dataclasses import dataclass

from aovpn_lint.model.tree import Node, NodeKind

#: Connection types served by Windows' inbox VPN client (Graph ``windows10VpnConnectionType``;
#: Intune's settings page calls them "Native type"): their profiles are a NativeProfile
INBOX_CONNECTION_TYPES = frozenset({"ikev2", "l2tp", "pptp", "automatic"})
#: Connection types that hand the connection to a vendor's plug-in (a PluginProfile): the vendor's
#: client, not Windows' class-based route logic, decides what goes through the tunnel
PLUGIN_CONNECTION_TYPES = frozenset(
    {
        "pulsesecure",
        "f5edgeclient",
        "dellsonicwallmobileconnect",
        "checkpointcapsulevpn",
        "citrix",
        "paloaltoglobalprotect",
        "ciscoanyconnect",
        "microsofttunnel",
    }
)


@dataclass(frozen=True, slots=True)
class TemplateView:
    """What the rules read from one VPN template; ``*_node`` is None when the key is absent."""

    root: Node
    device_tunnel_node: Node | None
    split_tunneling_node: Node | None
    connection_type_node: Node | None
    authentication_method_node: Node | None
    traffic_rules_node: Node | None
    #: read from a Microsoft365DSC resource block: messages name its properties and literals
    dsc: bool = False

    def key(self, graph_name: str) -> str:
        """How the user writes the setting ``graph_name`` in this carrier: the Graph key
        (``enableSplitTunneling``), or in DSC the property (``EnableSplitTunneling``)."""
        return graph_name[:1].upper() + graph_name[1:] if self.dsc else graph_name

    @property
    def true(self) -> str:
        """How the user writes true in this carrier (``true``, in DSC ``$True``)."""
        return "$True" if self.dsc else "true"

    @property
    def device_tunnel(self) -> bool:
        """``enableDeviceTunnel`` is true: the device-tunnel rules apply."""
        return read_flag(self.device_tunnel_node) is True

    @property
    def split_tunneling(self) -> bool | None:
        """``enableSplitTunneling``: False is a force tunnel, None when the file does not say."""
        return read_flag(self.split_tunneling_node)

    @property
    def connection_type(self) -> str | None:
        """The ``connectionType`` as written (``ikEv2``), or None when absent or null."""
        return _text(self.connection_type_node)

    @property
    def authentication_method(self) -> str | None:
        """The ``authenticationMethod`` as written (``certificate``), or None."""
        return _text(self.authentication_method_node)

    @property
    def is_inbox_client(self) -> bool:
        """The template configures Windows' inbox VPN client: an inbox connection type, or none.

        Graph documents no default connection type and every Graph or IntuneCD export writes
        one; a template that names no vendor's plug-in describes the inbox client's settings.
        An unknown value (``unknownFutureValue``, a typo) is neither inbox nor plug-in.
        """
        kind = self.connection_type
        return kind is None or kind.lower() in INBOX_CONNECTION_TYPES

    @property
    def is_plugin(self) -> bool:
        """The connection type names a vendor's plug-in (Pulse Secure, F5, Cisco, ...)."""
        kind = self.connection_type
        return kind is not None and kind.lower() in PLUGIN_CONNECTION_TYPES

    @property
    def traffic_rules(self) -> tuple[Node, ...]:
        """The items of ``trafficRules`` (network traffic rules: TrafficFilter in the CSP)."""
        node = self.traffic_rules_node
        return node.children if node is not None and node.is_sequence else ()


def build_template(root: Node, dsc: bool = False) -> TemplateView:
    """The view of the template whose mapping is ``root``, in one pass over its keys (``dsc``:
    read from a Microsoft365DSC block, whose tree has the Graph names)."""
    found: dict[str, Node] = {}
    for child in root.children:
        if child.tag in _KEYS and child.tag not in found:
            found[child.tag] = child
    return TemplateView(
        root=root,
        device_tunnel_node=found.get("enableDeviceTunnel"),
        split_tunneling_node=found.get("enableSplitTunneling"),
        connection_type_node=found.get("connectionType"),
        authentication_method_node=found.get("authenticationMethod"),
        traffic_rules_node=found.get("trafficRules"),
        dsc=dsc,
    )


_KEYS = frozenset(
    {
        "enableDeviceTunnel",
        "enableSplitTunneling",
        "connectionType",
        "authenticationMethod",
        "trafficRules",
    }
)


def read_flag(node: Node | None) -> bool | None:
    """A template boolean as its carrier wrote it (``true``, ``True``, ``$true``), else None.

    Not xs:boolean: these values are read by Intune, IntuneCD or DSC, which convert them
    before anything reaches Windows, so the letter case of YAML or PowerShell does not matter.
    """
    if node is None or node.kind is NodeKind.NULL:
        return None
    word = node.text.lower().removeprefix("$")
    if word == "true":
        return True
    if word == "false":
        return False
    return None


def _text(node: Node | None) -> str | None:
    if node is None or node.kind is NodeKind.NULL or not node.text:
        return None
    return node.text
