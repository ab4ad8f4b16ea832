"""The pipeline: read -> load -> rules -> configuration -> suppressions, for every file of a run.

:class:`Linter` owns the sequence; the command line only parses arguments, renders what it
yields and chooses the exit code. Results come in input order whatever ``jobs`` is; with
``jobs`` above 1 the files are linted in worker processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from aovpn_lint.cache import Cache, digest
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet, apply_config
from aovpn_lint.engine.suppress import apply_suppressions
from aovpn_lint.load.dispatch import Format, broken, format_for, load_bytes
from aovpn_lint.load.text import fingerprint_text
from aovpn_lint.model.document import Document, ParseProblem
from aovpn_lint.model.findings import Finding
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.read import STDIN, Target, discover, read_target

#: below this many files, worker processes cost more than they save
PARALLEL_MIN_FILES = 64


@dataclass(frozen=True, slots=True)
class FileResult:
    """The findings of one file (``path``), or of the cross-file rules (``path`` is None).

    ``documents`` are kept only when the cross-file rules need them; ``text`` (the file's text
    as GitHub reads it, for SARIF fingerprints) only when asked for and the file has findings;
    ``digest`` is set when the result may go into the cache, ``cached`` when it came from it.
    """

    path: str | None
    findings: tuple[Finding, ...]
    documents: tuple[Document, ...] = ()
    text: str | None = None
    digest: str | None = None
    cached: bool = False


@dataclass
class Linter:
    """Lints paths with one configuration and one rule set.

    ``keep_text`` keeps each file's text for reporters that need it (SARIF fingerprints);
    ``stdin_name`` is the name findings on standard input carry.
    """

    config: Config
    rules: RuleSet = field(default_factory=RuleSet)
    jobs: int = 1
    cache: Cache | None = None
    keep_text: bool = False
    stdin_name: str | None = None
    #: how many documents the last run kept for the cross-file rules
    kept_documents: int = 0

    def targets(self, paths: Sequence[str]) -> list[Target]:
        targets = list(discover(paths, self.config))
        if self.stdin_name:
            targets = [
                replace(t, display=self.stdin_name) if t.path == STDIN else t for t in targets
            ]
        return targets

    def lint_paths(self, paths: Sequence[str]) -> Iterator[FileResult]:
        """Every file's result in input order, then (if any cross-file rule runs) theirs."""
        return self.lint_targets(self.targets(paths))

    def lint_targets(self, targets: Sequence[Target]) -> Iterator[FileResult]:
        project = self.rules.has_project_rules(self.config)
        keep = _retention(targets) if project else False
        documents: list[Document] = []
        self.kept_documents = 0
        for result in self._results(targets, keep):
            if self.cache is not None and result.digest is not None:
                if result.cached:
                    self.cache.seen.add(result.path or "")  # a worker's hit
                else:
                    self.cache.put(result.path or "", result.digest, list(result.findings))
            documents.extend(result.documents)
            self.kept_documents = len(documents)
            yield replace(result, documents=())
        if project:
            yield FileResult(None, tuple(lint_project(documents, self.rules, self.config)))

    def _results(self, targets: Sequence[Target], keep: Retention) -> Iterator[FileResult]:
        if self.jobs <= 1 or len(targets) < PARALLEL_MIN_FILES:
            for target in targets:
                yield lint_file(target, self.rules, self.config, keep, self.cache, self.keep_text)
            return
        yield from _parallel(self, targets, keep)


#: which documents the cross-file rules need: all (True), none (False), or the non-XML files
#: and the XML files in these folders
Retention = bool | frozenset[str]
#: a folder with at most this many profiles may be one deployment (a device and a user tunnel,
#: a script and the profile it deploys); a bigger one is a collection, whose documents are not
#: kept, so that memory does not grow with the number of files
DEPLOYMENT_FOLDER_FILES = 16


