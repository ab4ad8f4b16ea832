"""In-source suppression comments: where they apply, what they record, what they cannot hide."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

import pytest

from aovpn_lint.cli import main
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.ids import suggest_id
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.engine.suppress import Directives, Syntax, apply_suppressions, comment_spans
from aovpn_lint.load.dispatch import load_bytes
from aovpn_lint.model.document import Document
from aovpn_lint.model.findings import Finding, RuleMeta, Severity
from aovpn_lint.model.positions import Location
from helpers import FIXTURES, RULE_DOC, WARNINGS_PROFILE, WARNINGS_SELECT, run_cli, select_args

PROFILE = WARNINGS_PROFILE  # AOV201 line 4, AOV302 line 5, AOV306 line 9
#: the rules PROFILE is about; the counts and exit codes below are theirs
SELECT = select_args(WARNINGS_SELECT)


def _insert(before_line: int, text: str, profile: str = PROFILE) -> str:
    lines = profile.splitlines(keepends=True)
    return "".join(lines[: before_line - 1]) + text + "".join(lines[before_line - 1 :])


def lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> tuple[int, dict[str, Any]]:
    (tmp_path / "p.xml").write_text(text, encoding="utf-8")
    code = main(["--no-config", *SELECT, "-j", "1", "--format", "json", str(tmp_path / "p.xml")])
    return code, json.loads(capsys.readouterr().out)


def suppressed(document: dict[str, Any]) -> dict[str, str | None]:
    return {
        f["rule_id"]: (f["suppression"] or {}).get("justification") for f in document["findings"]
    }


def test_comment_on_the_line_above(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document = lint(tmp_path, capsys, _insert(5, "    <!-- aovpn-lint: disable=AOV302 -->\n"))
    result = suppressed(document)
    assert result["AOV302"] == "aovpn-lint: disable=AOV302 (line 5)"
    assert result["AOV201"] is None and result["AOV306"] is None
    assert document["summary"]["suppressed"] == 1 and code == 1


def test_trailing_comment_on_the_same_line_with_a_justification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PROFILE.replace(
        "<RoutingPolicyType>SplitTunnel</RoutingPolicyType>",
        "<RoutingPolicyType>SplitTunnel</RoutingPolicyType> "
        "<!-- aovpn-lint: disable=AOV302 class route wanted for the lab, see CHG-77 -->",
    )
    _code, document = lint(tmp_path, capsys, text)
    assert suppressed(document)["AOV302"] == (
        "aovpn-lint: disable=AOV302 (line 5): class route wanted for the lab, see CHG-77"
    )


def test_stacked_and_multi_line_comments_reach_the_element(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    block = (
        "    <!-- aovpn-lint: disable=AOV201 -->\n"
        "    <!--\n      aovpn-lint: disable=AOV302 reviewed\n    -->\n"
        "    <!-- an unrelated comment -->\n"
    )
    text = _insert(4, block)
    # the block sits above Servers; RoutingPolicyType is the next element and is not covered
    _code, document = lint(tmp_path, capsys, text)
    result = suppressed(document)
    assert result["AOV201"] == "aovpn-lint: disable=AOV201 (line 4)"
    assert result["AOV302"] is None
    text = _insert(5, "    <!--\n      aovpn-lint: disable=AOV302 reviewed\n    -->\n")
    _code, document = lint(tmp_path, capsys, text)
    assert suppressed(document)["AOV302"] == "aovpn-lint: disable=AOV302 (line 6): reviewed"


def test_blank_line_or_code_between_comment_and_element_breaks_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, document = lint(
        tmp_path, capsys, _insert(5, "    <!-- aovpn-lint: disable=AOV302 -->\n\n")
    )
    assert suppressed(document)["AOV302"] is None
    _code, document = lint(
        tmp_path, capsys, _insert(4, "    <!-- aovpn-lint: disable=AOV302 -->\n")
    )
    assert suppressed(document)["AOV302"] is None  # the comment is above Servers, not the policy


def test_disable_file_prefixes_and_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document = lint(tmp_path, capsys, "<!-- aovpn-lint: disable-file=aov3 -->\n" + PROFILE)
    result = suppressed(document)
    assert result["AOV302"] == "aovpn-lint: disable-file=AOV302 (line 1)"
    assert result["AOV306"] == "aovpn-lint: disable-file=AOV306 (line 1)"
    assert result["AOV201"] is None and code == 1
    code, document = lint(
        tmp_path, capsys, "<!-- aovpn-lint: disable-file=ALL legacy profile -->\n" + PROFILE
    )
    assert all(v for v in suppressed(document).values()) and code == 0


def test_several_ids_in_one_comment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = PROFILE.replace("</Route>", "</Route> <!-- aovpn-lint: disable=AOV201, AOV306 -->")
    _code, document = lint(tmp_path, capsys, text)
    result = suppressed(document)
    assert result["AOV306"] and result["AOV201"] is None  # AOV201 is on another line


def test_parse_errors_can_be_suppressed_but_crashes_cannot() -> None:
    source = "<!-- aovpn-lint: disable-file=ALL -->\n<x>\n"
    crash = Finding("AOV000", "internal-error", Severity.ERROR, "boom", Location("p.xml", 2, 1))
    parse = Finding("AOV100", "parse-error", Severity.ERROR, "bad", Location("p.xml", 2, 1))
    out = apply_suppressions([crash, parse], source, Config())
    assert out[0].suppression is None
    assert out[1].suppression is not None and out[1].suppression.kind == "inSource"


def test_hash_comments_in_scripts_and_yaml() -> None:
    source = (
        "# aovpn-lint: disable-file=AOV201\n$x = 1\n# aovpn-lint: disable=AOV302\n$xml = '...'\n"
    )
    directives = Directives(source, comment_spans(source, Syntax.POWERSHELL))
    assert directives.match("AOV201", 4) is not None
    assert directives.match("AOV302", 4) is not None
    assert directives.match("AOV302", 2) is None


def test_external_suppression_from_per_path_ignores_unit() -> None:
    finding = Finding(
        "AOV302", "class-based-route", Severity.WARNING, "m", Location("legacy/a.xml", 3, 1)
    )
    config = Config(per_path_ignores=(("legacy/", ("AOV3",)),), source=".aovpn-lint.yaml")
    (out,) = apply_suppressions([finding], "", config)
    assert out.suppression is not None
    assert (out.suppression.kind, out.suppression.justification) == (
        "external",
        "per-path ignore 'legacy/' in .aovpn-lint.yaml",
    )
    (other,) = apply_suppressions([finding], "", Config(per_path_ignores=(("legacy/", ("AOV2",)),)))
    assert other.suppression is None


def test_suppressed_findings_do_not_fail_the_run_and_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "<!-- aovpn-lint: disable-file=AOV201,AOV302,AOV306 -->\n" + PROFILE
    (tmp_path / "p.xml").write_text(text, encoding="utf-8")
    code = main(["--no-config", *SELECT, "-j", "1", str(tmp_path / "p.xml")])
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip() == "No problems found in 1 file; 3 suppressed."


def test_file_wide_directives_are_looked_up_once_per_rule_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many directives times many findings stays linear: each rule id is matched against the
    file-wide directives once (a crafted file held 20,000 directives and 3,000 findings)."""
    from aovpn_lint.engine import suppress

    source = "".join(f"<!-- aovpn-lint: disable-file=X{i:04d} -->\n" for i in range(2000))
    directives = suppress.Directives(source)
    calls = 0
    covers = suppress.Directive.covers

    def counting(self: suppress.Directive, rule_id: str) -> bool:
        nonlocal calls
        calls += 1
        return covers(self, rule_id)

    monkeypatch.setattr(suppress.Directive, "covers", counting)
    for line in range(1, 501):
        assert directives.match("AOV301", line) is None
    assert calls == 2000


