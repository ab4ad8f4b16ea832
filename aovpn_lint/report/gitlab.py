"""GitLab Code Quality report: the JSON array that ``artifacts:reports:codequality`` reads.

Each active finding is one issue with the fields GitLab uses (a subset of the Code Climate
issue format)::

    {"description": "AOV301 force-tunnel-with-routes: route ... cannot be combined ...",
     "check_name": "AOV301", "fingerprint": "<sha256 hex>", "severity": "major",
     "location": {"path": "profiles/user.xml", "lines": {"begin": 13, "end": 13}}}

- ``severity``: error -> ``major``, warning -> ``minor``, note -> ``info`` (the mapping most
  linters use, so aovpn-lint's issues rank like theirs in one merge-request widget;
  ``critical`` and ``blocker`` are not used);
- ``location.path`` is relative to the repository root (GitLab resolves it there);
- ``fingerprint`` identifies an issue across pipelines, so the widget can tell new issues
  from fixed ones. It is the SHA-256 of the rule id, the path, the text of the finding's line
  with its whitespace removed, and the message with line numbers taken out, plus a counter
  when the same values occur more than once in a file. It has no line number: an issue keeps
  its fingerprint when lines are added above it.

Suppressed findings are left out: Code Quality has no notion of a suppressed issue.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from typing import Any

from aovpn_lint.load.text import display_text
from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report
from aovpn_lint.report.repopath import is_pseudo_path, relative_to_root

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}

#: "line 12", "12:3": positions that messages mention and that move when lines are added
_POSITIONS = re.compile(r"\bline \d+|\d+:\d+")
_SPACE = re.compile(r"\s+")


def _path(path: str, cwd: str, root: str) -> str:
    if is_pseudo_path(path):
        return path
    relative = relative_to_root(path, cwd, root)
    return relative if relative is not None else os.path.normpath(os.path.join(cwd, path))


def _line_text(lines: list[str], line: int) -> str:
    return _SPACE.sub("", lines[line - 1]) if 0 < line <= len(lines) else ""


def fingerprint(rule_id: str, path: str, line_text: str, message: str, occurrence: int) -> str:
    message = _SPACE.sub(" ", _POSITIONS.sub("", message)).strip()
    key = "\0".join((rule_id, path, line_text, message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def issue(finding: Finding, path: str, fingerprint_value: str) -> dict[str, Any]:
    loc = finding.loc
    begin = max(loc.line, 1)
    end = max(loc.end_line or begin, begin)
    return {
        "description": f"{finding.rule_id} {finding.rule_name}: {finding.message}",
        "check_name": finding.rule_id,
        "fingerprint": fingerprint_value,
        "severity": SEVERITY[finding.severity],
        "location": {"path": path, "lines": {"begin": begin, "end": end}},
    }


def render_gitlab(report: Report) -> str:
    cwd = os.path.abspath(report.cwd or ".")
    seen: Counter[tuple[str, str, str, str]] = Counter()
    lines: dict[str, list[str]] = {}
    issues = []
    for finding in sorted(report.active, key=Finding.sort_key):
        path = _path(finding.loc.path, cwd, report.repo_root)
        if finding.loc.path not in lines:
            lines[finding.loc.path] = display_text(
                report.contents.get(finding.loc.path, b"")
            ).splitlines()
        line_text = _line_text(lines[finding.loc.path], finding.loc.line)
        key = (finding.rule_id, path, line_text, finding.message)
        seen[key] += 1
        value = fingerprint(*key, seen[key])
        issues.append(issue(finding, path, value))
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
