"""Rule discovery and registration, in-process: built-in modules, entry points in both forms,
and the refusals that keep a malformed rule from running half-checked.

Entry points are faked at ``importlib.metadata.entry_points`` and their modules placed in
``sys.modules``, so no pack is installed and whatever is installed beside the suite is not seen.
"""

from __future__ import annotations

import importlib.metadata
import pkgutil
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import aovpn_lint.rules
from aovpn_lint.api import Document, DocumentKind, Finding, Location, RuleMeta, Severity, hookimpl
from aovpn_lint.engine import ids
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import DISABLE_AUTOLOAD, RuleSet
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.model.findings import RuleMetaError
from aovpn_lint.model.positions import Source

DOC = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx"


def _rule(
    rule_id: str,
    check: Callable[..., object] | None = None,
    name: str | None = None,
    **meta: object,
) -> types.ModuleType:
    module = types.ModuleType(name or f"acme_{rule_id.lower()}")
    module.__doc__ = DOC
    module.RULE = RuleMeta(
        rule_id, f"test-{rule_id.lower()}", Severity.WARNING, "test rule", DOC, **meta
    )  # type: ignore[arg-type]
    if check is not None:
        module.check = check
    return module


def _noting(rule_id: str) -> Callable[[Document], Iterator[Finding]]:
    def check(document: Document) -> Iterator[Finding]:
        yield Finding(
            rule_id, "x", Severity.NOTE, f"saw {document.kind.value}", Location(document.path, 1, 1)
        )

    return hookimpl(specname="aovpn_lint_check")(check)


