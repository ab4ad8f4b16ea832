"""The pipeline: read -> load -> rules -> configuration -> suppressions, for every file of a run.

:class:`Linter` owns the sequence; the command line only parses arguments, renders what it
yields and chooses the exit code. Results come in input order whatever ``jobs`` is; with
``jobs`` above 1 the files are linted in worker processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import traceback
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from aovpn_lint.cache import Cache, digest
from aovpn_lint.engine.accepted import Entry, Stale
from aovpn_lint.engine.baseline import apply_baseline, apply_baseline_project
from aovpn_lint.engine.budget import Budget, RuleTimeout
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet, apply_config
from aovpn_lint.engine.suppress import apply_suppressions
from aovpn_lint.fix.resolve import resolve_fixes
from aovpn_lint.load.dispatch import Format, broken, format_for, load_bytes
from aovpn_lint.model.document import Document, ParseProblem
from aovpn_lint.model.findings import Finding
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.partners import Partners
from aovpn_lint.read import STDIN, Target, discover, read_target

#: below this many files, worker processes cost more than they save
PARALLEL_MIN_FILES = 64


@dataclass(frozen=True, slots=True)
class FileResult:
    """The findings of one file (``path``), or of the cross-file rules (``path`` is None).

    ``documents`` are kept only when the cross-file rules need them; ``data`` (the file's bytes,
    for fingerprints and source lines) only when asked for and the file has findings;
    ``digest`` is set when the result may go into the cache, ``cached`` when it came from it.
    With a baseline, ``baseline_keys`` are the entries of the findings (``--write-baseline``)
    and ``stale`` the baseline's entries for this file that matched nothing.
    """

    path: str | None
    findings: tuple[Finding, ...]
    documents: tuple[Document, ...] = ()
    data: bytes | None = None
    digest: str | None = None
    cached: bool = False
    baseline_keys: tuple[Entry, ...] = ()
    stale: tuple[Stale, ...] = ()


@dataclass
class Linter:
    """Lints paths with one configuration and one rule set.

    ``keep_text`` keeps each file's bytes for reporters that need them (fingerprints, source
    lines);
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
        # files named alone (pre-commit's staged files) bring their partners from disk
        partners = Partners.find(targets, self.config, self._load_partner) if project else None
        found = [*partners.loaded, *partners.candidates] if partners else []
        keep = _retention([*targets, *found]) if project else False
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
            findings = self._lint_project(documents, partners, keep)
            baselined, keys, stale = apply_baseline_project(
                findings, documents, self.rules, self.config
            )
            resolved = resolve_fixes(baselined)
            yield FileResult(None, tuple(resolved), baseline_keys=keys, stale=stale)

    def _lint_project(
        self, documents: list[Document], partners: Partners | None, keep: Retention
    ) -> list[Finding]:
        """The cross-file rules over the run's documents and the partners' (whose own findings,
        and the cross-file findings located in them, are not reported)."""
        if not partners:
            return lint_project(documents, self.rules, self.config)
        retained = [t for t in partners.candidates if _retain(keep, t.name, format_for(t.name))]
        documents = documents + partners.load(retained, documents)
        self.kept_documents = len(documents)
        findings = lint_project(documents, self.rules, self.config)
        return [f for f in findings if partners.reported(f.loc.path)]

    def _load_partner(self, target: Target) -> list[Document]:
        """A partner's documents, without running the per-file rules on them; nothing when it
        cannot be read or loaded (its problems are not this run's)."""
        try:
            data = read_target(target, self.config)
            if isinstance(data, str):
                return []
            fmt = target.fmt or format_for(target.name, explicit=True)
            return _load(data, target.name, fmt, self.config.rule_timeout)
        except Exception:
            return []

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
    result then carries the digest, for the caller to store. Never raises for any input: a
    stage that crashes on this file becomes an AOV000 finding on it (loaders and rules are
    isolated further down, so this is the last resort).
    """
    try:
        return _lint_file(target, rules, config, keep, cache, keep_text)
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
        message = (
            f"aovpn-lint failed on this file: {type(exc).__name__}: {str(exc)[:200]}{where}; "
            "its findings are lost, the other files were still linted. This is a bug in "
            "aovpn-lint: please report it with the file"
        )
        return FileResult(target.name, (rules.internal_error(target.name, message),))


def _lint_file(
    target: Target,
    rules: RuleSet,
    config: Config,
    keep: Retention,
    cache: Cache | None,
    keep_text: bool,
) -> FileResult:
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
                kept = data if keep_text and known else None
                return FileResult(display, tuple(known), data=kept, digest=file_digest, cached=True)
        documents = _load(data, display, fmt, config.rule_timeout)
    findings = check_documents(documents, rules, config)
    source_text = documents[0].source.text if documents else ""
    findings, keys, stale = apply_baseline(findings, documents, source_text, display, rules, config)
    findings = resolve_fixes(findings)
    kept = data if keep_text and findings and isinstance(data, bytes) else None
    return FileResult(
        display,
        tuple(findings),
        tuple(documents) if retain else (),
        kept,
        file_digest,
        baseline_keys=keys,
        stale=stale,
    )


def check_documents(documents: list[Document], rules: RuleSet, config: Config) -> list[Finding]:
    """The findings of one file's documents: rules, configuration and suppressions, sorted."""
    findings: list[Finding] = []
    for document in documents:
        findings.extend(rules.check(document, config))
    findings = apply_config(findings, config)
    source_text = documents[0].source.text if documents else ""
    findings = apply_suppressions(findings, source_text, config, documents, rules)
    findings.sort(key=Finding.sort_key)
    return findings


