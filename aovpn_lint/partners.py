"""Partners: the files on disk that the cross-file rules need beside the files a run was given.

pre-commit passes only the staged files, an editor one file: a script committed alone must still
be compared with the ``profile.xml`` it deploys, and a profile with the inventory that lists it.
For every file named on the command line (not for the files a folder walk finds: a walk brings
its folders whole) this module finds, bounded to what the cross-file rules read:

- **inventories**: in the file's folder and every folder above it up to the repository root, and,
  when they list the file among their ``profiles``, in a direct subfolder of one of those
  (``inventory/aovpn-inventory.yaml`` beside ``profiles/``);
- **the folder**: the other files of the file's folder that a walk would lint (profiles deployed
  together, the profile beside a script), as many as the linter would keep for a whole run;
- **what the inventory lists**: the profiles matched by the ``profiles`` paths of an inventory
  that covers a named file (the other members of its deployment);
- **what a script reads**: the file a script loads its ProfileXML from (``Get-Content``), as
  the script document records it (see :func:`script_reads`), for the named scripts and the
  scripts found; and, for a named profile, the scripts in the folders searched for inventories
  that read it, with the other files of their folders (they deploy it from there).

The repository root is the nearest folder holding ``.git``, else the configuration file's folder
when the file is inside it, else the file's own folder: nothing outside it is listed or read, a
symbolic link leading out of it is not followed, and ``exclude`` patterns apply as in a walk.
Partners are loaded for the cross-file rules only: their own findings are not reported, and the
cross-file findings are kept only where their primary location is in a file the run was given.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from aovpn_lint.engine.config import Config
from aovpn_lint.globs import GitIgnore, GlobSet
from aovpn_lint.load.dispatch import Format, format_for, walk_accepts
from aovpn_lint.model.document import Document, DocumentKind, ReadStatus, ScriptInfo
from aovpn_lint.model.inventory import Inventory
from aovpn_lint.read import STDIN, Target

#: folders a partner search never enters (as a walk skips them)
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".tox"})
_GLOB_CHARS = frozenset("*?[")

Load = Callable[[Target], list[Document]]


def script_reads(document: Document) -> tuple[str, ...]:
    """The files a script document reads its ProfileXML from, named as the run names files.

    The PowerShell loader records them on the script's payload as ``reads``: values with the
    ``path`` joined to the script's and a ``status``, of which only the files found inside the
    tree count (a missing file or a path leading out of the tree is never read)."""
    if document.kind is not DocumentKind.SCRIPT or not isinstance(document.payload, ScriptInfo):
        return ()
    return tuple(read.path for read in document.payload.reads if read.status is ReadStatus.FOUND)


@dataclass
class Partners:
    """The partners of one run's named files (empty when the run names none).

    Built before the run (``inventories`` are loaded then, to see which ones list a named file,
    and the folder ``candidates`` are listed), completed after it by :meth:`load` from what the
    given files hold.
    """

    config: Config
    load_target: Load
    #: the names (as findings carry them) of every file the run was given
    given: frozenset[str]
    #: the paths on disk of the files named on the command line
    named: tuple[str, ...]
    #: documents of the partners loaded before the run: inventories, scripts reading a profile
    documents: list[Document] = field(default_factory=list)
    #: their targets (for the retention decision)
    loaded: list[Target] = field(default_factory=list)
    #: files of the named files' folders, before the linter's retention decision
    candidates: list[Target] = field(default_factory=list)
    _known: set[str] = field(default_factory=set)
    #: the names of the partners loaded, as their findings would carry them
    _names: set[str] = field(default_factory=set)
    _roots: dict[str, str] = field(default_factory=dict)
    _ignores: dict[str, GitIgnore | None] = field(default_factory=dict)

    @classmethod
    def find(cls, targets: Sequence[Target], config: Config, load: Load) -> Partners:
        named = tuple(
            path for t in targets if t.named and t.error is None and (path := _on_disk(t))
        )
        partners = cls(config, load, frozenset(t.name for t in targets), named)
        partners._known = {os.path.realpath(t.path) for t in targets if t.path != STDIN}
        partners._known.update(os.path.realpath(path) for path in named)
        if named:
            folders = partners._search_around()
            partners._find_folders(folders)
        return partners

    def __bool__(self) -> bool:
        return bool(self.named)

    # --- before the run: paths only, and the inventories ----------------------------------------
    def _search_around(self) -> list[str]:
        """Inventories and scripts in the named files' folders, the folders above them and the
        direct subfolders of those: the scripts of the named files' folders, the scripts that
        read a named profile, the inventories above and those beside that list a named file
        or such a script. The folders whose files are partners: the named files' and the
        reading scripts'."""
        named_folders = list(dict.fromkeys(os.path.dirname(path) or "." for path in self.named))
        folders = list(named_folders)
        ancestors: dict[str, None] = {}
        for folder in named_folders:
            for level in _levels(folder, self._root(folder)):
                ancestors.setdefault(level, None)
        beside = [
            sub
            for level in ancestors
            for sub in self._subfolders(level, self._root(level))
            if sub not in ancestors
        ]
        profiles = {os.path.realpath(p) for p in self.named if format_for(p) is Format.XML}
        inventories: list[tuple[str, bool]] = []
        for folder in (*ancestors, *beside):
            for path, fmt in self._files_in(folder):
                if fmt is Format.INVENTORY:
                    inventories.append((path, folder in ancestors))
                elif folder in named_folders:
                    self._add(Target(path))  # beside a named file: a partner in any case
                elif profiles and self._add(Target(path), lambda d: _reads_one_of(d, profiles)):
                    folders.append(os.path.dirname(path) or ".")
        deployers = self._deployers(self.documents)
        for path, above in inventories:
            lists = None if above else (lambda d: self._covers(d, deployers))
            self._add(Target(path, fmt=Format.INVENTORY), lists)
        return list(dict.fromkeys(folders))

    def _deployers(self, documents: Sequence[Document]) -> list[str]:
        """The named files, and the scripts among ``documents`` that read one of them: an
        inventory that lists such a script covers the profile it reads."""
        reals = {os.path.realpath(path) for path in self.named}
        return [*self.named, *(d.path for d in documents if _reads_one_of(d, reals))]

    def _add(self, target: Target, wanted: Callable[[Document], bool] | None = None) -> bool:
        """Load ``target`` and keep it as a partner (when one of its documents is ``wanted``)."""
        real = os.path.realpath(target.path)
        if real in self._known:
            return False
        documents = self.load_target(target)
        if wanted is not None and not any(wanted(d) for d in documents):
            return False
        self._known.add(real)
        self._names.add(target.name)
        self.loaded.append(target)
        self.documents.extend(documents)
        return True

    def _find_folders(self, folders: Sequence[str]) -> None:
        for folder in folders:
            root = self._root(folder)
            for path, regular in self._entries(folder, root):
                fmt = format_for(path)
                if fmt is None or fmt is Format.INVENTORY or os.path.realpath(path) in self._known:
                    continue
                if not regular or not walk_accepts(path, fmt):
                    continue
                self._known.add(os.path.realpath(path))
                self.candidates.append(Target(path))

    # --- after the run: what the given files and the inventories hold ---------------------------
    def load(self, retained: Sequence[Target], given: Sequence[Document]) -> list[Document]:
        """Load the retained folder partners, then what the inventories list and the scripts
        read; every partner document, the inventories' included."""
        documents = list(self.documents)
        for target in retained:
            documents.extend(self._load(target))
        found: list[str] = []
        deployers = self._deployers([*given, *documents])
        for document in (*given, *documents):
            if isinstance(document.payload, Inventory) and self._covers(document, deployers):
                found.extend(self._listed(document.payload))
        for document in (*given, *documents):
            found.extend(self._read_by(document))
        for path in found:
            real = os.path.realpath(path)
            if real not in self._known:
                self._known.add(real)
                documents.extend(self._load(Target(path)))
        return documents

    def _load(self, target: Target) -> list[Document]:
        self._names.add(target.name)
        return self.load_target(target)

    def reported(self, path: str) -> bool:
        """Whether a cross-file finding at ``path`` is reported: not when it is in a partner
        (a finding of the whole run, such as a crashed rule's, has no file and stays)."""
        return path in self.given or path not in self._names

    def _listed(self, inventory: Inventory) -> Iterator[str]:
        """The files the inventory's ``profiles`` paths match, found from each path's fixed
        part: a pattern without ``**`` is searched only as deep as it reaches."""
        base = os.path.dirname(inventory.path) or "."
        root = self._root(base)
        listed = _listed_globs(inventory)
        for entry in inventory.profiles:
            start, depth = _search_start(entry.pattern, base)
            if not _within(start, root):
                continue
            for path in self._files_under(start, depth, root):
                if listed.matches(path):
                    yield path

    def _read_by(self, document: Document) -> Iterator[str]:
        root = self._root(os.path.dirname(document.path) or ".")
        for path in map(os.path.normpath, script_reads(document)):
            if _within(path, root) and format_for(path) and not self.config.is_excluded(path):
                if _regular(path):
                    yield path

    # --- the file system, bounded ---------------------------------------------------------------
    def _root(self, folder: str) -> str:
        """The repository root for a file in ``folder`` (see the module docstring)."""
        key = os.path.abspath(folder)
        if key not in self._roots:
            current = key
            while not os.path.exists(os.path.join(current, ".git")):
                parent = os.path.dirname(current)
                if parent == current:
                    base = self.config.base_dir
                    current = base if base and _within(key, base) else key
                    break
                current = parent
            self._roots[key] = current
        return self._roots[key]

    def _covers(self, document: Document, paths: Iterable[str]) -> bool:
        """Whether ``document`` is an inventory listing one of ``paths`` among its profiles."""
        inventory = document.payload
        if not isinstance(inventory, Inventory) or not inventory.profiles:
            return False
        listed = _listed_globs(inventory)
        return any(listed.matches(path) for path in paths)

    def _entries(self, folder: str, root: str) -> Iterator[tuple[str, bool]]:
        """The non-excluded entries of ``folder`` that stay inside ``root``: (path, is a regular
        file), folders excepted."""
        for path, is_dir, regular in self._scan(folder, root):
            if not is_dir:
                yield path, regular

    def _subfolders(self, folder: str, root: str) -> Iterator[str]:
        for path, is_dir, _regular in self._scan(folder, root):
            if is_dir and os.path.basename(path) not in _SKIP_DIRS:
                yield path

    def _files_in(self, folder: str) -> Iterator[tuple[str, Format]]:
        """The inventories and scripts of ``folder`` (regular files)."""
        for path, regular in self._entries(folder, self._root(folder)):
            fmt = format_for(path)
            if regular and fmt in (Format.INVENTORY, Format.POWERSHELL):
                yield path, fmt

    def _scan(self, folder: str, root: str) -> Iterator[tuple[str, bool, bool]]:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = os.path.join(folder, entry.name) if folder != "." else entry.name
            if self.config.is_excluded(path):
                continue
            if entry.is_symlink() and not _within(path, root):
                continue  # a link leading out of the repository is never followed
            try:
                is_dir = entry.is_dir()
                regular = entry.is_file()
            except OSError:
                continue
            ignore = self._gitignore(root)
            if ignore is not None and ignore.ignored(path, is_dir):
                continue  # what a whole run's walk skips is no partner either
            yield path, is_dir, regular

    def _gitignore(self, root: str) -> GitIgnore | None:
        if root not in self._ignores:
            self._ignores[root] = GitIgnore(root) if self.config.respect_gitignore else None
        return self._ignores[root]

    def _files_under(self, start: str, depth: int | None, root: str) -> Iterator[str]:
        """Lintable files under ``start``, at most ``depth`` folders down (None: any depth)."""
        if _regular(start):
            yield start
            return
        stack = [(start, 1)]
        visited: set[str] = set()
        while stack:
            folder, level = stack.pop()
            real = os.path.realpath(folder)
            if real in visited:
                continue  # a symbolic link loop
            visited.add(real)
            subfolders = []
            for path, is_dir, regular in self._scan(folder, root):
                if is_dir:
                    if os.path.basename(path) not in _SKIP_DIRS and (
                        depth is None or level < depth
                    ):
                        subfolders.append((path, level + 1))
                elif regular and (fmt := format_for(path)) and walk_accepts(path, fmt):
                    yield path
            stack.extend(reversed(subfolders))


