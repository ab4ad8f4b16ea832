"""The fix engine: escaping for each carrier, resolution (and refusal) of edits, writing
safely, the command line flags and what the reports say about fixes."""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aovpn_lint.cache import _finding, _plain
from aovpn_lint.cli import main
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.fix.apply import WriteRefused, fix_data, unified_diff, write_fixed
from aovpn_lint.fix.escape import NotWritable, escape
from aovpn_lint.fix.resolve import resolve
from aovpn_lint.linter import lint_data
from aovpn_lint.model.findings import Edit, Finding, Fix
from aovpn_lint.model.positions import Embedding, OffsetMap, Region, Source
from helpers import FIXTURES, SARIF_SCHEMA, run_cli

FIXES = FIXTURES / "fixes"
BOOLEAN = "<VPNProfile>\n  <AlwaysOn>True</AlwaysOn>\n</VPNProfile>\n"


def _region(embedding: Embedding, indent: str = "") -> Region:
    return Region(0, 0, embedding, indent)


# --- escaping ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("embedding", "carrier", "text", "written"),
    [
        (Embedding.VERBATIM, "", '<a x="1">\'</a>', '<a x="1">\'</a>'),
        (Embedding.PS_SINGLE, "", "it's ‘x’", "it''s ‘‘x’’"),
        (Embedding.PS_DOUBLE, "", 'a="$b" `c “d”', 'a=`"`$b`" ``c `“d`”'),
        (Embedding.PS_HERE_SINGLE, "", "$x `y '@ not at line start", "$x `y '@ not at line start"),
        (Embedding.PS_HERE_DOUBLE, "", "$x `y", "`$x ``y"),
        (Embedding.JSON, r"\u003cA\u003e", '<B x="1">\\\n\t', r"\u003cB x=\"1\"\u003e\\\n\t"),
        (Embedding.JSON, "<A>", "<B>&'/", "<B>&'/"),
        (Embedding.JSON, r"\u003Ca\/b", "</b>", r"\u003C\/b>"),
        (Embedding.JSON, r"caf\u00e9", "thé\x01", r"th\u00e9\u0001"),
        (Embedding.XML_TEXT, "&lt;A&gt;", "<B>&</B>", "&lt;B&gt;&amp;&lt;/B&gt;"),
        (Embedding.XML_TEXT, "&lt;A>", "<B>", "&lt;B>"),
        (Embedding.CDATA, "", "<B>&</B>", "<B>&</B>"),
        (Embedding.YAML_DOUBLE, "", 'a"\\\n', 'a\\"\\\\\\n'),
        (Embedding.YAML_SINGLE, "", "it's", "it''s"),
        (Embedding.YAML_PLAIN, "", "true", "true"),
        (Embedding.YAML_BLOCK, "", "<A/>\n  <B/>", "<A/>\n      <B/>"),
    ],
)
def test_escape(embedding: Embedding, carrier: str, text: str, written: str) -> None:
    assert escape(_region(embedding, "    "), text, carrier) == written


@pytest.mark.parametrize(
    ("embedding", "text", "reason"),
    [
        (Embedding.BASE64, "x", "base64"),
        (Embedding.CDATA, "]]>", "CDATA"),
        (Embedding.PS_HERE_SINGLE, "a\n'@\nb", "here-string"),
        (Embedding.PS_HERE_DOUBLE, 'a\n  "@', "here-string"),
        (Embedding.YAML_SINGLE, "a\nb", "line break"),
        (Embedding.YAML_PLAIN, "a: b", "plain"),
        (Embedding.YAML_BLOCK, "a", "indentation"),
    ],
)
def test_escape_refuses(embedding: Embedding, text: str, reason: str) -> None:
    with pytest.raises(NotWritable, match=reason):
        escape(_region(embedding), text, "")


# --- resolution ----------------------------------------------------------------------------------
def _embedded(pieces: list[tuple[str, str, int, int]], outer: str) -> Source:
    """An extracted text from ('v'erbatim | 'p'roduced, text, outer start, outer end)."""
    omap = OffsetMap()
    for kind, text, start, end in pieces:
        if kind == "v":
            omap.verbatim(text, start)
        else:
            omap.produced(text, start, end)
    omap.embed(Embedding.JSON, 0, len(outer))
    return Source("f.json", outer).embedded(omap)


