"""Run configuration: which rules run, how severe they are, what fails the run.

Decisions about selecting and ignoring rules are made here and only here.
"""

from __future__ import annotations

import fnmatch
import os

from aovpn_lint.model.core import Severity, _Value, _set

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # 10 MiB: real profiles are a few KiB
#: Crashes and unreadable files are never hidden by the selection.
ALWAYS_ENABLED = ("AOV000", "AOV100")


class Config(_Value):
    """The settings of one run (immutable; derive a changed one with :meth:`replace`).

    ``severity`` maps a rule id or prefix to a severity (the longest matching prefix wins).
    ``per_path_ignores`` lists (path glob, rule ids or prefixes): findings there are kept as
    external suppressions. ``rule_timeout`` is how many seconds one rule may spend on one
    document before it is stopped and reported. ``source`` is where the configuration came
    from (for messages), if a file; ``base_dir`` the directory of that file, to which per-path
    globs are relative. ``origins`` maps a rule id or prefix to where it was named
    ("file:line:col" or a command-line option).

    (Written by hand rather than as a dataclass, which would compile its methods at start-up.)
    """

    __slots__ = ("select", "ignore", "extend_select", "severity", "per_path_ignores", "fail_on",
                 "max_file_size", "exclude", "inventory", "rule_timeout", "source", "base_dir",
                 "origins")
    _fields = __slots__
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    severity: dict[str, Severity]
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    fail_on: Severity
    max_file_size: int
    exclude: tuple[str, ...]
    inventory: str | None
    rule_timeout: float
    source: str | None
    base_dir: str | None
    origins: dict[str, tuple[str | None, int, int]]

    def __init__(
        self,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        severity: dict[str, Severity] | None = None,
        per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
        fail_on: Severity = Severity.WARNING,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        exclude: tuple[str, ...] = (),
        inventory: str | None = None,
        rule_timeout: float = 10.0,
        source: str | None = None,
        base_dir: str | None = None,
        origins: dict[str, tuple[str | None, int, int]] | None = None,
    ) -> None:
        _set(self, "select", select)
        _set(self, "ignore", ignore)
        _set(self, "extend_select", extend_select)
        _set(self, "severity", {} if severity is None else severity)
        _set(self, "per_path_ignores", per_path_ignores)
        _set(self, "fail_on", fail_on)
        _set(self, "max_file_size", max_file_size)
        _set(self, "exclude", exclude)
        _set(self, "inventory", inventory)
        _set(self, "rule_timeout", rule_timeout)
        _set(self, "source", source)
        _set(self, "base_dir", base_dir)
        _set(self, "origins", {} if origins is None else origins)

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
        if not self.per_path_ignores:
            return None
        candidates = _path_forms(path, self.base_dir)
        for pattern, ids in self.per_path_ignores:
            if _longest_match(rule_id, ids) and any(_path_matches(c, pattern) for c in candidates):
                return pattern
        return None

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


def _path_forms(path: str, base_dir: str | None) -> list[str]:
    """The path as given (POSIX separators) and, with a config file, relative to its folder."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    forms = [posix]
    if base_dir and not (posix.startswith("<") and posix.endswith(">")):
        try:
            relative = os.path.relpath(os.path.abspath(path), base_dir).replace("\\", "/")
        except ValueError:  # another drive on Windows
            relative = ""
        if relative and not relative.startswith("../") and relative not in forms:
            forms.insert(0, relative)
    return forms


def _path_matches(path: str, pattern: str) -> bool:
    pattern = pattern.replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    if pattern.endswith("/"):
        pattern += "*"
    if fnmatch.fnmatchcase(path, pattern):
        return True
    if pattern.startswith("**/") and _path_matches(path, pattern[3:]):
        return True  # "**/" also matches no folder at all
    # "legacy/" or "legacy" names a folder: everything below it
    if "*" not in pattern and "?" not in pattern and "[" not in pattern:
        return path.startswith(pattern.rstrip("/") + "/")
    return False
