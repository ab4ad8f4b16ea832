"""The plugin author's whole surface: everything a rule needs, and nothing else.

Built-in rules import only from here (and the standard library); third-party rule packs should
do the same. Names listed in ``__all__`` are stable within a major version: a name may gain
fields or methods, but is not removed or changed in meaning before the next major release.
"""

from __future__ import annotations

from aovpn_lint import hookimpl
from aovpn_lint.load.inventory import Inventory
from aovpn_lint.load.inventory import Server as InventoryServer
from aovpn_lint.model.core import (
    Document,
    DocumentKind,
    Finding,
    Location,
    Node,
    Related,
    RuleMeta,
    Severity,
)
from aovpn_lint.model.facts import Facts, facts
from aovpn_lint.model.ipfast import MAX_PREFIX
from aovpn_lint.model.profile import Profile, Route, Server, parse_bool
from aovpn_lint.model.project import Deployed, deployed, inventories
from aovpn_lint.model.rulekit import profile_of, quote, value_loc
from aovpn_lint.model.schema import (
    VPN_PROFILE,
    WRAPPERS,
    Spec,
    is_misplaced,
    is_wrapper,
    parents_of,
    suggest,
)

__all__ = [
    "MAX_PREFIX",
    "VPN_PROFILE",
    "WRAPPERS",
    "Deployed",
    "Document",
    "DocumentKind",
    "Facts",
    "Finding",
    "Inventory",
    "InventoryServer",
    "Location",
    "Node",
    "Profile",
    "Related",
    "Route",
    "RuleMeta",
    "Server",
    "Severity",
    "Spec",
    "deployed",
    "facts",
    "hookimpl",
    "inventories",
    "is_misplaced",
    "is_wrapper",
    "parents_of",
    "parse_bool",
    "profile_of",
    "quote",
    "suggest",
    "value_loc",
]
