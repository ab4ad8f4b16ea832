"""Every fix's before/after fixtures (tests/fixtures/fixes/README.md): fixing gives the
``.after`` bytes, fixing those again changes nothing, and a blocked fix writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.fix.apply import fix_data
from aovpn_lint.linter import lint_data
from aovpn_lint.load.dispatch import format_for
from aovpn_lint.model.findings import Finding
from helpers import FIXTURES

FIXES = FIXTURES / "fixes"
RULES = RuleSet()


def _cases() -> list[Path]:
    return sorted(p for p in FIXES.glob("*/*.before.*"))


def _after(before: Path) -> Path:
    return before.with_name(before.name.replace(".before.", ".after."))


def _yaml_value(data: bytes) -> str:
    from ruamel.yaml import YAML

    value = YAML(typ="safe").load(data.decode("utf-8"))["omaSettings"][0]["value"]
    assert isinstance(value, str)
    return value


def fix_file_bytes(data: bytes, name: str, rule: str, unsafe: bool) -> tuple[bytes, list[Finding]]:
    path = FIXES / rule / name
    config = Config().replace(select=(rule, *_also(path)))
    fmt = format_for(name, explicit=True)

    def lint(content: bytes) -> list[Finding]:
        return lint_data(content, name, fmt, RULES, config)

    outcome = fix_data(data, lint, unsafe)
    return outcome.data, lint(outcome.data)


def _also(path: Path) -> tuple[str, ...]:
    extra = path.parent / "select"
    return tuple(extra.read_text(encoding="utf-8").split()) if extra.exists() else ()


def fix_file(path: Path, rule: str, unsafe: bool) -> tuple[bytes, list[Finding]]:
    """The fixed bytes of ``path`` with only ``rule`` selected (and the ids a ``select`` file
    beside it lists: AOV002 judges a suppression only when the rule it names ran), and the
    findings left."""
    extra = path.parent / "select"
    also = tuple(extra.read_text(encoding="utf-8").split()) if extra.exists() else ()
    config = Config().replace(select=(rule, *also))
    name = path.name
    fmt = format_for(name, explicit=True)

    def lint(content: bytes) -> list[Finding]:
        return lint_data(content, name, fmt, RULES, config)

    outcome = fix_data(path.read_bytes(), lint, unsafe)
    return outcome.data, lint(outcome.data)


@pytest.mark.parametrize("before", _cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_fixture(before: Path) -> None:
    rule = before.parent.name
    case = before.name.split(".")[0]
    unsafe = case.startswith("unsafe")
    original = before.read_bytes()
    fixed, left = fix_file(before, rule, unsafe)
    if case.startswith("blocked"):
        assert fixed == original
        reasons = [f.fix.blocked for f in left if f.rule_id == rule and f.fix is not None]
        assert reasons and all(r and r.startswith("not fixable here: ") for r in reasons)
        return
    after = _after(before)
    if not after.exists():  # a carrier whose writer re-wraps the value (see the README)
        profile = before.with_name(case.rsplit("-", 1)[0] + ".after.xml").read_text("utf-8")
        assert _yaml_value(fixed) == profile, f"fixing {before.name} does not give {profile}"
        assert fixed != original
        again, _left = fix_file_bytes(fixed, before.name, rule, unsafe)
        assert again == fixed, "fixing twice differs from fixing once"
        return
    assert fixed == after.read_bytes(), f"fixing {before.name} does not give {after.name}"
    assert fixed != original, "the fixture has nothing to fix"
    again, _left = fix_file(after, rule, unsafe)
    assert again == fixed, "fixing twice differs from fixing once"
    assert not [f for f in left if f.rule_id == rule and f.fix is not None and f.fix.applicable]


def test_every_fixable_rule_has_fixtures() -> None:
    have = {p.parent.name for p in _cases()}
    fixable = {m.id for m in RULES if m.fixable.value != "none" and m.id.startswith("AOV")}
    assert fixable <= have, f"fixable rules without fix fixtures: {sorted(fixable - have)}"


def test_every_before_has_an_after() -> None:
    for before in _cases():
        case = before.name.split(".")[0]
        if not case.startswith("blocked") and not case.endswith("-yaml"):
            assert _after(before).exists(), f"{before} has no .after file"


def test_fixable_rules_say_so_in_their_docs() -> None:
    for meta in RULES:
        if not meta.id.startswith("AOV"):
            continue
        doc = meta.doc.lower()
        says = "fix (safe" in doc or "fix (unsafe" in doc or "fix: " in doc
        assert says == (meta.fixable.value != "none"), f"{meta.id}: docs and fixable disagree"
