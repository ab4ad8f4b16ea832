"""In-source and configured suppressions.

In any supported file a comment ``aovpn-lint: disable=AOV302,AOV305`` on the finding's line, or
on a comment line directly above it (comment lines may be stacked; a blank line ends the block),
suppresses those rules there; ``aovpn-lint: disable-file=AOV201`` suppresses them in the whole
file (put it at the top). In XML write it as ``<!-- aovpn-lint: disable=AOV302 -->``, in
PowerShell and YAML as ``# aovpn-lint: disable=AOV302``. Text after the ids is kept as the
justification: ``<!-- aovpn-lint: disable=AOV302 split tunnel by design, see CHG-1234 -->``.
Ids may be prefixes (``AOV3``) or ``ALL``. AOV000 (a crashed rule) cannot be suppressed.

Suppressed findings are kept (SARIF reports them as ``suppressions``, JSON with their
``suppression``) but do not fail the run. Findings in paths matched by the configuration's
``per-path-ignores`` become external suppressions the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.ids import INTERNAL_ERROR
from aovpn_lint.model.findings import Finding, Suppression

_DIRECTIVE = re.compile(
    r"aovpn-lint:\s*(disable-file|disable)\s*=\s*"
    r"([A-Za-z0-9_*]+(?:\s*,\s*[A-Za-z0-9_*]+)*)"
    r"(?P<rest>[^\n]*)"
)
_XML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_LINE_COMMENT = re.compile(r"^\s*(#|//)")
_CLOSERS = re.compile(r"\s*(-->|#>|\*/)\s*$")
_ALWAYS = (INTERNAL_ERROR,)  # a crash is never hidden


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
    """The suppression comments of one file."""

    def __init__(self, source: str) -> None:
        self.by_line: dict[int, list[Directive]] = {}
        self.file_wide: list[Directive] = []
        self.comment_lines: set[int] = set()
        if "aovpn-lint:" not in source:
            return
        lines = source.split("\n")  # the one line model: only \n ends a line
        self.comment_lines = _comment_only_lines(source, lines)
        for number, line in enumerate(lines, start=1):
            if "aovpn-lint:" not in line:
                continue
            for match in _DIRECTIVE.finditer(line):
                ids = frozenset(part.strip().upper() for part in match.group(2).split(","))
                why = _CLOSERS.sub("", match.group("rest")).strip(" \t:;,-—–")
                directive = Directive(ids, number, why, match.group(1) == "disable-file")
                if directive.file_wide:
                    self.file_wide.append(directive)
                else:
                    self.by_line.setdefault(number, []).append(directive)

    def match(self, rule_id: str, line: int) -> Directive | None:
        """The directive that suppresses ``rule_id`` reported on ``line``, if any."""
        for directive in self.file_wide:
            if directive.covers(rule_id):
                return directive
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


def _comment_only_lines(source: str, lines: list[str]) -> set[int]:
    """Lines that hold nothing but comments (XML comments may span several lines)."""
    result = {n for n, line in enumerate(lines, start=1) if _LINE_COMMENT.match(line)}
    if "<!--" not in source:
        return result
    # blank out every XML comment, then lines that were non-blank but are now blank are comments
    blanked = _XML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source).split("\n")
    for number, (before, after) in enumerate(zip(lines, blanked), start=1):
        if before.strip() and not after.strip():
            result.add(number)
    return result


def apply_suppressions(findings: Iterable[Finding], source: str, config: Config) -> list[Finding]:
    """Mark findings suppressed by a comment in ``source`` or by the configuration."""
    directives = Directives(source)
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