def test_an_edit_is_mapped_through_escapes_it_covers_whole() -> None:
    outer = r'"a\u0042c"'
    source = _embedded([("v", "a", 1, 2), ("p", "B", 2, 8), ("v", "c", 8, 9)], outer)
    fix = resolve(Fix("x", (Edit(source, 0, 3, "<y>"),)), "f.json")
    assert fix.applicable and fix.blocked is None
    (replacement,) = fix.replacements
    assert (replacement.start, replacement.end, replacement.text) == (1, 9, "<y>")
    assert (replacement.region.line, replacement.region.col, replacement.region.end_col) == (
        1,
        2,
        10,
    )


def test_an_edit_that_cuts_an_escape_or_spans_a_gap_is_blocked() -> None:
    outer = '"ab" + $v + "cd"'
    source = _embedded([("v", "ab", 1, 3), ("p", "\ue000", 7, 9), ("v", "cd", 13, 15)], outer)
    spans = resolve(Fix("x", (Edit(source, 1, 4, "z"),)), "f.json")
    assert spans.blocked is not None and "run time" in spans.blocked
    assert not spans.applicable and spans.replacements == ()
    escape_source = _embedded([("p", "AB", 0, 6)], "\\u0041")
    cut = resolve(Fix("x", (Edit(escape_source, 1, 2, "z"),)), "f.json")
    assert (
        cut.blocked
        == "not fixable here: the edit would cut through an escape sequence or encoded text"
    )


def test_an_edit_in_another_file_or_outside_the_text_is_blocked() -> None:
    source = Source("a.xml", "<VPNProfile/>")
    assert "another file" in (
        resolve(
            Fix(
                "x",
                (Edit(source, 0, 1, ""),),
            ),
            "b.xml",
        ).blocked
        or ""
    )
    assert "outside" in (
        resolve(
            Fix(
                "x",
                (Edit(source, 5, 99, ""),),
            ),
            "a.xml",
        ).blocked
        or ""
    )
    overlap = Fix("x", (Edit(source, 0, 5, ""), Edit(source, 3, 6, "")))
    assert "overlap" in (resolve(overlap, "a.xml").blocked or "")


def test_inserted_lines_take_the_files_line_ends() -> None:
    source = Source("a.xml", "<A>\r\n</A>\r\n")
    fix = resolve(Fix("x", (Edit(source, 3, 3, "\n  <B/>"),)), "a.xml")
    assert fix.replacements[0].text == "\r\n  <B/>"


def test_base64_profile_says_why_it_is_not_fixed() -> None:
    path = FIXES / "AOV102" / "blocked-base64.before.json"
    findings = lint_data(path.read_bytes(), path.name, None, RuleSet(), Config(select=("AOV102",)))
    blocked = [f.fix.blocked for f in findings if f.fix is not None]
    assert blocked and set(blocked) == {"not fixable here: the profile is base64-encoded"}
    text = run_cli("--no-config", "--select", "AOV102", str(path)).stdout
    assert "(invalid-value) [not fixable here: the profile is base64-encoded]" in text


def test_a_concatenated_script_value_is_fixed_only_inside_one_literal(tmp_path: Path) -> None:
    script = (
        "$x = '<VPNProfile><AlwaysOn>True</AlwaysOn><NativeProfile><Servers>' + $Server + "
        "'</Servers></NativeProfile></VPNProfile>'\n"
    )
    findings = lint_data(script.encode(), "d.ps1", None, RuleSet(), Config(select=("AOV102",)))
    (fixable,) = [f for f in findings if f.fix is not None]
    assert fixable.fix is not None and fixable.fix.applicable


def test_a_value_from_a_script_variable_is_not_fixed_in_the_profile() -> None:
    script = (
        "$On = 'True'\n"
        '$x = "<VPNProfile><AlwaysOn>$On</AlwaysOn><NativeProfile><Servers>vpn.example.com'
        '</Servers></NativeProfile></VPNProfile>"\n'
    )
    findings = lint_data(script.encode(), "d.ps1", None, RuleSet(), Config(select=("AOV102",)))
    (finding,) = [f for f in findings if f.fix is not None]
    assert finding.fix is not None and not finding.fix.applicable
    assert "variable's value" in (finding.fix.blocked or "")


