"""ProfileXML loading: a hardened lxml parse, then a Node tree where every element knows its exact
line and column in the file the user edits.

lxml reports the line of an element but not its column. The start tags in the source appear in the
same order as the elements in document order, so one forward scan over the text (skipping
comments, CDATA and processing instructions) pairs each element with the offset of its ``<``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lxml import etree

from aovpn_lint.model import Document, Location, Node
from aovpn_lint.textpos import LineIndex, PositionMap

PROFILE_TAG = "VPNProfile"

#: Elements whose content is another schema's XML (EAP method config, plug-in vendor config).
OPAQUE_CONTAINERS = frozenset({("Eap", "Configuration"), ("PluginProfile", "CustomConfiguration")})

_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)|<!DOCTYPE|<(?![/!?])",
    re.S,
)
_START_TAG_REST = re.compile(r"""[^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
_local = threading.local()


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a loader could not accept, reported under ``rule_id`` at ``loc``."""

    rule_id: str
    loc: Location
    message: str


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
        self._index = LineIndex.of(text) if position_map is None else None
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
        assert self._index is not None
        return self._index.position(offset)


def load_profile_text(
    text: str,
    path: str,
    position_map: PositionMap | None = None,
    container: str | None = None,
    source: str | None = None,
) -> tuple[list[Document], list[Problem]]:
    """Parse ProfileXML text; return one Document per VPNProfile found, or the parse problem."""
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
    return _build_documents(top, text, positions, container, source if source is not None else text)


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
    nodes = _scan(top, text, positions, set(profile_els))
    docs = [Document(positions.path, "profilexml", nodes[el], source, container) for el in profile_els]
    return docs, []


def _close(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.85


def _scan(
    top: etree._Element,
    text: str,
    positions: _Positions,
    profile_els: set[etree._Element],
) -> dict[etree._Element, Node]:
    """Walk all elements in document order, pairing each with its start tag in ``text``."""
    markup = _MARKUP.finditer(text)
    nodes: dict[etree._Element, Node] = {}
    for el in top.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions are consumed by the scanner
        start = _next_start_tag(markup)
        parent_el = el.getparent()
        parent = nodes.get(parent_el) if parent_el is not None else None
        if el in profile_els:
            parent = None
        elif parent is None or parent.opaque:
            continue  # outside any profile, or inside EAP / plug-in configuration
        node = _node(el, text, start, positions)
        if parent is not None:
            node.parent = parent
            parent.children.append(node)
            if (parent.tag, node.tag) in OPAQUE_CONTAINERS:
                node.opaque = True
        nodes[el] = node
    return nodes


def _next_start_tag(markup: object) -> int:
    for match in markup:  # type: ignore[attr-defined]
        if match.group(0) == "<":
            return int(match.start())
    return 0


def _node(el: etree._Element, text: str, start: int, positions: _Positions) -> Node:
    qname = etree.QName(el)
    rest = _START_TAG_REST.match(text, start + 1)
    tag_end = rest.end() if rest else start + 1
    name_end = start + 1 + len(el.prefix + ":" if el.prefix else "") + len(qname.localname)
    value: str | None = None
    value_loc: Location | None = None
    if len(el) == 0 and not text.startswith("/>", tag_end - 2):
        value = el.text if el.text is not None else ""
        value_loc = _value_location(text, tag_end, positions)
    loc = positions.at(start, name_end)
    return Node(qname.localname, value, loc, value_loc, qname.namespace)


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
