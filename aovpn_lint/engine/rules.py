"""The rule engine: discovers rules (built-in modules and entry-point packs), runs them with
crash isolation and a time budget, and applies configuration (select/ignore, severities).

Pluggy is the registry and the argument checker; the engine calls each implementation itself so
that one crashing rule becomes an AOV000 finding instead of ending the run, and so that a rule
only sees the kinds of document it declares.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import pkgutil
import re
import sys
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy

from aovpn_lint.engine import hookspecs
from aovpn_lint.engine.budget import Budget, RuleTimeout
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.guard import refuse_process_exit
from aovpn_lint.engine.ids import INTERNAL_ERROR
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.model.document import Document, DocumentKind
from aovpn_lint.model.findings import Finding, Related, RuleMeta, Severity
from aovpn_lint.model.positions import Location
from aovpn_lint.sanitize import printable_message

ENTRY_POINT_GROUP = "aovpn_lint"
#: Set (non-empty) to run without third-party packs, as pytest's PYTEST_DISABLE_PLUGIN_AUTOLOAD:
#: the way out when a broken pack stops every run, and how a test suite stays hermetic.
DISABLE_AUTOLOAD = "AOVPN_LINT_DISABLE_PLUGIN_AUTOLOAD"
_BUILTIN = "builtin"
_DOCUMENT_HOOK = "aovpn_lint_check"
_PROJECT_HOOK = "aovpn_lint_check_project"
_RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,9}\d{3}$")
#: Hookimpl options that only make sense when pluggy calls the implementations in turn.
_UNHONOURED_OPTIONS = ("wrapper", "hookwrapper", "tryfirst", "trylast", "optionalhook")


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its metadata, the object it came from and its hook implementations.

    ``origin`` is "builtin" or the entry point the rule came from, for messages that must tell
    the user which pack to fix.
    """

    meta: RuleMeta
    plugin: object
    origin: str
    impls: Mapping[str, pluggy.HookImpl]

    def applies_to(self, kind: str) -> bool:
        """Whether the rule checks documents of ``kind``; a rule declaring no kinds sees all."""
        return not self.meta.kinds or kind in self.meta.kinds


