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


#: the largest ignore file read; a bigger one is not a list of patterns someone maintains
MAX_IGNORE_FILE = 1 << 20


class GitIgnore:
    """What ``.gitignore`` files say about the paths of one folder walk, as git reads them.

    The patterns of ``.git/info/exclude`` (of the repository holding the walk), then of each
    ``.gitignore`` from the repository root down to the file's folder, each relative to its own
    folder; the last pattern that matches decides, so a deeper file can re-include (``!``) what
    a higher one ignores. Outside a repository the ``.gitignore`` files of the walked folder and
    below apply. A folder that is ignored is not walked. When the walked folder is itself
    ignored (named on the command line on purpose), only the ``.gitignore`` files inside it
    apply, as for a file named on the command line. A user's global excludes file is not read.
    Ignore files are read once per folder; one that cannot be read counts as empty.
    """

    def __init__(self, root: str) -> None:
        import pathspec  # a walk that respects .gitignore needs it

        self._pathspec = pathspec
        self.root = os.path.abspath(root)
        top = _repository_root(self.root)
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}
        self._exclude: tuple[str, pathspec.GitIgnoreSpec] | None = None
        if top is not None:
            spec = self._read(os.path.join(top, ".git", "info", "exclude"))
            if spec is not None:
                self._exclude = (top, spec)
        self.top = top or self.root
        if self.top != self.root and self.ignored(self.root, is_dir=True):
            self.top, self._exclude = self.root, None

    def ignored(self, path: str, is_dir: bool) -> bool:
        absolute = os.path.abspath(path)
        decision: bool | None = None
        if self._exclude is not None:
            decision = self._check(self._exclude[1], absolute, self._exclude[0], is_dir, decision)
        for folder in self._folders(os.path.dirname(absolute)):
            spec = self._spec(folder)
            if spec is not None:
                decision = self._check(spec, absolute, folder, is_dir, decision)
        return bool(decision)

    def _folders(self, directory: str) -> list[str]:
        """The folders from the top of the walk down to ``directory``."""
        chain = []
        current = directory
        while True:
            chain.append(current)
            if current == self.top:
                break
            parent = os.path.dirname(current)
            if parent == current or _relative(current, self.top) is None:
                return []  # not below the top: no ignore file of ours applies
            current = parent
        chain.reverse()
        return chain

    @staticmethod
    def _check(
        spec: pathspec.GitIgnoreSpec,
        absolute: str,
        folder: str,
        is_dir: bool,
        decision: bool | None,
    ) -> bool | None:
        relative = _relative(absolute, folder)
        if relative is None or relative == ".":
            return decision
        result = spec.check_file(relative + "/" if is_dir else relative)
        return decision if result.include is None else bool(result.include)

    def _spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            self._specs[folder] = self._read(os.path.join(folder, ".gitignore"))
        return self._specs[folder]

    def _read(self, path: str) -> pathspec.GitIgnoreSpec | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_IGNORE_FILE)
        except OSError:  # missing, a folder, unreadable: no patterns
            return None
        lines = data.decode("utf-8", errors="replace").splitlines()
        return self._pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def _repository_root(directory: str) -> str | None:
    """The nearest folder at or above ``directory`` holding ``.git``, if any."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
