"""Resolving a rule's edits into the file the user edits.

Rules write :class:`~aovpn_lint.model.findings.Edit` values in the text they read: the file's
own text, or a profile extracted from a carrier (see :mod:`aovpn_lint.model.positions`). Here,
before a finding leaves the engine, each edit is mapped through the source's
:class:`~aovpn_lint.model.positions.OffsetMap` into the file's decoded text and its replacement
escaped for the carrier. An edit whose ends fall inside text the carrier produced (an escape
sequence, a run-time variable, a base64 value) cannot be written there: the fix is then
``blocked`` with the reason, and nothing is ever written for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aovpn_lint.fix.escape import NotWritable, breaks_escaped, escape
from aovpn_lint.model.findings import Edit, Finding, Fix, Replacement
from aovpn_lint.model.positions import Embedding, Location, OffsetMap, Region, Source
from aovpn_lint.model.tree import UNRESOLVED

NOT_FIXABLE = "not fixable here: "


def resolve_fixes(findings: Iterable[Finding]) -> list[Finding]:
    """The findings with every fix resolved (or blocked); findings without one unchanged."""
    return [
        finding.replace(fix=resolve(finding.fix, finding.loc.path))
        if finding.fix is not None and finding.fix.edits
        else finding
        for finding in findings
    ]


def resolve(fix: Fix, path: str) -> Fix:
    """``fix`` with its edits replaced by replacements in the file's text, or blocked."""
    try:
        replacements = sorted((_resolve(edit, path) for edit in fix.edits), key=_order)
        for first, second in zip(replacements, replacements[1:]):
            if second.start < first.end:
                raise NotWritable("the fix's edits overlap")
    except NotWritable as exc:
        return Fix(fix.description, (), fix.safe, (), NOT_FIXABLE + str(exc))
    return Fix(fix.description, (), fix.safe, tuple(replacements))


def _order(replacement: Replacement) -> tuple[int, int]:
    return replacement.start, replacement.end


def _resolve(edit: Edit, path: str) -> Replacement:
    source = edit.source
    if source.path != path:
        raise NotWritable("the edit is in another file")
    omap = source.offsets
    loaded = source.text if omap is None else omap.text
    start, end = edit.start, edit.end
    if not 0 <= start <= end <= len(loaded):
        raise NotWritable("the edit lies outside the text")
    if UNRESOLVED in loaded[start:end]:
        raise NotWritable("the edit covers a value only known at run time")
    if omap is None:
        text = _newlines(edit.text, source.text, start)
        return Replacement(start, end, text, _region(source, start, end))
    probe = omap.outer(start)
    for region in omap.regions:
        if region.embedding is Embedding.BASE64 and region.start <= probe <= region.end:
            raise NotWritable("the profile is base64-encoded")
    outer_start, outer_end, gapped = _outer_range(omap, loaded, source.text, start, end)
    region = _carrier(omap, outer_start, outer_end)
    if gapped and region.embedding not in _FOLDED_LINES:
        raise NotWritable("the edit spans pieces that are apart in the file (a concatenation)")
    # a line break the carrier escapes follows the embedded text's style; a raw one the file's
    carrier = source.text[region.start : region.end]
    escaped_breaks = region.embedding in _ESCAPED_BREAKS or breaks_escaped(
        region.embedding, carrier
    )
    if escaped_breaks:
        text = _newlines(edit.text, loaded, start)
    else:
        text = _newlines(edit.text, source.text, outer_start)
    written = escape(region, text, carrier)
    if region.embedding is Embedding.YAML_BLOCK:
        outer_start, outer_end, written = _block_lines(
            source.text, loaded, start, outer_start, outer_end, written, region.indent
        )
    elif region.embedding is Embedding.YAML_DOUBLE:
        outer_end, written = _continued(source.text, outer_start, outer_end, written)
    return Replacement(outer_start, outer_end, written, _region(source, outer_start, outer_end))


#: carriers that write a line break as an escape (\n), not as a line break of the file
_ESCAPED_BREAKS = frozenset({Embedding.JSON, Embedding.YAML_DOUBLE})