def lint_data(
    data: bytes, display: str, fmt: Format | None, rules: RuleSet, config: Config
) -> list[Finding]:
    """The findings of a file's bytes as a run reports them (baseline applied), with their
    fixes resolved into the file's text: ``--fix`` lints the text it is fixing this way."""
    documents = _load(data, display, fmt, config.rule_timeout)
    findings = check_documents(documents, rules, config)
    source_text = documents[0].source.text if documents else ""
    findings, _keys, _stale = apply_baseline(
        findings, documents, source_text, display, rules, config
    )
    return resolve_fixes(findings)


def _load(data: bytes, display: str, fmt: Format | None, seconds: float) -> list[Document]:
    """Load the file under the same time budget as each rule: a loader that a crafted file
    drives into a very long run is stopped, and the file reported, like a hung rule."""
    with Budget(seconds) as budget:
        try:
            budget.start()
            try:
                return load_bytes(data, display, fmt)
            finally:
                budget.stop()
        except RuleTimeout:
            message = (
                f"loading this file ran past the {seconds:g}-second budget (--rule-timeout) "
                "and was stopped, so it was not checked; raise --rule-timeout if the file is "
                "legitimately huge, otherwise report this with the file"
            )
            problem = ParseProblem(Location(display, 1, 1, 1, 2), message)
            return [broken(Source(display, ""), [problem])]


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
# Each worker is a process of its own with a pipe to this one. It is sent a batch of files at a
# time and answers one result per file, so at any moment the parent knows which files a worker
# still holds. When a worker dies (killed, out of memory, a crash of the interpreter, a plugin
# calling os._exit) the file it was linting is reported as an internal error, the rest of its
# batch goes back to the queue and a new worker takes its place: one bad file costs one
# finding, never the run. (multiprocessing.Pool waits for a dead worker's results forever, and
# concurrent.futures gives up on every pending file.)

#: what a worker process lints with, set once in each worker
_WORKER: tuple[Linter, Retention] | None = None


def _init_worker(linter: Linter, keep: Retention) -> None:
    global _WORKER
    _WORKER = (linter, keep)


def _work(target: Target) -> FileResult:
    assert _WORKER is not None, "worker used before it was initialised"
    linter, keep = _WORKER
    return lint_file(target, linter.rules, linter.config, keep, linter.cache, linter.keep_text)


def _worker_main(conn: Connection, linter: Linter, keep: Retention) -> None:
    """A worker's life: lint the batches it is sent until told to stop (None) or the pipe ends."""
    # Ctrl-C reaches every process of the terminal's group: the parent alone decides what to do
    # and stops the workers; a stop request (SIGTERM) ends a worker at once, without a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _init_worker(linter, keep)
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for index, target in batch:
            try:
                conn.send((index, _work(target)))
            except (EOFError, OSError):
                return  # the parent is gone
            except Exception as exc:  # the result could not be sent (pickled)
                message = f"the result of this file could not be passed on: {exc}"
                conn.send((index, FileResult(target.name, (_died(linter, target, message),))))


def _died(linter: Linter, target: Target, how: str) -> Finding:
    return linter.rules.internal_error(
        target.name,
        f"the worker process linting this file {how}; its findings are lost, the other files "
        "were still linted. Please report this with the file: a rule or plugin may have crashed "
        "the interpreter, run out of memory or ended its process",
    )


