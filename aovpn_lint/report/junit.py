"""JUnit XML for test-result views: Azure DevOps (PublishTestResults) and GitLab (unit test
reports).

Layout, chosen for what both products display:

- ``<testsuites name="aovpn-lint">`` with the totals;
- one ``<testsuite>`` per file with findings, named by its path relative to the repository
  root (GitLab shows a testcase's ``classname`` as its suite, so every testcase of a file
  carries the path there too, and in ``file``);
- one ``<testcase>`` per finding, named ``AOV301 force-tunnel-with-routes at 13:3`` (GitLab
  keeps only the first of two testcases with the same classname and name, so the name holds
  the position, and a counter when a rule reports the same position twice);
- errors and warnings are ``<failure message=... type=AOV301>`` whose text is the finding as
  the text format prints it, with its related locations (GitLab shows the text, Azure the
  message with the text as the stack trace);
- notes are passing testcases with the finding in ``<system-out>``: they do not fail a run at
  the default ``--fail-on``; suppressed findings are ``<skipped>`` with their justification;
- a last suite ``aovpn-lint`` with one passing testcase ``files without findings`` whose
  output gives their number. The report knows how many files were linted but not the names
  of the clean ones, so they are counted, not listed; the testcase also gives a run without
  any finding one passing result instead of an empty file.

Text is made safe for XML 1.0: characters XML cannot hold (control characters other than
tab, LF and CR, lone surrogates, U+FFFE and U+FFFF) are written as ``\\xNN``/``\\uNNNN``;
ElementTree escapes the rest.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections import Counter

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.report import Report
from aovpn_lint.report.repopath import is_pseudo_path, relative_to_root

TOOL = "aovpn-lint"
CLEAN_FILES_TEST = "files without findings"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by a visible escape."""

    def visible(match: re.Match[str]) -> str:
        point = ord(match.group())
        return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"

    return _NOT_XML.sub(visible, text)


def _path(path: str, cwd: str, root: str) -> str:
    if is_pseudo_path(path):
        return path
    relative = relative_to_root(path, cwd, root)
    return relative if relative is not None else os.path.normpath(os.path.join(cwd, path))


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _details(finding: Finding, path: str, cwd: str, root: str) -> str:
    loc = finding.loc
    text = (
        f"{path}:{loc.line}:{loc.col}: {finding.rule_id} [{finding.severity.value}] "
        f"{finding.message} ({finding.rule_name})"
    )
    for related in finding.related:
        rl = related.loc
        text += f"\n    {_path(rl.path, cwd, root)}:{rl.line}:{rl.col}: {related.message}"
    return text


def _suite(parent: ET.Element, name: str, findings: list[Finding], cwd: str, root: str) -> None:
    suite = _element(parent, "testsuite", name=name)
    seen: Counter[str] = Counter()
    failures = skipped = 0
    for finding in findings:
        loc = finding.loc
        test = f"{finding.rule_id} {finding.rule_name} at {loc.line}:{loc.col}"
        seen[test] += 1
        if seen[test] > 1:
            test += f" ({seen[test]})"
        case = _element(suite, "testcase", classname=name, name=test, file=name, time="0")
        details = _details(finding, name, cwd, root)
        if finding.suppression is not None:
            reason = finding.suppression.justification or "no justification given"
            _element(case, "skipped", message=f"suppressed ({finding.suppression.kind}): {reason}")
            skipped += 1
        elif finding.severity is Severity.NOTE:
            _element(case, "system-out", details)
        else:
            _element(case, "failure", details, message=finding.message, type=finding.rule_id)
            failures += 1
    _counts(suite, len(findings), failures, skipped)


def _counts(element: ET.Element, tests: int, failures: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", str(skipped))
    element.set("time", "0")


def render_junit(report: Report) -> str:
    cwd = os.path.abspath(report.cwd or ".")
    root = report.repo_root
    by_file: dict[str, list[Finding]] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        by_file.setdefault(_path(finding.loc.path, cwd, root), []).append(finding)

    suites = ET.Element("testsuites", name=TOOL)
    for name, findings in by_file.items():
        _suite(suites, name, findings, cwd, root)

    clean = max(report.files - report.files_with_findings(), 0)
    summary = _element(suites, "testsuite", name=TOOL)
    case = _element(summary, "testcase", classname=TOOL, name=CLEAN_FILES_TEST, time="0")
    _element(case, "system-out", f"{clean} of {report.files} linted files have no active finding")
    _counts(summary, 1, 0, 0)

    totals = [sum(int(s.get(key, "0")) for s in suites) for key in ("tests", "failures", "skipped")]
    _counts(suites, *totals)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