# --- the comments checked: AOV001 invalid-suppression, AOV002 unused-suppression ----------------
# (tests/fixtures/AOV001 and AOV002 hold one bad file per carrier with comments: XML, PowerShell
# '#' and '<# #>' and a profile embedded in it, YAML '#', Markdown HTML comments)
RULES = RuleSet(load_entry_points=False)
HYGIENE = ("AOV001", "AOV002")


def checked(
    source: str,
    findings: list[Finding] | None = None,
    config: Config | None = None,
    rules: RuleSet = RULES,
    documents: tuple[Document, ...] = (),
) -> list[Finding]:
    """The findings apply_suppressions adds for the comments of ``source`` (an XML file)."""
    out = apply_suppressions(findings or [], source, config or Config(), documents, rules)
    return [f for f in out if f.rule_id in HYGIENE]


def _warning(rule_id: str, line: int) -> Finding:
    return Finding(rule_id, "x", Severity.WARNING, "m", Location("p.xml", line, 1))


def _applied(finding: Finding) -> str:
    assert finding.fix is not None and finding.fix.safe
    (edit,) = finding.fix.edits
    text = edit.source.text if edit.source.offsets is None else edit.source.offsets.text
    return text[: edit.start] + edit.text + text[edit.end :]


def test_did_you_mean_reads_a_letter_o_as_a_zero_before_edit_distance() -> None:
    # AOV312 and AOV302 are equally close to AOV3O2 by edit distance
    assert suggest_id("AOV3O2", ["AOV312", "AOV302"]) == "AOV302"
    assert suggest_id("aov3o2", ["AOV302", "AOV312"]) == "AOV302"
    assert suggest_id("AOV2OI", ["AOV201", "AOV204"]) == "AOV201"
    assert suggest_id("AOV3*", ["AOV301"]) == "AOV3"
    assert suggest_id("AOB301", ["AOV301", "AOV100"]) == "AOV301"
    assert suggest_id("QQQ", ["AOV301"]) is None


