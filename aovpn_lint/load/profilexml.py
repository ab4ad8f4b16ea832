"""ProfileXML: a hardened lxml parse, then the whole Node tree in one pass, with exact spans.

lxml gives no offsets, so one scan of the text pairs each element with its markup: start tags
appear in the text in the same order as elements in document order, and the scan (skipping
comments, CDATA and processing instructions) also finds where each element ends.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from aovpn_lint.model.document import Container, Document, DocumentKind, ParseProblem
from aovpn_lint.model.positions import LineIndex, Source
from aovpn_lint.model.tree import UNRESOLVED, Node, Span

PROFILE_TAG = "VPNProfile"

#: Elements whose content is another schema's XML (EAP method config, plug-in vendor config).
OPAQUE_CONTAINERS = frozenset({("Eap", "Configuration"), ("PluginProfile", "CustomConfiguration")})

Loaded = tuple[list[Document], list[ParseProblem]]

_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
#: one token of markup: a comment, CDATA, a PI or declaration, an end tag, or a start tag
#: (group 1: its name, group 2: '/' when it closes itself)
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!].*?>|</[^>]*>"
    r"""|<([^\s/>]+)(?:[^>"'/]|/(?!>)|"[^"]*"|'[^']*')*(/?)>""",
    re.S,
)
_local = threading.local()


def _parser() -> etree.XMLParser:
    # One parser per thread: no entity expansion, no DTD loading, no network, libxml2's default
    # depth and size limits (huge_tree off).
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
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


def load_profile_text(
    text: str,
    source: Source,
    container: Container | None = None,
    placeholders: bool = False,
) -> Loaded:
    """Parse ProfileXML text; return one Document per VPNProfile found, or the parse problem.

    ``source`` maps offsets of ``text`` into the file the user edits. With ``placeholders``
    (text taken out of a script), a value holding :data:`UNRESOLVED` is only known at run time.
    """
    doctype = _first_doctype(text)
    if doctype is not None:
        msg = (
            "DOCTYPE declarations are not allowed: ProfileXML never uses a DTD, and a DTD can "
            "expand entities or reach other files; remove the <!DOCTYPE ...> declaration"
        )
        return [], [ParseProblem(source.location(doctype.start(), doctype.end()), msg)]
    try:
        top = etree.fromstring(text.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as exc:
        return [], [_syntax_problem(exc, text, source)]
    if top is None:
        msg = "the document is empty; expected a <VPNProfile> element"
        return [], [ParseProblem(source.location(0), msg)]
    if top.getroottree().docinfo.doctype:  # defence in depth: the scan above missed one
        msg = "DOCTYPE declarations are not allowed; remove the <!DOCTYPE ...> declaration"
        return [], [ParseProblem(source.location(0), msg)]
    return _documents(top, text, source, container, placeholders), []


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


def _syntax_problem(exc: etree.XMLSyntaxError, text: str, source: Source) -> ParseProblem:
    line, col = exc.position if exc.position else (1, 1)
    offset = min(LineIndex(text).offset(line or 1, col or 1), len(text))
    message = (exc.msg or "not well-formed XML").split(", line ")[0]
    hint = _syntax_hint(message)
    return ParseProblem(source.location(offset), f"not well-formed XML: {message}; {hint}")


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


def _documents(
    top: etree._Element,
    text: str,
    source: Source,
    container: Container | None,
    placeholders: bool,
) -> list[Document]:
    spans = _element_spans(text)
    builder = _Builder(text, source, spans, placeholders and UNRESOLVED in text)
    if (
        etree.QName(top).localname != PROFILE_TAG
        and next(top.iter("{*}" + PROFILE_TAG), None) is None
    ):
        # not a profile: only the root element is of interest (a misspelt VPNProfile)
        return [
            Document(
                source.path,
                DocumentKind.XML,
                builder.build(top, None, shallow=True),
                source,
                container,
            )
        ]
    root = builder.build(top, None)
    profiles = (
        [root]
        if root.tag == PROFILE_TAG
        else [node for node in root.iter() if node.tag == PROFILE_TAG]
    )
    return [
        Document(
            source.path,
            DocumentKind.PROFILE,
            node,
            source,
            container,
            unresolved=tuple(n for n in node.iter() if n.unresolved),
        )
        for node in profiles
    ]


def _element_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(start, name end, start-tag end, element end) of every element, in document order.

    Only called on well-formed text, so every tag is closed and nested properly.
    """
    spans: list[list[int]] = []
    open_elements: list[int] = []
    for match in _MARKUP.finditer(text):
        name = match.group(1)
        if name is not None:
            start, tag_end = match.start(), match.end()
            spans.append([start, start + 1 + len(name), tag_end, tag_end])
            if not match.group(2):
                open_elements.append(len(spans) - 1)
        elif text.startswith("</", match.start()) and open_elements:
            spans[open_elements.pop()][3] = match.end()
    return [(a, b, c, d) for a, b, c, d in spans]


class _Builder:
    """Turns the parsed elements into Nodes, pairing the ``i``-th element with the ``i``-th
    start tag of the text."""

    def __init__(
        self, text: str, source: Source, spans: list[tuple[int, int, int, int]], placeholders: bool
    ) -> None:
        self.text = text
        self.source = source
        self.spans = spans
        self.placeholders = placeholders
        self.index = 0

    def build(self, el: etree._Element, parent_tag: str | None, shallow: bool = False) -> Node:
        number = self.index
        self.index += 1
        tag = str(el.tag)  # an element's tag is text ('{namespace}name' when it has one)
        namespace = None
        if tag[0] == "{":
            namespace, _, tag = tag[1:].partition("}")
        children = (
            ()
            if shallow
            else tuple(self.build(child, tag) for child in el if child.tag.__class__ is str)
        )  # not a comment or a processing instruction
        value = None if len(el) else (el.text or "")
        unresolved = value is not None and self.placeholders and UNRESOLVED in value
        start, name_end, tag_end, end = (
            self.spans[number] if number < len(self.spans) else (0, 1, 1, 1)
        )
        value_start = value_end = -1
        if value is not None and tag_end != end:  # not a self-closing element
            value_start, value_end = self._value_span(tag_end)
        return Node(
            tag,
            None if unresolved else value,
            children,
            Span(start, end, start, name_end, tag_end, value_start, value_end),
            self.source,
            namespace,
            unresolved=unresolved,
            opaque=(parent_tag, tag) in OPAQUE_CONTAINERS,
        )

    def _value_span(self, begin: int) -> tuple[int, int]:
        """The stripped text between the start tag and the next markup."""
        text = self.text
        end = text.find("<", begin)
        if end == -1:
            end = len(text)
        raw = text[begin:end]
        stripped = raw.lstrip()
        if not stripped:
            return begin, begin
        return begin + (len(raw) - len(stripped)), begin + len(raw.rstrip())
