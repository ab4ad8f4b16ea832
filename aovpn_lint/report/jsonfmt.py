"""Machine-readable output: a stable, documented JSON document (schema version 1).

    {"schema_version": 1, "tool": {"name", "version"}, "files": N,
     "summary": {"error", "warning", "note", "suppressed", "baselined", "files_with_findings"},
     "baseline": null | {"file", "stale": [{"file", "rule", "path", "hash", "count"}]},
     "findings": [{"rule_id", "rule_name", "severity", "message", "path", "line", "column",
                   "end_line", "end_column", "related": [{"path", "line", "column", "message"}],
                   "suppression": null | {"kind", "justification"},
                   "fix": null | {"description", "safe", "applicable", "blocked": null | reason,
                                  "edits": [{"line", "column", "end_line", "end_column",
                                             "text"}]}}]}

``fix.edits`` are in the file as written (the text already escaped for its carrier; columns
count code points); ``applicable`` is false, with ``blocked`` saying why, when the fix cannot
be written in that file (a base64 value, a run-time variable). Unsafe fixes (``safe`` false)
are applied only with ``--unsafe-fixes``.

Findings are sorted by path, line, column and rule id; suppressed findings are included with
their suppression.

Values are the findings' own text (paths as displayed, messages as the rules wrote them): the
document is data, and a consumer that prints a value into a CI log escapes it as it would any
data. The document itself is safe to print in a CI log: see
:func:`aovpn_lint.sanitize.log_safe_json` (the same values, some '#' written as an escape).
"""

from __future__ import annotations

import json
from typing import Any

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report
from aovpn_lint.sanitize import log_safe_json

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.loc
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": loc.path,
        "line": loc.line,
        "column": loc.col,
        "end_line": loc.end_line or loc.line,
        "end_column": loc.end_col or loc.col + 1,
        "related": [
            {"path": r.loc.path, "line": r.loc.line, "column": r.loc.col, "message": r.message}
            for r in finding.related
        ],
        "suppression": None
        if finding.suppression is None
        else {"kind": finding.suppression.kind, "justification": finding.suppression.justification},
        "fix": _fix(finding),
    }


def _fix(finding: Finding) -> dict[str, Any] | None:
    fix = finding.fix
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safe": fix.safe,
        "applicable": fix.applicable,
        "blocked": fix.blocked,
        "edits": [
            {
                "line": r.region.line,
                "column": r.region.col,
                "end_line": r.region.end_line,
                "end_column": r.region.end_col,
                "text": r.text,
            }
            for r in fix.replacements
        ],
    }


def render_json(report: Report) -> str:
    counts = report.counts()
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "aovpn-lint", "version": report.version},
        "files": report.files,
        "summary": {
            "error": counts.get(Severity.ERROR, 0),
            "warning": counts.get(Severity.WARNING, 0),
            "note": counts.get(Severity.NOTE, 0),
            "suppressed": len(report.findings) - len(report.active),
            "baselined": report.totals.baselined,
            "files_with_findings": report.files_with_findings(),
        },
        "baseline": None
        if report.baseline is None
        else {
            "file": report.baseline,
            "stale": [
                {
                    "file": s.entry.file,
                    "rule": s.entry.rule,
                    "path": s.entry.path,
                    "hash": s.entry.hash,
                    "count": s.count,
                }
                for s in report.stale
            ],
        },
        "findings": [finding_dict(f) for f in report.findings],
    }
    return log_safe_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