# --- resolved fixes are plain values -------------------------------------------------------------
def _fixed_findings() -> list[Finding]:
    data = (FIXES / "AOV102" / "boolean-graph.before.json").read_bytes()
    return [
        f
        for f in lint_data(data, "x.json", None, RuleSet(), Config(select=("AOV102",)))
        if f.fix is not None
    ]


def test_resolved_fixes_hold_no_source_and_survive_pickle_and_the_cache() -> None:
    findings = _fixed_findings()
    assert findings
    for finding in findings:
        assert finding.fix is not None and finding.fix.edits == ()
        assert pickle.loads(pickle.dumps(finding)) == finding
        assert len(pickle.dumps(finding)) < 2000  # no file text rides along
        assert _finding(json.loads(json.dumps(_plain(finding)))) == finding


# --- writing -------------------------------------------------------------------------------------
def test_write_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "p.xml"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_fixed(str(path), b"old", b"new", str(tmp_path))
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["p.xml"]


def test_write_refuses_a_file_that_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "p.xml"
    path.write_bytes(b"changed meanwhile")
    with pytest.raises(WriteRefused, match="changed since it was read"):
        write_fixed(str(path), b"old", b"new", str(tmp_path))
    assert path.read_bytes() == b"changed meanwhile"


def test_write_refuses_links_out_of_the_tree_and_special_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside.xml"
    outside.write_bytes(b"old")
    tree = tmp_path / "tree"
    tree.mkdir()
    link = tree / "p.xml"
    link.symlink_to(outside)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_fixed(str(link), b"old", b"new", str(tree))
    assert outside.read_bytes() == b"old"
    inside = tree / "real.xml"
    inside.write_bytes(b"old")
    (tree / "alias.xml").symlink_to(inside)
    write_fixed(str(tree / "alias.xml"), b"old", b"new", str(tree))
    assert inside.read_bytes() == b"new" and (tree / "alias.xml").is_symlink()
    fifo = tree / "f.xml"
    os.mkfifo(fifo)
    with pytest.raises(WriteRefused, match="not a regular file"):
        write_fixed(str(fifo), b"old", b"new", str(tree))


def test_a_file_that_does_not_round_trip_is_not_fixed() -> None:
    data = (
        b'<?xml version="1.0" encoding="utf-7"?>'
        b"<VPNProfile><AlwaysOn>True</AlwaysOn>+AGE-</VPNProfile>"
    )

    def lint(content: bytes) -> list[Finding]:
        return lint_data(content, "x.xml", None, RuleSet(), Config(select=("AOV102",)))

    outcome = fix_data(data, lint, unsafe=False)
    assert outcome.data == data and not outcome.changed


# --- command line --------------------------------------------------------------------------------
def test_fix_and_diff_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "p.xml"
    path.write_text(BOOLEAN, encoding="utf-8")
    diff = run_cli("--no-config", "--select", "AOV102", "--diff", str(path))
    assert diff.returncode == 1
    assert "-  <AlwaysOn>True</AlwaysOn>\n+  <AlwaysOn>true</AlwaysOn>\n" in diff.stdout
    assert path.read_text(encoding="utf-8") == BOOLEAN
    fixed = run_cli("--no-config", "--select", "AOV102", "--fix", str(path))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Fixed 1 finding in 1 file." in fixed.stderr
    assert path.read_text(encoding="utf-8") == BOOLEAN.replace("True", "true")
    assert run_cli("--no-config", "--select", "AOV102", "--diff", str(path)).returncode == 0


def test_unsafe_fixes_need_the_flag_and_are_counted(tmp_path: Path) -> None:
    source = FIXES / "AOV306" / "unsafe-host-bits.before.xml"
    path = tmp_path / "p.xml"
    path.write_bytes(source.read_bytes())
    safe = run_cli("--no-config", "--select", "AOV306", "--fix", str(path))
    assert "2 more fixes available with --unsafe-fixes" in safe.stderr
    assert path.read_bytes() == source.read_bytes()
    run_cli("--no-config", "--select", "AOV306", "--fix", "--unsafe-fixes", str(path))
    assert path.read_bytes() == source.with_name("unsafe-host-bits.after.xml").read_bytes()


def test_stdin_fix_prints_the_fixed_text(tmp_path: Path) -> None:
    result = run_cli(
        "--no-config", "--select", "AOV102", "--fix", "-", stdin=BOOLEAN.encode("utf-8")
    )
    assert result.stdout == BOOLEAN.replace("True", "true")
    assert result.returncode == 0
    other = tmp_path / "p.xml"
    other.write_text(BOOLEAN, encoding="utf-8")
    refused = run_cli("--no-config", "--fix", "-", str(other), stdin=b"")
    assert refused.returncode == 2 and "only on its own" in refused.stderr


