"""The data every stage shares: locations, nodes, documents, rule metadata and findings.

Nothing here does I/O. Rules see only these types, never lxml or ruamel objects.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from aovpn_lint.model.profile import Profile


#: Stands in a loaded text for content only known at run time (a PowerShell variable, say): an
#: element whose value holds it has no value the rules can judge.
UNRESOLVED = "\ue000"


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


class DocumentKind(str, enum.Enum):
    """What a loaded document is; a rule declares the kinds it checks in ``RuleMeta.kinds``."""

    PROFILE = "profilexml"
    OTHER_XML = "xml"
    INTUNE_TEMPLATE = "intune-vpn-template"
    INVENTORY = "inventory"


_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}

_V = TypeVar("_V", bound="_Value")


class _Value:
    """Base of the small immutable value types below: equality, hashing and ``repr`` over
    ``_fields`` (as a frozen dataclass would give), pickling, and :meth:`replace`.

    They are written by hand rather than with ``@dataclass`` because every dataclass generates
    and compiles its methods at import time, which shows in the start-up of a one-file run.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field '{name}'")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}'")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (self.__class__, self._values())

    def replace(self: _V, **changes: Any) -> _V:
        """A copy with some fields changed (like ``dataclasses.replace``)."""
        values = {name: getattr(self, name) for name in self._fields}
        for name in changes:
            if name not in values:
                raise TypeError(f"{self.__class__.__qualname__} has no field '{name}'")
        values.update(changes)
        return self.__class__(**values)


_set = object.__setattr__


class Location(_Value):
    """A 1-based position (and optional end) in a file the user edits."""

    __slots__ = ("path", "line", "col", "end_line", "end_col")
    _fields = __slots__
    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __init__(self, path: str, line: int, col: int, end_line: int = 0,
                 end_col: int = 0) -> None:
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "end_line", end_line)
        _set(self, "end_col", end_col)

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)


#: (tag, namespace, value, handle) of a child element in a fast walk (see Node.entries_of)
Entry = tuple[str, "str | None", "str | None", Any]


