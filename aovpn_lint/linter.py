"""Walk the inputs, lint each file (in parallel when asked), and stream results in input order."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet, apply_config
from aovpn_lint.load.dispatch import Format, broken, format_for, load_bytes, walk_accepts
from aovpn_lint.model.document import Document, ParseProblem
from aovpn_lint.model.findings import Finding
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.sanitize import printable
from aovpn_lint.engine.suppress import apply_suppressions

if TYPE_CHECKING:
    from aovpn_lint.cache import Cache

STDIN = "-"
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".tox"})


class FileResult:
    """The findings of one file, and the documents kept for cross-file rules (empty unless
    the run has them)."""

    __slots__ = ("path", "findings", "documents", "digest", "cached")

    def __init__(self, path: str, findings: list[Finding],
                 documents: list[Document] | None = None, digest: str | None = None,
                 cached: bool = False) -> None:
        self.path = path
        self.findings = findings
        self.documents: list[Document] = [] if documents is None else documents
        #: digest of the bytes linted, when the run has a cache and the result may go in it
        self.digest = digest
        #: True when the findings come from the cache
        self.cached = cached


class Target:
    """A file to lint. ``error`` is set when the file cannot even be opened (reported as AOV100
    without reading); ``display`` is the name findings carry (for stdin: '<stdin>' or
    --stdin-filename); ``fmt`` is the format when the name does not tell it (the configured
    inventory)."""

    __slots__ = ("path", "error", "display", "fmt")

    def __init__(self, path: str, error: str | None = None, display: str | None = None,
                 fmt: str | None = None) -> None:
        self.path = path
        self.error = error
        self.display = display
        self.fmt = fmt

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
        yield Target(inventory, fmt="inventory")
    for raw in paths:
        if raw == STDIN:
            yield Target(STDIN)
            continue
        path = os.path.normpath(raw)
        if os.path.isdir(path):
            yield from _walk(path, config, seen)
        elif os.path.lexists(path):
            if path not in seen and not _excluded(path, config):
                seen.add(path)
                yield Target(path)
        else:
            yield Target(path, "no such file or directory; check the path")


def _walk(root: str, config: Config, seen: set[str]) -> Iterator[Target]:
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
            if _excluded(path, config):
                continue
            if entry.is_symlink() and not _inside(path, real_root):
                # a link in the tree must not make the linter read files outside the tree
                if format_for(entry.name):
                    yield Target(path, f"symbolic link to a file outside '{printable(root)}'; not "
                                 "followed (name the target on the command line if intended)")
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name not in _SKIP_DIRS:
                    subdirs.append(path)
            elif (fmt := format_for(entry.name)) and path not in seen and walk_accepts(path, fmt):
                seen.add(path)
                yield Target(path)
        stack.extend(reversed(subdirs))


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _excluded(path: str, config: Config) -> bool:
    return config.is_excluded(path)


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


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


def _size_checked(data: bytes, config: Config) -> bytes | str:
    return _too_big(len(data), config) if len(data) > config.max_file_size else data


def _too_big(size: int, config: Config) -> str:
    return (
        f"file is larger than the {config.max_file_size:,}-byte limit (at least {size:,} bytes), "
        "so it was not parsed; VPN profiles are a few KiB. Raise --max-file-size if this is intended"
    )


def lint_target(
    target: Target, rules: RuleSet, config: Config, keep_documents: bool | frozenset[str],
    cache: Cache | None = None,
) -> FileResult:
    """Load one file, run every rule on each document in it, apply suppressions.

    With a ``cache`` (only read here), a file whose bytes it knows is not linted again; the
    result then carries the digest, for the caller to store.
    """
    display = target.name
    data = read_target(target, config)
    fmt = target.fmt or format_for(display, explicit=True)
    if isinstance(data, str):  # could not be read: the reason is the problem
        source = Source(display, "")
        documents = [broken(source, [ParseProblem(Location(display, 1, 1, 1, 1), data)])]
    else:
        file_digest = None
        if cache is not None and target.path != STDIN and not _retain(keep_documents, display, fmt):
            from aovpn_lint.cache import digest

            file_digest = digest(data)
            known = cache.get(display, file_digest)
            if known is not None:
                return FileResult(display, known, None, file_digest, cached=True)
        documents = load_bytes(data, display, fmt)
    findings: list[Finding] = []
    for document in documents:
        findings.extend(rules.check(document, config))
    findings = apply_config(findings, config)
    text = documents[0].source.text if documents else ""
    findings = apply_suppressions(findings, text, config)
    findings.sort(key=Finding.sort_key)
    kept = documents if _retain(keep_documents, display, fmt) else []
    return FileResult(display, findings, kept, None if isinstance(data, str) else file_digest)


def _retention(targets: Sequence[Target]) -> bool | frozenset[str]:
    """Which documents the cross-file rules need, so that plain-XML runs keep none.

    True keeps every document (an inventory is in the run). A set keeps scripts and exports, and
    the XML files in these directories (the profiles a script beside them may deploy).
    """
    formats = [(t.name, t.fmt or format_for(t.name, explicit=True)) for t in targets]
    if any(fmt in ("inventory", "yaml") for _name, fmt in formats):
        return True
    return frozenset(os.path.dirname(name) for name, fmt in formats if fmt not in (None, "xml"))


def _retain(keep: bool | frozenset[str], display: str, fmt: str | None) -> bool:
    if isinstance(keep, bool):
        return keep
    return fmt not in (None, "xml") or os.path.dirname(display) in keep


# --- parallel execution ------------------------------------------------------------------------
_worker_state: tuple[RuleSet, Config, bool | frozenset[str], Cache | None] | None = None


def _init_worker(config: Config, keep: bool | frozenset[str], cache: Cache | None) -> None:
    global _worker_state
    _worker_state = (RuleSet(), config, keep, cache)


def _work(target: Target) -> FileResult:
    assert _worker_state is not None
    rules, config, keep, cache = _worker_state
    return lint_target(target, rules, config, keep, cache)  # kept documents are settled: picklable


def lint_targets(
    targets: Sequence[Target], rules: RuleSet, config: Config, jobs: int,
    cache: Cache | None = None,
) -> Iterator[FileResult]:
    """Lint every target and yield results in input order, whatever ``jobs`` is.

    With a ``cache``, known files are answered from it and new results are stored in it (the
    caller saves it); every worker reads its own copy, only this process writes.
    """
    keep = _retention(targets) if rules.has_project_rules(config) else False
    for result in _results(targets, rules, config, jobs, keep, cache):
        if cache is not None and result.digest is not None:
            if result.cached:
                cache.seen.add(result.path)  # a -j worker's hit: its copy of the cache saw it
            else:
                cache.put(result.path, result.digest, result.findings)
        yield result


def _results(targets: Sequence[Target], rules: RuleSet, config: Config, jobs: int,
             keep: bool | frozenset[str], cache: Cache | None) -> Iterator[FileResult]:
    if jobs <= 1 or len(targets) < 64:
        for target in targets:
            yield lint_target(target, rules, config, keep, cache)
        return
    import gc
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    frozen = False
    if context.get_start_method() == "fork":
        global _worker_state
        _worker_state = (rules, config, keep, cache)
        # the workers inherit every object of this process: keep their garbage collector off
        # them, so that it does not touch (and copy) the inherited memory pages
        gc.freeze()
        frozen = True
        pool = context.Pool(jobs)
    else:
        pool = context.Pool(jobs, initializer=_init_worker, initargs=(config, keep, cache))
    chunk = max(1, min(256, len(targets) // (jobs * 8)))
    try:
        yield from pool.imap(_work, targets, chunksize=chunk)
    finally:
        pool.terminate()
        pool.join()
        if frozen:
            gc.unfreeze()


def lint_project(documents: Sequence[Document], rules: RuleSet, config: Config) -> list[Finding]:
    """Run the cross-file rules once over the retained documents."""
    findings = apply_config(rules.check_project(documents, config), config)
    sources = {d.path: d.source.text for d in documents}
    result: list[Finding] = []
    for path in sorted({f.loc.path for f in findings}):
        mine = [f for f in findings if f.loc.path == path]
        result.extend(apply_suppressions(mine, sources.get(path, ""), config))
    result.sort(key=Finding.sort_key)
    return result
