"""The real public profiles: no crash, no internal error, no parse error on well-formed XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from aovpn_lint.engine.rules import RuleSet
from helpers import CORPUS, lint_path

if not CORPUS.is_dir():
    pytest.skip("the real corpus is not available here", allow_module_level=True)

FILES = sorted(CORPUS.rglob("*.xml"))
_RULES = RuleSet(load_entry_points=False)


def _well_formed(path: Path) -> bool:
    try:
        etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return True


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_real_profile_lints_cleanly(path: Path) -> None:
    findings = lint_path(path, _RULES)
    assert not [f for f in findings if f.rule_id == "AOV000"], findings
    for finding in findings:
        assert finding.loc.line >= 1 and finding.loc.col >= 1
    if _well_formed(path):
        assert not [f for f in findings if f.rule_id == "AOV100"], findings
        # Real, working profiles use Windows 11 elements and EAP blobs: no schema false positives.
        assert not [f for f in findings if f.rule_id in ("AOV101", "AOV102", "AOV103", "AOV105")], (
            findings
        )
    else:
        assert [f.rule_id for f in findings] == ["AOV100"]


def test_corpus_is_not_empty() -> None:
    assert len(FILES) >= 10
