"""ProfileXML loading: a hardened lxml parse, then a Node tree where every element knows its exact
line and column in the file the user edits.

lxml reports the line of an element but not its column. The start tags in the source appear in the
same order as the elements in document order, so one forward scan over the text (skipping
comments, CDATA and processing instructions) pairs each element with the offset of its ``<``.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from lxml import etree

from aovpn_lint.model.core import UNRESOLVED, Document, Entry, Location, Locator, Node, _Value, _set
from aovpn_lint.load.text import LineIndex, PositionMap

PROFILE_TAG = "VPNProfile"

#: Elements whose content is another schema's XML (EAP method config, plug-in vendor config).
OPAQUE_CONTAINERS = frozenset({("Eap", "Configuration"), ("PluginProfile", "CustomConfiguration")})

# compiled on first use (re caches them): only a finding needs a column
_NAME = r"[^\s/>]+"
_START_TAG_REST = r"""[^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>"""
_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
_local = threading.local()


class Problem(_Value):
    """Something a loader could not accept, reported under ``rule_id`` at ``loc``."""

    __slots__ = ("rule_id", "loc", "message")
    _fields = __slots__
    rule_id: str
    loc: Location
    message: str

    def __init__(self, rule_id: str, loc: Location, message: str) -> None:
        _set(self, "rule_id", rule_id)
        _set(self, "loc", loc)
        _set(self, "message", message)


def _parser() -> etree.XMLParser:
    # One parser per thread: no entity expansion, no DTD loading, no network, libxml2's default
    # depth and size limits (huge_tree off).
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            encoding="utf-8",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
            remove_pis=False,
        )
        _local.parser = parser
    return parser


class _Positions:
    """Offset -> Location in the outer file, for a text that may be embedded in another file."""

    def __init__(self, path: str, text: str, position_map: PositionMap | None) -> None:
        self.path = path
        self._text = text
        self._index: LineIndex | None = None
        self._map = position_map

    def at(self, start: int, end: int | None = None) -> Location:
        line, col = self.point(start)
        if end is None or end <= start:
            return Location(self.path, line, col, line, col + 1)
        end_line, end_col = self.point(end)
        return Location(self.path, line, col, end_line, end_col)

    def point(self, offset: int) -> tuple[int, int]:
        if self._map is not None:
            return self._map(offset)
        if self._index is None:
            self._index = LineIndex.of(self._text)
        return self._index.position(offset)


def load_profile_text(
    text: str,
    path: str,
    position_map: PositionMap | None = None,
    container: str | None = None,
    source: str | None = None,
    placeholders: bool = False,
) -> tuple[list[Document], list[Problem]]:
    """Parse ProfileXML text; return one Document per VPNProfile found, or the parse problem.

    With ``placeholders`` (text taken out of a script or an export), a value holding
    :data:`~aovpn_lint.model.core.UNRESOLVED` is only known at run time and reads as None.
    """
    positions = _Positions(path, text, position_map)
    doctype = _first_doctype(text)
    if doctype is not None:
        loc = positions.at(doctype.start(), doctype.end())
        msg = (
            "DOCTYPE declarations are not allowed: ProfileXML never uses a DTD, and a DTD can "
            "expand entities or reach other files; remove the <!DOCTYPE ...> declaration"
        )
        return [], [Problem("AOV100", loc, msg)]
    try:
        top = etree.fromstring(text.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as exc:
        return [], [_syntax_problem(exc, text, positions)]
    if top is None:
        return [], [Problem("AOV100", positions.at(0), "the document is empty; expected a <VPNProfile> element")]
    if top.getroottree().docinfo.doctype:  # defence in depth: the scan above missed one
        msg = "DOCTYPE declarations are not allowed; remove the <!DOCTYPE ...> declaration"
        return [], [Problem("AOV100", positions.at(0), msg)]
    return _build_documents(top, text, positions, container,
                            source if source is not None else text, placeholders)


def _inside_comment(text: str, offset: int) -> bool:
    opened = text.rfind("<!--", 0, offset)
    return opened != -1 and text.rfind("-->", opened, offset) == -1


def _first_doctype(text: str) -> re.Match[str] | None:
    """The first DOCTYPE outside a comment (a commented one must not hide a real one after it).

    Each step resumes after the comment that held the previous match: linear in the text.
    """
    pos = 0
    while (match := _DOCTYPE.search(text, pos)) is not None:
        if not _inside_comment(text, match.start()):
            return match
        end = text.find("-->", match.end())
        if end == -1:
            return None  # inside an unterminated comment: the parser reports that
        pos = end + 3
    return None


def _syntax_problem(exc: etree.XMLSyntaxError, text: str, positions: _Positions) -> Problem:
    line, col = exc.position if exc.position else (1, 1)
    index = LineIndex.of(text)
    offset = min(index.offset(line or 1, col or 1), len(text))
    message = (exc.msg or "not well-formed XML").split(", line ")[0]
    hint = _syntax_hint(message)
    return Problem("AOV100", positions.at(offset), f"not well-formed XML: {message}; {hint}")


def _syntax_hint(message: str) -> str:
    if "mismatch" in message or "Premature end" in message:
        return "check that every element is closed in the right order"
    if "Excessive depth" in message:
        return "the document nests elements too deeply to be a VPN profile"
    if "Document is empty" in message or "Start tag expected" in message:
        return "the file must contain a <VPNProfile> element"
    if "EntityRef" in message or "xmlParseEntityRef" in message:
        return "write '&' as '&amp;' inside values"
    return "fix the markup at this position"


def _build_documents(
    top: etree._Element,
    text: str,
    positions: _Positions,
    container: str | None,
    source: str,
    placeholders: bool,
) -> tuple[list[Document], list[Problem]]:
    profile_els = [top] if etree.QName(top).localname == PROFILE_TAG else list(
        top.iter("{*}" + PROFILE_TAG)
    )
    if not profile_els:
        problems = []
        local = etree.QName(top).localname
        if local.lower() == PROFILE_TAG.lower() or _close(local, PROFILE_TAG):
            problems.append(
                Problem(
                    "AOV101",
                    positions.at(0),
                    f"root element '{local}' is not a VPN profile; did you mean '{PROFILE_TAG}'?"
                    " (element names are case-sensitive)",
                )
            )
        return [Document(positions.path, "xml", None, source, container)], problems
    locator = _Locator(text, positions, top, placeholders and UNRESOLVED in text)
    docs = [Document(positions.path, "profilexml", ElementNode.root(el, locator), source, container)
            for el in profile_els]
    return docs, []


def _close(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.85


def _split(tag: str) -> tuple[str | None, str]:
    """(namespace, local name) of an lxml tag."""
    if tag[0] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def _element_value(el: etree._Element, placeholders: bool) -> str | None:
    """The value rules judge: the text of an element without child elements, comments or PIs,
    unless it holds a placeholder for what a script only knows when it runs; None otherwise."""
    if len(el):
        return None
    value = el.text or ""
    return None if placeholders and UNRESOLVED in value else value


class ElementNode(Node):
    """A Node over an lxml element whose children and value are produced on first use.

    Rules look at a handful of elements of a profile, and the walk of the schema rules runs on the
    lxml tree itself (:meth:`walk_handle`), so most elements of most files never become Nodes.
    Locations come from the element's position in document order, which is also the index of its
    start tag in the source.
    """

    __slots__ = ("_el",)

    @classmethod
    def root(cls, el: etree._Element, locator: _Locator) -> ElementNode:
        return cls._make(el, None, locator)

    @classmethod
    def _make(cls, el: etree._Element, parent: Node | None, locator: Locator | None) -> ElementNode:
        node = cls.__new__(cls)
        namespace, tag = _split(el.tag)
        node.tag = tag
        node.namespace = namespace
        node.parent = parent
        # EAP or plug-in configuration: not ProfileXML, its children are never built
        node.opaque = parent is not None and (parent.tag, tag) in OPAQUE_CONTAINERS
        node._el = el
        node._value = ...
        node._children = None
        node._loc = node._value_loc = None
        node._locator = locator
        node._index = -1
        return node

    def _expand(self) -> list[Node]:
        el = self._el
        if self.opaque or el is None:
            return []
        make, locator = ElementNode._make, self._locator
        return [make(child, self, locator) for child in el.iterchildren(tag=etree.Element)]

    def _read_value(self) -> str | None:
        return None if self._el is None else _element_value(self._el, self._placeholders())

    @property
    def unresolved(self) -> bool:
        el = self._el
        return (el is not None and self._placeholders() and not len(el)
                and UNRESOLVED in (el.text or ""))

    def _placeholders(self) -> bool:
        locator = self._locator
        return isinstance(locator, _Locator) and locator.placeholders

    def walk_handle(self) -> object:
        return self._el if self._el is not None else self

    def entries_of(self, handle: Any) -> list[Entry]:
        if not isinstance(handle, etree._Element):
            return super().entries_of(handle)
        if handle is self._el and self.opaque:
            return []
        locator = self._locator if isinstance(self._locator, _Locator) else None
        memo = locator.entries if locator is not None else None
        if memo is not None:
            known = memo.get(handle)
            if known is not None:
                return known  # the schema walk and the profile read the same routes
        entries: list[Entry] = []
        placeholders = locator is not None and locator.placeholders
        for child in handle:  # (plain iteration is faster than a tag filter in lxml)
            tag = child.tag
            if tag.__class__ is str:  # not a comment or a processing instruction
                namespace, tag = _split(tag) if tag[0] == "{" else (None, tag)
                entries.append((tag, namespace, _element_value(child, placeholders), child))
        if memo is not None:
            memo[handle] = entries
        return entries

    def node_of(self, handle: Any) -> Node:
        if not isinstance(handle, etree._Element):
            return super().node_of(handle)
        if handle is self._el:
            return self
        chain = [handle]  # build only the Nodes on the way down to it
        for ancestor in handle.iterancestors():
            if ancestor is self._el:
                break
            chain.append(ancestor)
        node: Node = self
        for el in reversed(chain):
            node = next(child for child in node.children
                        if isinstance(child, ElementNode) and child._el is el)
        return node

    def _locate(self) -> None:
        if self._index < 0 and self._el is not None and isinstance(self._locator, _Locator):
            self._index = self._locator.index_of(self._el)
        super()._locate()

    def _detach(self) -> None:
        self._el = None


_TAG_OPEN = re.compile(r"<[^/!?]")


def _spans(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    spans = []
    find = text.find
    pos = find(opener)
    while pos != -1:
        end = find(closer, pos + len(opener))
        end = len(text) if end == -1 else end + len(closer)
        spans.append((pos, end))
        pos = find(opener, end)
    return spans


def start_tags(text: str) -> list[int]:
    """Offsets of every element start tag, skipping comments, CDATA and PIs.

    Only called for well-formed documents, so every comment, CDATA section and PI is closed.
    """
    candidates = [m.start() for m in _TAG_OPEN.finditer(text)]
    if "<!" not in text and "<?" not in text:
        return candidates
    skipped = sorted(_spans(text, "<!--", "-->") + _spans(text, "<![CDATA[", "]]>")
                     + _spans(text, "<?", "?>"))
    if not skipped:
        return candidates
    starts: list[int] = []
    index, count = 0, len(skipped)
    for pos in candidates:
        while index < count and skipped[index][1] <= pos:
            index += 1
        if index < count and skipped[index][0] <= pos:
            continue
        starts.append(pos)
    return starts


class _Locator:
    """Finds start tags in the source on first use; element ``i`` owns the ``i``-th start tag."""

    __slots__ = ("text", "positions", "top", "placeholders", "entries", "_starts", "_order")

    def __init__(self, text: str, positions: _Positions, top: etree._Element,
                 placeholders: bool = False) -> None:
        self.text = text
        self.positions = positions
        self.top = top
        #: the text comes from a script and holds run-time placeholders
        self.placeholders = placeholders
        #: element -> its child entries (see ElementNode.entries_of), read once per document
        self.entries: dict[etree._Element, list[Entry]] = {}
        self._starts: list[int] | None = None
        self._order: dict[etree._Element, int] | None = None

    def index_of(self, el: etree._Element) -> int:
        """The position of ``el`` among all elements in document order (one walk, on first use;
        the map keeps the element proxies alive, so lxml hands out the same ones later)."""
        if self._order is None:
            self._order = {e: i for i, e in enumerate(self.top.iter(tag=etree.Element))}
        return self._order[el]

    def _start(self, index: int) -> int:
        if self._starts is None:
            self._starts = start_tags(self.text)
        starts = self._starts
        return starts[index] if index < len(starts) else 0

    def locate(self, index: int, has_value: bool) -> tuple[Location, Location | None]:
        text = self.text
        start = self._start(index)
        name = re.compile(_NAME).match(text, start + 1)
        name_end = name.end() if name else start + 1
        loc = self.positions.at(start, name_end)
        if not has_value:
            return loc, None
        rest = re.compile(_START_TAG_REST).match(text, start + 1)
        tag_end = rest.end() if rest else start + 1
        if text.startswith("/>", tag_end - 2):
            return loc, loc
        return loc, _value_location(text, tag_end, self.positions)


def _value_location(text: str, begin: int, positions: _Positions) -> Location:
    end = text.find("<", begin)
    if end == -1:
        end = len(text)
    raw = text[begin:end]
    stripped = raw.lstrip()
    if not stripped:
        return positions.at(begin, begin)
    first = begin + (len(raw) - len(stripped))
    last = begin + len(raw.rstrip())
    return positions.at(first, last)
