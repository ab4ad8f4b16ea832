"""Cross-file rules on fixture folders: each folder is linted as one run.

``tests/fixtures/<RULE_ID>/bad/`` holds files that together trigger the rule: every line marked
``expect: AOV505`` (``<!-- ... -->`` in XML, ``# ...`` in YAML) carries exactly one finding of
that rule, and every line marked ``related: AOV505`` is exactly the set of related locations
those findings point at. ``good/`` holds a valid set of files: no finding of the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import lint_file, lint_project
from aovpn_lint.model.findings import Finding
from aovpn_lint.read import discover
from helpers import FIXTURES

RULES = RuleSet(load_entry_points=False)
PROJECT_RULES = sorted(
    rid for rid, rule in RULES.rules.items() if "aovpn_lint_check_project" in rule.impls
)
_MARK = re.compile(r"\b(expect|related):\s*([A-Z]+\d{3}(?:\s*,\s*[A-Z]+\d{3})*)")


def folders(kind: str) -> list[Path]:
    return [FIXTURES / rid / kind for rid in PROJECT_RULES if (FIXTURES / rid / kind).is_dir()]


def lint_folder(folder: Path, rule_id: str) -> list[Finding]:
    """Lint every file of ``folder`` as one run with only ``rule_id`` on. Every document is kept
    for the cross-file rules: which ones a run retains is the linter's policy, tested apart."""
    config = Config(select=(rule_id,))
    documents = []
    for target in discover([str(folder)], config):
        documents.extend(lint_file(target, RULES, config, keep=True).documents)
    return [f for f in lint_project(documents, RULES, config) if f.rule_id == rule_id]


def markers(folder: Path, rule_id: str) -> dict[str, set[tuple[str, int]]]:
    found: dict[str, set[tuple[str, int]]] = {"expect": set(), "related": set()}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _MARK.finditer(line):
                if rule_id in {rid.strip() for rid in match.group(2).split(",")}:
                    found[match.group(1)].add((path.relative_to(folder).as_posix(), number))
    return found


def where(folder: Path, path: str, line: int) -> tuple[str, int]:
    return Path(path).resolve().relative_to(folder.resolve()).as_posix(), line


@pytest.mark.parametrize("folder", folders("bad"), ids=lambda p: p.parent.name)
def test_bad_folder_fires_exactly_on_marked_lines(folder: Path) -> None:
    rule_id = folder.parent.name
    expected = markers(folder, rule_id)
    assert expected["expect"], f"{folder} marks no 'expect: {rule_id}' line"
    findings = lint_folder(folder, rule_id)
    found = {where(folder, f.loc.path, f.loc.line) for f in findings}
    assert sorted(found) == sorted(expected["expect"])
    assert len(findings) == len(found), "more than one finding on a marked line"
    related = {where(folder, r.loc.path, r.loc.line) for f in findings for r in f.related}
    assert sorted(related) == sorted(expected["related"])


@pytest.mark.parametrize("folder", folders("good"), ids=lambda p: p.parent.name)
def test_good_folder_is_clean_for_the_rule(folder: Path) -> None:
    assert lint_folder(folder, folder.parent.name) == []


@pytest.mark.parametrize("rule_id", [r for r in ("AOV505", "AOV506", "AOV507") if r in RULES.rules])
def test_deployed_together_findings_point_into_the_other_profile(rule_id: str) -> None:
    folder = FIXTURES / rule_id / "bad"
    findings = lint_folder(folder, rule_id)
    assert findings
    for finding in findings:
        assert finding.related
        assert all(r.loc.path != finding.loc.path for r in finding.related)


def test_overlapping_pools_are_grouped_per_pool(tmp_path: Path) -> None:
    """Thirty servers with the same pool: one finding per pool after the first (not one per
    pair), each with a bounded list of related locations."""
    servers = "".join(
        f"  - name: rras{i:02}\n    public-fqdn: vpn.example.com\n    client-pool: 10.99.0.0/24\n"
        for i in range(30)
    )
    (tmp_path / "aovpn-inventory.yaml").write_text(f"servers:\n{servers}", encoding="utf-8")
    findings = lint_folder(tmp_path, "AOV501")
    assert len(findings) == 29
    assert all(0 < len(f.related) <= 20 for f in findings)
    assert "29 pools" in findings[-1].message and "and 26 more" in findings[-1].message


@pytest.mark.parametrize("rule_id", PROJECT_RULES)
def test_every_cross_file_rule_has_a_bad_and_a_good_folder(rule_id: str) -> None:
    for kind in ("bad", "good"):
        folder = FIXTURES / rule_id / kind
        assert folder.is_dir() and any(folder.iterdir()), f"tests/fixtures/{rule_id}/{kind}/"