@pytest.fixture
def entry_points(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Install fake entry points: each ``name=module`` pair is one line of an entry-point table."""
    monkeypatch.delenv(DISABLE_AUTOLOAD, raising=False)

    def install(**modules: types.ModuleType) -> None:
        points = []
        for name, module in modules.items():
            monkeypatch.setitem(sys.modules, module.__name__, module)
            points.append(importlib.metadata.EntryPoint(name, module.__name__, "aovpn_lint"))
        monkeypatch.setattr(
            importlib.metadata,
            "entry_points",
            lambda group: [p for p in points if p.group == group],
        )

    return install


# --- built-in rules ----------------------------------------------------------------------------
def test_builtin_rules_are_the_aov_modules_of_the_rules_package() -> None:
    expected = sorted(
        info.name
        for info in pkgutil.iter_modules(aovpn_lint.rules.__path__)
        if info.name.startswith("aov")
    )
    rules = RuleSet(load_entry_points=False)
    assert (
        sorted(rule.plugin.__name__.rsplit(".", 1)[-1] for rule in rules.rules.values()) == expected
    )
    assert {rule.origin for rule in rules.rules.values()} == {"builtin"}
    assert list(rules.rules) == sorted(rules.rules)


def test_the_special_ids_are_builtin_rules() -> None:
    rules = RuleSet(load_entry_points=False)
    for rule_id in (
        ids.INTERNAL_ERROR,
        ids.PARSE_ERROR,
    ):
        assert rules.rules[rule_id].origin == "builtin"


def test_the_autoload_switch_skips_entry_points_unless_asked(
    entry_points: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_points(acme=_rule("ACME001", _noting("ACME001")))
    assert "ACME001" in RuleSet().rules
    monkeypatch.setenv(DISABLE_AUTOLOAD, "1")
    assert "ACME001" not in RuleSet().rules
    assert "ACME001" in RuleSet(load_entry_points=True).rules


# --- entry points: a rule, or a pack of rules ----------------------------------------------------
def test_an_entry_point_may_load_one_rule(entry_points: Callable[..., None]) -> None:
    entry_points(acme=_rule("ACME001", _noting("ACME001")))
    rule = RuleSet().rules["ACME001"]
    assert rule.origin == "entry point 'acme = acme_acme001'"
    assert set(rule.impls) == {"aovpn_lint_check"}
    assert rule.meta.doc == DOC, "the module docstring is the rule's documentation"


def test_an_entry_point_may_load_a_pack_of_rules(entry_points: Callable[..., None]) -> None:
    pack = types.ModuleType("acme_pack")
    pack.RULES = [_rule(f"ACME00{i}", _noting(f"ACME00{i}")) for i in (1, 2, 3)]
    entry_points(acme=pack)
    rules = RuleSet()
    assert {rules.rules[f"ACME00{i}"].origin for i in (1, 2, 3)} == {
        "entry point 'acme = acme_pack'"
    }


def _error(entry_points: Callable[..., None], **modules: types.ModuleType) -> str:
    entry_points(**modules)
    with pytest.raises(AovpnLintError) as raised:
        RuleSet()
    return raised.value.message


def test_a_pack_that_fails_to_import_names_its_entry_point(
    entry_points: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda group: [importlib.metadata.EntryPoint("acme", "acme_missing_module", "aovpn_lint")],
    )
    monkeypatch.delenv(DISABLE_AUTOLOAD, raising=False)
    with pytest.raises(AovpnLintError) as raised:
        RuleSet()
    assert raised.value.message == (
        "cannot load rule pack entry point 'acme = acme_missing_module': "
        "ModuleNotFoundError: No module named 'acme_missing_module'"
    )


def test_malformed_packs_are_refused(entry_points: Callable[..., None]) -> None:
    both = _rule("ACME001", _noting("ACME001"))
    both.RULES = []
    assert "has both RULE and RULES" in _error(entry_points, acme=both)
    assert "neither RULE" in _error(entry_points, acme=types.ModuleType("acme_empty"))
    text = types.ModuleType("acme_text")
    text.RULES = "ACME001"
    assert "list the rule modules" in _error(entry_points, acme=text)
    stray = types.ModuleType("acme_stray")
    stray.RULES = [_rule("ACME001"), types.ModuleType("acme_helper")]
    assert "item 2 of RULES (<module 'acme_helper'>) has no RULE" in _error(
        entry_points, acme=stray
    )


def test_rule_ids_must_be_well_formed_and_unique(entry_points: Callable[..., None]) -> None:
    with pytest.raises(RuleMetaError, match="rule 'acme1': the id must be letters"):
        _rule("acme1")  # refused when the rule module is imported
    message = _error(entry_points, acme=_rule("AOV301"))
    assert message == (
        "rule id 'AOV301' from entry point 'acme = acme_aov301' is already used "
        "by builtin; rule ids must be unique"
    )
    message = _error(
        entry_points, one=_rule("ACME001", name="acme_one"), two=_rule("ACME001", name="acme_two")
    )
    assert (
        "'ACME001' from entry point 'two = acme_two' is already used by entry point 'one" in message
    )


# --- what a rule may declare --------------------------------------------------------------------
@pytest.mark.parametrize(
    "option", ["tryfirst", "trylast", "wrapper", "hookwrapper", "optionalhook"]
)
def test_hookimpl_options_the_engine_does_not_honour_are_refused(option: str) -> None:
    def check(document: Document) -> Iterator[Finding]:
        yield from ()

    marked = hookimpl(specname="aovpn_lint_check", **{option: True})(check)
    rules = RuleSet(load_entry_points=False)
    with pytest.raises(AovpnLintError) as raised:
        rules.register(_rule("ACME001", marked), "entry point 'acme = acme_acme001'")
    assert raised.value.message == (
        f"rule ACME001 (entry point 'acme = acme_acme001') marks check() with {option}=True; "
        f"aovpn-lint calls each rule itself; remove {option}=True"
    )


def test_unknown_hooks_duplicate_hooks_and_unknown_arguments_are_refused() -> None:
    rules = RuleSet(load_entry_points=False)
    unknown = hookimpl(specname="aovpn_lint_chek")(lambda document: [])
    with pytest.raises(
        AovpnLintError, match="implements unknown hook 'aovpn_lint_chek'; use aovpn_lint_check"
    ):
        rules.register(_rule("ACME001", unknown), "test")
    twice = _rule("ACME002", _noting("ACME002"))
    twice.check_again = _noting("ACME002")
    with pytest.raises(AovpnLintError, match="implements 'aovpn_lint_check' twice"):
        rules.register(twice, "test")
    asks = hookimpl(specname="aovpn_lint_check")(lambda document, profile: [])
    with pytest.raises(
        AovpnLintError, match=r"rule ACME003 \(test\) does not fit its hook: .*profile"
    ):
        rules.register(_rule("ACME003", asks), "test")


def test_kinds_must_be_a_tuple_of_document_kinds() -> None:
    with pytest.raises(RuleMetaError, match="kinds must be DocumentKind values"):
        _rule("ACME001", _noting("ACME001"), kinds=DocumentKind.PROFILE)
    with pytest.raises(RuleMetaError, match="kinds must be DocumentKind values"):
        _rule("ACME001", _noting("ACME001"), kinds=("powershell",))


# --- kinds decide which documents a rule sees ---------------------------------------------------
@pytest.mark.parametrize(
    "kinds, called_on",
    [
        ((DocumentKind.PROFILE,), ["profilexml"]),
        ((DocumentKind.INVENTORY,), ["inventory"]),
        (
            (DocumentKind.PROFILE, DocumentKind.INTUNE_TEMPLATE),
            ["profilexml", "intune-vpn-template"],
        ),
        ((DocumentKind.SCRIPT,), ["powershell"]),
        ((), ["profilexml", "xml", "intune-vpn-template", "inventory", "powershell"]),
    ],
)
def test_a_rule_is_called_only_on_the_kinds_it_declares(
    kinds: tuple[DocumentKind, ...], called_on: list[str]
) -> None:
    rules = RuleSet(load_entry_points=False)
    rules.register(_rule("ACME001", _noting("ACME001"), kinds=kinds), "test")
    config = Config(select=("ACME001",))
    seen = []
    for kind in ("profilexml", "xml", "intune-vpn-template", "inventory", "powershell"):
        document = Document(f"file.{kind}", DocumentKind(kind), None, Source(f"file.{kind}", ""))
        seen += [f.message for f in rules.check(document, config)]
    assert seen == [f"saw {kind}" for kind in called_on]


def test_rules_registered_after_a_run_take_part_in_the_next(tmp_path: Path) -> None:
    rules = RuleSet(load_entry_points=False)
    config = Config(select=("ACME",))
    document = Document("p.xml", DocumentKind.PROFILE, None, Source("p.xml", ""))
    assert rules.check(document, config) == []
    rules.register(_rule("ACME001", _noting("ACME001")), "test")
    assert [f.rule_id for f in rules.check(document, config)] == ["ACME001"]
