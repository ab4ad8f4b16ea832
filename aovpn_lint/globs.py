"""The one glob dialect of aovpn-lint: gitignore-style patterns, relative to a base folder.

``--exclude``, ``exclude`` and ``per-path-ignores`` in the configuration, and the inventory's
``profiles`` paths all use it: ``*`` and ``?`` stay within one folder, ``**`` spans folders, a
pattern without a ``/`` matches a name at any depth, a trailing ``/`` matches a folder and
everything in it. Patterns are matched by ``pathspec`` (no backtracking regular expressions of
our own), and resolved against the folder of the file that declares them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True, slots=True)
class GlobSet:
    """Patterns and the folder they are relative to (None: the current folder)."""

    patterns: tuple[str, ...]
    base: str | None = None
    _compiled: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.patterns:
            object.__setattr__(self, "_compiled", ())
            return
        import pathspec  # the heavy edge of this module: only runs with patterns import it

        compiled = []
        for pattern in self.patterns:
            steps, rest = _anchor_dots(pattern)
            folder = os.path.abspath(os.path.join(self.base or ".", steps))
            compiled.append((folder, pathspec.GitIgnoreSpec.from_lines([rest])))
        object.__setattr__(self, "_compiled", tuple(compiled))

    def matches(self, path: str) -> bool:
        """True when ``path`` (relative to the current folder, or absolute) matches a pattern."""
        absolute = os.path.abspath(path)
        for folder, spec in self._compiled:
            relative = _relative(absolute, folder)
            if relative is None:  # outside the base: only unanchored patterns (a name) can match
                relative = absolute.replace(os.sep, "/").lstrip("/")
            if spec.match_file(relative):
                return True
        return False


def matches(pattern: str, path: str, base: str | None = None) -> bool:
    """One pattern, relative to ``base``."""
    return GlobSet((pattern,), base).matches(path)


def _anchor_dots(pattern: str) -> tuple[str, str]:
    """Split leading ``../`` (and ``./``) steps off a pattern: they move the base folder, and
    what follows is anchored there."""
    pattern = pattern.replace("\\", "/")
    steps = ""
    anchored = False
    while pattern.startswith(("../", "./")):
        step, _, pattern = pattern.partition("/")
        steps = os.path.join(steps, step)
        anchored = True
    if anchored and not pattern.startswith("/"):
        pattern = "/" + pattern
    return steps, pattern


def _relative(absolute: str, folder: str) -> str | None:
    """``absolute`` relative to ``folder`` in '/' form, or None when it lies outside it."""
    relative = os.path.relpath(absolute, folder).replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        return None
    return relative
