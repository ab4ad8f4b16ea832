"""In-source suppression comments: where they apply, what they record, what they cannot hide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aovpn_lint.cli import main
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.suppress import Directives, Syntax, apply_suppressions, comment_spans
from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.model.positions import Location
from helpers import WARNINGS_PROFILE, WARNINGS_SELECT, select_args

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
