"""Which profiles of a run are deployed together, for the rules about device and user tunnels
side by side (AOV505, AOV506, AOV507). Pure functions over loaded documents (no I/O).

"Deployed together" means listed in the same inventory (every profile of the run when the
inventory lists no profiles), or, for profiles no inventory covers, linted from the same folder.
A profile file that a script reads (``Get-Content ..\\profiles\\user.xml``) is the profile the
script deploys: an inventory entry naming the script covers it, and it counts in the script's
folder rather than its own.
A folder is weaker evidence than an inventory: sample repositories keep alternatives side by side
(a user tunnel for RRAS, one for Entra conditional access, one per third-party client...), so a
folder group says whether it is ``inferred`` and the rules decide what they can conclude from it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from aovpn_lint.model.document import Document
from aovpn_lint.model.profile import parse_bool
from aovpn_lint.model.project import deployed, file_key, inventories, scripts_reading


class Group:
    """Profiles deployed together: ``devices`` (DeviceTunnel true) and ``users`` (the other
    native or plug-in profiles, LockDown profiles excepted), each in path order. ``inferred``
    is True for a folder group (no inventory covers these profiles)."""

    __slots__ = ("devices", "users", "inferred", "where")

    def __init__(self, documents: Sequence[Document], inferred: bool, where: str) -> None:
        ordered = sorted(documents, key=lambda d: d.path)
        self.devices = [d for d in ordered if d.profile.device_tunnel]
        self.users = [d for d in ordered if not d.profile.device_tunnel and not _is_lockdown(d)]
        self.inferred = inferred
        self.where = where

    @property
    def pairs_one_device_with_one_user(self) -> bool:
        return len(self.devices) == 1 and len(self.users) == 1


def deployed_together(documents: Sequence[Document]) -> list[Group]:
    """The groups of ProfileXML documents deployed together, inventories first."""
    groups: list[Group] = []
    covered: set[int] = set()
    for inventory in inventories(documents):
        members = [
            item.document
            for item in deployed(documents, inventory)
            if item.document.kind == "profilexml"
        ]
        covered.update(id(d) for d in members)
        if len(members) > 1:
            groups.append(Group(members, False, f"inventory '{os.path.basename(inventory.path)}'"))
    readers = scripts_reading(documents)
    folders: dict[str, list[Document]] = {}
    scripted: set[str] = set()
    for document in documents:
        if (
            document.kind == "profilexml"
            and document.root is not None
            and id(document) not in covered
        ):
            scripts = readers.get(file_key(document.path), []) if document.container is None else []
            folder = os.path.dirname(os.path.abspath(scripts[0].path if scripts else document.path))
            if scripts:
                scripted.add(folder)
            folders.setdefault(folder, []).append(document)
    for folder in sorted(folders):
        if len(folders[folder]) > 1:
            where = (
                "deployed by scripts in the same folder"
                if folder in scripted
                else "the same folder"
            )
            groups.append(Group(folders[folder], True, where))
    return groups


def _is_lockdown(document: Document) -> bool:
    return (
        parse_bool(document.root.text_of("LockDown") if document.root is not None else None) is True
    )