def test_unknown_ids_and_misspelt_directives() -> None:
    source = (
        "<x>\n<!-- aovpn-lint: disable=AOV3O2 -->\n<!-- aovpn-lint: disabel=AOV302 -->\n"
        "<!-- aovpn-lint: disable-fiel=AOV302 -->\n<!-- aovpn-lint: ignore=AOV302 -->\n"
        "<!-- linted with aovpn-lint: see the wiki -->\n</x>\n"
    )
    found = checked(source)
    assert [(f.rule_id, f.loc.line) for f in found] == [
        ("AOV001", 2),
        ("AOV001", 3),
        ("AOV001", 4),
        ("AOV001", 5),
    ]
    assert "did you mean 'AOV302'?" in found[0].message
    assert (found[0].loc.col, found[0].loc.end_col) == (26, 32)  # the id itself
    assert "did you mean 'disable'?" in found[1].message
    assert "did you mean 'disable-file'?" in found[2].message
    assert "use 'disable=' or 'disable-file='" in found[3].message
    assert all(f.severity is Severity.ERROR for f in found)


def test_ids_of_installed_plugin_packs_are_known() -> None:
    module = types.ModuleType("acme_rules")
    module.RULE = RuleMeta(  # type: ignore[attr-defined]
        id="ACME001", name="acme-check", severity=Severity.WARNING, short="x", doc=RULE_DOC
    )
    with_pack = RuleSet(load_entry_points=False)
    with_pack.register(module, "entry point 'acme'")
    source = "<x>\n<!-- aovpn-lint: disable=ACME001 -->\n<y/>\n</x>\n"
    assert [f.rule_id for f in checked(source, rules=with_pack)] == ["AOV002"]  # known, unused
    (unknown,) = checked(source)
    assert unknown.rule_id == "AOV001" and "'ACME001' is not the id" in unknown.message
    used = checked(source, [_warning("ACME001", 3)], rules=with_pack)
    assert used == []


def test_external_ids_are_left_to_packs_not_installed_here(tmp_path: Path) -> None:
    """A team whose CI installs a plugin pack that some machines lack lists the pack's ids or
    prefixes in 'external' (as ruff does): their comments are neither unknown nor judged."""
    source = "<x>\n<!-- aovpn-lint: disable=ACME001,AOV3O2 -->\n<y/>\n</x>\n"
    found = checked(source, config=Config(external=("ACME",)))
    assert [(f.rule_id, "'AOV3O2'" in f.message) for f in found] == [("AOV001", True)]
    assert [f.rule_id for f in checked(source)] == ["AOV001", "AOV001"]
    config = tmp_path / ".aovpn-lint.yaml"
    config.write_text("external: [acme]\n", encoding="utf-8")
    (tmp_path / "p.xml").write_text(source, encoding="utf-8")
    run = run_cli("--select", "AOV001", "p.xml", cwd=tmp_path)
    assert run.stdout.count("AOV001") == 1 and "ACME001" not in run.stdout, run.stdout


