"""The plugin author's whole surface: everything a rule needs, and nothing else.

Built-in rules import only from here (and the standard library); third-party rule packs should
do the same. The names in ``__all__`` are stable within a major version: a type may gain
fields, methods or enum members, but no name is removed or changes meaning before the next
major release. Everything a rule receives is immutable (frozen dataclasses, tuples); derive a
changed copy with ``dataclasses.replace`` (or ``Finding.replace``).
"""

from __future__ import annotations

from aovpn_lint import hookimpl
from aovpn_lint.engine.config import Config
from aovpn_lint.model import windows_builds
from aovpn_lint.model.deployment import Group, deployed_together
from aovpn_lint.model.document import (
    Carrier,
    Container,
    Document,
    DocumentKind,
    GapKind,
    IntuneTemplate,
    ParseProblem,
    ReadStatus,
    ScriptGap,
    ScriptInfo,
    ScriptRead,
)
from aovpn_lint.model.edits import (
    append_child,
    element_range,
    indentation,
    insert_after,
    loaded_text,
    remove,
    rename,
    replace_value,
)
from aovpn_lint.model.facts import Facts
from aovpn_lint.model.findings import Edit, Finding, Fix, Fixability, Related, RuleMeta, Severity
from aovpn_lint.model.helpers import (
    eap_configuration_text,
    oma_uri_parts,
    profile_of,
    quote,
    template_of,
    value_loc,
    without_comments,
)
from aovpn_lint.model.inventory import (
    AddressRange,
    Inventory,
    InventoryIssue,
    InventoryIssueKind,
    InventoryPlace,
    ProfileEntry,
)
from aovpn_lint.model.inventory import Server as InventoryServer
from aovpn_lint.model.ipfast import MAX_PREFIX, is_ip
from aovpn_lint.model.positions import Location
from aovpn_lint.model.profile import Profile, Route, Server, parse_bool
from aovpn_lint.model.project import Deployed, deployed, inventories
from aovpn_lint.model.schema import (
    VPN_PROFILE,
    WRAPPERS,
    Spec,
    is_misplaced,
    is_wrapper,
    parents_of,
    read_only,
    suggest,
)
from aovpn_lint.model.template import TemplateView
from aovpn_lint.model.tree import Node, NodeKind, Span

__all__ = [
    "MAX_PREFIX",
    "VPN_PROFILE",
    "WRAPPERS",
    "AddressRange",
    "Carrier",
    "Config",
    "Container",
    "Deployed",
    "Group",
    "Document",
    "DocumentKind",
    "Edit",
    "Facts",
    "Finding",
    "Fix",
    "Fixability",
    "GapKind",
    "IntuneTemplate",
    "Inventory",
    "InventoryIssue",
    "InventoryIssueKind",
    "InventoryPlace",
    "InventoryServer",
    "Location",
    "Node",
    "NodeKind",
    "ParseProblem",
    "Profile",
    "ProfileEntry",
    "ReadStatus",
    "Related",
    "Route",
    "RuleMeta",
    "ScriptGap",
    "ScriptInfo",
    "ScriptRead",
    "Server",
    "Severity",
    "Span",
    "Spec",
    "TemplateView",
    "deployed",
    "deployed_together",
    "eap_configuration_text",
    "hookimpl",
    "inventories",
    "is_ip",
    "is_misplaced",
    "is_wrapper",
    "oma_uri_parts",
    "parents_of",
    "parse_bool",
    "profile_of",
    "quote",
    "read_only",
    "suggest",
    "template_of",
    "value_loc",
    "windows_builds",
    "without_comments",
    "append_child",
    "element_range",
    "indentation",
    "insert_after",
    "loaded_text",
    "remove",
    "rename",
    "replace_value",
]
