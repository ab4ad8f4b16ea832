"""The rule engine: discovers rules (built-in modules and entry-point packs), runs them with
crash isolation, and applies configuration (select/ignore, severities).

Pluggy is the registry and the argument checker; the engine calls each implementation itself so
that one crashing rule becomes an AOV000 finding instead of ending the run.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

import pluggy

from aovpn_lint.engine import hookspecs
from aovpn_lint.engine.budget import Budget, RuleTimeout
from aovpn_lint.engine.config import Config
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.model.document import Document, DocumentKind
from aovpn_lint.model.findings import Finding, Related, RuleMeta, Severity
from aovpn_lint.model.positions import Location
from aovpn_lint.sanitize import printable_message

ENTRY_POINT_GROUP = "aovpn_lint"
_RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,9}\d{3}$")
_HOOKS = ("aovpn_lint_check", "aovpn_lint_check_project")


class _PluginManager(pluggy.PluginManager):
    """Pluggy's manager, with a fast path for module plugins when it looks for hook functions.

    Pluggy inspects every attribute of a plugin with ``inspect.getattr_static``; for a module,
    a plain dictionary lookup gives the same answer at a fraction of the start-up cost.
    """

    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        if isinstance(plugin, ModuleType):
            method = plugin.__dict__.get(name)
            if not callable(method) or not hasattr(method, self.project_name + "_impl"):
                return None
        return super().parse_hookimpl_opts(plugin, name)  # type: ignore[arg-type, unused-ignore]


_GROUP_HEADER = re.compile(rb"^\s*\[\s*" + re.escape(ENTRY_POINT_GROUP.encode()) + rb"\s*\]", re.M)


def _may_have_entry_points() -> bool:
    """Whether any distribution on the import path declares the rule-plugin entry-point group.

    A cheap, conservative look at ``*.dist-info/entry_points.txt`` (and ``*.egg-info``) on
    ``sys.path``: anything it cannot rule out (a zip on the path, an unusual distribution
    finder) answers True, and the caller then asks ``importlib.metadata`` as usual.
    """
    import os
    import sys
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder
           for finder in sys.meta_path):
        return True
    for entry in sys.path:
        directory = entry or "."
        try:
            with os.scandir(directory) as scan:
                names = [e.name for e in scan if e.name.endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True  # a zip archive: let importlib.metadata look inside
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), "rb") as handle:
                    if _GROUP_HEADER.search(handle.read()):
                        return True
            except OSError:
                continue
    return False


class Rule:
    """A registered rule: its metadata and the hook implementations it provides.

    ``origin`` is "builtin" or the entry point / distribution the rule came from.
    """

    __slots__ = ("meta", "plugin", "origin", "impls")

    def __init__(self, meta: RuleMeta, plugin: object, origin: str,
                 impls: dict[str, pluggy.HookImpl] | None = None) -> None:
        self.meta = meta
        self.plugin = plugin
        self.origin = origin
        self.impls: dict[str, pluggy.HookImpl] = {} if impls is None else impls


class RuleSet:
    """All rules known to this run, keyed by id, in catalogue order."""

    def __init__(self, load_entry_points: bool = True) -> None:
        self.pm = _PluginManager("aovpn_lint")
        self.pm.add_hookspecs(hookspecs)
        self.rules: dict[str, Rule] = {}
        self._plans: dict[tuple[str, int], tuple[Config, list[tuple[Rule, Any, tuple[str, ...]]]]] = {}
        for module in _builtin_rule_modules():
            self.register(module, "builtin")
        if load_entry_points:
            self._load_entry_points()
        self.pm.check_pending()
        self._collect_impls()
        self.rules = dict(sorted(self.rules.items()))

    # --- discovery -------------------------------------------------------------------------
    def register(self, plugin: object, origin: str) -> None:
        meta = getattr(plugin, "RULE", None)
        name = getattr(plugin, "__name__", repr(plugin))
        if not isinstance(meta, RuleMeta):
            raise AovpnLintError(f"rule plugin '{name}' ({origin}) has no RULE = RuleMeta(...)")
        if not _RULE_ID.match(meta.id):
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
        self.pm.register(plugin, name=meta.id)
        self.rules[meta.id] = Rule(meta, plugin, origin)

    def _load_entry_points(self) -> None:
        if not _may_have_entry_points():
            return  # nothing declares the group: skip importing importlib.metadata (~40 ms)
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            origin = f"entry point '{ep.name}' ({ep.value})"
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken third-party pack must not hide the others
                raise AovpnLintError(f"cannot load rule plugin {origin}: {exc}") from exc
            self.register(plugin, origin)

    def _collect_impls(self) -> None:
        for hook_name in _HOOKS:
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                self.rules[impl.plugin_name].impls[hook_name] = impl

    # --- queries ---------------------------------------------------------------------------
    def meta(self, rule_id: str) -> RuleMeta:
        return self.rules[rule_id].meta

    def __iter__(self) -> Iterator[RuleMeta]:
        return (rule.meta for rule in self.rules.values())

    def code_files(self) -> list[str]:
        """The source files a result cache must watch, besides the configuration, to know that
        a rule may now decide otherwise: every module that defines a rule or its check, and all
        the modules of the packages they belong to (the helpers a rule imports)."""
        import sys

        modules = set()
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
        return any(
            "aovpn_lint_check_project" in rule.impls and config.is_enabled(rule_id)
            for rule_id, rule in self.rules.items()
        )

    # --- running ---------------------------------------------------------------------------
    def check(self, document: Document, config: Config) -> list[Finding]:
        """Run every enabled per-document rule on ``document``."""
        return self._run("aovpn_lint_check", {"document": document, "config": config}, config,
                         document.path, document.kind)

    def check_project(self, documents: Sequence[Document], config: Config) -> list[Finding]:
        """Run every enabled cross-file rule once over all retained documents."""
        return self._run("aovpn_lint_check_project", {"documents": documents, "config": config},
                         config, None)

    def _run(self, hook: str, kwargs: dict[str, Any], config: Config, path: str | None,
             kind: DocumentKind | None = None) -> list[Finding]:
        findings: list[Finding] = []
        get = kwargs.__getitem__
        with Budget(config.rule_timeout) as budget:
            for rule, function, argnames in self._plan(hook, config):
                if kind is not None and rule.meta.kinds and kind not in rule.meta.kinds:
                    continue  # the engine calls a rule only on the kinds it declares
                try:
                    try:
                        budget.start()
                        result = function(*map(get, argnames))
                        # a rule that finds nothing (the common case) costs one C-level pass
                        produced = _collect(result, rule.meta, path) if result is not None else ()
                    finally:
                        budget.stop()
                except RuleTimeout:  # hung: stopped inside the rule, reported once
                    budget.rearm()
                    findings.append(self.timeout_error(rule.meta, path, budget.seconds, True))
                    continue
                except (Exception, SystemExit) as exc:  # isolate: report the crash, keep linting
                    findings.append(self.internal_error(rule.meta, path, exc))
                    continue
                if produced:
                    findings.extend(produced)
                if budget.overran() is not None:  # could not be interrupted here: report it
                    findings.append(self.timeout_error(rule.meta, path, budget.last, False))
        return findings

    def _plan(self, hook: str, config: Config) -> list[tuple[Rule, Any, tuple[str, ...]]]:
        """The enabled rules implementing ``hook`` (with their function and argument names),
        decided once per configuration."""
        key = (hook, id(config))
        cached = self._plans.get(key)
        if cached is None or cached[0] is not config:
            plan = [(rule, rule.impls[hook].function, tuple(rule.impls[hook].argnames))
                    for rule_id, rule in self.rules.items()
                    if hook in rule.impls and config.is_enabled(rule_id)]
            cached = self._plans[key] = (config, plan)
        return cached[1]

    def timeout_error(self, meta: RuleMeta, path: str | None, seconds: float,
                      stopped: bool) -> Finding:
        if stopped:
            what = f"ran past its {seconds:g}-second budget on this file and was stopped"
        else:
            what = f"took {seconds:.1f} seconds on this file, over its budget"
        message = (
            f"rule {meta.id} ({meta.name}) {what}; the other rules still ran. Raise "
            "--rule-timeout if the file is legitimately huge, otherwise report this with the file"
        )
        loc = Location(path or "<project>", 1, 1, 1, 1)
        return self.meta("AOV000").finding(loc, message).replace(subject=meta.id)

    def internal_error(self, meta: RuleMeta, path: str | None, exc: BaseException) -> Finding:
        import traceback  # only a crashed rule needs it

        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        message = (
            f"rule {meta.id} ({meta.name}) crashed on this file: {type(exc).__name__}: {exc}{where}; "
            "the other rules still ran. Please report this with the file that triggers it"
        )
        internal = self.meta("AOV000")
        loc = Location(path or "<project>", 1, 1, 1, 1)
        return internal.finding(loc, printable_message(message)).replace(subject=meta.id)



def _collect(result: Iterable[Finding], meta: RuleMeta, path: str | None) -> list[Finding]:
    """Materialise a rule's output and check that it is made of real findings."""
    items = list(result)
    if not items:
        return items
    findings = []
    for item in items:
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
        if item.rule_id != meta.id:
            item = item.replace(rule_id=meta.id, rule_name=meta.name)
        message = printable_message(item.message)  # values from hostile files reach terminals
        related = item.related
        if related and not all(type(r) is Related and printable_message(r.message) is r.message
                               for r in related):
            related = tuple(Related(r.loc, printable_message(r.message)) for r in related)
        if message is not item.message or related is not item.related:
            item = item.replace(message=message, related=related)
        findings.append(item)
    return findings


