"""The data every stage shares: locations, nodes, documents, rule metadata and findings.

Nothing here does I/O. Rules see only these types, never lxml or ruamel objects.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from aovpn_lint.profile import Profile


class Locator(Protocol):
    """Computes the location of the ``index``-th element of a document on demand."""

    def locate(self, index: int, has_value: bool) -> tuple[Location, Location | None]: ...


class Severity(enum.Enum):
    """How bad a finding is; ordered note < warning < error."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity '{text}'; use note, warning or error") from None


_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based position (and optional end) in a file the user edits."""

    path: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)


class Node:
    """One element of a loaded document: tag, text value, attributes, children, location.

    ``loc`` spans the start tag; ``value_loc`` spans the (stripped) text content when there is
    one, so a bad value is reported where the value is, not where the element starts.

    A loader may give the locations directly, or a *locator* that computes them on first use:
    most files have no finding, so most elements never need a column.
    """

    __slots__ = ("tag", "value", "children", "parent", "namespace", "opaque", "_loc", "_value_loc",
                 "_locator", "_index")

    def __init__(
        self,
        tag: str,
        value: str | None,
        loc: Location | None,
        value_loc: Location | None = None,
        namespace: str | None = None,
        locator: Locator | None = None,
        index: int = -1,
    ) -> None:
        self.tag = tag
        self.value = value
        self.children: list[Node] = []
        self._loc = loc
        self._value_loc = value_loc
        self._locator = locator
        self._index = index
        self.parent: Node | None = None
        self.namespace = namespace
        #: content that is not ProfileXML (EAP configuration, plug-in custom XML)
        self.opaque = False

    @property
    def loc(self) -> Location:
        if self._loc is None:
            self._locate()
        assert self._loc is not None
        return self._loc

    @loc.setter
    def loc(self, value: Location) -> None:
        self._loc = value

    @property
    def value_loc(self) -> Location:
        if self._value_loc is None:
            if self._locator is not None and self._loc is None:
                self._locate()
            if self._value_loc is None:
                return self.loc
        return self._value_loc

    @value_loc.setter
    def value_loc(self, value: Location) -> None:
        self._value_loc = value

    def _locate(self) -> None:
        if self._locator is None:
            raise ValueError(f"<{self.tag}> has no location")
        self._loc, value_loc = self._locator.locate(self._index, self.value is not None)
        if self._value_loc is None:
            self._value_loc = value_loc

    def __repr__(self) -> str:
        return f"Node({self.tag!r}, {self.value!r}, line={self.loc.line})"

    def settle(self) -> None:
        """Compute the locations of this node and its descendants now and drop the locator, so
        that the tree can cross a process boundary (the locator may hold a position map that
        cannot be pickled) and no longer refers to the source text."""
        for node in self.iter():
            if node._locator is not None:
                if node._loc is None:
                    node._locate()
                node._locator = None

    @property
    def text(self) -> str:
        """The stripped text value ('' when the element has none)."""
        return (self.value or "").strip()

    @property
    def path(self) -> str:
        parts = []
        node: Node | None = self
        while node is not None:
            parts.append(node.tag)
            node = node.parent
        return "/".join(reversed(parts))

    def find(self, tag: str) -> Node | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def find_all(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def has(self, tag: str) -> bool:
        return self.find(tag) is not None

    def text_of(self, tag: str) -> str | None:
        child = self.find(tag)
        return None if child is None else child.text

    def iter(self) -> Iterator[Node]:
        """This node and all its descendants, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(slots=True)
class Document:
    """A loaded file (or a ProfileXML embedded in one) ready for the rules.

    ``kind`` is ``profilexml`` for a VPNProfile, or the name of another format. ``source`` is the
    decoded text of the file the user edits (for suppression comments and fingerprints).
    """

    path: str
    kind: str
    root: Node | None
    source: str = ""
    #: for embedded profiles: where the profile sits in the outer file (script, JSON, ...)
    container: str | None = None
    #: free-form facts a loader wants to hand to rules (e.g. Intune template fields)
    data: dict[str, Any] = field(default_factory=dict)
    _profile: Profile | None = None

    @property
    def profile(self) -> Profile:
        """The typed view of a ProfileXML document (built once, on first use)."""
        if self._profile is None:
            from aovpn_lint.profile import build_profile

            if self.root is None:
                raise ValueError(f"{self.path}: document has no root element")
            self._profile = build_profile(self.root)
        return self._profile


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a finding (SARIF relatedLocations)."""

    loc: Location
    message: str


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is not counted: an in-source comment or the configuration."""

    kind: str  # "inSource" or "external"
    justification: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which rule, how bad, what to do, and exactly where."""

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    loc: Location
    related: tuple[Related, ...] = ()
    suppression: Suppression | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.path, self.loc.line, self.loc.col, self.rule_id, self.message)


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's identity and documentation; ``doc`` is filled from the rule module's docstring."""

    id: str
    name: str
    severity: Severity
    short: str
    help_uri: str = "https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp"
    tags: tuple[str, ...] = ()
    precision: str = "high"
    #: True when the rule rests on a statement in Microsoft's documentation
    documented: bool = False
    sources: tuple[str, ...] = ()
    doc: str = ""

    def finding(
        self,
        loc: Location,
        message: str,
        related: tuple[Related, ...] = (),
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(self.id, self.name, severity or self.severity, message, loc, related)
