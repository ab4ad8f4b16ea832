"""Markdown (``*.md``): docs, wikis and READMEs that carry profiles in fenced code blocks.

Every fenced block (```` ``` ```` or ``~~~``, with or without an info string such as ``xml``)
that holds a ``<VPNProfile`` start tag and is XML (its first character is ``<``) is linted as
a profile (a script or JSON snippet that quotes a profile is not); its text is a verbatim slice of
the file, so every location points into the ``.md`` file. A Markdown file without such a block
is not an input: it yields no document and no finding.
"""

from __future__ import annotations

import re

from aovpn_lint.load.offsets import load_embedded
from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.model.document import Carrier, Container, Document, ParseProblem
from aovpn_lint.model.positions import Embedding, OffsetMap, Source

#: an opening fence: up to three spaces, then three or more backticks or tildes
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.M)
_PROFILE_START = re.compile(r"<VPNProfile[\s/>]")
_FIRST_NON_BLANK = re.compile(r"\S")


def mentions_profile(head: bytes) -> bool:
    """True when the start of a page holds a VPNProfile start tag (cheap, for folder walks)."""
    return b"<VPNProfile" in head or b"<\x00V\x00P\x00N\x00P\x00r\x00o\x00f\x00i\x00l\x00e" in head


def load_markdown(text: str, source: Source) -> Loaded:
    documents: list[Document] = []
    problems: list[ParseProblem] = []
    for start, end, fence in _blocks(text):
        if not _PROFILE_START.search(text, start, end) or not _is_xml(text, start, end):
            continue
        omap = OffsetMap()
        omap.verbatim(text[start:end], start)
        omap.embed(Embedding.VERBATIM, start, end)
        line = source.point(fence)[0]
        container = Container(Carrier.MARKDOWN, f"Markdown code block at line {line}")
        docs, probs = load_embedded(omap, source, container)
        documents.extend(docs)
        problems.extend(probs)
    return documents, problems


def _is_xml(text: str, start: int, end: int) -> bool:
    """Whether a block's content is XML: it starts with '<' (a PowerShell, JSON or shell snippet
    that names a profile in a string is not a profile, and is not reported as broken XML)."""
    first = _FIRST_NON_BLANK.search(text, start, end)
    return first is not None and first.group() == "<"


def _blocks(text: str) -> list[tuple[int, int, int]]:
    """(start, end, offset of the opening fence) of the content of each fenced code block.

    A block ends at a closing fence of the same character, at least as long as the opening
    one, or at the end of the file (as CommonMark reads an unclosed fence).
    """
    blocks = []
    position = 0
    while (opening := _FENCE.search(text, position)) is not None:
        fence = opening.group(2)
        content = opening.end() + 1
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        found = closing.search(text, content)
        end = found.start() if found else len(text)
        blocks.append((min(content, len(text)), end, opening.start()))
        position = found.end() if found else len(text)
    return blocks