class RuleSet:
    """All rules known to this run, keyed by id, in id order.

    Built-in rules are the ``aov*`` modules of the ``aovpn_lint.rules`` package. Third-party
    packs declare entry points in the ``aovpn_lint`` group; one entry point may load

    (a) a rule: a module (or any object) with ``RULE = RuleMeta(...)`` and a hook implementation
        marked with ``aovpn_lint.api.hookimpl``, or
    (b) a pack: a module (or object) with ``RULES``, an iterable of such rules, so a pack can
        expose many rules from one entry point (a package lists its rule modules in
        ``RULES`` in its ``__init__``).

    A pack that cannot be loaded, or whose rules are malformed (no ``RULE``, a bad or duplicate
    id, an unknown hook, a hook option the engine does not honour) stops the run with an
    :class:`AovpnLintError` naming the entry point: a half-loaded rule set would silently check
    less than the user asked for.

    ``load_entry_points`` None (the default) loads the packs unless the environment sets
    :data:`DISABLE_AUTOLOAD`; True or False decides regardless of it.

    Per-document rules are called only on documents whose ``kind`` is in ``RULE.kinds`` (an
    empty ``kinds`` means every kind); cross-file rules see every retained document.
    """

    def __init__(self, load_entry_points: bool | None = None) -> None:
        if load_entry_points is None:
            load_entry_points = not os.environ.get(DISABLE_AUTOLOAD)
        self.pm = pluggy.PluginManager("aovpn_lint")
        self.pm.add_hookspecs(hookspecs)
        self.rules: dict[str, Rule] = {}
        self._plan_config: Config | None = None
        self._plans: dict[tuple[str, str | None], tuple[Rule, ...]] = {}
        for module in _builtin_rule_modules():
            self.register(module, _BUILTIN)
        if load_entry_points:
            for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                origin = _describe(entry_point)
                for plugin in _rules_from(entry_point, origin):
                    self.register(plugin, origin)
        self._check_pending()
        self.rules = dict(sorted(self.rules.items()))

    # --- discovery -------------------------------------------------------------------------
    def register(self, plugin: object, origin: str) -> Rule:
        """Check and register one rule; ``origin`` says where it came from, for messages."""
        meta = self._checked_meta(plugin, origin)
        hooks = self._checked_hooks(plugin, meta, origin)
        try:
            self.pm.register(plugin, name=meta.id)
        except pluggy.PluginValidationError as exc:  # e.g. asks for an argument no hook passes
            raise AovpnLintError(
                f"rule {meta.id} ({origin}) does not fit its hook: {_one_line(exc)}"
            ) from exc
        impls = {
            hook: impl
            for hook in hooks
            for impl in getattr(self.pm.hook, hook).get_hookimpls()
            if impl.plugin is plugin
        }
        rule = Rule(meta, plugin, origin, impls)
        self.rules[meta.id] = rule
        self._plans.clear()  # a rule registered after a run was planned must take part
        return rule

    def _checked_meta(self, plugin: object, origin: str) -> RuleMeta:
        """The rule's metadata, with its docs taken from the module docstring when not given."""
        meta = getattr(plugin, "RULE", None)
        name = getattr(plugin, "__name__", repr(plugin))
        if not isinstance(meta, RuleMeta):
            raise AovpnLintError(f"rule plugin '{name}' ({origin}) has no RULE = RuleMeta(...)")
        if not isinstance(meta.id, str) or not _RULE_ID.match(meta.id):
            raise AovpnLintError(
                f"rule plugin '{name}' ({origin}) has an invalid id '{meta.id}'; "
                "use letters followed by three digits, e.g. ACME001"
            )
        if meta.id in self.rules:
            other = self.rules[meta.id].origin
            raise AovpnLintError(
                f"rule id '{meta.id}' from {origin} is already used by {other}; "
                "rule ids must be unique"
            )
        if not isinstance(meta.kinds, tuple) or not all(isinstance(k, str) for k in meta.kinds):
            raise AovpnLintError(
                f"rule {meta.id} ({origin}) has kinds={meta.kinds!r}; "
                "use a tuple of DocumentKind, or () for every kind of document"
            )
        return meta

    def _checked_hooks(self, plugin: object, meta: RuleMeta, origin: str) -> list[str]:
        """The hooks ``plugin`` implements, refusing what the engine would not honour.

        The engine calls each rule itself, one after the other, so pluggy's call-order and
        wrapper options would be silently ignored; an unknown hook would never be called.
        """
        hooks: list[str] = []
        for attribute in dir(plugin):
            opts = self.pm.parse_hookimpl_opts(plugin, attribute)
            if opts is None:
                continue
            for option in _UNHONOURED_OPTIONS:
                if opts.get(option):
                    raise AovpnLintError(
                        f"rule {meta.id} ({origin}) marks {attribute}() with {option}=True; "
                        f"aovpn-lint calls each rule itself; remove {option}=True"
                    )
            hook = opts.get("specname") or attribute
            caller = getattr(self.pm.hook, hook, None)
            if caller is None or not caller.has_spec():
                raise AovpnLintError(
                    f"rule {meta.id} ({origin}) implements unknown hook '{hook}'; "
                    f"use {_DOCUMENT_HOOK} or {_PROJECT_HOOK}"
                )
            if hook in hooks:
                raise AovpnLintError(
                    f"rule {meta.id} ({origin}) implements '{hook}' twice; "
                    "one rule has one implementation of each hook"
                )
            hooks.append(hook)
        return hooks

    def _check_pending(self) -> None:
        """Pluggy's own last check that every implementation matches a spec."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise AovpnLintError(
                f"a rule plugin does not fit aovpn-lint: {_one_line(exc)}"
            ) from exc

    # --- queries ---------------------------------------------------------------------------
    def meta(self, rule_id: str) -> RuleMeta:
        return self.rules[rule_id].meta

    def __iter__(self) -> Iterator[RuleMeta]:
        return (rule.meta for rule in self.rules.values())

    def code_files(self) -> list[str]:
        """The source files a result cache must watch, besides the configuration, to know that
        a rule may now decide otherwise: every module that defines a rule or its check, and all
        the modules of the packages they belong to (the helpers a rule imports)."""
        modules: set[str] = set()
        for rule in self.rules.values():
            modules.add(getattr(rule.plugin, "__name__", ""))
            for impl in rule.impls.values():
                modules.add(getattr(impl.function, "__module__", "") or "")
        files: set[str] = set()
        packages = {name.partition(".")[0] for name in modules if name}
        for name in modules | packages | {__name__.partition(".")[0]}:
            path = getattr(sys.modules.get(name), "__file__", None)
            if not path:
                continue
            if os.path.basename(path) == "__init__.py":  # a package: all its modules
                files.update(_python_files(os.path.dirname(path)))
            else:
                files.add(path)
        return sorted(files)

    def has_project_rules(self, config: Config) -> bool:
        return bool(self._plan(_PROJECT_HOOK, config, None))

    # --- running ---------------------------------------------------------------------------
    def check(self, document: Document, config: Config) -> list[Finding]:
        """Run every enabled per-document rule that checks this kind of document."""
        rules = self._plan(_DOCUMENT_HOOK, config, document.kind)
        if rules:
            # the views several rules share are built here, outside every rule's time budget
            document.build_views()
        arguments = {"document": document, "config": config}
        return self._run(rules, _DOCUMENT_HOOK, arguments, config, document.path)

    def check_project(self, documents: Sequence[Document], config: Config) -> list[Finding]:
        """Run every enabled cross-file rule once over all retained documents."""
        rules = self._plan(_PROJECT_HOOK, config, None)
        arguments = {"documents": documents, "config": config}
        return self._run(rules, _PROJECT_HOOK, arguments, config, None)

    def _plan(self, hook: str, config: Config, kind: DocumentKind | None) -> tuple[Rule, ...]:
        """The enabled rules implementing ``hook`` for documents of ``kind`` (None: any).

        A run lints many documents with one configuration, so the choice is made once per
        configuration, hook and kind rather than once per document.
        """
        if self._plan_config is not config:
            self._plans.clear()
            self._plan_config = config
        key = (hook, kind)
        if key not in self._plans:
            self._plans[key] = tuple(
                rule
                for rule in self.rules.values()
                if hook in rule.impls
                and config.is_enabled(rule.meta.id)
                and (kind is None or rule.applies_to(kind))
            )
        return self._plans[key]

    def _run(
        self,
        rules: Iterable[Rule],
        hook: str,
        arguments: Mapping[str, object],
        config: Config,
        path: str | None,
    ) -> list[Finding]:
        findings: list[Finding] = []
        with Budget(config.rule_timeout) as budget, refuse_process_exit():
            for rule in rules:
                findings.extend(self._call(rule, hook, arguments, budget, path))
        return findings

    def _call(
        self,
        rule: Rule,
        hook: str,
        arguments: Mapping[str, object],
        budget: Budget,
        path: str | None,
    ) -> list[Finding]:
        """One rule's findings, or the AOV000 finding that says why there are none.

        Pluggy passes arguments by name, so each implementation gets only those it asks for.
        """
        impl = rule.impls[hook]
        try:
            budget.start()
            try:
                findings = _collect(
                    impl.function(*[arguments[name] for name in impl.argnames]), rule.meta
                )
            finally:
                budget.stop()
        except RuleTimeout:  # hung: stopped inside the rule, reported once
            budget.rearm()
            return [self._timeout_finding(rule.meta, path, budget.seconds, stopped=True)]
        except (Exception, SystemExit) as exc:  # isolate: report the crash, keep linting
            return [self._crash_finding(rule.meta, path, exc)]
        overran = budget.overran()
        if overran is not None:  # could not be interrupted here: keep its findings, report it
            findings.append(self._timeout_finding(rule.meta, path, overran, stopped=False))
        return findings

    def _timeout_finding(
        self, meta: RuleMeta, path: str | None, seconds: float, stopped: bool
    ) -> Finding:
        if stopped:
            what = f"ran past its {seconds:g}-second budget on this file and was stopped"
        else:
            what = f"took {seconds:.1f} seconds on this file, over its budget"
        return self._internal_finding(
            meta,
            path,
            (
                f"rule {meta.id} ({meta.name}) {what}; the other rules still ran. Raise "
                "--rule-timeout if the file is legitimately huge, otherwise report this with "
                "the file"
            ),
        )

    def _crash_finding(self, meta: RuleMeta, path: str | None, exc: BaseException) -> Finding:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
        return self._internal_finding(
            meta,
            path,
            (
                f"rule {meta.id} ({meta.name}) crashed on this file: "
                f"{type(exc).__name__}: {exc}{where}; "
                "the other rules still ran. Please report this with the file that triggers it"
            ),
        )

    def internal_error(self, path: str, message: str) -> Finding:
        """An AOV000 finding about the run itself rather than a rule (``subject`` None): a
        worker process that died, a stage of the pipeline that crashed on this file."""
        loc = Location(path, 1, 1, 1, 1)
        return self.meta(INTERNAL_ERROR).finding(loc, printable_message(message))

    def _internal_finding(self, meta: RuleMeta, path: str | None, message: str) -> Finding:
        """An AOV000 finding about ``meta``'s rule: its id is the finding's ``subject``, so a
        reporter need not read it back out of the message."""
        loc = Location(path or "<project>", 1, 1, 1, 1)
        finding = self.meta(INTERNAL_ERROR).finding(loc, printable_message(message))
        return finding.replace(subject=meta.id)


# --- discovery helpers -----------------------------------------------------------------------
def _builtin_rule_modules() -> list[ModuleType]:
    """The ``aov*`` modules of the rules package, in name order."""
    # imported by name: the package is ``rules/`` installed as ``aovpn_lint.rules`` (package-dir),
    # a mapping mypy cannot follow from the source tree
    package = importlib.import_module("aovpn_lint.rules")
    names = sorted(
        info.name for info in pkgutil.iter_modules(package.__path__) if info.name.startswith("aov")
    )
    return [importlib.import_module(f"aovpn_lint.rules.{name}") for name in names]


def _describe(entry_point: importlib.metadata.EntryPoint) -> str:
    """How messages name an entry point: its line in the pack's metadata, and the pack."""
    where = f"entry point '{entry_point.name} = {entry_point.value}'"
    dist = getattr(entry_point, "dist", None)
    if dist is not None:
        where += f" of {dist.name} {dist.version}"
    return where


