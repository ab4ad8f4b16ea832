"""The first stage: which files a run lints, and their bytes.

Files named on the command line always count; folders are walked for the formats aovpn-lint
reads. Nothing here raises for a file that cannot be read: the reason travels with the target
and becomes a finding.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aovpn_lint.engine.config import Config
from aovpn_lint.globs import GitIgnore
from aovpn_lint.load.dispatch import Format, format_for, walk_accepts
from aovpn_lint.paths import git_root
from aovpn_lint.sanitize import printable

STDIN = "-"
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".tox"})


@dataclass(frozen=True, slots=True)
class Target:
    """A file to lint. ``error`` is set when the file cannot even be opened (reported as AOV100
    without reading); ``display`` is the name findings carry (for stdin: '<stdin>' or
    --stdin-filename); ``fmt`` is the format when the name does not tell it (the configured
    inventory); ``named`` is True for a file named on the command line rather than found by a
    folder walk (the linter then looks for its partners on disk, see ``partners``)."""

    path: str
    error: str | None = None
    display: str | None = None
    fmt: Format | None = None
    named: bool = False

    @property
    def name(self) -> str:
        # escaped: a file name may hold newlines, terminal escapes or bytes that are not UTF-8
        return printable(self.display or ("<stdin>" if self.path == STDIN else self.path))


def discover(paths: Sequence[str], config: Config) -> Iterator[Target]:
    """Files named on the command line always count; directories are walked for known formats."""
    seen: set[str] = set()
    if config.inventory:  # the deployment inventory joins every run that names one
        inventory = os.path.normpath(config.inventory)
        seen.add(inventory)
        yield Target(inventory, fmt=Format.INVENTORY)
    for raw in paths:
        if raw == STDIN:
            yield Target(STDIN, named=True)
            continue
        path = os.path.normpath(raw)
        if os.path.isdir(path):
            yield from _walk(path, config, seen)
        elif os.path.lexists(path):
            if path not in seen and not config.is_excluded(path):
                seen.add(path)
                if not config.force_exclude or _walk_keeps(path, config):
                    yield Target(path, named=True)
        else:
            yield Target(path, "no such file or directory; check the path")


def _walk(root: str, config: Config, seen: set[str]) -> Iterator[Target]:
    gitignore = GitIgnore(root) if config.respect_gitignore else None
    visited: set[tuple[int, int]] = set()
    real_root = os.path.realpath(root)
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            info = os.stat(directory)
            if (info.st_dev, info.st_ino) in visited:
                continue  # a symlink loop
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            yield Target(directory, f"cannot read directory: {exc.strerror or exc}")
            continue
        subdirs = []
        for entry in entries:
            path = os.path.join(directory, entry.name) if directory != "." else entry.name
            if config.is_excluded(path):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if gitignore is not None and (is_dir or format_for(entry.name)):
                if gitignore.ignored(path, is_dir):
                    continue
            if entry.is_symlink() and not _inside(path, real_root):
                # a link in the tree must not make the linter read files outside the tree
                if format_for(entry.name) not in (None, Format.YAML):
                    # (YAML is walked by content, which a link out of the tree does not show)
                    yield Target(
                        path,
                        f"symbolic link to a file outside '{printable(root)}'; not "
                        "followed (name the target on the command line if intended)",
                    )
                continue
            if is_dir:
                if entry.name not in _SKIP_DIRS:
                    subdirs.append(path)
            elif (
                (fmt := format_for(entry.name))
                and path not in seen
                and (not _regular(entry) or walk_accepts(path, fmt, config.max_file_size + 1))
            ):
                # a special file is never opened (read_target reports it): a FIFO named
                # '*.json' must not block the walk
                seen.add(path)
                yield Target(path)
        stack.extend(reversed(subdirs))


def _walk_keeps(path: str, config: Config) -> bool:
    """Whether a folder walk would lint this file (``--force-exclude``, as pre-commit names
    every staged file): not ignored by .gitignore, and of ours by its name and content (a
    special file is kept: reading it reports it, without opening it)."""
    fmt = format_for(path)
    if fmt is None:
        return False
    if config.respect_gitignore:
        folder = os.path.dirname(path) or "."
        if GitIgnore(git_root(folder) or folder).ignored(path, False):
            return False
    return not os.path.isfile(path) or walk_accepts(path, fmt, config.max_file_size + 1)


def _regular(entry: os.DirEntry[str]) -> bool:
    """Whether the walk may open the file to look at its content."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def read_target(target: Target, config: Config) -> bytes | str:
    """The file's bytes, or an error message (never raises for I/O problems)."""
    if target.error:
        return target.error
    if target.path == STDIN:
        data = sys.stdin.buffer.read(config.max_file_size + 1)
        return _size_checked(data, config)
    try:
        info = os.stat(target.path)  # before opening: never open a FIFO or a device
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file; pass ProfileXML files or directories"
        if info.st_size > config.max_file_size:
            return _too_big(info.st_size, config)
        fd = os.open(target.path, _OPEN_FLAGS)
        try:  # unbuffered: the size is known, so usually one read plus the one that sees EOF
            limit = config.max_file_size + 1
            data = os.read(fd, min(info.st_size + 1, limit))
            if data and len(data) < limit:
                chunks = [data]
                total = len(data)
                while total < limit and (more := os.read(fd, min(1 << 16, limit - total))):
                    chunks.append(more)
                    total += len(more)
                if len(chunks) > 1:
                    data = b"".join(chunks)
        finally:
            os.close(fd)
        return _size_checked(data, config)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}; check that it exists and is readable"


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
)


def _size_checked(data: bytes, config: Config) -> bytes | str:
    return _too_big(len(data), config) if len(data) > config.max_file_size else data


def _too_big(size: int, config: Config) -> str:
    return (
        f"file is larger than the {config.max_file_size:,}-byte limit (at least {size:,} bytes), "
        "so it was not parsed; VPN profiles are a few KiB. Raise --max-file-size if this is "
        "intended"
    )
