"""Text output for a person at a terminal: colour, the source line under each finding, messages
wrapped to the terminal's width, and per-rule statistics.

Nothing changes for a pipe or a file unless asked: one line per finding, no colour, no source
line, so that ``grep`` and CI logs see what they always saw. The choices:

- colour: ``--color always|never`` wins; with ``auto`` (the default) a non-empty ``NO_COLOR``
  turns it off (no-color.org), else a non-empty ``FORCE_COLOR`` turns it on (force-color.org),
  else a terminal that is not ``TERM=dumb`` gets it;
- source lines: on for a terminal, ``--show-source`` / ``--no-show-source`` decide otherwise;
- wrapping: only on a terminal, to its width (``COLUMNS`` when set);
- an ``--output`` file gets colour only with ``--color always`` (``FORCE_COLOR`` is for logs).

Every string from the inputs is made safe first (:func:`aovpn_lint.sanitize.log_safe`), the
colour codes are added around the safe text, and each wrapped or quoted line is checked again
so that none can start a CI runner command.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.model.positions import Location
from aovpn_lint.sanitize import log_safe, no_runner_markers, printable_message

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOUR = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.NOTE: "\x1b[1;36m",
}
_GUTTER_COLOUR = "\x1b[34m"
#: a source line longer than this (or than the terminal) is shown as a window around the column
MAX_SOURCE_WIDTH = 160
_INDENT = "    "


@dataclass(frozen=True, slots=True)
class Style:
    """How findings are printed: ``width`` None means one line per finding, never wrapped."""

    colour: bool = False
    show_source: bool = False
    width: int | None = None

    def paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour and text else text


def wants_colour(
    mode: str, stream: TextIO | None, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether to colour output written to ``stream`` (``mode``: auto, always or never)."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return is_terminal(stream) and env.get("TERM") != "dumb"


def is_terminal(stream: TextIO | None) -> bool:
    if stream is None:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def terminal_width(stream: TextIO) -> int | None:
    """The width to wrap to: the terminal's (or ``COLUMNS``), None when not a terminal."""
    if not is_terminal(stream):
        return None
    return max(40, shutil.get_terminal_size((100, 24)).columns)


# --- one finding ---------------------------------------------------------------------------------
def format_finding(
    finding: Finding, style: Style = Style(), lines: Sequence[str] | None = None
) -> str:
    """``path:line:col: AOV301 [error] message (rule-name)``, then its related locations; with
    ``style.show_source`` and the file's ``lines``, the source line and a caret under the span."""
    loc = finding.loc
    where = f"{log_safe(loc.path)}:{loc.line}:{loc.col}:"
    head = f"{where} {log_safe(finding.rule_id)} [{finding.severity.value}] "
    body = f"{log_safe(finding.message)} ({log_safe(finding.rule_name)})"
    out = _wrapped(head, body, style)
    painted_head = (
        f"{style.paint(_BOLD, where)} "
        f"{style.paint(_SEVERITY_COLOUR[finding.severity], log_safe(finding.rule_id))} "
        f"[{style.paint(_SEVERITY_COLOUR[finding.severity], finding.severity.value)}] "
    )
    out[0] = painted_head + out[0][len(head) :]
    name = f"({log_safe(finding.rule_name)})"
    if style.colour and out[-1].endswith(name):
        out[-1] = out[-1][: -len(name)] + style.paint(_DIM, name)
    if style.show_source and lines is not None:
        out.extend(source_lines(lines, loc, style, finding.severity))
    for related in finding.related:
        rl = related.loc
        out.append(
            f"{_INDENT}{style.paint(_BOLD, f'{log_safe(rl.path)}:{rl.line}:{rl.col}:')} "
            f"{log_safe(related.message)}"
        )
    return "\n".join(out)


