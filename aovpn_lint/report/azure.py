"""Azure Pipelines logging commands: one ``##vso[task.logissue]`` line per finding.

The agent turns these lines into errors and warnings on the run's summary page and in the
step's log: ``##vso[task.logissue type=error;sourcepath=profiles/user.xml;linenumber=13;
columnnumber=3;code=AOV301;]route ... (force-tunnel-with-routes)``. Azure knows only two issue
types, so a note is reported as a warning whose message starts with ``note:``. Paths are
relative to the repository root. Suppressed findings are left out.

When at least one finding is reported, a last line ``##vso[task.complete
result=SucceededWithIssues;]`` marks the step "succeeded with issues" (orange) instead of plain
green. The agent keeps the worse of a step's results, so a run that exits 1 (a finding at or
above ``--fail-on``) still fails the step; only a run that passes ``--fail-on`` with findings
below it ends up orange. Without findings nothing is added. The agent reads commands from the
step's standard output only: write this format to stdout, not to ``--output``.
"""

from __future__ import annotations

import os

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report
from aovpn_lint.report.repopath import is_pseudo_path, relative_to_root

_TYPE = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "warning"}
COMPLETE_WITH_ISSUES = "##vso[task.complete result=SucceededWithIssues;]"

#: What the agent decodes in property values and in the message, in the order it decodes
#: them (azure-pipelines-agent ``CommandStringConvertor``); '%' is written first as '%AZP25'
#: so that a literal "%3B" in a message survives the round trip.
_ESCAPES = (("%", "%AZP25"), (";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"))


def escape(text: str) -> str:
    """Escape a property value or message so that it stays one command on one line.

    ';' ends a property, ']' ends the property list and CR/LF end the line: a hostile file
    name or message can therefore neither add a property nor start a second command.
    """
    for token, replacement in _ESCAPES:
        text = text.replace(token, replacement)
    return text


def _path(path: str, cwd: str, root: str) -> str:
    if is_pseudo_path(path):
        return path
    relative = relative_to_root(path, cwd, root)
    return relative if relative is not None else os.path.normpath(os.path.join(cwd, path))


def format_command(finding: Finding, cwd: str, root: str) -> str:
    loc = finding.loc
    props = [
        f"type={_TYPE[finding.severity]}",
        f"sourcepath={escape(_path(loc.path, cwd, root))}",
        f"linenumber={max(loc.line, 1)}",
        f"columnnumber={max(loc.col, 1)}",
        f"code={escape(finding.rule_id)}",
    ]
    message = f"{finding.message} ({finding.rule_name})"
    if finding.severity is Severity.NOTE:
        message = "note: " + message
    for related in finding.related:
        rl = related.loc
        message += f"\n{_path(rl.path, cwd, root)}:{rl.line}:{rl.col}: {related.message}"
    return f"##vso[task.logissue {';'.join(props)};]{escape(message)}"


def render_azure(report: Report) -> str:
    cwd = os.path.abspath(report.cwd or ".")
    lines = [format_command(f, cwd, report.repo_root) for f in report.active]
    if lines:
        lines.append(COMPLETE_WITH_ISSUES)
    return "".join(line + "\n" for line in lines)
