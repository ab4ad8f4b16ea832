"""Helpers for cross-file rules: find the inventory and the profiles it covers among all documents.

Pure functions over loaded documents (no I/O); the rules in ``rules/aov5xx`` and ``aov6xx`` use them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from aovpn_lint.model.core import Document, Location

if TYPE_CHECKING:
    import ipaddress

    IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
    from aovpn_lint.load.inventory import Inventory



def inventories(documents: Sequence[Document]) -> list[Inventory]:
    return [d.data["inventory"] for d in documents if d.kind == "inventory" and "inventory" in d.data]


class Deployed:
    """What a cross-file rule needs from a profile or an Intune template.

    ``servers_loc`` is where the servers are listed (the Servers element or the template's
    servers key).
    """

    __slots__ = ("document", "servers", "routes", "servers_loc")

    def __init__(
        self,
        document: Document,
        servers: tuple[tuple[str, Location], ...],
        routes: tuple[tuple[IPNetwork, Location], ...],
        servers_loc: Location | None,
    ) -> None:
        self.document = document
        self.servers = servers
        self.routes = routes
        self.servers_loc = servers_loc


def deployed(documents: Sequence[Document], inventory: Inventory) -> Iterator[Deployed]:
    """Profiles and templates of the run that ``inventory`` covers (all of them when the
    inventory lists no profiles)."""
    for document in documents:
        if document.kind not in ("profilexml", "intune-vpn-template") or document.root is None:
            continue
        if inventory.profiles and inventory.entry_for(document.path) is None:
            continue
        yield _view(document)


def _view(document: Document) -> Deployed:
    if document.kind == "intune-vpn-template":
        import ipaddress  # only Intune templates need it here

        routes: list[tuple[IPNetwork, Location]] = []
        for text, loc in document.data.get("routes", ()):
            try:
                routes.append((ipaddress.ip_network(text, strict=False), loc))
            except ValueError:
                continue
        servers_node = document.root.find("servers") if document.root is not None else None
        return Deployed(document, tuple(document.data.get("servers", ())), tuple(routes),
                        servers_node.loc if servers_node is not None else None)
    profile = document.profile
    servers = tuple((s.host, s.loc) for s in profile.servers)
    networks = tuple((r.network, r.loc) for r in profile.inclusion_routes if r.network is not None)
    node = profile.servers_node
    return Deployed(document, servers, networks, node.value_loc if node is not None else None)
