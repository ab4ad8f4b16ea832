"""--format github: workflow commands that GitHub Actions turns into annotations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aovpn_lint.cli import main
from aovpn_lint.model.findings import Finding, Related, Severity, Suppression
from aovpn_lint.model.positions import Location
from aovpn_lint.report import Report, render
from aovpn_lint.report.github import escape_data, escape_property
from aovpn_lint.report.repopath import repository_root
from helpers import ROOT

_COMMAND = re.compile(
    r"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),"
    r"title=(AOV\d{3})::(.+)$"
)


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


def test_one_command_per_active_finding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["--no-config", "-j", "1", "--format", "github", "examples/broken"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out and all(_COMMAND.match(line) for line in out), out
    first = [line for line in out if "title=AOV301" in line]
    assert first == [
        "::error file=examples/broken/force-tunnel-with-routes.xml,line=13,col=3,endLine=13,"
        "endColumn=9,title=AOV301::route 10.10.0.0/16 cannot be combined with ForceTunnel (field "
        "reports: the profile import fails); remove it, mark it "
        "<ExclusionRoute>true</ExclusionRoute>, or use "
        "SplitTunnel (force-tunnel-with-routes)%0A"
        "examples/broken/force-tunnel-with-routes.xml:6:24: "
        "ForceTunnel is set here"
    ]
    levels = {m.group(7): m.group(1) for m in map(_COMMAND.match, out) if m}
    assert levels["AOV201"] == "warning" and levels["AOV304"] == "notice"


def test_severity_mapping_and_suppressed_findings_are_left_out(tmp_path: Path) -> None:
    findings = [
        _finding(),
        _finding(rule_id="AOV302", severity=Severity.WARNING),
        _finding(rule_id="AOV305", severity=Severity.NOTE),
        _finding(rule_id="AOV306", suppression=Suppression("inSource", "x")),
    ]
    out = render(
        "github",
        Report(findings, [], 1, cwd=str(tmp_path), repo_root=repository_root(str(tmp_path))),
    ).splitlines()
    assert [line.split(" ", 1)[0] for line in out] == ["::error", "::warning", "::notice"]
    assert not any("AOV306" in line for line in out)


def test_escaping_of_messages_and_properties(tmp_path: Path) -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    finding = _finding(
        loc=Location("odd, name: 50%.xml", 2, 1, 2, 4),
        message="line one\nline two",
        related=(Related(Location("odd, name: 50%.xml", 1, 1), "see here"),),
    )
    (line,) = render(
        "github",
        Report([finding], [], 1, cwd=str(tmp_path), repo_root=repository_root(str(tmp_path))),
    ).splitlines()
    assert line.startswith(
        "::error file=odd%2C name%3A 50%25.xml,line=2,col=1,endLine=2,endColumn=4,"
    )
    assert line.endswith(
        "::line one%0Aline two (force-tunnel-with-routes)%0Aodd, name: 50%25.xml:1:1: see here"
    )


def test_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "profiles"
    sub.mkdir()
    out = render(
        "github",
        Report(
            [_finding(loc=Location("user.xml", 1, 2))],
            [],
            1,
            cwd=str(sub),
            repo_root=repository_root(str(sub)),
        ),
    )
    assert out.startswith("::error file=profiles/user.xml,line=1,col=2,endLine=1,endColumn=3,")


def test_no_findings_no_output(tmp_path: Path) -> None:
    assert (
        render(
            "github", Report([], [], 3, cwd=str(tmp_path), repo_root=repository_root(str(tmp_path)))
        )
        == ""
    )
