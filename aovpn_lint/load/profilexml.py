"""ProfileXML: a hardened lxml parse, then the whole Node tree in one pass, with exact spans.

lxml gives no offsets, so one scan of the text pairs each element with its markup: start tags
appear in the text in the same order as elements in document order, and the scan (skipping
comments, CDATA and processing instructions) also finds where each element ends.
"""

from __future__ import annotations

import enum
import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from lxml import etree

from aovpn_lint.model.document import Container, Document, DocumentKind, ParseProblem
from aovpn_lint.model.positions import LineIndex, Source
from aovpn_lint.model.tree import UNRESOLVED, Node, Span

PROFILE_TAG = "VPNProfile"

#: Elements whose content is another schema's XML (EAP method config, plug-in vendor config).
OPAQUE_CONTAINERS = frozenset({("Eap", "Configuration"), ("PluginProfile", "CustomConfiguration")})

Loaded = tuple[list[Document], list[ParseProblem]]

#: one token of markup: a comment, CDATA, a PI or declaration, an end tag (group 1), or a
#: start tag (group 2: its name; it closes itself when it ends with '/>')
#: a start or end tag at a ``<``: no nested repetition (each character has one way to match) and
#: no ``<`` inside (XML allows none in a tag), so a scan from one ``<`` stops at the next one
_TAG = re.compile(r"""</?([^\s/<>]+)(?:[^<>"']|"[^<"]*"|'[^<']*')*>""")


class MarkupKind(enum.Enum):
    START = "start"  # a start tag (``<a>`` or ``<a/>``)
    END = "end"
    COMMENT = "comment"
    OTHER = "other"  # CDATA, a processing instruction, a declaration (``<!DOCTYPE``)


class Markup(NamedTuple):
    """One piece of markup: ``start``..``end`` in the text; ``name_end`` ends a tag's name."""

    kind: MarkupKind
    start: int
    end: int
    name_end: int = 0


def markup(text: str) -> Iterator[Markup]:
    """The markup of ``text`` in order, as an XML tokenizer sees it: ``<!--`` inside CDATA or a
    processing instruction starts no comment. Linear in the text, whatever it holds: the end of
    a comment, CDATA section or processing instruction is found once with ``str.find`` (an
    unterminated one holds the rest of the text), and a tag is matched only up to the next
    ``<``. (A regular expression that looked for those ends itself rescanned the rest of the
    text from every unterminated opener, and one with nested repetition for attributes backtracked
    exponentially on a tag with an unbalanced quote.)"""
    i = text.find("<")
    while i != -1:
        for opener, closer, kind in _DELIMITED:
            if text.startswith(opener, i):
                end = text.find(closer, i + len(opener))
                if end == -1:
                    return  # unterminated: the rest of the text is inside it
                end += len(closer)
                yield Markup(kind, i, end)
                break
        else:
            match = _TAG.match(text, i)
            if match is None:  # a '<' that starts no tag (broken text): look further on
                end = i + 1
            else:
                end = match.end()
                kind = MarkupKind.END if text.startswith("</", i) else MarkupKind.START
                yield Markup(kind, i, end, match.end(1))
        i = text.find("<", end)


_DELIMITED = (
    ("<!--", "-->", MarkupKind.COMMENT),
    ("<![CDATA[", "]]>", MarkupKind.OTHER),
    ("<?", "?>", MarkupKind.OTHER),
    ("<!", ">", MarkupKind.OTHER),
)
_local = threading.local()


class _RefuseEverything(etree.Resolver):
    """Answers every request for a DTD or an entity with an empty document.

    ``load_dtd=False`` is not enough: libxml2 still asks for the external subset of
    ``<!DOCTYPE x SYSTEM "/path">`` and, without a resolver, opens the file itself. With this
    resolver on the parser it never opens a file or a URL; the DOCTYPE is then refused.
    """

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> Any:
        # an empty string, not resolve_empty(): libxml2 falls back to opening the file after that
        return self.resolve_string(b"", context)


def _new_parser(recover: bool = False) -> etree.XMLParser:
    # no entity expansion, no DTD loading, no network, libxml2's default depth and size limits
    # (huge_tree off), and a resolver that opens nothing
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_pis=False,
        recover=recover,
    )
    parser.resolvers.add(_RefuseEverything())
    return parser


def _parser(recover: bool = False) -> etree.XMLParser:
    """One strict and one recovering parser per thread."""
    name = "recovering" if recover else "strict"
    parser: etree.XMLParser | None = getattr(_local, name, None)
    if parser is None:
        parser = _new_parser(recover)
        setattr(_local, name, parser)
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
    data = text.encode("utf-8")
    try:
        top = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        # an entity bomb or a broken document after a DOCTYPE: the DOCTYPE is the problem to
        # report, if the parser (recovering past the error) saw one
        if _has_doctype(_recovered(data)):
            return [], [_doctype_problem(text, source)]
        return [], [_syntax_problem(exc, text, source)]
    if top is None:
        msg = "the document is empty; expected a <VPNProfile> element"
        return [], [ParseProblem(source.location(0), msg)]
    if _has_doctype(top):
        return [], [_doctype_problem(text, source)]
    return _documents(top, text, source, container, placeholders), []


def _recovered(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, _parser(recover=True))
    except etree.XMLSyntaxError:
        return None