def test_unused_suppressions_and_their_fixes() -> None:
    source = (
        "<x>\n"
        "  <!-- aovpn-lint: disable=AOV201 one server now -->\n"
        "  <a/>\n"
        "  <b/> <!-- aovpn-lint: disable=AOV302 -->\n"
        "  <c/> <!-- aovpn-lint: disable=AOV306,AOV201 -->\n"
        "  <!-- CHG-1: aovpn-lint: disable=AOV305 -->\n"
        "  <d/>\n"
        "</x>\n"
    )
    found = checked(source, [_warning("AOV306", 5)])
    assert [(f.rule_id, f.loc.line) for f in found] == [
        ("AOV002", 2),
        ("AOV002", 4),
        ("AOV002", 5),
        ("AOV002", 6),
    ]
    assert all(f.severity is Severity.NOTE for f in found)
    whole_line, comment, one_id, directive = (_applied(f) for f in found)
    assert "one server now" not in whole_line and "\n  <a/>\n" in whole_line
    assert whole_line.count("\n") == source.count("\n") - 1
    assert "  <b/>\n" in comment
    assert "<!-- aovpn-lint: disable=AOV306 -->" in one_id
    assert "<!-- CHG-1:  -->" in directive  # the comment says more: only the directive goes
    assert found[2].message == "'AOV201' suppresses nothing on this line or the line below; " + (
        "remove AOV201 from the comment"
    )


def test_unused_disable_file_in_powershell_and_its_fix() -> None:
    source = "# aovpn-lint: disable-file=AOV603\r\n<# aovpn-lint: disable=AOV201 #>\r\n$x = 1\r\n"
    documents = tuple(load_bytes(source.encode(), "deploy.ps1", None))
    found = checked(source, documents=documents)
    assert [(f.rule_id, f.loc.line) for f in found] == [("AOV002", 1), ("AOV002", 2)]
    assert "in this file" in found[0].message
    assert _applied(found[0]) == source.split("\r\n", 1)[1]  # the line and its CRLF
    assert _applied(found[1]) == source.replace("<# aovpn-lint: disable=AOV201 #>\r\n", "")


def test_a_fix_inside_an_embedded_profile_is_written_in_its_text() -> None:
    profile = (
        "<VPNProfile>\n  <!-- aovpn-lint: disable=AOV201 -->\n  <NativeProfile/>\n</VPNProfile>"
    )
    source = f"$ProfileXML = '{profile}'\n"
    documents = tuple(load_bytes(source.encode(), "deploy.ps1", None))
    (found,) = checked(source, documents=documents)
    assert found.loc.line == 2
    assert found.fix is not None
    (edit,) = found.fix.edits
    assert edit.source.offsets is not None  # the profile's text, as rules write edits
    assert _applied(found) == profile.replace("  <!-- aovpn-lint: disable=AOV201 -->\n", "")


def test_unused_is_not_judged_for_rules_that_did_not_run() -> None:
    source = "<x>\n<!-- aovpn-lint: disable=AOV201 -->\n<y/>\n</x>\n"
    assert [f.rule_id for f in checked(source)] == ["AOV002"]
    # AOV201 deselected: whether it would fire is unknown
    assert checked(source, config=Config(select=("AOV3", "AOV002"))) == []
    assert checked(source, config=Config(ignore=("AOV201",))) == []
    # a cross-file rule and ALL (which covers the cross-file rules) are never judged
    for ids in ("AOV506", "ALL", "AOV5"):
        assert checked(source.replace("AOV201", ids)) == []
    # the results of a file with a parse error or a crash are incomplete
    parse = Finding("AOV100", "parse-error", Severity.ERROR, "bad", Location("p.xml", 3, 1))
    assert [f.rule_id for f in checked(source, [parse])] == []


