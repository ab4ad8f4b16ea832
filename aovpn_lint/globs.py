"""The one glob dialect of aovpn-lint: gitignore-style patterns, relative to a base folder.

``--exclude``, ``exclude`` and ``per-path-ignores`` in the configuration, and the inventory's
``profiles`` paths all use it: ``*`` and ``?`` stay within one folder, ``[...]`` is a character
class, ``**`` spans folders, a pattern without a ``/`` matches a name at any depth, a trailing
``/`` matches a folder and everything in it, a leading ``!`` re-includes, and the last pattern
that matches decides. Patterns are resolved against the folder of the file that declares them.

Patterns come from the repository under review, so matching must not be a lever for a hostile
one: gitignore libraries translate patterns into backtracking regular expressions, where
``*a*a*a*a*a*a*a*a*b`` takes a minute on one 64-character name. Here a folder name is matched
by the two-pointer wildcard algorithm and a path by the same algorithm over its folders, so a
match costs at most (pattern length x path length) steps, whatever the pattern.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


class Wild(enum.Enum):
    """The wildcards of a pattern: ``*`` in a name, ``?``, and ``**`` as a whole folder step."""

    STAR = "*"
    ANY = "?"
    FOLDERS = "**"


#: One token of a name pattern: a literal character, a wildcard, or a character class
#: ``(negated, ranges)``.
Token = str | Wild | tuple[bool, tuple[tuple[str, str], ...]]
Step = Wild | tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One gitignore-style line, parsed: its folder steps (``**`` or a tuple of name tokens)."""

    steps: tuple[Step, ...]
    negated: bool
    folders_only: bool

    def matches(self, relative: str, is_dir: bool = False) -> bool:
        """True when the '/'-separated ``relative`` path, or a folder above it, matches;
        ``is_dir`` says the path itself is a folder."""
        names = [name for name in relative.split("/") if name]
        if not names:
            return False
        # a pattern that matches a folder matches everything in it: try each folder, then the
        # path itself (unless the pattern only names folders and the path is a file)
        last = len(names) if is_dir or not self.folders_only else len(names) - 1
        return any(_match(self.steps, names[:count], _match_step) for count in range(1, last + 1))


def compile_pattern(line: str) -> Pattern | None:
    """Parse one line of gitignore syntax; None for a blank line or a comment."""
    line = line.rstrip("\n").rstrip("\r")
    line = _strip_trailing_spaces(line)
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    elif line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    folders_only = line.endswith("/")
    line = line[:-1] if folders_only else line
    anchored = "/" in line
    line = line[1:] if line.startswith("/") else line
    if not line:
        return None
    steps: list[Step] = []
    for name in line.split("/"):
        if name == "**":
            if not steps or steps[-1] is not Wild.FOLDERS:
                steps.append(Wild.FOLDERS)
        else:  # an empty name (from '//') matches no folder: such a pattern matches nothing
            steps.append(_tokens(name))
    if len(steps) > 1 and steps[-1] is Wild.FOLDERS:  # 'folder/**': everything inside it
        steps.pop()
        folders_only = True
    if not anchored and steps[0] is not Wild.FOLDERS:
        steps.insert(0, Wild.FOLDERS)  # a bare name matches at any depth
    return Pattern(tuple(steps), negated, folders_only)


@dataclass(frozen=True, slots=True)
class GlobSet:
    """Patterns and the folder they are relative to (None: the current folder).

    A pattern may start with ``../`` steps: they move its base folder, and it is anchored there.
    """

    patterns: tuple[str, ...]
    base: str | None = None

    @property
    def compiled(self) -> tuple[tuple[str, Pattern], ...]:
        return _compile_all(self.patterns, self.base)

    def matches(self, path: str) -> bool:
        """True when ``path`` (relative to the current folder, or absolute) is matched: the
        last pattern that matches decides, so ``!pattern`` re-includes."""
        if not self.patterns:
            return False
        absolute = os.path.abspath(path)
        matched = False
        for folder, pattern in self.compiled:
            if matched != pattern.negated:
                continue  # this pattern cannot change the outcome
            relative = _relative(absolute, folder)
            if relative is None:  # outside the base: only unanchored patterns (a name) can match
                if pattern.steps[0] is not Wild.FOLDERS:
                    continue
                relative = absolute.replace(os.sep, "/").lstrip("/")
            if pattern.matches(relative):
                matched = not pattern.negated
        return matched


_CACHE: dict[tuple[tuple[str, ...], str | None], tuple[tuple[str, Pattern], ...]] = {}


def _compile_all(patterns: tuple[str, ...], base: str | None) -> tuple[tuple[str, Pattern], ...]:
    key = (patterns, base)
    cached = _CACHE.get(key)
    if cached is None:
        compiled = []
        for line in patterns:
            negated = line.startswith("!")
            steps, rest = _anchor_dots(line[1:] if negated else line)
            pattern = compile_pattern(("!" if negated else "") + rest)
            if pattern is not None:
                compiled.append((os.path.abspath(os.path.join(base or ".", steps)), pattern))
        cached = _CACHE[key] = tuple(compiled)
    return cached


