"""Snapshots of the text and JSON output for the broken examples (rewrite: --update-snapshots)."""

from __future__ import annotations

import json

import pytest

from aovpn_lint.model.findings import Finding, Related, Severity, Suppression
from aovpn_lint.model.positions import Location
from aovpn_lint.report import Report, render
from helpers import ROOT, check_snapshot, run_cli


def test_text_output_snapshot(request: pytest.FixtureRequest) -> None:
    result = run_cli("--no-config", "-j", "1", "examples/broken", cwd=ROOT)
    assert result.returncode == 1
    check_snapshot(request, "examples-broken.txt", result.stdout)


def test_json_output_snapshot(request: pytest.FixtureRequest) -> None:
    result = run_cli("--no-config", "--format", "json", "examples/broken", cwd=ROOT)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    document["tool"]["version"] = "<version>"
    check_snapshot(request, "examples-broken.json", json.dumps(document, indent=2) + "\n")


def _finding(**changes: object) -> Finding:
    base = Finding(
        "AOV301",
        "force-tunnel-with-routes",
        Severity.ERROR,
        "msg",
        Location("p.xml", 3, 5, 3, 10),
        (Related(Location("p.xml", 1, 2, 1, 3), "here"),),
    )
    return Finding(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})  # type: ignore[arg-type]


def test_text_summary_counts_and_hides_suppressed() -> None:
    findings = [
        _finding(),
        _finding(severity=Severity.NOTE, rule_id="AOV305"),
        _finding(suppression=Suppression("inSource", "aovpn-lint: disable=AOV301")),
    ]
    text = render("text", Report(findings, [], files=3))
    lines = text.splitlines()
    assert lines[0] == "p.xml:3:5: AOV301 [error] msg (force-tunnel-with-routes)"
    assert lines[1] == "    p.xml:1:2: here"
    assert lines[-1] == "Found 2 problems (1 error, 1 note) in 1 of 3 files; 1 suppressed."


def test_json_keeps_suppressed_findings_with_their_reason() -> None:
    findings = [_finding(suppression=Suppression("external", "per-path ignore 'legacy/*'"))]
    document = json.loads(render("json", Report(findings, [], files=1)))
    assert document["summary"]["suppressed"] == 1 and document["summary"]["error"] == 0
    assert document["findings"][0]["suppression"] == {
        "kind": "external",
        "justification": "per-path ignore 'legacy/*'",
    }