def _has_doctype(top: etree._Element | None) -> bool:
    """Whether libxml2 saw a DOCTYPE: the parser decides, not a scan of the text (which would
    disagree with it about comments, processing instructions and CDATA)."""
    if top is None:
        return False
    info = top.getroottree().docinfo
    return bool(info.doctype or info.internalDTD is not None or info.externalDTD is not None)


def _doctype_problem(text: str, source: Source) -> ParseProblem:
    msg = (
        "DOCTYPE declarations are not allowed: ProfileXML never uses a DTD, and a DTD can "
        "expand entities or reach other files; remove the <!DOCTYPE ...> declaration"
    )
    start, end = _doctype_span(text)
    return ParseProblem(source.location(start, end), msg)


def _doctype_span(text: str) -> tuple[int, int]:
    """Where the DOCTYPE is: the first ``<!DOCTYPE`` token of the markup tokenizer, which skips
    comments, CDATA and processing instructions as the parser does (lxml gives no offset)."""
    for piece in markup(text):
        if text.startswith("<!DOCTYPE", piece.start):
            return piece.start, piece.start + len("<!DOCTYPE")
        if piece.kind is MarkupKind.START:  # the root element: a DOCTYPE can only come before it
            break
    return 0, 0


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Building a tree allocates a Node and a Span per element, and no reference cycles: the
    cycle collector's passes over them find nothing, and on a large profile they cost as much
    as the build itself (a 5 MB profile of 50,000 routes: 1.67 s with them, 0.84 s without,
    measured in-process). Reference counting still frees every tree."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    builder = _Builder(text, source, placeholders and UNRESOLVED in text)
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
    with _cycle_collector_paused():
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


class _Markup:
    """Where each element's markup is, by the element's position in document order: the start
    and end of its start tag, the end of its name and where the element ends."""

    __slots__ = ("starts", "name_ends", "tag_ends", "ends")

    def __init__(self, text: str) -> None:
        # only called on well-formed text: every tag is closed and nested properly
        starts: list[int] = []
        name_ends: list[int] = []
        tag_ends: list[int] = []
        ends: list[int] = []
        open_elements: list[int] = []
        for piece in markup(text):
            if piece.kind is MarkupKind.START:
                tag_end = piece.end
                starts.append(piece.start)
                name_ends.append(piece.name_end)
                tag_ends.append(tag_end)
                if text[tag_end - 2] == "/":
                    ends.append(tag_end)
                else:
                    open_elements.append(len(ends))
                    ends.append(tag_end)
            elif piece.kind is MarkupKind.END and open_elements:
                ends[open_elements.pop()] = piece.end
        self.starts, self.name_ends, self.tag_ends, self.ends = starts, name_ends, tag_ends, ends


class _Builder:
    """Turns the parsed elements into Nodes, pairing the ``i``-th element with the ``i``-th
    start tag of the text (start tags appear in the text in document order)."""

    def __init__(self, text: str, source: Source, placeholders: bool) -> None:
        self.text = text
        self.source = source
        self.markup = _Markup(text)
        self.placeholders = placeholders
        self.index = 0

    def build(self, el: etree._Element, parent_tag: str | None, shallow: bool = False) -> Node:
        number = self.index
        self.index = number + 1
        tag = str(el.tag)  # an element's tag is text ('{namespace}name' when it has one)
        namespace = None
        if tag[0] == "{":
            namespace, _, tag = tag[1:].partition("}")
        children: list[Node] = []
        if not shallow:
            for child in el:
                if child.tag.__class__ is str:  # not a comment or a processing instruction
                    children.append(self.build(child, tag))
        # the value of an element with no child nodes at all (a comment makes it None)
        value = None if len(el) else (el.text or "")
        unresolved = value is not None and self.placeholders and UNRESOLVED in value
        return Node(
            tag,
            None if unresolved else value,
            tuple(children),
            self._span(number, value is not None),
            self.source,
            namespace,
            unresolved=unresolved,
            opaque=(parent_tag, tag) in OPAQUE_CONTAINERS,
        )

    def _span(self, number: int, has_value: bool) -> Span:
        markup = self.markup
        if number >= len(markup.starts):  # cannot happen on well-formed text
            return Span(0, 1, 0, 1, 1)
        start, tag_end, end = markup.starts[number], markup.tag_ends[number], markup.ends[number]
        if not has_value or tag_end == end:  # no value, or a self-closing element
            return Span(start, end, start, markup.name_ends[number], tag_end)
        # the value: the stripped text between the start tag and the next markup
        text = self.text
        value_end = text.find("<", tag_end)
        if value_end == -1:
            value_end = len(text)
        raw = text[tag_end:value_end]
        stripped = raw.lstrip()
        if not stripped:
            return Span(start, end, start, markup.name_ends[number], tag_end, tag_end, tag_end)
        first = tag_end + len(raw) - len(stripped)
        return Span(
            start, end, start, markup.name_ends[number], tag_end, first, tag_end + len(raw.rstrip())
        )


def comment_spans(text: str) -> list[tuple[int, int]]:
    """Where the XML comments of ``text`` are, as the markup tokenizer sees them: ``<!--`` in
    CDATA or in a processing instruction starts no comment. For suppression comments."""
    return [(p.start, p.end) for p in markup(text) if p.kind is MarkupKind.COMMENT]