def _exit_reason(code: int | None) -> str:
    """How a worker process ended, from its exit code, for the finding."""
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if -code == getattr(signal, "SIGKILL", None):
            return f"was killed by {name} (the system may have run out of memory)"
        return f"was killed by {name}"
    return f"exited with status {code} before finishing (a rule or plugin ended the process?)"


#: workers that may die holding no file before the run gives up (as an internal error)
_MAX_IDLE_DEATHS = 8


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    #: indexes of the files sent and not answered yet, in the order the worker lints them
    tasks: deque[int] = field(default_factory=deque)


@dataclass
class _Pool:
    """Worker processes supervised file by file (see the comment above)."""

    linter: Linter
    keep: Retention
    context: BaseContext
    targets: Sequence[Target]
    workers: list[_Worker] = field(default_factory=list)
    #: workers found dead without a file to blame (a broken environment, not a bad file)
    idle_deaths: int = 0

    def start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child, self.linter, self.keep), daemon=True
        )
        process.start()
        child.close()  # only the worker holds its end: its death ends the pipe
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def results(self) -> Iterator[FileResult]:
        """Every target's result, in input order."""
        targets = self.targets
        chunk = max(1, min(256, len(targets) // (self.linter.jobs * 8)))
        queue: deque[int] = deque(range(len(targets)))
        done: dict[int, FileResult] = {}
        following = 0
        for _ in range(min(self.linter.jobs, len(targets))):
            self.start()
        while following < len(targets):
            for worker in list(self.workers):
                if not worker.tasks and queue:
                    self._send(worker, queue, chunk)
            busy = [w for w in self.workers if w.tasks]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    self._collect(worker, done, queue)
            while following in done:
                yield done.pop(following)
                following += 1

    def _send(self, worker: _Worker, queue: deque[int], chunk: int) -> None:
        # a worker is only sent a batch when it holds none, so it is waiting to receive: the
        # two sides never both block on a full pipe
        batch = [queue.popleft() for _ in range(min(chunk, len(queue)))]
        try:
            worker.conn.send([(index, self.targets[index]) for index in batch])
        except OSError:  # it died while idle: no file is to blame, another worker takes over
            queue.extendleft(reversed(batch))
            self.idle_deaths += 1
            if self.idle_deaths > _MAX_IDLE_DEATHS:
                message = "worker processes keep dying before they lint any file"
                raise RuntimeError(message) from None
            self._replace(worker)
            return
        worker.tasks.extend(batch)

    def _collect(self, worker: _Worker, done: dict[int, FileResult], queue: deque[int]) -> None:
        """Take the results a worker sent; if it died, report its file and replace it."""
        alive = True
        try:
            while worker.conn.poll():
                index, result = worker.conn.recv()
                worker.tasks.remove(index)
                done[index] = result
        except (EOFError, OSError):
            alive = False
        if alive and worker.process.is_alive():
            return
        self._replace(worker, restart=False)
        if worker.tasks:  # the first file it still held is the one it died on
            index = worker.tasks.popleft()
            culprit = self.targets[index]
            how = _exit_reason(worker.process.exitcode)
            done[index] = FileResult(culprit.name, (_died(self.linter, culprit, how),))
            queue.extendleft(reversed(worker.tasks))
        if queue:
            self.start()

    def _replace(self, worker: _Worker, restart: bool = True) -> None:
        """Forget a dead worker (and start another one in its place)."""
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)
        if restart:
            self.start()

    def close(self, interrupted: bool) -> None:
        """Stop every worker: idle ones are told to, an interrupted run does not wait."""
        for worker in self.workers:
            if interrupted:
                worker.process.terminate()
                continue
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers.clear()


def _parallel(linter: Linter, targets: Sequence[Target], keep: Retention) -> Iterator[FileResult]:
    fork = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        # the workers inherit this process's objects: keep their garbage collector off them, so
        # that it does not touch (and copy) the inherited memory pages
        gc.freeze()
    pool = _Pool(linter, keep, context, targets)
    try:
        yield from pool.results()
    except BaseException:  # interrupted (Ctrl-C, SIGTERM) or the consumer stopped early
        pool.close(interrupted=True)
        raise
    else:
        pool.close(interrupted=False)
    finally:
        if fork:
            gc.unfreeze()