def _block_lines(
    outer: str, loaded: str, start: int, outer_start: int, outer_end: int, written: str, indent: str
) -> tuple[int, int, str]:
    """In a YAML block scalar the file indents each line, the extracted text does not: an edit
    from the start of a line takes the line from its indentation, and what it writes there is
    indented; a replacement ending at a line start leaves the next line's own indentation."""
    if start == 0 or loaded[start - 1] == "\n":
        line_start = outer.rfind("\n", 0, outer_start) + 1
        if not outer[line_start:outer_start].strip(" "):
            insertion = outer_start == outer_end
            outer_start = line_start
            outer_end = line_start if insertion else outer_end
            written = indent + written if written else written
    if written.endswith("\n" + indent) and (outer_end == 0 or outer[outer_end - 1] == "\n"):
        written = written[: -len(indent)]
    return outer_start, outer_end, written


def _continued(outer: str, outer_start: int, outer_end: int, written: str) -> tuple[int, str]:
    """A double-quoted YAML scalar continued on the next line (a '\\' before the line break)
    drops the blanks that start that line: IntuneCD writes a leading blank as '\\ '. Whatever
    starts such a line after the edit keeps its first blank the same way."""
    line_start = outer.rfind("\n", 0, outer_start) + 1
    before = outer[:line_start].rstrip("\r\n")
    backslashes = len(before) - len(before.rstrip("\\"))
    if outer[line_start:outer_start].strip(" \t") or backslashes % 2 == 0:
        return outer_end, written
    if written:
        return outer_end, "\\" + written if written[0] in " \t" else written
    if outer[outer_end : outer_end + 1] == " ":
        return outer_end + 1, "\\ "
    return outer_end, written


def _newlines(text: str, style: str, at: int) -> str:
    """Rules write ``\\n``; where the line of ``style`` that holds offset ``at`` ends with
    CRLF (the one before it when it is the last), so do the new ones."""
    if "\n" not in text:
        return text
    end = style.find("\n", at)
    if end == -1:
        end = style.rfind("\n", 0, at)
    if end > 0 and style[end - 1] == "\r":
        return text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


#: carriers whose lines carry indentation (or a continuation) that is not part of the text
_FOLDED_LINES = frozenset({Embedding.YAML_BLOCK, Embedding.YAML_DOUBLE})
#: what may lie between two pieces of such a text: a line's indentation, a continuation
_LINE_GAP = re.compile(r"\\?(?:\r?\n)?[ \t]*")


def _outer_range(
    omap: OffsetMap, loaded: str, outer: str, start: int, end: int
) -> tuple[int, int, bool]:
    """Where ``start``..``end`` of the extracted text is in the file (both ends must be
    characters copied from the file, or the edges of an escape the edit replaces whole), and
    whether pieces between lie apart by a line's indentation (YAML only)."""
    runs = omap.runs(start, end)
    if not runs:
        raise NotWritable("the embedded text is empty")
    run_start, length, base, _run_end, step = runs[0]
    if start >= omap.length:
        outer_start = omap.end
    elif step == 0 and start != run_start:
        raise NotWritable(_inside(loaded, start))
    else:
        outer_start = base + (start - run_start) * step
    if end == start:
        return outer_start, outer_start, False
    run_start, length, base, run_end, step = runs[-1]
    last = end - 1
    if step == 0:
        if last != run_start + length - 1:
            raise NotWritable(_inside(loaded, last))
        outer_end = run_end
    else:
        outer_end = base + (last - run_start) + 1
    gapped = False
    for before, after in zip(runs, runs[1:]):
        if before[3] != after[2]:
            if not _LINE_GAP.fullmatch(outer, before[3], after[2]):
                raise NotWritable(
                    "the edit spans pieces that are apart in the file (a concatenation)"
                )
            gapped = True
    return outer_start, outer_end, gapped


def _inside(loaded: str, offset: int) -> str:
    if loaded[offset : offset + 1] == UNRESOLVED:
        return "the edit touches a value only known at run time"
    return "the edit would cut through an escape sequence or encoded text"


def _carrier(omap: OffsetMap, start: int, end: int) -> Region:
    for region in omap.regions:
        if region.start <= start and end <= region.end:
            return region
    if not omap.regions:
        raise NotWritable("aovpn-lint does not know how this file embeds the profile")
    raise NotWritable(
        "the text to change is not written in the string that holds the profile (it comes "
        "from a variable's value); change it where the value is set"
    )


def _region(source: Source, start: int, end: int) -> Location:
    lines = source.lines
    line, col = lines.position(start)
    end_line, end_col = lines.position(end)
    return Location(source.path, line, col, end_line, end_col)
