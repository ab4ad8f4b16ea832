"""The plugin author's whole surface: everything a rule needs, and nothing else.

Built-in rules import only from here (and the standard library); third-party rule packs should
do the same. Names listed in ``__all__`` are stable within a major version: a name may gain
fields or methods, but is not removed or changed in meaning before the next major release.
"""

from __future__ import annotations

from aovpn_lint import hookimpl
from aovpn_lint.facts import Facts, facts
from aovpn_lint.ipfast import MAX_PREFIX
from aovpn_lint.model import Document, DocumentKind, Finding, Location, Node, Related, RuleMeta, Severity
from aovpn_lint.profile import Profile, Route, Server, parse_bool
from aovpn_lint.project import Deployed, deployed, inventories
from aovpn_lint.rulekit import profile_of, quote, value_loc



__all__ = [
    "MAX_PREFIX",
    "Deployed",
    "Document",
    "DocumentKind",
    "Facts",
    "Finding",
    "Location",
    "Node",
    "Profile",
    "Related",
    "Route",
    "RuleMeta",
    "Server",
    "Severity",
    "deployed",
    "facts",
    "hookimpl",
    "inventories",
    "parse_bool",
    "profile_of",
    "quote",
    "value_loc",
]
