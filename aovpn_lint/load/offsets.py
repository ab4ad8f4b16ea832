"""ProfileXML that lives inside another file (a PowerShell string, a JSON value, a SyncML element).

The extracted XML is rarely a verbatim slice of the outer file: PowerShell doubles quotes, JSON
escapes ``<`` as ``\\u003c``, SyncML writes ``&lt;``. :class:`OffsetMap` records, for every character
of the extracted text, where it came from in the outer file, so findings land on the original
character. Parts that are only known at run time (a ``$Servers`` variable) become a placeholder
character; elements whose value contains one are treated as having an unknown value.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from aovpn_lint.model.core import UNRESOLVED, Document, Location
from aovpn_lint.load.text import LineIndex
from aovpn_lint.load.profilexml import Problem, load_profile_text

#: Stands for a run-time value in extracted XML (a private-use character: valid in XML text).
PLACEHOLDER = UNRESOLVED


class OffsetMap:
    """Builds extracted text piece by piece while remembering each piece's outer offset."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []  # offset in the extracted text where a run begins
        self._bases: list[int] = []  # outer offset of that run's first character
        self._steps: list[int] = []  # 1: consecutive outer characters; 0: all map to the base
        self.length = 0
        self.end = 0  # outer offset just after the last piece

    def verbatim(self, text: str, outer: int) -> None:
        """``text`` was copied unchanged from the outer file at ``outer``."""
        if not text:
            return
        if (self._steps and self._steps[-1] == 1
                and self._bases[-1] + (self.length - self._starts[-1]) == outer):
            pass  # continues the previous run
        else:
            self._run(outer, 1)
        self._append(text, outer + len(text))

    def produced(self, text: str, outer: int, outer_end: int) -> None:
        """``text`` stands for the escape or expression at ``outer``..``outer_end``."""
        if not text:
            return
        self._run(outer, 0)
        self._append(text, outer_end)

    def _run(self, outer: int, step: int) -> None:
        self._starts.append(self.length)
        self._bases.append(outer)
        self._steps.append(step)

    def _append(self, text: str, end: int) -> None:
        self._parts.append(text)
        self.length += len(text)
        self.end = end

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def outer(self, offset: int) -> int:
        """The outer-file offset of the extracted character at ``offset``."""
        if offset >= self.length or not self._starts:
            return self.end
        i = bisect_right(self._starts, max(offset, 0)) - 1
        return self._bases[i] + (offset - self._starts[i]) * self._steps[i]

    def position_map(self, outer_text: str) -> Callable[[int], tuple[int, int]]:
        index = LineIndex.of(outer_text)
        return lambda offset: index.position(self.outer(offset))


_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|<!\[CDATA\[(.*?)\]\]>", re.S)
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def unescape_xml_into(omap: OffsetMap, raw: str, outer: int) -> None:
    """Append XML character data (entities, CDATA) to ``omap``, mapping each character home."""
    pos = 0
    for match in _ENTITY.finditer(raw):
        omap.verbatim(raw[pos:match.start()], outer + pos)
        if match.group(2) is not None:
            omap.verbatim(match.group(2), outer + match.start(2))
        else:
            omap.produced(_entity(match.group(1), match.group(0)), outer + match.start(),
                          outer + match.end())
        pos = match.end()
    omap.verbatim(raw[pos:], outer + pos)


def _entity(name: str, whole: str) -> str:
    try:
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
    except (ValueError, OverflowError):
        return whole
    return _NAMED.get(name, whole)


def load_embedded(
    omap: OffsetMap, outer_text: str, path: str, container: str
) -> tuple[list[Document], list[Problem]]:
    """Parse the XML collected in ``omap``; locations point into ``outer_text``.

    Elements whose text contains a placeholder have an unknown value (``None``), so value rules
    skip them; their positions in document order are kept in ``data['unresolved']``.
    """
    text = omap.text
    documents, problems = load_profile_text(
        text, path, position_map=omap.position_map(outer_text), container=container,
        source=outer_text, placeholders=True,
    )
    if PLACEHOLDER in text:
        for document in documents:
            if document.root is None:
                continue
            unknown = []
            for number, node in enumerate(document.root.iter()):
                if node.unresolved:  # its value reads as None
                    unknown.append(number)
            document.data["unresolved"] = unknown
    return documents, problems


def point(path: str, index: LineIndex, start: int, end: int | None = None) -> Location:
    """A Location for outer offsets ``start``..``end``."""
    line, col = index.position(start)
    if end is None or end <= start:
        return Location(path, line, col, line, col + 1)
    end_line, end_col = index.position(end)
    return Location(path, line, col, end_line, end_col)