def matches(pattern: str, path: str, base: str | None = None) -> bool:
    """One pattern, relative to ``base``."""
    return GlobSet((pattern,), base).matches(path)


def _match(pattern: Sequence[Any], items: Sequence[str], one: Callable[[Any, str], bool]) -> bool:
    """Wildcard matching of ``items`` against ``pattern``: a ``*`` (or ``**`` step) matches any
    run of items, every other entry exactly one item, tested by ``one(entry, item)``. On a
    mismatch only the most recent wildcard swallows one more item: an earlier one never has to
    (the classic two-pointer algorithm), so this is O(len(pattern) x len(items)) tests."""
    p = i = 0
    resume_p = resume_i = -1
    while i < len(items):
        if p < len(pattern) and pattern[p] in _RUNS:  # first try matching nothing, remember
            resume_p, resume_i = p, i
            p += 1
            continue
        if p < len(pattern) and one(pattern[p], items[i]):
            p += 1
            i += 1
            continue
        if resume_p < 0:
            return False
        resume_i += 1
        p, i = resume_p + 1, resume_i
    while p < len(pattern) and pattern[p] in _RUNS:
        p += 1
    return p == len(pattern)


_RUNS = (Wild.STAR, Wild.FOLDERS)


def _match_step(step: tuple[Token, ...], name: str) -> bool:
    return _match(step, name, _match_char)


def _match_char(token: Token, char: str) -> bool:
    if isinstance(token, tuple):
        negated, ranges = token
        inside = any(low <= char <= high for low, high in ranges)
        return inside != negated
    return token is Wild.ANY or token == char


def _tokens(name: str) -> tuple[Token, ...]:
    """A folder or file name pattern as tokens (``**`` inside a name is a plain ``*``)."""
    tokens: list[Token] = []
    i = 0
    while i < len(name):
        char = name[i]
        if char == "\\" and i + 1 < len(name):
            tokens.append(name[i + 1])
            i += 2
            continue
        if char == "*":
            if not tokens or tokens[-1] is not Wild.STAR:
                tokens.append(Wild.STAR)
        elif char == "?":
            tokens.append(Wild.ANY)
        elif char == "[":
            parsed = _char_class(name, i)
            if parsed is None:  # no closing bracket: a literal '['
                tokens.append("[")
            else:
                token, i = parsed
                tokens.append(token)
                continue
        else:
            tokens.append(char)
        i += 1
    return tuple(tokens)


def _char_class(name: str, start: int) -> tuple[Token, int] | None:
    """The class at ``name[start] == '['`` and the index after its ``]``."""
    i = start + 1
    negated = i < len(name) and name[i] in "!^"
    if negated:
        i += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while i < len(name):
        char = name[i]
        if char == "]" and not first:
            return (negated, tuple(ranges)), i + 1
        if char == "\\" and i + 1 < len(name):
            i += 1
            char = name[i]
        if i + 2 < len(name) and name[i + 1] == "-" and name[i + 2] != "]":
            high = name[i + 2]
            if high == "\\" and i + 3 < len(name):
                high = name[i + 3]
                i += 1
            ranges.append((char, high))
            i += 3
        else:
            ranges.append((char, char))
            i += 1
        first = False
    return None


def _strip_trailing_spaces(line: str) -> str:
    """Trailing spaces are ignored unless escaped with a backslash."""
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped[:-1] + " "
    return stripped


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
        self.root = os.path.abspath(root)
        top = _repository_root(self.root)
        self._specs: dict[str, tuple[Pattern, ...]] = {}
        self._exclude: tuple[str, tuple[Pattern, ...]] | None = None
        if top is not None:
            spec = self._read(os.path.join(top, ".git", "info", "exclude"))
            if spec:
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
            if spec:
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
        spec: tuple[Pattern, ...],
        absolute: str,
        folder: str,
        is_dir: bool,
        decision: bool | None,
    ) -> bool | None:
        """The decision after ``spec``'s patterns: the last one that matches wins."""
        relative = _relative(absolute, folder)
        if relative is None or relative == ".":
            return decision
        for pattern in spec:
            if pattern.matches(relative, is_dir):
                decision = not pattern.negated
        return decision

    def _spec(self, folder: str) -> tuple[Pattern, ...]:
        if folder not in self._specs:
            self._specs[folder] = self._read(os.path.join(folder, ".gitignore"))
        return self._specs[folder]

    def _read(self, path: str) -> tuple[Pattern, ...]:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_IGNORE_FILE)
        except OSError:  # missing, a folder, unreadable: no patterns
            return ()
        lines = data.decode("utf-8", errors="replace").split("\n")
        return tuple(p for p in map(compile_pattern, lines) if p is not None)


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
