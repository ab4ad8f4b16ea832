"""--format azure, junit and gitlab: what Azure Pipelines and GitLab read from aovpn-lint.

The command formats (azure, and github beside it) are checked with parsers modelled on the
consumers: the Azure Pipelines agent finds ``##vso[`` anywhere on a line and ends the command at
the first ``]`` after it; the Actions runner reads ``::command props::message``. A hostile file
name or message must come back unchanged as the one command of its own line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from aovpn_lint.cli import main
from aovpn_lint.model.findings import Finding, Related, Severity, Suppression
from aovpn_lint.model.positions import Location
from aovpn_lint.report import Report, render
from aovpn_lint.report.azure import COMPLETE_WITH_ISSUES, escape
from aovpn_lint.report.junit import xml_safe
from helpers import EXAMPLES, ROOT

JUNIT_XSD = ROOT / "tests" / "data" / "junit.xsd"
BAD = EXAMPLES / "broken" / "force-tunnel-with-routes.xml"

HOSTILE_NAMES = [
    "odd; name].xml",
    "100% sure.xml",
    "two\nlines.xml",
    "cr\rname.xml",
    "colon:: comma, name.xml",
    "##vso[task.setvariable variable=x]y.xml",
    "::add-mask::secret.xml",
]
HOSTILE_MESSAGES = [
    "route 10.0.0.0/8; see ]here[ at 50%",
    "first line\n##vso[task.setvariable variable=pwned]1",
    "first line\r\n::add-mask::secret",
    "ends in a bracket]",
    "%3B is not a semicolon, %AZP25 is not a percent, %0A is not a newline",
    "::error file=x::fake\n##[error]fake",
]


def _finding(**changes: object) -> Finding:
    values: dict[str, object] = dict(
        rule_id="AOV301",
        rule_name="force-tunnel-with-routes",
        severity=Severity.ERROR,
        message="route '10.0.0.0/8' cannot be combined with ForceTunnel",
        loc=Location("p.xml", 13, 3, 13, 9),
    )
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def _report(findings: list[Finding], tmp_path: Path, files: int = 1, **extra: object) -> Report:
    return Report(findings, [], files, cwd=str(tmp_path), repo_root=str(tmp_path), **extra)  # type: ignore[arg-type]


# --- consumers' parsers ---------------------------------------------------------------------------
_AZURE_DECODE = (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%AZP25", "%"))


def _azure_unescape(text: str) -> str:
    for escaped, token in _AZURE_DECODE:
        text = text.replace(escaped, token)
    return text


def parse_azure(line: str) -> tuple[str, dict[str, str], str] | None:
    """One stdout line as the Azure Pipelines agent reads it (Command.TryParse)."""
    start = line.find("##vso[")
    if start < 0:
        return None
    end = line.find("]", start)
    if end < 0:
        return None
    info = line[start + len("##vso[") : end]
    name, _, props_text = info.partition(" ")
    properties = {}
    for prop in filter(None, props_text.split(";")):
        key, sep, value = prop.partition("=")
        if key and sep and value:
            properties[key] = _azure_unescape(value)
    return name, properties, _azure_unescape(line[end + 1 :])


def _github_unescape(text: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if prop:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, token in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, token)
    return text


def parse_github(line: str) -> tuple[str, dict[str, str], str] | None:
    """One stdout line as the Actions runner reads a workflow command."""
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    name, _, props_text = line[2:end].partition(" ")
    properties = {}
    for prop in filter(None, props_text.split(",")):
        key, _, value = prop.partition("=")
        properties[key] = _github_unescape(value, prop=True)
    return name, properties, _github_unescape(line[end + 2 :], prop=False)


# --- azure ----------------------------------------------------------------------------------------
def test_azure_escaping_follows_the_agent() -> None:
    assert escape("a;b]c%d\r\ne") == "a%3Bb%5Dc%AZP25d%0D%0Ae"
    assert _azure_unescape(escape("%3B stays %3B")) == "%3B stays %3B"


def test_azure_one_logissue_per_finding_then_complete(tmp_path: Path) -> None:
    findings = [
        _finding(),
        _finding(rule_id="AOV302", severity=Severity.WARNING, loc=Location("p.xml", 2, 1)),
        _finding(rule_id="AOV305", severity=Severity.NOTE, loc=Location("p.xml", 3, 1)),
        _finding(rule_id="AOV306", suppression=Suppression("inSource", "lab")),
    ]
    lines = render("azure", _report(findings, tmp_path)).splitlines()
    assert lines[-1] == COMPLETE_WITH_ISSUES
    parsed = [parse_azure(line) for line in lines[:-1]]
    assert [p[0] for p in parsed if p] == ["task.logissue"] * 3
    types = [(p[1]["code"], p[1]["type"]) for p in parsed if p]
    assert types == [("AOV301", "error"), ("AOV302", "warning"), ("AOV305", "warning")]
    first = parsed[0]
    assert first is not None
    assert first[1] == {
        "type": "error",
        "sourcepath": "p.xml",
        "linenumber": "13",
        "columnnumber": "3",
        "code": "AOV301",
    }
    assert parsed[2] is not None and parsed[2][2].startswith("note: ")


def test_azure_no_findings_no_output(tmp_path: Path) -> None:
    suppressed = _finding(suppression=Suppression("external", ""))
    assert render("azure", _report([], tmp_path)) == ""
    assert render("azure", _report([suppressed], tmp_path)) == ""


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("message", HOSTILE_MESSAGES)
def test_azure_hostile_values_stay_one_command(tmp_path: Path, name: str, message: str) -> None:
    finding = _finding(
        loc=Location(name, 2, 1), message=message, related=(Related(Location(name, 1, 1), "x]"),)
    )
    out = render("azure", _report([finding], tmp_path))
    lines = out.split("\n")
    assert lines[-1] == "" and "\r" not in out
    logissue, complete = lines[0], lines[1]
    assert len(lines) == 3 and complete == COMPLETE_WITH_ISSUES
    parsed = parse_azure(logissue)
    assert parsed is not None and logissue.startswith("##vso[task.logissue ")
    command, properties, data = parsed
    assert command == "task.logissue"
    assert set(properties) == {"type", "sourcepath", "linenumber", "columnnumber", "code"}
    assert properties["sourcepath"] == name and properties["code"] == "AOV301"
    assert data == f"{message} (force-tunnel-with-routes)\n{name}:1:1: x]"


# --- github (the same hostile values through the existing reporter) ------------------------------
@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("message", HOSTILE_MESSAGES)
def test_github_hostile_values_stay_one_command(tmp_path: Path, name: str, message: str) -> None:
    out = render("github", _report([_finding(loc=Location(name, 2, 1), message=message)], tmp_path))
    assert out.count("\n") == 1 and out.endswith("\n") and "\r" not in out
    parsed = parse_github(out[:-1])
    assert parsed is not None
    command, properties, data = parsed
    assert command == "error"
    assert set(properties) == {"file", "line", "col", "endLine", "endColumn", "title"}
    assert properties["file"] == name and properties["title"] == "AOV301"
    # the Azure agent acts on '##vso[' anywhere in a line, so the annotation writes the first
    # '#' of such a marker as an escape: the message is otherwise unchanged
    assert data == log_safe_markers(f"{message} (force-tunnel-with-routes)")


def log_safe_markers(text: str) -> str:
    return re.sub(r"#(?=#(?:vso)?\[)", r"\\x23", text, flags=re.I)


# --- junit ----------------------------------------------------------------------------------------
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(JUNIT_XSD)))


def _junit(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    schema = _schema()
    assert schema.validate(root), schema.error_log
    return root


def _check_counts(root: etree._Element) -> None:
    for suite in [root, *root.findall("testsuite")]:
        cases = suite.findall(".//testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("skipped")) == sum(c.find("skipped") is not None for c in cases)
        assert suite.get("errors") == "0"


def test_junit_layout_and_counts(tmp_path: Path) -> None:
    findings = [
        _finding(),
        _finding(message="second finding at the same place"),
        _finding(rule_id="AOV302", severity=Severity.WARNING, loc=Location("p.xml", 2, 1)),
        _finding(rule_id="AOV305", severity=Severity.NOTE, loc=Location("p.xml", 3, 1)),
        _finding(rule_id="AOV306", suppression=Suppression("inSource", "lab only")),
        _finding(loc=Location("sub/q.xml", 1, 1)),
    ]
    root = _junit(render("junit", _report(findings, tmp_path, files=5)))
    _check_counts(root)
    assert root.tag == "testsuites" and root.get("name") == "aovpn-lint"
    assert [s.get("name") for s in root] == ["p.xml", "sub/q.xml", "aovpn-lint"]
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("7", "4", "1")
    cases = root.findall(".//testcase")
    # GitLab keeps one testcase per (classname, name): every key is unique
    assert len({(c.get("classname"), c.get("name")) for c in cases}) == len(cases)
    by_name = {c.get("name"): c for c in cases}
    first = by_name["AOV301 force-tunnel-with-routes at 13:3"]
    assert first.get("classname") == "p.xml" and first.get("file") == "p.xml"
    failure = first.find("failure")
    assert failure is not None and failure.get("type") == "AOV301"
    assert failure.get("message") == "route '10.0.0.0/8' cannot be combined with ForceTunnel"
    assert failure.text is not None and failure.text.startswith("p.xml:13:3: AOV301 [error] ")
    assert "AOV301 force-tunnel-with-routes at 13:3 (2)" in by_name
    note = by_name["AOV305 force-tunnel-with-routes at 3:1"]
    assert note.find("failure") is None and "[note]" in (note.findtext("system-out") or "")
    skipped = by_name["AOV306 force-tunnel-with-routes at 13:3"].find("skipped")
    assert skipped is not None and skipped.get("message") == "suppressed (inSource): lab only"
    clean = root[-1][0]
    assert clean.get("name") == "files without findings" and clean.find("failure") is None
    assert clean.findtext("system-out") == "3 of 5 linted files have no active finding"


def test_junit_run_without_findings_has_one_passing_test(tmp_path: Path) -> None:
    root = _junit(render("junit", _report([], tmp_path, files=2)))
    _check_counts(root)
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_junit_escapes_markup_and_control_characters(tmp_path: Path) -> None:
    nasty = "<b>&amp;</b> \"quoted\" 'x' ]]> \x00\x01\x1b\x7f \ud800 \ufffe tab\tend\nline"
    finding = _finding(loc=Location("a&b <c>\x02.xml", 1, 1), message=nasty)
    text = render("junit", _report([finding], tmp_path))
    root = _junit(text)
    failure = root.find(".//failure")
    assert failure is not None
    assert failure.get("message") == xml_safe(nasty)
    assert "\\x00\\x01\\x1b" in failure.get("message", "")
    assert "\\ud800 \\ufffe" in failure.get("message", "")
    assert "\tend\nline" in failure.get("message", "")  # tab and newline survive in attributes
    assert root[0].get("name") == "a&b <c>\\x02.xml"
    assert xml_safe("plain\t\n\r text") == "plain\t\n\r text"


def test_junit_from_the_command_line_matches_the_json_counts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["--no-config", "-j", "1", "examples/broken", "examples/user-tunnel-split.xml"]
    assert main(["--format", "json", *args]) == 1
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert main(["--format", "junit", *args]) == 1
    root = _junit(capsys.readouterr().out)
    _check_counts(root)
    assert int(root.get("failures")) == summary["error"] + summary["warning"]
    assert int(root.get("tests")) == summary["error"] + summary["warning"] + summary["note"] + 1
    assert root[0].get("name") == "examples/broken/device-tunnel-misconfigured.xml"


# --- gitlab ---------------------------------------------------------------------------------------
#: the fields GitLab's Code Quality report reads (docs.gitlab.com, "Code Quality",
#: code quality report format): an array of issues with these required properties
CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(/|\\./)"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                            "end": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}


def _gitlab(text: str) -> list[dict[str, object]]:
    issues = json.loads(text)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    return issues  # type: ignore[no-any-return]


def test_gitlab_issue_fields_and_severities(tmp_path: Path) -> None:
    findings = [
        _finding(),
        _finding(rule_id="AOV302", severity=Severity.WARNING, loc=Location("p.xml", 2, 1)),
        _finding(rule_id="AOV305", severity=Severity.NOTE, loc=Location("p.xml", 3, 1)),
        _finding(rule_id="AOV306", suppression=Suppression("inSource", "lab")),
    ]
    issues = _gitlab(render("gitlab", _report(findings, tmp_path)))
    assert [(i["check_name"], i["severity"]) for i in issues] == [
        ("AOV302", "minor"),
        ("AOV305", "info"),
        ("AOV301", "major"),
    ]
    assert issues[2]["location"] == {"path": "p.xml", "lines": {"begin": 13, "end": 13}}
    assert issues[2]["description"] == (
        "AOV301 force-tunnel-with-routes: route '10.0.0.0/8' cannot be combined with ForceTunnel"
    )
    assert render("gitlab", _report([], tmp_path)) == "[]\n"


def test_gitlab_fingerprints_are_unique_and_ignore_line_numbers(tmp_path: Path) -> None:
    text = "<a>\n  <Route/>\n  <Route/>\n</a>\n"
    moved = "<a>\n\n\n" + text.split("\n", 1)[1]
    same = "route (line 2) is redundant"

    def run(lines: tuple[int, int], source: str, message: str) -> list[str]:
        findings = [_finding(loc=Location("p.xml", n, 3), message=message) for n in lines]
        report = _report(findings, tmp_path, contents={"p.xml": source.encode("utf-8")})
        return [str(i["fingerprint"]) for i in _gitlab(render("gitlab", report))]

    before = run((2, 3), text, same)
    assert len(set(before)) == 2  # the same finding twice in a file: still two issues
    assert run((4, 5), moved, same.replace("line 2", "line 4")) == before
    assert run((2, 3), text.replace("Route", "Routes"), same) != before


def test_gitlab_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(BAD, profiles / "user.xml")
    monkeypatch.chdir(profiles)
    assert main(["--no-config", "--no-cache", "-j", "1", "--format", "gitlab", "user.xml"]) == 1
    issues = _gitlab(capsys.readouterr().out)
    assert {i["location"]["path"] for i in issues} == {"profiles/user.xml"}  # type: ignore[index]
    aov301 = [i for i in issues if i["check_name"] == "AOV301"]
    assert aov301 and aov301[0]["location"]["lines"]["begin"] == 13  # type: ignore[index]


@pytest.mark.parametrize("fmt", ["azure", "junit", "gitlab"])
def test_formats_are_offered_by_the_command_line(fmt: str) -> None:
    from aovpn_lint.report import FORMATS

    assert fmt in FORMATS
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"--format {fmt}" in readme and re.search(rf"`--format [a-z|\\]*{fmt}", readme)