class Node:
    """One element of a loaded document: tag, text value, attributes, children, location.

    ``loc`` spans the start tag; ``value_loc`` spans the (stripped) text content when there is
    one, so a bad value is reported where the value is, not where the element starts.

    A loader may give the locations directly, or a *locator* that computes them on first use:
    most files have no finding, so most elements never need a column. A subclass may also
    produce ``children`` and ``value`` on first use (:meth:`_expand`, :meth:`_read_value`):
    most rules look at a handful of elements, so the rest of the tree is never built.
    """

    __slots__ = ("tag", "_value", "_children", "parent", "namespace", "opaque", "_loc",
                 "_value_loc", "_locator", "_index")

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
        self._value: str | None | EllipsisType = value
        self._children: list[Node] | None = []
        self._loc = loc
        self._value_loc = value_loc
        self._locator = locator
        self._index = index
        self.parent: Node | None = None
        self.namespace = namespace
        #: content that is not ProfileXML (EAP configuration, plug-in custom XML)
        self.opaque = False

    # --- lazily produced content (overridden by loaders that build on demand) ---------------
    @property
    def children(self) -> list[Node]:
        children = self._children
        if children is None:
            children = self._children = self._expand()
        return children

    @children.setter
    def children(self, value: list[Node]) -> None:
        self._children = value

    @property
    def value(self) -> str | None:
        """The raw text content; None when the element has child elements (or comments)."""
        value = self._value
        if value is ...:
            value = self._value = self._read_value()
        return value

    @value.setter
    def value(self, value: str | None) -> None:
        self._value = value

    @property
    def unresolved(self) -> bool:
        """True when the value is only known at run time (its text holds UNRESOLVED)."""
        return False

    def _expand(self) -> list[Node]:
        return []

    def _read_value(self) -> str | None:
        return None

    # --- locations ----------------------------------------------------------------------------
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
        """Build the whole subtree and compute every location now, then drop the locator, so
        that the tree can cross a process boundary (the locator may hold a position map that
        cannot be pickled) and no longer refers to the source text or the parsed XML."""
        for node in self.iter():
            node.value  # noqa: B018  (produced now, while the source is at hand)
            node.children  # noqa: B018  (iter() reads them after this body: build them first)
            if node._locator is not None:
                if node._loc is None:
                    node._locate()
                node._locator = None
            node._detach()

    def release(self) -> None:
        """Unlink this tree once nothing needs it: parents and children refer to each other, so
        without this only the garbage collector's slowest, full pass would free a tree, and
        those passes grow with everything a long run has allocated."""
        stack = [self]
        while stack:
            node = stack.pop()
            children = node._children
            if children:
                stack.extend(children)
            node._children = []
            node.parent = None

    def _detach(self) -> None:
        """Forget whatever the node was produced from (nothing for a plain Node)."""

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

    # --- fast read-only walks (see aovpn_lint.model.facts) ----------------------------------------
    def walk_handle(self) -> object:
        """What :meth:`entries_of` walks from for this node: the node itself here; a loader's
        subclass may hand out the structure it was built from, so a whole-tree walk does not
        have to build a Node for every element."""
        return self

    def entries_of(self, handle: Any) -> list[Entry]:
        """(tag, namespace, value, handle) for each child element of ``handle`` (a handle from
        :meth:`walk_handle` or from an earlier entry), in document order."""
        node: Node = handle
        return [(child.tag, child.namespace, child.value, child) for child in node.children]

    def entries(self) -> list[Entry]:
        """(tag, namespace, value, handle) for each child element of this node."""
        return self.entries_of(self.walk_handle())

    def node_of(self, handle: Any) -> Node:
        """The Node of a handle met in a walk from this node."""
        node: Node = handle
        return node

    def iter(self) -> Iterator[Node]:
        """This node and all its descendants, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


class Document:
    """A loaded file (or a ProfileXML embedded in one) ready for the rules.

    ``kind`` is ``profilexml`` for a VPNProfile, or the name of another format. ``source`` is the
    decoded text of the file the user edits (for suppression comments and fingerprints).
    ``container`` (embedded profiles) says where the profile sits in the outer file (script,
    JSON, ...); ``data`` holds free-form facts a loader hands to rules (e.g. Intune template
    fields).
    """

    __slots__ = ("path", "kind", "root", "source", "container", "data", "_profile")
    _fields: ClassVar[tuple[str, ...]] = __slots__

    def __init__(
        self,
        path: str,
        kind: str,
        root: Node | None,
        source: str = "",
        container: str | None = None,
        data: dict[str, Any] | None = None,
        _profile: Profile | None = None,
    ) -> None:
        self.path = path
        self.kind = kind
        self.root = root
        self.source = source
        self.container = container
        self.data: dict[str, Any] = {} if data is None else data
        self._profile = _profile

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    @property
    def profile(self) -> Profile:
        """The typed view of a ProfileXML document (built once, on first use)."""
        if self._profile is None:
            from aovpn_lint.model.profile import build_profile

            if self.root is None:
                raise ValueError(f"{self.path}: document has no root element")
            self._profile = build_profile(self.root)
        return self._profile


class Related(_Value):
    """A second place that explains a finding (SARIF relatedLocations)."""

    __slots__ = ("loc", "message")
    _fields = __slots__
    loc: Location
    message: str

    def __init__(self, loc: Location, message: str) -> None:
        _set(self, "loc", loc)
        _set(self, "message", message)


class Suppression(_Value):
    """Why a finding is not counted: an in-source comment or the configuration."""

    __slots__ = ("kind", "justification")
    _fields = __slots__
    kind: str  # "inSource" or "external"
    justification: str

    def __init__(self, kind: str, justification: str) -> None:
        _set(self, "kind", kind)
        _set(self, "justification", justification)


class Finding(_Value):
    """One problem: which rule, how bad, what to do, and exactly where."""

    __slots__ = ("rule_id", "rule_name", "severity", "message", "loc", "related", "suppression",
                 "subject")
    _fields = __slots__
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    loc: Location
    related: tuple[Related, ...]
    suppression: Suppression | None
    #: the rule an engine finding is about (the crashed rule of an AOV000), else None
    subject: str | None

    def __init__(
        self,
        rule_id: str,
        rule_name: str,
        severity: Severity,
        message: str,
        loc: Location,
        related: tuple[Related, ...] = (),
        suppression: Suppression | None = None,
        subject: str | None = None,
    ) -> None:
        _set(self, "rule_id", rule_id)
        _set(self, "rule_name", rule_name)
        _set(self, "severity", severity)
        _set(self, "message", message)
        _set(self, "loc", loc)
        _set(self, "related", related)
        _set(self, "suppression", suppression)
        _set(self, "subject", subject)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.path, self.loc.line, self.loc.col, self.rule_id, self.message)


class RuleMeta(_Value):
    """A rule's identity and documentation; ``doc`` is filled from the rule module's docstring.

    ``documented`` is True when the rule rests on a statement in Microsoft's documentation.
    """

    __slots__ = ("id", "name", "severity", "short", "help_uri", "tags", "precision", "documented",
                 "sources", "doc", "kinds")
    _fields = __slots__
    id: str
    name: str
    severity: Severity
    short: str
    help_uri: str
    tags: tuple[str, ...]
    precision: str
    documented: bool
    sources: tuple[str, ...]
    doc: str
    kinds: tuple[DocumentKind, ...]

    def __init__(
        self,
        id: str,
        name: str,
        severity: Severity,
        short: str,
        help_uri: str = "https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
        tags: tuple[str, ...] = (),
        precision: str = "high",
        documented: bool = False,
        sources: tuple[str, ...] = (),
        doc: str = "",
        kinds: tuple[DocumentKind, ...] = (DocumentKind.PROFILE,),
    ) -> None:
        _set(self, "id", id)
        _set(self, "name", name)
        _set(self, "severity", severity)
        _set(self, "short", short)
        _set(self, "help_uri", help_uri)
        _set(self, "tags", tags)
        _set(self, "precision", precision)
        _set(self, "documented", documented)
        _set(self, "sources", sources)
        _set(self, "doc", doc)
        _set(self, "kinds", kinds)

    def finding(
        self,
        loc: Location,
        message: str,
        related: tuple[Related, ...] = (),
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(self.id, self.name, severity or self.severity, message, loc, related)