def _rules_from(entry_point: importlib.metadata.EntryPoint, origin: str) -> list[object]:
    """The rules an entry point exposes: the object it loads (a RULE) or its RULES."""
    try:
        loaded = entry_point.load()
    except (Exception, SystemExit) as exc:  # the pack's import failed: say which pack
        raise AovpnLintError(
            f"cannot load rule pack {origin}: {type(exc).__name__}: {exc}"
        ) from exc
    has_rule, has_rules = hasattr(loaded, "RULE"), hasattr(loaded, "RULES")
    if has_rule and has_rules:
        raise AovpnLintError(f"rule pack {origin} has both RULE and RULES; keep one")
    if has_rule:
        return [loaded]
    if not has_rules:
        raise AovpnLintError(
            f"rule pack {origin} has neither RULE = RuleMeta(...) nor RULES = [rule modules]"
        )
    listed: Any = loaded.RULES
    if isinstance(listed, (str, bytes)) or not isinstance(listed, Iterable):
        raise AovpnLintError(
            f"rule pack {origin} has RULES = {listed!r}; list the rule modules or objects"
        )
    rules = list(listed)
    for position, rule in enumerate(rules, 1):
        if not hasattr(rule, "RULE"):
            raise AovpnLintError(
                f"rule pack {origin}: item {position} of RULES ({rule!r}) has no RULE"
            )
    return rules


