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

The comments are checked too, when the caller passes the rule set: a misspelt directive or an
id that no installed rule has is AOV001; a directive (or one id of it) that suppressed nothing
is AOV002, with a safe fix that removes it. Ids the configuration lists as ``external`` (rules
of a plugin pack not installed everywhere) are not AOV001. ``ALL`` does not cover these two
checks: a comment that silences them names them, on the same line or in a ``disable-file``.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.ids import (
    INTERNAL_ERROR,
    PARSE_ERROR,
    SUPPRESSION_CHECKS,
    UNKNOWN_SUPPRESSION,
    UNUSED_SUPPRESSION,
    is_known,
    suggest_id,
)
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.load.profilexml import comment_spans as xml_comment_spans
from aovpn_lint.model.document import Document, DocumentKind
from aovpn_lint.model.findings import Edit, Finding, Fix, Suppression
from aovpn_lint.model.positions import LineIndex, Source
from aovpn_lint.sanitize import printable_message

_DIRECTIVE = re.compile(
    r"aovpn-lint:\s*(disable-file|disable)\s*=\s*"
    r"([A-Za-z0-9_*]+(?:\s*,\s*[A-Za-z0-9_*]+)*)"
    r"(?P<rest>[^\n]*)"
)
_CLOSERS = re.compile(r"\s*(-->|#>|\*/)\s*$")
#: anything that looks like a directive, to catch misspelt ones (``disabel=``, ``disable-fiel``)
_MARKER = re.compile(r"aovpn-lint\s*:\s*(?P<word>[A-Za-z_-]*)(?P<eq>\s*=)?")
_ID_TOKEN = re.compile(r"[A-Za-z0-9_*]+")
_DELIMITERS = re.compile(r"<!--|-->|<#|#>|#")
_VERBS = ("disable", "disable-file")
_PROJECT_HOOK = "aovpn_lint_check_project"
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


@dataclass(frozen=True, slots=True)
class Comment:
    """A real comment: ``start``..``end`` in the file's text. A comment of a profile embedded in
    the file also says where it is in that profile's text (``source``, ``inner_start``,
    ``inner_end``): the suppression checks write their edits there, as rules do."""

    start: int
    end: int
    source: Source | None = None
    inner_start: int = 0
    inner_end: int = 0


def comments(text: str, syntax: Syntax, documents: Sequence[Document] = ()) -> list[Comment]:
    """The real comments of a file: its own, and the XML comments of the profiles embedded in
    it (a PowerShell string, a JSON value, SyncML), mapped back into the file. A comment found
    both ways (in a Markdown page's profile) counts once, as the file's own."""
    if syntax is Syntax.XML:
        spans = xml_comment_spans(text)
    elif syntax is Syntax.POWERSHELL:
        spans = [m.span("c") for m in _POWERSHELL_TOKENS.finditer(text) if m.group("c")]
    elif syntax is Syntax.YAML:
        spans = _yaml_comments(text)
    else:
        spans = []
    found = {(start, end): Comment(start, end) for start, end in spans}
    for document in documents:
        offsets = document.source.offsets
        if offsets is None:
            continue  # the file's own text: covered above
        for start, end in xml_comment_spans(offsets.text):
            outer = (offsets.outer(start), offsets.outer(end - 1) + 1)
            found.setdefault(outer, Comment(*outer, document.source, start, end))
    return [found[span] for span in sorted(found)]


def comment_spans(text: str, syntax: Syntax, documents: Sequence[Document] = ()) -> list[Span]:
    """Where the real comments of a file are, as offsets in its text (see :func:`comments`)."""
    return [(c.start, c.end) for c in comments(text, syntax, documents)]


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
class Place:
    """Where a directive is written, for the suppression checks: ``text`` is the text it was
    read in (the file's, or an embedded profile's, whose ``source`` it then is); ``comment``
    and ``directive`` (from ``aovpn-lint:`` to the end of the justification) are spans of that
    text; ``ids`` each id as written (upper-cased) with its span."""

    text: str
    source: Source | None
    comment: Span
    directive: Span
    ids: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class Directive:
    """One ``aovpn-lint: disable`` comment: which ids, on which line, and why."""

    ids: frozenset[str]
    line: int
    justification: str
    file_wide: bool
    place: Place | None = field(default=None, compare=False, repr=False)

    def covers(self, rule_id: str) -> bool:
        return any(_covers(i, rule_id) for i in self.ids)

    def describe(self, rule_id: str) -> str:
        kind = "disable-file" if self.file_wide else "disable"
        text = f"aovpn-lint: {kind}={rule_id} (line {self.line})"
        return f"{text}: {self.justification}" if self.justification else text


