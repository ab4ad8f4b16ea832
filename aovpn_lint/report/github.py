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
from collections.abc import Mapping

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report
from aovpn_lint.report.repopath import is_pseudo_path, relative_to_root
from aovpn_lint.sanitize import no_runner_markers, printable

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


def _file_property(display: str, real: str) -> str:
    """The name Actions finds the file by: the real name, unless it cannot be written exactly
    into a log line (bytes that are not UTF-8, terminal escapes, bidirectional overrides);
    then the display name, whose annotation does not attach but cannot break the line. Tabs
    and line breaks are fine: the property escapes line breaks."""
    visible = real.replace("\t", "").replace("\n", "").replace("\r", "")
    return real if printable(visible) == visible else display


def format_command(
    finding: Finding, cwd: str, root: str, real_paths: Mapping[str, str] | None = None
) -> str:
    loc = finding.loc
    real = (real_paths or {}).get(loc.path, loc.path)
    end_line = max(loc.end_line or loc.line, loc.line)
    end_col = (
        loc.end_col
        if loc.end_col and (end_line > loc.line or loc.end_col > loc.col)
        else loc.col + 1
    )
    props = [
        f"file={escape_property(_path(_file_property(loc.path, real), cwd, root))}",
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
    lines = [format_command(f, cwd, root, report.real_paths) for f in report.active]
    return "".join(line + "\n" for line in lines)