def _one_line(exc: BaseException) -> str:
    """Pluggy's multi-line validation message as one line, for an error on the terminal."""
    return " ".join(str(exc).split())


# --- checking what a rule produced -----------------------------------------------------------
def _collect(result: object, meta: RuleMeta) -> list[Finding]:
    """Materialise a rule's output (None, or an iterable of findings) and check it.

    Raising here makes the whole output of the rule one AOV000: a rule that produced garbage
    once may have produced wrong findings too.
    """
    if result is None:
        return []
    if not isinstance(result, Iterable):
        raise TypeError(f"returned {type(result).__name__} instead of findings")
    return [_checked_finding(item, meta) for item in result]


def _checked_finding(item: object, meta: RuleMeta) -> Finding:
    if not isinstance(item, Finding):
        raise TypeError(f"yielded {type(item).__name__} instead of a Finding")
    if not _valid_location(item.loc):
        raise ValueError(f"yielded a finding without a valid location: {item.loc!r}")
    if not isinstance(item.message, str) or not isinstance(item.severity, Severity):
        raise TypeError("yielded a finding whose message is not text or severity not a Severity")
    if not isinstance(item.related, tuple) or not all(
        isinstance(r, Related) and _valid_location(r.loc) and isinstance(r.message, str)
        for r in item.related
    ):
        raise TypeError("yielded a finding whose related locations are not Related objects")
    if item.suppression is not None:
        raise ValueError("yielded a finding that is already suppressed; rules must not suppress")
    # the finding carries the id the rule was registered with; values from hostile files
    # reach terminals, so messages are made printable
    return item.replace(
        rule_id=meta.id,
        rule_name=meta.name,
        message=printable_message(item.message),
        related=tuple(Related(r.loc, printable_message(r.message)) for r in item.related),
    )


def _valid_location(loc: object) -> bool:
    return (
        isinstance(loc, Location)
        and isinstance(loc.path, str)
        and type(loc.line) is int
        and type(loc.col) is int
        and type(loc.end_line) is int
        and type(loc.end_col) is int
        and loc.line >= 1
        and loc.col >= 1
    )


# --- configuration ---------------------------------------------------------------------------
def apply_config(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """Drop disabled rules and apply severity overrides (AOV000/AOV100 always stay)."""
    result = []
    for finding in findings:
        if not config.is_enabled(finding.rule_id):
            continue
        severity = config.severity_of(finding.rule_id, finding.severity)
        if severity is not finding.severity:
            finding = finding.replace(severity=severity)
        result.append(finding)
    return result


def _python_files(directory: str, limit: int = 5000) -> list[str]:
    """The .py files below ``directory`` (at most ``limit``: a cache key, not an inventory)."""
    found: list[str] = []
    stack = [directory]
    while stack and len(found) < limit:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py"):
                found.append(entry.path)
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
    return found[:limit]
