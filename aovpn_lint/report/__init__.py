"""Output formats. Each reporter turns the run's results into one string; only the CLI prints.

``sarif`` imports sarif-om lazily, so only runs that ask for SARIF pay for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from aovpn_lint.model.findings import Finding, RuleMeta, Severity

FORMATS = ("text", "json", "sarif", "github")


class Report:
    """Everything a reporter may need about a finished run.

    ``root`` is the directory that repository-relative paths (SARIF) are computed against;
    ``sarif_category`` is SARIF's runs[].automationDetails.id ("<category>/"), set by
    --sarif-category.
    """

    def __init__(
        self,
        findings: Sequence[Finding],
        rules: Sequence[RuleMeta],
        files: int,
        root: str = ".",
        version: str = "",
        command_line: str = "",
        sarif_category: str = "aovpn-lint/",
    ) -> None:
        self.findings = findings
        self.rules = rules
        self.files = files
        self.root = root
        self.version = version
        self.command_line = command_line
        self.sarif_category = sarif_category

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    def counts(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.active)

    def files_with_findings(self) -> int:
        return len({f.loc.path for f in self.active})


def render(fmt: str, report: Report) -> str:
    if fmt == "text":
        from aovpn_lint.report.text import render_text

        return render_text(report)
    if fmt == "json":
        from aovpn_lint.report.jsonfmt import render_json

        return render_json(report)
    if fmt == "sarif":
        from aovpn_lint.report.sarif import render_sarif

        return render_sarif(report)
    if fmt == "github":
        from aovpn_lint.report.github import render_github

        return render_github(report)
    raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
