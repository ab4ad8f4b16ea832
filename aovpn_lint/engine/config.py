"""Run configuration: which rules run, how severe they are, what fails the run.

Decisions about selecting and ignoring rules are made here and only here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from aovpn_lint.engine.ids import ALWAYS_ENABLED
from aovpn_lint.globs import GlobSet
from aovpn_lint.model.findings import Severity

if TYPE_CHECKING:
    from aovpn_lint.engine.accepted import Baseline

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # 10 MiB: real profiles are a few KiB


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of one run (immutable; derive a changed one with :meth:`replace`).

    ``severity`` maps a rule id or prefix to a severity (the longest matching prefix wins).
    ``per_path_ignores`` lists (path glob, rule ids or prefixes): findings there are kept as
    external suppressions. ``rule_timeout`` is how many seconds one rule may spend on one
    document before it is stopped and reported. ``source`` is where the configuration came
    from (for messages), if a file; ``base_dir`` the directory of that file, to which its globs
    are relative. ``origins`` maps a rule id or prefix to where it was named
    ("file:line:col" or a command-line option). ``exclude`` comes from the configuration file
    (relative to its folder), ``extend_exclude`` from the command line (relative to the current
    folder). ``target_windows`` is the oldest Windows build the profiles must work on, if set;
    ``respect_gitignore`` makes folder walks skip what ``.gitignore`` files ignore;
    ``force_exclude`` applies the walk's filters to files named on the command line too.
    ``baseline`` is the baseline file the configuration names, ``accepted`` the baseline the
    run applies (loaded by the command line; see :mod:`aovpn_lint.engine.baseline`).
    ``external`` lists ids or prefixes of rules from plugin packs that may not be installed
    where the run happens: suppression comments naming them are not AOV001.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: Severity = Severity.WARNING
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    inventory: str | None = None
    rule_timeout: float = 10.0
    source: str | None = None
    base_dir: str | None = None
    origins: dict[str, tuple[str | None, int, int]] = field(default_factory=dict)
    target_windows: int | None = None
    respect_gitignore: bool = True
    force_exclude: bool = False
    baseline: str | None = None
    external: tuple[str, ...] = ()
    accepted: Baseline | None = field(default=None, repr=False, compare=False)
    # the patterns above, compiled once
    _excludes: tuple[GlobSet, ...] = field(init=False, repr=False, compare=False)
    _per_path: tuple[tuple[str, tuple[str, ...], GlobSet], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        excludes = (GlobSet(self.exclude, self.base_dir), GlobSet(self.extend_exclude))
        object.__setattr__(self, "_excludes", excludes)
        object.__setattr__(
            self,
            "_per_path",
            tuple(
                (pattern, ids, GlobSet((pattern,), self.base_dir))
                for pattern, ids in self.per_path_ignores
            ),
        )

    def replace(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]

    def __hash__(self) -> int:
        return id(self)

    def is_enabled(self, rule_id: str) -> bool:
        """A rule runs when selected (default: all) and not ignored; the longest match wins."""
        if rule_id in ALWAYS_ENABLED:
            return True
        if self.select:
            selected = _longest_match(rule_id, self.select + self.extend_select)
            if selected == 0:
                return False
        else:
            selected = max(1, _longest_match(rule_id, self.extend_select))
        ignored = _longest_match(rule_id, self.ignore)
        return ignored == 0 or selected > ignored

    def ignored_for_path(self, rule_id: str, path: str) -> str | None:
        """The per-path glob that ignores ``rule_id`` for ``path``, if any."""
        if path.startswith("<") and path.endswith(">"):
            return None  # stdin and other pseudo paths
        for pattern, ids, glob in self._per_path:
            if _longest_match(rule_id, ids) and glob.matches(path):
                return pattern
        return None

    def is_excluded(self, path: str) -> bool:
        """Whether ``--exclude`` / ``exclude`` patterns skip ``path`` (relative to the
        configuration file's folder, or the current folder)."""
        return any(globs.matches(path) for globs in self._excludes)

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        best, result = 0, default
        for prefix, severity in self.severity.items():
            length = _longest_match(rule_id, (prefix,))
            if length > best:
                best, result = length, severity
        return result


def _longest_match(rule_id: str, prefixes: tuple[str, ...]) -> int:
    best = 0
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 1)
        elif prefix and rule_id.startswith(prefix):
            best = max(best, len(prefix))
    return best
