"""The plain, immutable tree every loader builds: one Node per element, key or item.

A loader builds the whole tree in one pass over the parsed document. Each node keeps its exact
span in the loaded text (the element, its name and its value), so a finding's location and a
fix's edit come from the same numbers; the line and column are computed only when asked for.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from aovpn_lint.model.positions import Location, Source

#: Stands in a loaded text for content only known at run time (a PowerShell variable, say): an
#: element whose value holds it has no value the rules can judge.
UNRESOLVED = "\ue000"


class NodeKind(enum.Enum):
    """What a node is: an XML element, or a JSON/YAML mapping, sequence or scalar."""

    ELEMENT = "element"
    MAPPING = "mapping"
    SEQUENCE = "sequence"
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"


class Span(NamedTuple):
    """Offsets in the loaded text (end exclusive).

    ``start``..``end`` is the whole element (for XML from ``<`` to the end of its end tag);
    ``name_start``..``name_end`` is what a finding about the element points at (the start tag's
    ``<`` and name, a JSON or YAML key); ``tag_end`` is where the start tag ends (where a child
    would be inserted); ``value_start``..``value_end`` is the stripped value, or -1 when the
    node has no value of its own.
    """

    start: int
    end: int
    name_start: int
    name_end: int
    tag_end: int
    value_start: int = -1
    value_end: int = -1


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One element of a loaded document.

    ``value`` is the raw text of an element without child elements (None when it has children,
    or when its value is only known at run time: then ``unresolved`` is True). ``opaque`` marks
    content of another schema (EAP method configuration, plug-in vendor XML): :meth:`iter` does
    not enter it, ``children`` still holds it.
    """

    tag: str
    value: str | None
    children: tuple[Node, ...]
    span: Span
    source: Source = field(repr=False)
    namespace: str | None = None
    kind: NodeKind = NodeKind.ELEMENT
    unresolved: bool = False
    opaque: bool = False

    @property
    def loc(self) -> Location:
        """Where the element is: its start tag's name (or its key)."""
        span = self.span
        return self.source.location(span.name_start, span.name_end)

    @property
    def value_loc(self) -> Location:
        """Where the value is; the element itself when it has none."""
        span = self.span
        if span.value_start < 0:
            return self.loc
        return self.source.location(span.value_start, span.value_end)

    @property
    def text(self) -> str:
        """The stripped value ('' when the node has none)."""
        return (self.value or "").strip()

    @property
    def is_sequence(self) -> bool:
        return self.kind is NodeKind.SEQUENCE

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

    def iter(self, opaque: bool = False) -> Iterator[Node]:
        """This node and its descendants in document order; opaque content (another schema's
        XML) only with ``opaque=True``."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if opaque or not node.opaque or node is self:
                stack.extend(reversed(node.children))

    def __repr__(self) -> str:
        return f"Node({self.tag!r}, {self.value!r}, line={self.loc.line})"
