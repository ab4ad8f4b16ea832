"""Every rule fires exactly on the lines marked in its bad fixture and never on its good one.

Fixtures live in tests/fixtures/<RULE_ID>/ as good.* and bad.*; a bad file marks each expected
finding on its line with ``<!-- expect: AOV301 -->`` (or ``# expect: AOV301``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aovpn_lint.engine.rules import RuleSet
from helpers import FIXTURES, ROOT, lint_path

_EXPECT = re.compile(r"expect:\s*([A-Z]+\d{3}(?:\s*,\s*[A-Z]+\d{3})*)")
_RULESET = RuleSet(load_entry_points=False)
#: Engine rules with no fixture pair: AOV000 is exercised by the crash-isolation tests.
_NO_FIXTURES = {"AOV000"}
#: Cross-file rules need several files: test_project_rules.py covers them with multi-file fixtures.
_PROJECT = {rid for rid, rule in _RULESET.rules.items() if "aovpn_lint_check_project" in rule.impls}
#: Rules that run only with a configuration setting: their own tests lint their fixtures with it
#: (AOV107 needs target-windows: test_target_windows.py).
_CONFIGURED = {"AOV107"}
RULE_IDS = [meta.id for meta in _RULESET if meta.id not in _NO_FIXTURES | _PROJECT | _CONFIGURED]


def _fixture(rule_id: str, kind: str) -> list[Path]:
    return sorted((FIXTURES / rule_id).glob(f"{kind}*.*"))


def _expected(path: Path, rule_id: str) -> set[tuple[int, str]]:
    expected = set()
    text = path.read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _EXPECT.finditer(line):
            for rid in match.group(1).split(","):
                if rid.strip() == rule_id:
                    expected.add((number, rule_id))
    return expected


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_fixture_pair_exists(rule_id: str) -> None:
    assert _fixture(rule_id, "good"), f"tests/fixtures/{rule_id}/good.* is missing"
    assert _fixture(rule_id, "bad"), f"tests/fixtures/{rule_id}/bad.* is missing"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_bad_fixture_fires_exactly_on_marked_lines(rule_id: str) -> None:
    for path in _fixture(rule_id, "bad"):
        expected = _expected(path, rule_id)
        assert expected, f"{path} marks no '<!-- expect: {rule_id} -->' line"
        found = {(f.loc.line, f.rule_id) for f in lint_path(path, _RULESET) if f.rule_id == rule_id}
        assert found == expected, f"{path.name}: found {sorted(found)}, expected {sorted(expected)}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_good_fixture_is_clean_for_the_rule(rule_id: str) -> None:
    for path in _fixture(rule_id, "good"):
        findings = [
            f for f in lint_path(path, _RULESET) if f.rule_id in (rule_id, "AOV000", "AOV100")
        ]
        assert findings == [], f"{path}: {findings}"


@pytest.mark.parametrize("rule_id", [m.id for m in _RULESET])
def test_rule_metadata(rule_id: str) -> None:
    meta = _RULESET.meta(rule_id)
    assert re.fullmatch(r"AOV\d{3}", meta.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta.name)
    assert meta.help_uri.startswith("https://")
    assert meta.short and not meta.short.endswith(".")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in meta.doc, f"{rule_id} docstring lacks '{heading}'"
    if meta.documented:
        assert meta.sources, f"{rule_id} is marked documented but cites no source"
    module = _RULESET.rules[rule_id].plugin
    expected_file = f"{meta.id.lower()}_{meta.name.replace('-', '_')}.py"
    assert Path(module.__file__).name == expected_file  # type: ignore[attr-defined]


def test_rule_files_match_registered_rules() -> None:
    files = {p.stem for p in (ROOT / "rules").glob("aov*.py")}
    registered = {Path(r.plugin.__file__).stem for r in _RULESET.rules.values()}  # type: ignore[attr-defined]
    assert files == registered


#: Catalogue ids with no rule yet: each is open work. The list must only shrink: the test fails
#: when one of them gets a rule (take it off the list) or the catalogue gains an id not here.
PENDING: frozenset[str] = frozenset()


def test_catalogue_ids_are_implemented() -> None:
    catalogue = ROOT.parent / "shared" / "RULES.md"
    if not catalogue.exists():
        pytest.skip("the shared catalogue is not available here")
    ids = set(re.findall(r"^\| (AOV\d{3}) \|", catalogue.read_text(encoding="utf-8"), re.M))
    implemented = {m.id for m in _RULESET}
    missing = ids - implemented
    assert missing <= PENDING, (
        f"catalogue rules without an implementation: {sorted(missing - PENDING)}"
    )
    assert not PENDING & implemented, (
        f"implemented, take off PENDING: {sorted(PENDING & implemented)}"
    )
