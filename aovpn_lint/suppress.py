"""In-source and configured suppressions.

In any supported file a comment ``aovpn-lint: disable=AOV302,AOV305`` on the finding's line, or on
a comment line directly above it, suppresses those rules there; ``aovpn-lint: disable-file=AOV201``
near the top suppresses them in the whole file. In XML write it as ``<!-- aovpn-lint: ... -->``,
in PowerShell and YAML as ``# aovpn-lint: ...``. Suppressed findings are kept (SARIF reports them
as suppressions) but do not fail the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from aovpn_lint.config import Config
from aovpn_lint.model import Finding, Suppression

_DIRECTIVE = re.compile(
    r"aovpn-lint:\s*(disable-file|disable)\s*=\s*([A-Za-z0-9_*]+(?:\s*,\s*[A-Za-z0-9_*]+)*)"
)
_COMMENT_ONLY = re.compile(r"^\s*(<!--.*-->|#.*|//.*)\s*$")
_ALWAYS = ("AOV000",)


class Directives:
    """The suppression comments of one file."""

    def __init__(self, source: str) -> None:
        self.by_line: dict[int, set[str]] = {}
        self.file_wide: set[str] = set()
        self.comment_lines: set[int] = set()
        if "aovpn-lint:" not in source:
            return
        lines = source.splitlines()
        for number, line in enumerate(lines, start=1):
            for match in _DIRECTIVE.finditer(line):
                ids = {part.strip().upper() for part in match.group(2).split(",")}
                if match.group(1) == "disable-file":
                    self.file_wide |= ids
                else:
                    self.by_line.setdefault(number, set()).update(ids)
            if _COMMENT_ONLY.match(line):
                self.comment_lines.add(number)

    def match(self, rule_id: str, line: int) -> str | None:
        if _covers(self.file_wide, rule_id):
            return "disable-file"
        if _covers(self.by_line.get(line, set()), rule_id):
            return "disable"
        above = line - 1
        while above in self.comment_lines:
            if _covers(self.by_line.get(above, set()), rule_id):
                return "disable"
            above -= 1
        return None


def _covers(ids: set[str], rule_id: str) -> bool:
    if not ids or rule_id in _ALWAYS:
        return False
    return "ALL" in ids or "*" in ids or any(rule_id.startswith(i) for i in ids)


def apply_suppressions(findings: Iterable[Finding], source: str, config: Config) -> list[Finding]:
    directives = Directives(source)
    result = []
    for finding in findings:
        how = directives.match(finding.rule_id, finding.loc.line)
        if how:
            finding = replace(
                finding,
                suppression=Suppression("inSource", f"aovpn-lint: {how}={finding.rule_id}"),
            )
        else:
            pattern = config.ignored_for_path(finding.rule_id, finding.loc.path)
            if pattern is not None and finding.rule_id not in _ALWAYS:
                justification = f"per-path ignore '{pattern}'"
                if config.source:
                    justification += f" in {config.source}"
                finding = replace(finding, suppression=Suppression("external", justification))
        result.append(finding)
    return result