def test_the_checks_are_rules_like_the_others() -> None:
    source = "<x>\n<!-- aovpn-lint: disable=AOV2O1 -->\n<!-- aovpn-lint: disable=AOV201 -->\n"
    source += "<y/>\n</x>\n"
    assert [f.rule_id for f in checked(source)] == ["AOV001", "AOV002"]
    assert checked(source, config=Config(ignore=("AOV001", "AOV002"))) == []
    raised = checked(source, config=Config(severity={"AOV002": Severity.ERROR}))
    assert raised[1].severity is Severity.ERROR
    # ALL does not hide them; naming them does
    hidden = apply_suppressions(
        [], "<!-- aovpn-lint: disable-file=ALL -->\n" + source, Config(), (), RULES
    )
    assert sorted((f.rule_id, f.suppression is None) for f in hidden) == [
        ("AOV001", True),
        ("AOV002", True),
    ]
    named = "<!-- aovpn-lint: disable-file=AOV001,AOV002 -->\n" + source
    out = apply_suppressions([], named, Config(), (), RULES)
    assert out and all(f.suppression is not None for f in out)


def test_cli_reports_both_and_select_governs_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _insert(
        4, "    <!-- aovpn-lint: disable=AOV3O2 -->\n    <!-- aovpn-lint: disable=AOV306 -->\n"
    )
    (tmp_path / "p.xml").write_text(text, encoding="utf-8")
    code = main(
        [
            "--no-config",
            "--select",
            "AOV201,AOV306,AOV001,AOV002",
            "-j",
            "1",
            "--format",
            "json",
            str(tmp_path / "p.xml"),
        ]
    )
    document = json.loads(capsys.readouterr().out)
    found = sorted(
        (f["rule_id"], f["line"]) for f in document["findings"] if f["rule_id"] in HYGIENE
    )
    assert found == [("AOV001", 4), ("AOV002", 5)] and code == 1
    # without AOV306 in the run its suppression is not judged; AOV001 still reports the typo
    main(
        [
            "--no-config",
            "--select",
            "AOV201,AOV001,AOV002",
            "-j",
            "1",
            "--format",
            "json",
            str(tmp_path / "p.xml"),
        ]
    )
    document = json.loads(capsys.readouterr().out)
    assert [f["rule_id"] for f in document["findings"] if f["rule_id"] in HYGIENE] == ["AOV001"]


def test_console_script_reports_the_comment_checks() -> None:
    bad = str(FIXTURES / "AOV002" / "bad.xml")
    result = run_cli("--no-config", "--select", "AOV4,AOV002", bad)
    assert result.returncode == 0, result.stderr  # notes do not reach --fail-on warning
    assert "AOV002 [note] 'AOV403' suppresses nothing in this file" in result.stdout
    # with AOV4 deselected, its suppression is not judged
    result = run_cli("--no-config", "--select", "AOV002", bad)
    assert "AOV403" not in result.stdout and "AOV000" in result.stdout
    result = run_cli("--no-config", "--select", "AOV001", str(FIXTURES / "AOV001" / "bad.xml"))
    assert result.returncode == 1 and "did you mean 'AOV201'?" in result.stdout


def test_comment_checks_are_matched_on_their_own_line_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A finding about a comment sits in the comment block: it is matched on its own line, not
    by walking up the block (2,000 bad directives would cost 2,000 x 2,000 line lookups)."""
    from aovpn_lint.engine import suppress

    block = "".join(f"<!-- aovpn-lint: disable=X{i:04d} -->\n" for i in range(2000))
    source = "<x>\n<!-- aovpn-lint: disable=AOV001 -->\n" + block + "<y/>\n</x>\n"
    calls = 0
    on = suppress.Directives._on

    def counting(self: suppress.Directives, line: int, rule_id: str) -> suppress.Directive | None:
        nonlocal calls
        calls += 1
        return on(self, line, rule_id)

    monkeypatch.setattr(suppress.Directives, "_on", counting)
    found = checked(source)
    assert len([f for f in found if f.rule_id == "AOV001"]) == 2000
    assert all(f.suppression is None for f in found)  # the line above does not silence them
    assert calls <= 2 * len(found)
    same_line = checked("<x>\n<!-- aovpn-lint: disable=X0001,AOV001 -->\n<y/>\n</x>\n")
    assert [f.suppression is not None for f in same_line] == [True]
