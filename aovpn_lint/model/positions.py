"""Offsets in a text, and where they are in the file the user edits.

A loader records offsets only; a line and column are computed when a finding needs them.
ProfileXML embedded in another file (a PowerShell string, a JSON value, SyncML ``<Data>``) is
rarely a verbatim slice of it: PowerShell doubles quotes, JSON escapes ``<`` as ``\\u003c``,
SyncML writes ``&lt;``. An :class:`OffsetMap` records where each character of the extracted text
came from, so every position maps back to the original character: one mechanism for every
carrier.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based position (and end) in a file the user edits; columns count code points."""

    path: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)


class LineIndex:
    """Maps character offsets of a text to 1-based (line, column) and back.

    Only ``\\n`` ends a line, in every stage (locations, suppressions, fingerprints), so a
    crafted file cannot make two stages disagree about line numbers.
    """

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        position = text.find("\n")
        while position != -1:
            starts.append(position + 1)
            position = text.find("\n", position + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, col: int = 1) -> int:
        line = min(max(line, 1), len(self.starts))
        return self.starts[line - 1] + max(col, 1) - 1


class OffsetMap:
    """Builds an extracted text piece by piece while remembering each piece's outer offset."""

    __slots__ = ("_parts", "_starts", "_bases", "_steps", "_ends", "length", "end")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []  # offset in the extracted text where a run begins
        self._bases: list[int] = []  # outer offset of that run's first character
        self._steps: list[int] = []  # 1: consecutive outer characters; 0: all map to the base
        self._ends: list[int] = []  # outer end of a step-0 run (the escape's end); -1 for step 1
        self.length = 0
        self.end = 0  # outer offset just after the last piece

    def verbatim(self, text: str, outer: int) -> None:
        """``text`` was copied unchanged from the outer file at ``outer``."""
        if not text:
            return
        continues = (
            self._steps
            and self._steps[-1] == 1
            and self._bases[-1] + (self.length - self._starts[-1]) == outer
        )
        if not continues:
            self._run(outer, 1, -1)
        self._append(text, outer + len(text))

    def produced(self, text: str, outer: int, outer_end: int) -> None:
        """``text`` stands for the escape or expression at ``outer``..``outer_end``."""
        if not text:
            return
        self._run(outer, 0, outer_end)
        self._append(text, outer_end)

    def _run(self, outer: int, step: int, end: int) -> None:
        self._starts.append(self.length)
        self._bases.append(outer)
        self._steps.append(step)
        self._ends.append(end)

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

    def outer_end(self, offset: int) -> int:
        """The outer-file offset just after the extracted character before ``offset``: the end
        of a range. Unlike :meth:`outer`, it stays with the range's last character when the next
        one comes from elsewhere (a script variable's value is written at its literal, far from
        the ProfileXML around it)."""
        if offset <= 0 or not self._starts:
            return self.outer(offset)
        last = min(offset, self.length) - 1
        i = bisect_right(self._starts, last) - 1
        if self._steps[i]:
            return self._bases[i] + (last - self._starts[i]) + 1
        return self._ends[i]


@dataclass(eq=False, slots=True)
class Source:
    """The text of a file the user edits, and how offsets of a loaded text map into it.

    ``offsets`` is None when the loaded text *is* the file's text; otherwise it maps offsets of
    the extracted text (an embedded profile) to offsets of ``text``. The line index is an
    explicit cache, built when the first location is asked for.
    """

    path: str
    text: str
    offsets: OffsetMap | None = None
    _lines: list[LineIndex] = field(default_factory=list, repr=False)

    def embedded(self, offsets: OffsetMap) -> Source:
        """The source of a text extracted from this one (sharing its line index)."""
        return Source(self.path, self.text, offsets, self._lines)

    @property
    def lines(self) -> LineIndex:
        if not self._lines:
            self._lines.append(LineIndex(self.text))
        return self._lines[0]

    def outer(self, offset: int) -> int:
        return offset if self.offsets is None else self.offsets.outer(offset)

    def point(self, offset: int) -> tuple[int, int]:
        return self.lines.position(self.outer(offset))

    def location(self, start: int, end: int | None = None) -> Location:
        """``start``..``end`` of the loaded text; an empty range is one character wide."""
        line, col = self.point(start)
        if end is None or end <= start:
            return Location(self.path, line, col, line, col + 1)
        outer_end = end if self.offsets is None else self.offsets.outer_end(end)
        end_line, end_col = self.lines.position(outer_end)
        return Location(self.path, line, col, end_line, end_col)
