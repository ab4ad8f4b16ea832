"""Human-readable output: ``path:line:col: AOV301 [error] message (rule-name)`` and a summary.

These lines land in CI logs, so every string that comes from the inputs (paths, messages,
related messages) goes through :func:`aovpn_lint.sanitize.log_safe`: no line can become a
GitHub Actions or Azure Pipelines command.
"""

from __future__ import annotations

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report, terminal
from aovpn_lint.report.limits import Capped


def format_finding(finding: Finding) -> str:
    """The plain form of a finding (no colour, no source line, never wrapped)."""
    return terminal.format_finding(finding)


def summary(report: Report, capped: Capped | None = None) -> str:
    """The closing line; with ``capped`` (the SARIF log of the same run left results out), it
    says what was left out."""
    line = _counts_line(report)
    if capped is not None and capped.dropped:
        line += f" SARIF: {capped.describe()}."
    return line


def _counts_line(report: Report) -> str:
    totals = report.totals
    counts = totals.counts
    total = sum(counts.values())
    suppressed = totals.suppressed
    files = f"{report.files} file" + ("" if report.files == 1 else "s")
    tail = f"; {suppressed} suppressed" if suppressed else ""
    if total == 0:
        return f"No problems found in {files}{tail}."
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE):
        n = counts.get(severity, 0)
        if n:
            parts.append(f"{n} {severity.value}" + ("" if n == 1 else "s"))
    problems = "problem" if total == 1 else "problems"
    return (
        f"Found {total} {problems} ({', '.join(parts)}) in {report.files_with_findings()} of "
        f"{files}{tail}."
    )


def render_text(report: Report) -> str:
    lines = [format_finding(f) for f in report.active]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
