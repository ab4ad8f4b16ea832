"""In-source and configured suppressions.

In any supported file a comment ``aovpn-lint: disable=AOV302,AOV305`` on the finding's line, or
on a comment line directly above it (comment lines may be stacked; a blank line ends the block),
suppresses those rules there; ``aovpn-lint: disable-file=AOV201`` suppresses them in the whole
file (put it at the top). In XML write it as ``<!-- aovpn-lint: disable=AOV302 -->``, in
PowerShell and YAML as ``# aovpn-lint: disable=AOV302``. Text after the ids is kept as the
justification: ``<!-- aovpn-lint: disable=AOV302 split tunnel by design, see CHG-1234 -->``.
Ids may be prefixes (``AOV3``) or ``ALL``. AOV000 (a crashed rule) cannot be suppressed.

Only a real comment of the file's format is a directive: XML comments in XML and SyncML files
and inside ProfileXML embedded anywhere (a PowerShell string, an Intune export's value),
PowerShell ``#`` and ``<# #>`` comments outside strings, YAML ``#`` comments outside quoted and
block scalars. JSON has no comments. The same words in a value (an Intune ``description``, an
element's text or attribute, CDATA, a processing instruction) silence nothing.

Suppressed findings are kept (SARIF reports them as ``suppressions``, JSON with their
``suppression``) but do not fail the run. Findings in paths matched by the configuration's
``per-path-ignores`` become external suppressions the same way.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.ids import INTERNAL_ERROR
from aovpn_lint.load.profilexml import comment_spans as xml_comment_spans
from aovpn_lint.model.document import Document, DocumentKind
from aovpn_lint.model.findings import Finding, Suppression
from aovpn_lint.model.positions import LineIndex

_DIRECTIVE = re.compile(
    r"aovpn-lint:\s*(disable-file|disable)\s*=\s*"
    r"([A-Za-z0-9_*]+(?:\s*,\s*[A-Za-z0-9_*]+)*)"
    r"(?P<rest>[^\n]*)"
)
_CLOSERS = re.compile(r"\s*(-->|#>|\*/)\s*$")
_ALWAYS = (INTERNAL_ERROR,)  # a crash is never hidden
Span = tuple[int, int]


class Syntax(enum.Enum):
    """Which comments a file has: only text inside a real comment can be a directive (a value
    of the file, such as an Intune ``description``, must not silence rules)."""

    XML = "xml"  # <!-- --> (also .syncml and Markdown's HTML comments)
    POWERSHELL = "powershell"  # '#' to the end of the line, <# #>, outside strings
    YAML = "yaml"  # '#' after a blank or at a line start, outside quoted and block scalars
    JSON = "json"  # none


def syntax_for(path: str, documents: Sequence[Document] = ()) -> Syntax:
    """The comment syntax of the file at ``path`` (what its documents were loaded as wins)."""
    kinds = {d.kind for d in documents}
    if DocumentKind.INVENTORY in kinds:
        return Syntax.YAML
    if DocumentKind.SCRIPT in kinds:
        return Syntax.POWERSHELL
    lower = path.lower()
    if lower.endswith((".ps1", ".psm1")):
        return Syntax.POWERSHELL
    if lower.endswith((".yaml", ".yml")):
        return Syntax.YAML
    if lower.endswith(".json"):
        return Syntax.JSON
    return Syntax.XML


# one token each: strings (skipped) or comments (group 'c')
_POWERSHELL_TOKENS = re.compile(
    r"""(?P<c><\#.*?(?:\#>|\Z)|\#[^\n]*)"""
    r"""|@'[ \t]*\r?\n.*?\n'@|@"[ \t]*\r?\n.*?\n"@"""
    r"""|'(?:[^']|'')*(?:'|\Z)|"(?:[^"`]|`.|"")*(?:"|\Z)""",
    re.S,
)
_YAML_TOKENS = re.compile(
    r"""(?:^|(?<=[\s\[{,]))(?:'(?:[^']|'')*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))"""
    r"""|(?P<c>(?:^|(?<=[ \t]))\#[^\n]*)""",
    re.M,
)
_YAML_BLOCK_SCALAR = re.compile(r"^([ \t]*).*(?::|-)[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


def comment_spans(text: str, syntax: Syntax, documents: Sequence[Document] = ()) -> list[Span]:
    """Where the real comments of a file are: its own, and the XML comments of the profiles
    embedded in it (a PowerShell string, a JSON value, SyncML), mapped back into the file."""
    if syntax is Syntax.XML:
        spans = xml_comment_spans(text)
    elif syntax is Syntax.POWERSHELL:
        spans = [m.span("c") for m in _POWERSHELL_TOKENS.finditer(text) if m.group("c")]
    elif syntax is Syntax.YAML:
        spans = _yaml_comments(text)
    else:
        spans = []
    for document in documents:
        offsets = document.source.offsets
        if offsets is None:
            continue  # the file's own text: covered above
        for start, end in xml_comment_spans(offsets.text):
            spans.append((offsets.outer(start), offsets.outer(end - 1) + 1))
    return sorted(set(spans))


def _yaml_comments(text: str) -> list[Span]:
    masked = _mask_block_scalars(text)
    return [m.span("c") for m in _YAML_TOKENS.finditer(masked) if m.group("c")]


def _mask_block_scalars(text: str) -> str:
    """``text`` with the content lines of block scalars (``key: |``) blanked: a '#' there is
    part of the value. Line lengths are kept, so offsets do not move."""
    lines = text.split("\n")
    block_indent: int | None = None
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" \t"))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                lines[number] = " " * len(line)
                continue
            block_indent = None
        match = _YAML_BLOCK_SCALAR.match(line)
        if match:
            block_indent = len(match.group(1))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Directive:
    """One ``aovpn-lint: disable`` comment: which ids, on which line, and why."""

    ids: frozenset[str]
    line: int
    justification: str
    file_wide: bool

    def covers(self, rule_id: str) -> bool:
        if rule_id in _ALWAYS:
            return False
        return any(i in ("ALL", "*") or rule_id.startswith(i) for i in self.ids)

    def describe(self, rule_id: str) -> str:
        kind = "disable-file" if self.file_wide else "disable"
        text = f"aovpn-lint: {kind}={rule_id} (line {self.line})"
        return f"{text}: {self.justification}" if self.justification else text