def _covers(written: str, rule_id: str) -> bool:
    """Whether the id or prefix ``written`` in a directive covers ``rule_id``: a crash is never
    hidden, and ``ALL`` leaves out the checks of the suppressions themselves."""
    if rule_id in _ALWAYS:
        return False
    if written in ("ALL", "*"):
        return rule_id not in SUPPRESSION_CHECKS
    return rule_id.startswith(written)


@dataclass(frozen=True, slots=True)
class Problem:
    """Text in a comment that looks like a directive and is none (AOV001): where, and why."""

    source: Source | None
    start: int
    end: int
    message: str


class Directives:
    """The suppression comments of one file: directives are read from its real comments only
    (``comments``: :class:`Comment` values or offset ranges; by default the XML comments of
    ``source``). ``used`` records which id of which directive suppressed a finding."""

    def __init__(
        self, source: str, comments: Sequence[Comment] | Sequence[Span] | None = None
    ) -> None:
        self.by_line: dict[int, list[Directive]] = {}
        self.file_wide: list[Directive] = []
        self.all: list[Directive] = []
        self.problems: list[Problem] = []
        self.comment_lines: set[int] = set()
        #: (id() of a directive, an id written in it) that suppressed at least one finding
        self.used: set[tuple[int, str]] = set()
        #: rule id -> the file-wide directive that covers it (a file holds few rule ids, and
        #: may hold many directives: each id is looked up once, not once per finding)
        self._file_wide_for: dict[str, Directive | None] = {}
        if "aovpn-lint" not in source:
            return
        spans = xml_comment_spans(source) if comments is None else comments
        found = [c if isinstance(c, Comment) else Comment(*c) for c in spans]
        index = LineIndex(source)  # the one line model: only \n ends a line
        self.comment_lines = _comment_only_lines(source, [(c.start, c.end) for c in found])
        texts: dict[int, str] = {}  # each embedded profile's text, joined once
        for comment in found:
            offsets = None if comment.source is None else comment.source.offsets
            if offsets is None:
                self._read(source, comment.start, comment.end, None, index, _same)
                continue
            if id(offsets) not in texts:
                texts[id(offsets)] = offsets.text
            text = texts[id(offsets)]
            start, end = comment.inner_start, comment.inner_end
            self._read(text, start, end, comment.source, index, offsets.outer)

    def _read(
        self,
        text: str,
        start: int,
        end: int,
        source: Source | None,
        index: LineIndex,
        outer: Callable[[int], int],
    ) -> None:
        """The directives (and AOV001 problems) of the comment ``start``..``end`` of ``text``."""
        if "aovpn-lint" not in text[start:end]:
            return
        for marker in _MARKER.finditer(text, start, end):
            match = _DIRECTIVE.match(text, marker.start(), end)
            if match is None:
                self._misspelt(marker, source)
                continue
            tokens = tuple(
                (token.group().upper(), token.start(), token.end())
                for token in _ID_TOKEN.finditer(text, *match.span(2))
            )
            rest = match.group("rest")
            closer = _CLOSERS.search(rest)
            kept = (rest[: closer.start()] if closer else rest).rstrip()
            place = Place(
                text, source, (start, end), (match.start(), match.start("rest") + len(kept)), tokens
            )
            number = index.position(outer(match.start()))[0]
            why = _CLOSERS.sub("", rest).strip(" \t:;,-—–")
            file_wide = match.group(1) == "disable-file"
            directive = Directive(frozenset(t[0] for t in tokens), number, why, file_wide, place)
            self.all.append(directive)
            if file_wide:
                self.file_wide.append(directive)
            else:
                self.by_line.setdefault(number, []).append(directive)

    def _misspelt(self, marker: re.Match[str], source: Source | None) -> None:
        """``aovpn-lint:`` followed by something close to a directive, or by ``word=``: a
        directive that does not parse. Prose that merely names the tool is left alone."""
        word = marker.group("word")
        normal = word.lower().replace("_", "-")
        start, end = marker.start(), marker.end("word") or marker.end()
        if word in _VERBS:
            message = (
                f"'aovpn-lint: {word}' must be followed by '=' and rule ids, e.g. "
                f"'aovpn-lint: {word}=AOV302'"
            )
        else:
            close = difflib.get_close_matches(normal, _VERBS, n=1, cutoff=0.6)
            if not close and marker.group("eq") is None:
                return
            hint = f"did you mean '{close[0]}'?" if close else "use 'disable=' or 'disable-file='"
            message = (
                f"'{word}' is not a suppression directive, so this comment suppresses nothing; "
                f"{hint}"
            )
        self.problems.append(Problem(source, start, end, printable_message(message)))

    def match(self, rule_id: str, line: int, above: bool = True) -> Directive | None:
        """The directive that suppresses ``rule_id`` reported on ``line``, if any (and the ids
        of it that cover the rule are recorded as used). With ``above`` False, only a directive
        on the line itself or a file-wide one counts."""
        if rule_id not in self._file_wide_for:
            self._file_wide_for[rule_id] = next(
                (d for d in self.file_wide if d.covers(rule_id)), None
            )
        found = self._file_wide_for[rule_id]
        if found is None:
            found = self._on(line, rule_id)
            previous = line - 1
            while above and found is None and previous in self.comment_lines:
                found = self._on(previous, rule_id)
                previous -= 1
        if found is not None:
            self.used.update((id(found), i) for i in found.ids if _covers(i, rule_id))
        return found

    def _on(self, line: int, rule_id: str) -> Directive | None:
        for directive in self.by_line.get(line, ()):
            if directive.covers(rule_id):
                return directive
        return None


