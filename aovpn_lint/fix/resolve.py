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

from collections.abc import Iterable

from aovpn_lint.fix.escape import NotWritable, escape
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
    text = _newlines(edit.text, loaded)
    if omap is None:
        return Replacement(start, end, text, _region(source, start, end))
    probe = omap.outer(start)
    for region in omap.regions:
        if region.embedding is Embedding.BASE64 and region.start <= probe <= region.end:
            raise NotWritable("the profile is base64-encoded")
    outer_start, outer_end = _outer_range(omap, loaded, start, end)
    region = _carrier(omap, outer_start, outer_end)
    written = escape(region, text, source.text[region.start : region.end])
    return Replacement(outer_start, outer_end, written, _region(source, outer_start, outer_end))


def _newlines(text: str, loaded: str) -> str:
    """Rules write ``\\n``; a text whose lines end with CRLF gets CRLF."""
    if "\n" in text and "\r\n" in loaded:
        return text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


def _outer_range(omap: OffsetMap, loaded: str, start: int, end: int) -> tuple[int, int]:
    """Where ``start``..``end`` of the extracted text is in the file (both ends must be
    characters copied from the file, or the edges of an escape the edit replaces whole)."""
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
        return outer_start, outer_start
    run_start, length, base, run_end, step = runs[-1]
    last = end - 1
    if step == 0:
        if last != run_start + length - 1:
            raise NotWritable(_inside(loaded, last))
        outer_end = run_end
    else:
        outer_end = base + (last - run_start) + 1
    for before, after in zip(runs, runs[1:]):
        if before[3] != after[2]:
            raise NotWritable("the edit spans pieces that are apart in the file (a concatenation)")
    return outer_start, outer_end


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