def lint_file(
    target: Target,
    rules: RuleSet,
    config: Config,
    keep: Retention,
    cache: Cache | None = None,
    keep_text: bool = False,
) -> FileResult:
    """Load one file, run every rule on each document in it, apply suppressions.

    With a ``cache`` (only read here), a file whose bytes it knows is not linted again; the
    result then carries the digest, for the caller to store.
    """
    display = target.name
    data = read_target(target, config)
    fmt = target.fmt or format_for(display, explicit=True)
    retain = _retain(keep, display, fmt)
    file_digest = None
    if isinstance(data, str):  # could not be read: the reason is the problem
        problem = ParseProblem(Location(display, 1, 1, 1, 1), data)
        documents = [broken(Source(display, ""), [problem])]
    else:
        if cache is not None and target.path != STDIN and not retain:
            file_digest = digest(data)
            known = cache.get(display, file_digest)
            if known is not None:
                return FileResult(display, tuple(known), digest=file_digest, cached=True)
        documents = load_bytes(data, display, fmt)
    findings: list[Finding] = []
    for document in documents:
        findings.extend(rules.check(document, config))
    findings = apply_config(findings, config)
    source_text = documents[0].source.text if documents else ""
    findings = apply_suppressions(findings, source_text, config, documents)
    findings.sort(key=Finding.sort_key)
    text = None
    if keep_text and findings and isinstance(data, bytes):
        text = fingerprint_text(data)
    return FileResult(
        display, tuple(findings), tuple(documents) if retain else (), text, file_digest
    )


def lint_project(documents: Sequence[Document], rules: RuleSet, config: Config) -> list[Finding]:
    """Run the cross-file rules once over the retained documents."""
    findings = apply_config(rules.check_project(documents, config), config)
    sources = {d.path: d.source.text for d in documents}
    by_path: dict[str, list[Document]] = {}
    for document in documents:
        by_path.setdefault(document.path, []).append(document)
    result: list[Finding] = []
    for path in sorted({f.loc.path for f in findings}):
        mine = [f for f in findings if f.loc.path == path]
        result.extend(
            apply_suppressions(mine, sources.get(path, ""), config, by_path.get(path, []))
        )
    result.sort(key=Finding.sort_key)
    return result


def _retention(targets: Sequence[Target]) -> Retention:
    """Which documents the cross-file rules need, so that plain-XML runs keep none.

    True keeps every document (an inventory is in the run). A set keeps scripts and exports,
    and the XML files in these folders: beside a script (the profile it may deploy), or in a
    folder small enough to be one deployment (profiles deployed together).
    """
    formats = [(t.name, t.fmt or format_for(t.name, explicit=True)) for t in targets]
    if any(fmt in (Format.INVENTORY, Format.YAML) for _name, fmt in formats):
        return True
    scripted = {os.path.dirname(name) for name, fmt in formats if fmt not in (None, Format.XML)}
    profiles = Counter(os.path.dirname(name) for name, fmt in formats if fmt is Format.XML)
    small = {folder for folder, count in profiles.items() if 2 <= count <= DEPLOYMENT_FOLDER_FILES}
    return frozenset(scripted | small)


def _retain(keep: Retention, display: str, fmt: Format | None) -> bool:
    if isinstance(keep, bool):
        return keep
    return fmt not in (None, Format.XML) or os.path.dirname(display) in keep


# --- worker processes ----------------------------------------------------------------------------
#: what a worker process lints with: set once in each worker (by fork or by its initializer)
_WORKER: tuple[Linter, Retention] | None = None


def _init_worker(linter: Linter, keep: Retention) -> None:
    global _WORKER
    _WORKER = (linter, keep)


def _work(target: Target) -> FileResult:
    assert _WORKER is not None, "worker used before it was initialised"
    linter, keep = _WORKER
    return lint_file(target, linter.rules, linter.config, keep, linter.cache, linter.keep_text)


def _parallel(linter: Linter, targets: Sequence[Target], keep: Retention) -> Iterator[FileResult]:
    fork = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        _init_worker(linter, keep)
        # the workers inherit this process's objects: keep their garbage collector off them, so
        # that it does not touch (and copy) the inherited memory pages
        gc.freeze()
        pool = context.Pool(linter.jobs)
    else:
        pool = context.Pool(linter.jobs, initializer=_init_worker, initargs=(linter, keep))
    chunk = max(1, min(256, len(targets) // (linter.jobs * 8)))
    try:
        yield from pool.imap(_work, targets, chunksize=chunk)
    finally:
        pool.terminate()
        pool.join()
        if fork:
            gc.unfreeze()