def _same(offset: int) -> int:
    return offset


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
    rules: RuleSet | None = None,
) -> list[Finding]:
    """Mark findings suppressed by a comment in ``source`` (the file's text) or by the
    configuration. Which comments count depends on the file's format: its ``documents`` (what
    it was loaded as, and the profiles embedded in it) and the findings' path tell it.

    With ``rules`` (the run's rule set: which ids exist, which rules ran) the comments are
    checked as well, and the AOV001/AOV002 findings are added (and may be suppressed in turn).
    Pass it once per file, with the findings of every per-document rule of the file.
    """
    findings = list(findings)
    path = documents[0].path if documents else (findings[0].loc.path if findings else "")
    directives = Directives("")
    if "aovpn-lint" in source:
        syntax = syntax_for(path, documents)
        directives = Directives(source, comments(source, syntax, documents))
    result = [_suppressed(finding, directives, config) for finding in findings]
    if rules is not None and (directives.all or directives.problems):
        file_source = _file_source(path, source, documents)
        checks = check_directives(directives, findings, config, rules, file_source)
        # a finding about a comment is on a comment line, maybe in a long block of them: only
        # its own line (or a disable-file) may silence it, so each is matched once, not by
        # walking up the block
        result.extend(_suppressed(finding, directives, config, above=False) for finding in checks)
    return result


def _suppressed(
    finding: Finding, directives: Directives, config: Config, above: bool = True
) -> Finding:
    directive = directives.match(finding.rule_id, finding.loc.line, above)
    if directive is not None:
        return finding.replace(
            suppression=Suppression("inSource", directive.describe(finding.rule_id))
        )
    if finding.rule_id not in _ALWAYS:
        pattern = config.ignored_for_path(finding.rule_id, finding.loc.path)
        if pattern is not None:
            justification = f"per-path ignore '{pattern}'"
            if config.source:
                justification += f" in {config.source}"
            return finding.replace(suppression=Suppression("external", justification))
    return finding


def _file_source(path: str, text: str, documents: Sequence[Document]) -> Source:
    """The file's own source (offsets in its text), for edits of its own comments."""
    for document in documents:
        if document.source.offsets is None:
            return document.source
    return Source(path, text)


# --- checking the comments (AOV001, AOV002) ------------------------------------------------------
def check_directives(
    directives: Directives,
    findings: Sequence[Finding],
    config: Config,
    rules: RuleSet,
    file_source: Source,
) -> list[Finding]:
    """AOV001 for what does not parse or names no rule, AOV002 for what suppressed nothing
    (after ``directives`` matched the file's ``findings``)."""
    out: list[Finding] = []
    known = list(rules.rules)
    if config.is_enabled(UNKNOWN_SUPPRESSION):
        meta = rules.meta(UNKNOWN_SUPPRESSION)
        for problem in directives.problems:
            where = problem.source or file_source
            out.append(meta.finding(where.location(problem.start, problem.end), problem.message))
        guesses: dict[str, str | None] = {}
        for directive in directives.all:
            out.extend(_unknown_ids(directive, known, rules, file_source, guesses, config.external))
    if config.is_enabled(UNUSED_SUPPRESSION) and _complete(findings):
        judged = _Judge(config, rules)
        for directive in directives.all:
            finding = _unused(directive, directives, judged, rules, file_source)
            if finding is not None:
                out.append(finding)
    out.sort(key=Finding.sort_key)
    return [
        f.replace(severity=config.severity_of(f.rule_id, f.severity)) if config.severity else f
        for f in out
    ]


def _complete(findings: Sequence[Finding]) -> bool:
    """A file with a parse error or a crashed rule has incomplete results: a suppression there
    may be unused only because its rule never saw the element."""
    return not any(f.rule_id in (INTERNAL_ERROR, PARSE_ERROR) for f in findings)


#: unknown ids of one file that get a did-you-mean (a crafted file may hold thousands)
_MAX_GUESSES = 1000


