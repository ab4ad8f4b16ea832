"""Human-readable output: ``path:line:col: AOV301 [error] message (rule-name)`` and a summary.

These lines land in CI logs, so every string that comes from the inputs (paths, messages,
related messages) goes through :func:`aovpn_lint.sanitize.log_safe`: no line can become a
GitHub Actions or Azure Pipelines command.
"""

from __future__ import annotations

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report, Totals
from aovpn_lint.report.limits import Capped
from aovpn_lint.sanitize import log_safe


def format_finding(finding: Finding) -> str:
    loc = finding.loc
    text = (
        f"{log_safe(loc.path)}:{loc.line}:{loc.col}: {log_safe(finding.rule_id)} "
        f"[{finding.severity.value}] {log_safe(finding.message)} ({log_safe(finding.rule_name)})"
        f"{fix_marker(finding)}"
    )
    for related in finding.related:
        rl = related.loc
        text += f"\n    {log_safe(rl.path)}:{rl.line}:{rl.col}: {log_safe(related.message)}"
    return text


def fix_marker(finding: Finding) -> str:
    """' [fix]' or ' [unsafe fix]' when ``--fix`` (``--unsafe-fixes``) can repair it."""
    fix = finding.fix
    if fix is None or not fix.applicable:
        return ""
    return " [fix]" if fix.safe else " [unsafe fix]"


def fixes_line(totals: Totals) -> str:
    """How many findings --fix would repair (and how many more --unsafe-fixes), or ''."""
    if not (totals.fixable or totals.unsafe_fixable):
        return ""
    line = f" {totals.fixable} fixable with --fix"
    if totals.unsafe_fixable:
        line += f" ({totals.unsafe_fixable} more with --unsafe-fixes)"
    return line + "."


def summary(report: Report, capped: Capped | None = None) -> str:
    """The closing line; with ``capped`` (the SARIF log of the same run left results out), it
    says what was left out."""
    line = _counts_line(report) + fixes_line(report.totals)
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