def _reads_one_of(document: Document, reals: set[str]) -> bool:
    return any(os.path.realpath(path) in reals for path in script_reads(document))


def _listed_globs(inventory: Inventory) -> GlobSet:
    """The inventory's ``profiles`` paths compiled once (``Inventory.entry_for`` matches them one
    by one, for one path)."""
    base = os.path.dirname(inventory.path)
    return GlobSet(tuple(entry.pattern for entry in inventory.profiles), base)


def _on_disk(target: Target) -> str:
    """Where a named file is: standard input stands for the file --stdin-filename names (and
    is nowhere without it)."""
    if target.path == STDIN:
        return os.path.normpath(target.display) if target.display else ""
    return target.path


def _levels(folder: str, root: str) -> Iterator[str]:
    """``folder`` and the folders above it, up to ``root``, as paths in ``folder``'s form."""
    current = folder
    for _ in range(256):  # deeper than any real tree; a bound against a path that never ends
        yield current
        if os.path.abspath(current) == root or not _within(current, root):
            return
        parent = os.path.normpath(os.path.join(current, os.pardir))
        if os.path.abspath(parent) == os.path.abspath(current):
            return
        current = parent


def _search_start(pattern: str, base: str) -> tuple[str, int | None]:
    """Where to look for the files an inventory ``profiles`` path matches, and how deep."""
    pattern = pattern.replace("\\", "/")
    steps: list[str] = []
    anchored = "/" in pattern.rstrip("/")
    while pattern.startswith(("../", "./")):
        step, _, pattern = pattern.partition("/")
        steps.append(step)
    folder_pattern = pattern.endswith("/")
    parts = [p for p in pattern.strip("/").split("/") if p]
    fixed: list[str] = []
    for part in parts[:-1] if not folder_pattern else parts:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    start = os.path.normpath(os.path.join(base, *steps, *fixed))
    rest = parts[len(fixed) :]
    if folder_pattern or not anchored or "**" in rest:
        return start, None  # a name at any depth, a folder and all it holds, or '**'
    return start, max(1, len(rest))


def _within(path: str, root: str) -> bool:
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
