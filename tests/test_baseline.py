"""Baselines: what they accept, what brings a finding back, what makes an entry stale, and how a
broken baseline file is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aovpn_lint.cli import main
from aovpn_lint.engine.accepted import Entry, content_hash, normalise
from aovpn_lint.engine.baseline import parse_baseline, render_baseline
from aovpn_lint.engine.configfile import ConfigError
from helpers import SARIF_SCHEMA, WARNINGS_PROFILE, WARNINGS_SELECT, run_cli, select_args

PROFILE = WARNINGS_PROFILE  # AOV201 line 4, AOV302 line 5, AOV306 line 9
SELECT = select_args(WARNINGS_SELECT)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository folder (it holds .git) that is the current folder."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["--no-config", *SELECT, "-j", "1", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def active(document: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((f["rule_id"], f["line"]) for f in document["findings"] if not f["suppression"])


def write(repo: Path, capsys: pytest.CaptureFixture[str], *paths: str) -> dict[str, Any]:
    code, _document = run(capsys, "--write-baseline", "baseline.json", *paths)
    assert code == 0  # everything it found is now accepted
    data: dict[str, Any] = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    return data


def test_written_baseline_accepts_everything_and_is_diff_friendly(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "profiles").mkdir()
    (repo / "profiles" / "p.xml").write_text(PROFILE, encoding="utf-8")
    data = write(repo, capsys, "profiles")
    text = (repo / "baseline.json").read_text(encoding="utf-8")
    assert data["version"] == 1
    assert [(e["rule"], e["file"], e["path"]) for e in data["entries"]] == [
        ("AOV201", "profiles/p.xml", "VPNProfile/NativeProfile/Servers"),
        ("AOV302", "profiles/p.xml", "VPNProfile/NativeProfile/RoutingPolicyType"),
        ("AOV306", "profiles/p.xml", "VPNProfile/Route/Address"),
    ]
    lines = text.splitlines()
    assert len(lines) == 3 + len(data["entries"]) + 2  # one entry per line
    assert all(list(e) == ["file", "rule", "path", "hash", "count"] for e in data["entries"])
    assert data["entries"][2]["hash"] == content_hash("10.10.1.1")
    code, document = run(capsys, "--baseline", "baseline.json", "profiles")
    assert code == 0 and active(document) == []
    assert document["summary"]["baselined"] == 3
    assert document["baseline"] == {"file": "baseline.json", "stale": []}
    assert {f["suppression"]["kind"] for f in document["findings"]} == {"external"}
    assert document["findings"][0]["suppression"]["justification"] == "baselined in baseline.json"


def test_inserting_lines_above_never_resurrects_a_finding(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    write(repo, capsys, "p.xml")
    lines = PROFILE.splitlines(keepends=True)
    moved = (
        lines[0]
        + "  <!-- six lines\n  of comments\n  above -->\n\n\n"
        + "".join(lines[1:3])
        + "\n\n"
        + "".join(lines[3:8]).replace("<Servers>", "<Servers>  \n      ")
        + "".join(lines[8:])
    )
    (repo / "p.xml").write_text(moved, encoding="utf-8")
    code, document = run(capsys, "--baseline", "baseline.json", "p.xml")
    assert code == 0 and active(document) == [], active(document)
    assert document["summary"]["baselined"] == 3
    assert document["baseline"]["stale"] == []


def test_a_changed_value_is_a_new_finding(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    write(repo, capsys, "p.xml")
    changed = PROFILE.replace("10.10.1.1", "10.10.2.1")
    (repo / "p.xml").write_text(changed, encoding="utf-8")
    code, document = run(capsys, "--baseline", "baseline.json", "p.xml")
    assert active(document) == [("AOV306", 9)] and code == 1
    # the old address's entry matches nothing now: it is stale
    (stale,) = document["baseline"]["stale"]
    assert (stale["rule"], stale["hash"], stale["count"]) == (
        "AOV306",
        content_hash("10.10.1.1"),
        1,
    )


def test_a_fixed_finding_leaves_a_stale_entry_that_does_not_fail_the_run(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    write(repo, capsys, "p.xml")
    fixed = PROFILE.replace("vpn1.contoso.com,vpn2.contoso.com", "vpn.contoso.com")
    (repo / "p.xml").write_text(fixed, encoding="utf-8")
    code, document = run(capsys, "--baseline", "baseline.json", "p.xml")
    assert code == 0 and active(document) == []
    assert [(s["rule"], s["path"]) for s in document["baseline"]["stale"]] == [
        ("AOV201", "VPNProfile/NativeProfile/Servers")
    ]
    code = main(["--no-config", *SELECT, "-j", "1", "--baseline", "baseline.json", "p.xml"])
    summary = capsys.readouterr().out.splitlines()[-1]
    assert "2 suppressed (2 baselined)" in summary
    assert "1 baseline entry matches no finding any more in baseline.json" in summary
    # rewriting the baseline drops the entry
    data = write(repo, capsys, "p.xml")
    assert [e["rule"] for e in data["entries"]] == ["AOV302", "AOV306"]


def test_entries_of_deselected_rules_are_not_stale(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    write(repo, capsys, "p.xml")
    code = main(
        ["--no-config", "--select", "AOV302", "-j", "1", "--format", "json"]
        + ["--baseline", "baseline.json", "p.xml"]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 0 and document["baseline"]["stale"] == []


def test_identical_findings_are_counted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    route = "  <Route><Address>10.10.1.1</Address><PrefixSize>24</PrefixSize></Route>\n"
    two = PROFILE.replace(route, route * 2)
    assert two.count("10.10.1.1") == 2
    (repo / "p.xml").write_text(two, encoding="utf-8")
    data = write(repo, capsys, "p.xml")
    (entry,) = [e for e in data["entries"] if e["rule"] == "AOV306"]
    assert entry["count"] == 2
    (repo / "p.xml").write_text(PROFILE.replace(route, route * 3), encoding="utf-8")
    code, document = run(capsys, "--baseline", "baseline.json", "p.xml")
    assert active(document) == [("AOV306", 11)] and code == 1  # the third is new
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    code, document = run(capsys, "--baseline", "baseline.json", "p.xml")
    assert code == 0 and [(s["rule"], s["count"]) for s in document["baseline"]["stale"]] == [
        ("AOV306", 1)
    ]


def test_findings_in_an_embedded_profile_are_keyed_by_its_elements(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = PROFILE.replace("'", "''")
    script = f"# deploy\n$ProfileXML = '{body}'\nWrite-Host done\n"
    (repo / "deploy.ps1").write_text(script, encoding="utf-8")
    data = write(repo, capsys, "deploy.ps1")
    paths = {e["path"] for e in data["entries"]}
    assert "VPNProfile/NativeProfile/Servers" in paths
    (repo / "deploy.ps1").write_text("# a\n# b\n\n" + script, encoding="utf-8")
    code, document = run(capsys, "--baseline", "baseline.json", "deploy.ps1")
    assert code == 0 and active(document) == []


def test_sarif_reports_baselined_findings_as_external_suppressions(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    write(repo, capsys, "p.xml")
    (repo / "p.xml").write_text(PROFILE.replace("10.10.1.1", "10.10.1.0"), encoding="utf-8")
    code = main(
        ["--no-config", *SELECT, "-j", "1", "--format", "sarif"]
        + ["--baseline", "baseline.json", "p.xml"]
    )
    log = json.loads(capsys.readouterr().out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    (run_,) = log["runs"]
    suppressions = [r["suppressions"] for r in run_["results"] if "suppressions" in r]
    assert len(suppressions) == 2
    for (item,) in suppressions:
        assert item["kind"] == "external"
        assert item["justification"] == "baselined in baseline.json"
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert any("1 baseline entry matches no finding" in n["message"]["text"] for n in notes)
    assert code == 0


def test_normalisation_is_whitespace_only() -> None:
    assert normalise("  a\t b\r\n  c ") == "a b c"
    assert content_hash(" True ") == content_hash("True") != content_hash("true")


@pytest.mark.parametrize(
    ("text", "line", "col", "what"),
    [
        ('{"version": 1, "entries": [}', 1, 28, "invalid JSON"),
        ("[]", 1, 1, "must be a JSON object"),
        ('{"version": 2, "entries": []}', 1, 1, "unsupported baseline version 2"),
        ('{"version": 1, "entries": {}}', 1, 1, "'entries' must be a list"),
        ('{"version": 1,\n "entries": [\n  {"file": "a.xml"}\n]}', 3, 3, "entry 1: lacks"),
        ('{"version": 1, "entries": [NaN]}', 1, 1, "'NaN' is not JSON"),
    ],
)
def test_a_broken_baseline_is_a_located_error(text: str, line: int, col: int, what: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_baseline(text, "b.json", "/r", "/r")
    error = caught.value
    assert (error.path, error.line, error.col) == ("b.json", line, col)
    assert what in error.message


def _entry(**changes: object) -> str:
    entry: dict[str, object] = {
        "file": "a.xml",
        "rule": "AOV201",
        "path": "VPNProfile",
        "hash": "0123456789abcdef",
        "count": 1,
    }
    entry.update(changes)
    return '{"version": 1, "entries": [\n  {"file": "ok.xml", "rule": "AOV201", "path": "", ' + (
        '"hash": "0123456789abcdef", "count": 1},\n  ' + json.dumps(entry) + "\n]}"
    )


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"file": "../outside.xml"}, "inside the repository"),
        ({"file": "/etc/passwd"}, "inside the repository"),
        ({"file": "C:/x.xml"}, "inside the repository"),
        ({"file": "a\\b.xml"}, "inside the repository"),
        ({"file": "a\x1b[31m.xml"}, "inside the repository"),
        ({"rule": "rm -rf"}, "is not a rule id"),
        ({"hash": "XYZ"}, "16 lower-case hex digits"),
        ({"count": 0}, "count must be"),
        ({"count": True}, "count must be"),
        ({"count": 10**30}, "count must be"),
        ({"extra": 1}, "unknown key 'extra'"),
        ({"path": 5}, "must be strings"),
    ],
)
def test_hostile_entries_are_refused_at_their_line(changes: dict[str, object], what: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_baseline(_entry(**changes), "b.json", "/r", "/r")
    assert caught.value.line == 3 and caught.value.col == 3
    assert what in caught.value.message
    assert "\x1b" not in str(caught.value)


def test_render_and_parse_round_trip() -> None:
    entries = [Entry("b.xml", "AOV201", "VPNProfile", "0" * 16)] * 2 + [
        Entry("a.xml", "AOV302", "VPNProfile/NativeProfile", "f" * 16)
    ]
    text = render_baseline(entries)
    assert text.index("a.xml") < text.index("b.xml")
    baseline = parse_baseline(text, "b.json", "/r", "/r")
    assert baseline.entries["b.xml"] == {entries[0]: 2}
    assert render_baseline([]) == '{\n  "version": 1,\n  "entries": []\n}\n'


def test_cli_errors_for_missing_or_broken_baselines(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    assert main(["--no-config", "--baseline", "nope.json", "p.xml"]) == 2
    assert "create it with --write-baseline nope.json" in capsys.readouterr().err
    (repo / "bad.json").write_text('{"version": 1,\n "entries": [1]}', encoding="utf-8")
    assert main(["--no-config", "--baseline", "bad.json", "p.xml"]) == 2
    err = capsys.readouterr().err
    assert "bad.json:2:14:" in err and "Traceback" not in err


def test_configuration_names_the_baseline_inside_the_repository(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "p.xml").write_text(PROFILE, encoding="utf-8")
    write(repo, capsys, "p.xml")
    select = ", ".join(WARNINGS_SELECT)
    (repo / ".aovpn-lint.yaml").write_text(
        f"select: [{select}]\nbaseline: baseline.json\n", encoding="utf-8"
    )
    assert main(["-j", "1", "p.xml"]) == 0
    assert "3 suppressed (3 baselined)" in capsys.readouterr().out
    (repo / ".aovpn-lint.yaml").write_text("baseline: ../elsewhere.json\n", encoding="utf-8")
    assert main(["-j", "1", "p.xml"]) == 2
    err = capsys.readouterr().err
    assert ".aovpn-lint.yaml:1:11:" in err and "inside the repository" in err


def test_console_script_end_to_end(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "p.xml").write_text(PROFILE, encoding="utf-8")
    args = ("--no-config", *SELECT, "-j", "1")
    written = run_cli(*args, "--write-baseline", "b.json", "p.xml", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "wrote 3 findings to the baseline 'b.json'" in written.stderr
    clean = run_cli(*args, "--baseline", "b.json", "p.xml", cwd=tmp_path)
    assert clean.returncode == 0 and "3 baselined" in clean.stdout
    (tmp_path / "p.xml").write_text(PROFILE.replace("SplitTunnel", "ForceTunnel"), encoding="utf-8")
    again = run_cli(*args, "--baseline", "b.json", "p.xml", cwd=tmp_path)
    assert again.returncode == 0, again.stdout  # AOV302 fixed: no new finding
    assert "1 baseline entry matches no finding any more" in again.stdout