class Directives:
    """The suppression comments of one file: directives are read from its real comments only
    (``comments``: offset ranges; by default the XML comments of ``source``)."""

    def __init__(self, source: str, comments: Sequence[Span] | None = None) -> None:
        self.by_line: dict[int, list[Directive]] = {}
        self.file_wide: list[Directive] = []
        self.comment_lines: set[int] = set()
        #: rule id -> the file-wide directive that covers it (a file holds few rule ids, and
        #: may hold many directives: each id is looked up once, not once per finding)
        self._file_wide_for: dict[str, Directive | None] = {}
        if "aovpn-lint:" not in source:
            return
        spans = xml_comment_spans(source) if comments is None else comments
        index = LineIndex(source)  # the one line model: only \n ends a line
        self.comment_lines = _comment_only_lines(source, spans)
        for start, end in spans:
            for match in _DIRECTIVE.finditer(source, start, end):
                ids = frozenset(part.strip().upper() for part in match.group(2).split(","))
                why = _CLOSERS.sub("", match.group("rest")).strip(" \t:;,-—–")
                number = index.position(match.start())[0]
                directive = Directive(ids, number, why, match.group(1) == "disable-file")
                if directive.file_wide:
                    self.file_wide.append(directive)
                else:
                    self.by_line.setdefault(number, []).append(directive)

    def match(self, rule_id: str, line: int) -> Directive | None:
        """The directive that suppresses ``rule_id`` reported on ``line``, if any."""
        if rule_id not in self._file_wide_for:
            self._file_wide_for[rule_id] = next(
                (d for d in self.file_wide if d.covers(rule_id)), None
            )
        file_wide = self._file_wide_for[rule_id]
        if file_wide is not None:
            return file_wide
        found = self._on(line, rule_id)
        above = line - 1
        while found is None and above in self.comment_lines:
            found = self._on(above, rule_id)
            above -= 1
        return found

    def _on(self, line: int, rule_id: str) -> Directive | None:
        for directive in self.by_line.get(line, ()):
            if directive.covers(rule_id):
                return directive
        return None


def _comment_only_lines(source: str, spans: Sequence[Span]) -> set[int]:
    """Lines that hold nothing but comments (a comment may span several lines): blank out every
    comment; a line that was not blank and now is held only comments."""
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        pieces.append(source[position:start])
        pieces.append(re.sub(r"[^\n]", " ", source[start:end]))
        position = end
    pieces.append(source[position:])
    blanked = "".join(pieces).split("\n")
    lines = source.split("\n")
    return {
        number
        for number, (before, after) in enumerate(zip(lines, blanked), start=1)
        if before.strip() and not after.strip()
    }


def apply_suppressions(
    findings: Iterable[Finding],
    source: str,
    config: Config,
    documents: Sequence[Document] = (),
) -> list[Finding]:
    """Mark findings suppressed by a comment in ``source`` (the file's text) or by the
    configuration. Which comments count depends on the file's format: its ``documents`` (what
    it was loaded as, and the profiles embedded in it) and the findings' path tell it."""
    findings = list(findings)
    directives = Directives("")
    if "aovpn-lint:" in source:
        path = documents[0].path if documents else (findings[0].loc.path if findings else "")
        syntax = syntax_for(path, documents)
        directives = Directives(source, comment_spans(source, syntax, documents))
    result = []
    for finding in findings:
        directive = directives.match(finding.rule_id, finding.loc.line)
        if directive is not None:
            finding = finding.replace(
                suppression=Suppression("inSource", directive.describe(finding.rule_id))
            )
        elif finding.rule_id not in _ALWAYS:
            pattern = config.ignored_for_path(finding.rule_id, finding.loc.path)
            if pattern is not None:
                justification = f"per-path ignore '{pattern}'"
                if config.source:
                    justification += f" in {config.source}"
                finding = finding.replace(suppression=Suppression("external", justification))
        result.append(finding)
    return result