def _wrapped(head: str, body: str, style: Style) -> list[str]:
    """The finding's line, or with a width the lines it wraps to: the message continues under
    the location, indented; words are never split (a long path or value overflows)."""
    if style.width is None or len(head) + len(body) <= style.width:
        return [head + body]
    width = max(style.width, len(head) + 20)
    lines = textwrap.wrap(
        body,
        width=width,
        initial_indent=" " * len(head),
        subsequent_indent=_INDENT,
        break_long_words=False,
        break_on_hyphens=False,
    )
    if not lines:
        return [head + body]
    lines[0] = head + lines[0][len(head) :]
    # a wrapped line starts anew for a CI runner: no piece of a message may start a command
    return [lines[0], *(_INDENT + log_safe(line[len(_INDENT) :]) for line in lines[1:])]


def source_lines(
    lines: Sequence[str], loc: Location, style: Style, severity: Severity = Severity.ERROR
) -> list[str]:
    """The file's line ``loc.line`` under a gutter, and ``^~~~`` under its columns ``loc.col``
    to ``loc.end_col`` (to the end of the line when the span goes on); empty when the file has
    no such line."""
    line, col, end_line, end_col = loc.line, loc.col, loc.end_line, loc.end_col
    if not 0 < line <= len(lines):
        return []
    raw = lines[line - 1].rstrip("\r\n")
    start = min(max(col, 1), len(raw) + 1) - 1
    stop = end_col - 1 if end_line == line and end_col > col else len(raw)
    stop = max(min(stop, len(raw)), start + 1)
    before, marked = _safe(raw[:start]), _safe(raw[start:stop])
    after = _safe(raw[stop:])
    limit = min(MAX_SOURCE_WIDTH, (style.width or MAX_SOURCE_WIDTH) - len(str(line)) - 4)
    limit = max(limit, 20)
    if _cells(before) + _cells(marked) + _cells(after) > limit:
        before, marked, after = _window(before, marked, after, limit)
    number = str(line)
    gutter = style.paint(_GUTTER_COLOUR, " " * len(number) + " |")
    underline = "^" + "~" * max(_cells(marked) - 1, 0)
    return [
        gutter,
        f"{style.paint(_GUTTER_COLOUR, number + ' |')} {before}{marked}{after}".rstrip(),
        f"{gutter} {' ' * _cells(before)}{style.paint(_SEVERITY_COLOUR[severity], underline)}",
    ]


def _safe(text: str) -> str:
    """A piece of a source line, printable and without runner markers (tabs become one space,
    so columns keep their place)."""
    return no_runner_markers(printable_message(text))


def _window(before: str, marked: str, after: str, limit: int) -> tuple[str, str, str]:
    """Cut a long line to about ``limit`` cells around the marked span, with '…' at the cuts."""
    if _cells(marked) > limit * 2 // 3:
        marked = _clip_cells(marked, limit * 2 // 3) + "…"
        after = ""
    keep_before = max(limit // 3, limit - _cells(marked) - _cells(after))
    if _cells(before) > keep_before:
        before = "…" + before[len(before) - keep_before + 1 :]
    room = limit - _cells(before) - _cells(marked)
    if _cells(after) > room:
        after = _clip_cells(after, max(room - 1, 0)) + "…"
    return before, marked, after


def _clip_cells(text: str, cells: int) -> str:
    out, used = [], 0
    for char in text:
        width = _char_cells(char)
        if used + width > cells:
            break
        out.append(char)
        used += width
    return "".join(out)


def _char_cells(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes (wide characters two, combining marks none)."""
    return sum(_char_cells(char) for char in text) if not text.isascii() else len(text)


# --- statistics ----------------------------------------------------------------------------------
def statistics(counts: Counter[tuple[str, str, Severity]], style: Style = Style()) -> str:
    """One line per rule with active findings, most frequent first, as ruff's ``--statistics``:
    count, id, severity, name."""
    if not counts:
        return ""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    number_width = max(len(str(n)) for _key, n in rows)
    id_width = max(len(log_safe(rule_id)) for (rule_id, _name, _sev), _n in rows)
    out = []
    for (rule_id, name, severity), n in rows:
        label = f"[{severity.value}]".ljust(9)
        out.append(
            f"{n:>{number_width}}  "
            f"{style.paint(_SEVERITY_COLOUR[severity], log_safe(rule_id).ljust(id_width))}  "
            f"{label} {log_safe(name)}"
        )
    return "\n".join(out) + "\n"
