"""Views for cross-file rules: the inventories of a run and the profiles each one covers.

Pure functions over loaded documents (no I/O); the rules in ``rules/aov5xx`` and ``aov6xx`` use
them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aovpn_lint.model.document import Document, DocumentKind, IntuneTemplate
from aovpn_lint.model.inventory import Inventory, IPNetwork
from aovpn_lint.model.positions import Location


def inventories(documents: Sequence[Document]) -> list[Inventory]:
    return [
        d.payload
        for d in documents
        if d.kind is DocumentKind.INVENTORY and isinstance(d.payload, Inventory)
    ]


@dataclass(frozen=True, slots=True)
class Deployed:
    """What a cross-file rule needs from a profile or an Intune template.

    ``servers_loc`` is where the servers are listed (the Servers element or the template's
    servers key).
    """

    document: Document
    servers: tuple[tuple[str, Location], ...]
    routes: tuple[tuple[IPNetwork, Location], ...]
    servers_loc: Location | None


def deployed(documents: Sequence[Document], inventory: Inventory) -> Iterator[Deployed]:
    """Profiles and templates of the run that ``inventory`` covers (all of them when the
    inventory lists no profiles)."""
    for document in documents:
        if (
            document.kind not in (DocumentKind.PROFILE, DocumentKind.INTUNE_TEMPLATE)
            or document.root is None
        ):
            continue
        if inventory.profiles and inventory.entry_for(document.path) is None:
            continue
        yield _view(document)


def _view(document: Document) -> Deployed:
    template = document.payload
    if isinstance(template, IntuneTemplate):
        routes: list[tuple[IPNetwork, Location]] = []
        for text, loc in template.routes:
            try:
                routes.append((ipaddress.ip_network(text, strict=False), loc))
            except ValueError:
                continue
        servers_node = document.root.find("servers") if document.root is not None else None
        return Deployed(
            document,
            template.servers,
            tuple(routes),
            servers_node.loc if servers_node is not None else None,
        )
    profile = document.profile
    servers = tuple((s.host, s.loc) for s in profile.servers)
    networks = tuple((r.network, r.loc) for r in profile.inclusion_routes if r.network is not None)
    node = profile.servers_node
    return Deployed(document, servers, networks, node.value_loc if node is not None else None)
