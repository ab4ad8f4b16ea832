"""Views for cross-file rules: the inventories of a run and the profiles each one covers.

Pure functions over loaded documents (no I/O); the rules in ``rules/aov5xx`` and ``aov6xx`` use
them.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aovpn_lint.model.document import (
    Document,
    DocumentKind,
    IntuneTemplate,
    ReadStatus,
    ScriptInfo,
)
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


def file_key(path: str) -> str:
    """One spelling of a file's path, to match the path a script reads with a file of the run."""
    return os.path.normcase(os.path.abspath(path))


def scripts_reading(documents: Sequence[Document]) -> dict[str, list[Document]]:
    """The scripts of the run that read their ProfileXML from a file (``Get-Content
    .\\profile.xml``), by the :func:`file_key` of that file: such a file is the profile those
    scripts deploy."""
    readers: dict[str, list[Document]] = {}
    for document in documents:
        info = document.payload
        if document.kind is not DocumentKind.SCRIPT or not isinstance(info, ScriptInfo):
            continue
        for read in info.reads:
            if read.status is ReadStatus.FOUND:
                scripts = readers.setdefault(file_key(read.path), [])
                if document not in scripts:
                    scripts.append(document)
    return readers


def deployed(documents: Sequence[Document], inventory: Inventory) -> Iterator[Deployed]:
    """Profiles and templates of the run that ``inventory`` covers (all of them when the
    inventory lists no profiles). A profile file is covered when the inventory lists it or a
    script that reads it."""
    readers = scripts_reading(documents) if inventory.profiles else {}
    for document in documents:
        if (
            document.kind not in (DocumentKind.PROFILE, DocumentKind.INTUNE_TEMPLATE)
            or document.root is None
        ):
            continue
        if inventory.profiles and not _listed(inventory, document, readers):
            continue
        yield _view(document)


def _listed(inventory: Inventory, document: Document, readers: dict[str, list[Document]]) -> bool:
    if inventory.entry_for(document.path) is not None:
        return True
    scripts = readers.get(file_key(document.path), []) if document.container is None else []
    return any(inventory.entry_for(script.path) is not None for script in scripts)


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
