"""Run configuration: which rules run, how severe they are, what fails the run.

Decisions about selecting and ignoring rules are made here and only here.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from aovpn_lint.model import Severity

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # 10 MiB: real profiles are a few KiB


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: Severity = Severity.WARNING
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    exclude: tuple[str, ...] = ()
    inventory: str | None = None
    #: seconds one rule may spend on one document before it is stopped and reported
    rule_timeout: float = 10.0
    #: where the configuration came from (for messages), if a file
    source: str | None = None

    def is_enabled(self, rule_id: str) -> bool:
        """A rule runs when selected (default: all) and not ignored; the longest match wins."""
        if rule_id in ("AOV000", "AOV100"):
            return True  # crashes and unreadable files are never hidden
        if self.select:
            selected = _longest_match(rule_id, self.select + self.extend_select)
            if selected == 0:
                return False
        else:
            selected = max(1, _longest_match(rule_id, self.extend_select))
        ignored = _longest_match(rule_id, self.ignore)
        return ignored == 0 or selected > ignored

    def ignored_for_path(self, rule_id: str, path: str) -> str | None:
        """The per-path pattern that ignores ``rule_id`` for ``path``, if any."""
        posix = path.replace("\\", "/")
        for pattern, ids in self.per_path_ignores:
            if _path_matches(posix, pattern) and _longest_match(rule_id, ids):
                return pattern
        return None

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        return self.severity.get(rule_id, default)


def _longest_match(rule_id: str, prefixes: tuple[str, ...]) -> int:
    best = 0
    for prefix in prefixes:
        if prefix == "ALL" or rule_id.startswith(prefix):
            best = max(best, len(prefix) if prefix != "ALL" else 1)
    return best


def _path_matches(path: str, pattern: str) -> bool:
    pattern = pattern.replace("\\", "/")
    if fnmatch.fnmatch(path, pattern):
        return True
    # "examples/**" and "*.xml" also match below the current directory
    return fnmatch.fnmatch(path, "*/" + pattern) or fnmatch.fnmatch(path.lstrip("./"), pattern)