def test_fix_and_diff_together_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("--no-config", "--fix", "--diff", str(tmp_path)).returncode == 2


def test_a_refused_write_is_reported_and_exits_2(tmp_path: Path) -> None:
    outside = tmp_path / "outside.xml"
    outside.write_text(BOOLEAN, encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "p.xml").symlink_to(outside)
    result = run_cli("--no-config", "--select", "AOV102", "--fix", "p.xml", cwd=tree)
    assert result.returncode == 2
    assert "not fixed: it is reached through a symbolic link" in result.stderr
    assert outside.read_text(encoding="utf-8") == BOOLEAN


def test_diff_lines_cannot_become_runner_commands() -> None:
    diff = unified_diff("x.ps1", " ::error::a\nx ##[error]\n", " ::error::a\ny\n")
    assert "\n  \\x3a:error::a\n" in diff
    assert "\n-x \\x23#[error]\n" in diff


# --- reports -------------------------------------------------------------------------------------
def test_text_and_json_say_what_is_fixable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.xml"
    path.write_text(BOOLEAN, encoding="utf-8")
    main(["--no-config", "--select", "AOV102", str(path)])
    out = capsys.readouterr().out
    assert "(invalid-value) [fix]" in out and "1 fixable with --fix." in out
    main(["--no-config", "--select", "AOV102", "--format", "json", str(path)])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["fix"]["safe"] and finding["fix"]["applicable"]
    assert finding["fix"]["edits"] == [
        {"line": 2, "column": 13, "end_line": 2, "end_column": 17, "text": "true"}
    ]


def test_sarif_fixes_validate_against_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--no-config", "-j", "1", "--format", "sarif", str(FIXES)])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(document))
    assert not errors, errors[:3]
    results = document["runs"][0]["results"]
    with_fixes = [r for r in results if r.get("fixes")]
    assert with_fixes
    unsafe_ids = {"AOV105", "AOV306", "AOV801"}
    assert not {r["ruleId"] for r in with_fixes} & unsafe_ids
    change = with_fixes[0]["fixes"][0]["artifactChanges"][0]
    assert change["replacements"][0]["deletedRegion"]["startLine"] >= 1


def test_sarif_offers_no_fix_for_a_suppressed_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--fix leaves a suppressed finding alone, so SARIF viewers must not offer its fix."""
    path = tmp_path / "p.xml"
    path.write_text(BOOLEAN, encoding="utf-8")
    main(["--no-config", "--select", "AOV102", "--format", "sarif", str(path)])
    (active,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert active.get("fixes")
    path.write_text("<!-- aovpn-lint: disable-file=AOV102 -->\n" + BOOLEAN, encoding="utf-8")
    main(["--no-config", "--select", "AOV102", "--format", "sarif", str(path)])
    (suppressed,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert suppressed["suppressions"] and not suppressed.get("fixes")


def test_rules_listing_and_explain_show_fixability() -> None:
    listing = json.loads(run_cli("rules", "--format", "json").stdout)
    fixable = {r["id"]: r["fixable"] for r in listing}
    assert fixable["AOV102"] == "safe" and fixable["AOV306"] == "unsafe"
    assert fixable["AOV301"] == "none"
    assert "Fixable (unsafe" in run_cli("explain", "AOV306").stdout


def test_end_to_end_console_script_fixes_a_utf16_crlf_script(tmp_path: Path) -> None:
    before = (FIXES / "AOV102" / "boolean-ps.before.ps1").read_text(encoding="utf-8")
    after = (FIXES / "AOV102" / "boolean-ps.after.ps1").read_text(encoding="utf-8")
    path = tmp_path / "Deploy.ps1"
    path.write_bytes(b"\xff\xfe" + before.replace("\n", "\r\n").encode("utf-16-le"))
    result = run_cli("--no-config", "--select", "AOV102", "--fix", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == b"\xff\xfe" + after.replace("\n", "\r\n").encode("utf-16-le")


def test_console_script_is_installed() -> None:
    assert subprocess.run(["aovpn-lint", "--version"], capture_output=True).returncode == 0
