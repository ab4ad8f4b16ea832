"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

Actions turns these lines into annotations on the changed files of a pull request, without
code scanning: ``::error file=profiles/user.xml,line=13,col=3,endLine=13,endColumn=9,
title=AOV301::route ... (force-tunnel-with-routes)``. Paths are relative to the repository root
(Actions resolves them against the workspace). Suppressed findings are left out.

The message keeps its line breaks (escaped as the toolkit does) and goes through
:func:`aovpn_lint.sanitize.no_runner_markers`, so a quoted value cannot carry an Azure
Pipelines ``##vso[`` command; Actions reads a line that is a workflow command as that command
only.
"""

from __future__ import annotations

import os

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report
from aovpn_lint.report.repopath import is_pseudo_path, relative_to_root
from aovpn_lint.sanitize import no_runner_markers

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (as the Actions toolkit does)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: also ':' and ',' which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(path: str, cwd: str, root: str) -> str:
    if is_pseudo_path(path):
        return path
    relative = relative_to_root(path, cwd, root)
    return relative if relative is not None else os.path.normpath(os.path.join(cwd, path))


def format_command(finding: Finding, cwd: str, root: str) -> str:
    loc = finding.loc
    end_line = max(loc.end_line or loc.line, loc.line)
    end_col = (
        loc.end_col
        if loc.end_col and (end_line > loc.line or loc.end_col > loc.col)
        else loc.col + 1
    )
    props = [
        f"file={escape_property(_path(loc.path, cwd, root))}",
        f"line={loc.line}",
        f"col={loc.col}",
        f"endLine={end_line}",
        f"endColumn={end_col}",
        f"title={escape_property(finding.rule_id)}",
    ]
    message = f"{finding.message} ({finding.rule_name})"
    for related in finding.related:
        rl = related.loc
        message += f"\n{_path(rl.path, cwd, root)}:{rl.line}:{rl.col}: {related.message}"
    data = escape_data(no_runner_markers(message))
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{data}"


def render_github(report: Report) -> str:
    cwd = os.path.abspath(report.cwd or ".")
    root = report.repo_root
    lines = [format_command(f, cwd, root) for f in report.active]
    return "".join(line + "\n" for line in lines)