def _valid_location(loc: object) -> bool:
    return (
        isinstance(loc, Location)
        and isinstance(loc.path, str)
        and type(loc.line) is int and type(loc.col) is int
        and type(loc.end_line) is int and type(loc.end_col) is int
        and loc.line >= 1 and loc.col >= 1
    )


def _builtin_rule_modules() -> list[ModuleType]:
    package = importlib.import_module("aovpn_lint.rules")
    return [
        importlib.import_module(f"aovpn_lint.rules.{name}")
        for name in _rule_module_names(package.__path__)
    ]


def _rule_module_names(path: Iterable[str]) -> list[str]:
    """The sorted names of the ``aov*`` modules in the rules package's directories.

    What ``pkgutil.iter_modules`` lists, read with one ``os.scandir`` per directory: importing
    pkgutil costs every start-up more than the scan. Anything other than a plain directory (a
    zip archive) is left to pkgutil.
    """
    import os
    from importlib.machinery import all_suffixes

    suffixes = sorted(all_suffixes(), key=len, reverse=True)  # longest first, as inspect does
    names: set[str] = set()
    for directory in path:
        try:
            with os.scandir(directory) as scan:
                entries = [(entry.name, entry.is_dir()) for entry in scan]
        except OSError:
            import pkgutil

            return sorted({info.name for info in pkgutil.iter_modules(path)
                           if info.name.startswith("aov")})
        for name, is_dir in entries:
            if not name.startswith("aov"):
                continue
            if is_dir:
                if "." not in name and any(
                        os.path.isfile(os.path.join(directory, name, "__init__" + suffix))
                        for suffix in suffixes):
                    names.add(name)
                continue
            for suffix in suffixes:
                if name.endswith(suffix):
                    stem = name[:-len(suffix)]
                    if "." not in stem:
                        names.add(stem)
                    break
    return sorted(names)


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


def fails(findings: Iterable[Finding], threshold: Severity) -> bool:
    return any(f.suppression is None and f.severity.rank >= threshold.rank for f in findings)


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