def _unknown_ids(
    directive: Directive,
    known: list[str],
    rules: RuleSet,
    file_source: Source,
    guesses: dict[str, str | None],
    external: tuple[str, ...] = (),
) -> Iterable[Finding]:
    place = directive.place
    if place is None:
        return
    meta = rules.meta(UNKNOWN_SUPPRESSION)
    for token, start, end in place.ids:
        if is_known(token, known) or token.startswith(external):
            continue
        if token not in guesses and len(guesses) < _MAX_GUESSES:
            guesses[token] = suggest_id(token, known)
        guess = guesses.get(token)
        hint = f"did you mean '{guess}'?" if guess else "run 'aovpn-lint rules' for the list"
        message = (
            f"'{token}' is not the id or prefix of any installed rule, so it suppresses "
            f"nothing; {hint}"
        )
        where = place.source or file_source
        yield meta.finding(where.location(start, end), printable_message(message))


class _Judge:
    """Which ids written in a directive AOV002 may judge: every rule the id covers ran on the
    file (selected, not a cross-file rule) and is not AOV000/AOV001/AOV002; ``AOV000`` alone is
    always judged (it can never suppress anything)."""

    def __init__(self, config: Config, rules: RuleSet) -> None:
        self.config = config
        self.ids = list(rules.rules)
        self.project = {rid for rid, rule in rules.rules.items() if _PROJECT_HOOK in rule.impls}
        self._cache: dict[str, bool] = {}

    def __call__(self, written: str) -> bool:
        if written not in self._cache:
            self._cache[written] = self._judge(written)
        return self._cache[written]

    def _judge(self, written: str) -> bool:
        if written == INTERNAL_ERROR:
            return True
        covered = [r for r in self.ids if written in ("ALL", "*") or r.startswith(written)]
        ruled = [r for r in covered if r not in (INTERNAL_ERROR, *SUPPRESSION_CHECKS)]
        if not ruled:
            return False  # unknown (AOV001's) or only the suppression checks
        return all(r not in self.project and self.config.is_enabled(r) for r in ruled)


def _unused(
    directive: Directive,
    directives: Directives,
    judge: _Judge,
    rules: RuleSet,
    file_source: Source,
) -> Finding | None:
    place = directive.place
    if place is None:
        return None
    unused = [
        (token, start, end)
        for token, start, end in place.ids
        if judge(token) and (id(directive), token) not in directives.used
    ]
    if not unused:
        return None
    names = ", ".join(f"'{token}'" for token, _s, _e in unused)
    if any(token == INTERNAL_ERROR for token, _s, _e in unused) and len(unused) == 1:
        what = "AOV000 (a crashed rule) can never be suppressed"
    else:
        reach = "in this file" if directive.file_wide else "on this line or the line below"
        verb = "suppresses" if len(unused) == 1 else "suppress"
        what = f"{names} {verb} nothing {reach}"
    source = place.source or file_source
    fix = _removal(place, {token for token, _s, _e in unused}, source)
    message = f"{what}; {fix.description}"
    token, start, end = unused[0]
    meta = rules.meta(UNUSED_SUPPRESSION)
    return meta.finding(source.location(start, end), printable_message(message), fix=fix)


def _removal(place: Place, unused: set[str], source: Source) -> Fix:
    """The safe fix of an unused suppression: drop the unused ids; when none is left, the
    directive, the whole comment when it held nothing else, its line when it stood alone."""
    text = place.text
    kept = [(token, start, end) for token, start, end in place.ids if token not in unused]
    if kept:
        first, last = place.ids[0], place.ids[-1]
        separator = text[place.ids[0][2] : place.ids[1][1]] if len(place.ids) > 1 else ","
        written = separator.join(text[start:end] for _t, start, end in kept)
        names = ", ".join(sorted(unused))
        edit = Edit(source, first[1], last[2], written)
        return Fix(f"remove {names} from the comment", (edit,), safe=True)
    comment_start, comment_end = place.comment
    directive_start, directive_end = place.directive
    rest = text[comment_start:directive_start] + text[directive_end:comment_end]
    if _DELIMITERS.sub("", rest).strip():  # the comment says more: only the directive goes
        start, end = directive_start, directive_end
        description = "remove the directive from the comment"
    else:
        line_start = text.rfind("\n", 0, comment_start) + 1
        line_end = text.find("\n", comment_end)
        line_end = len(text) if line_end == -1 else line_end + 1
        if not text[line_start:comment_start].strip() and not text[comment_end:line_end].strip():
            start, end = line_start, line_end
            description = "remove the comment and its line"
        else:
            start, end = comment_start, comment_end
            while start > line_start and text[start - 1] in " \t":
                start -= 1
            description = "remove the comment"
    return Fix(description, (Edit(source, start, end, ""),), safe=True)
