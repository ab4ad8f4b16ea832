"""The accepted findings of a baseline, and how a finding is matched against them.

The data a run carries (``Config.accepted``) and reports count (``is_baselined``), apart from
the file format and the pipeline hooks in :mod:`aovpn_lint.engine.baseline`, whose docs define
the entries' keys.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from aovpn_lint.engine.ids import INTERNAL_ERROR
from aovpn_lint.model.document import Document
from aovpn_lint.model.findings import Finding, Suppression
from aovpn_lint.model.positions import LineIndex, Source
from aovpn_lint.model.tree import Node

#: the justification of a baselined finding starts with this
BASELINED = "baselined"


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One accepted finding's key (see the module's docs)."""

    file: str
    rule: str
    path: str
    hash: str


@dataclass(frozen=True, slots=True)
class Stale:
    """A baseline entry that matched ``count`` fewer findings than it lists."""

    entry: Entry
    count: int


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted findings of a baseline file, by file.

    ``source`` names the file in justifications; ``root`` is the repository root the entries'
    paths are relative to and ``cwd`` the folder the findings' paths are relative to.
    ``accept_all`` (``--write-baseline``) baselines every finding of the run.
    """

    entries: Mapping[str, Mapping[Entry, int]]
    source: str
    root: str
    cwd: str
    accept_all: bool = False
    _justification: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_justification", f"{BASELINED} in {self.source}")

    def relative(self, name: str) -> str:
        """A finding's path as the entries write it (relative to the root, with '/')."""
        if name.startswith("<") and name.endswith(">"):
            return name
        absolute = os.path.normpath(os.path.join(self.cwd, name))
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows
            return name.replace(os.sep, "/")
        return relative.replace(os.sep, "/")

    def apply(
        self,
        findings: Sequence[Finding],
        documents: Sequence[Document],
        text: str,
        name: str,
        judged: Iterable[str],
    ) -> tuple[list[Finding], tuple[Entry, ...], tuple[Stale, ...]]:
        """Baseline the findings of the file ``name`` (its ``text``, loaded as ``documents``).

        Returns the findings, the keys of the findings it may baseline (kept for
        ``--write-baseline`` only) and the entries of this file for rules in ``judged`` (the
        rules that ran on it) that matched fewer findings than they list.
        """
        file = self.relative(name)
        if not findings and file not in self.entries:
            return list(findings), (), ()
        expected = Counter(self.entries.get(file, {}))
        keyer = _Keyer(file, documents, text)
        out: list[Finding] = []
        keys: list[Entry] = []
        for finding in findings:
            if finding.suppression is not None or finding.rule_id == INTERNAL_ERROR:
                out.append(finding)
                continue
            key = keyer.key(finding)
            if self.accept_all:
                keys.append(key)
            elif expected[key] > 0:
                expected[key] -= 1
            else:
                out.append(finding)
                continue
            out.append(finding.replace(suppression=Suppression("external", self._justification)))
        rules = set(judged)
        stale = tuple(
            Stale(entry, count)
            for entry, count in sorted(expected.items())
            if count > 0 and entry.rule in rules
        )
        return out, tuple(keys), stale


def is_baselined(finding: Finding) -> bool:
    suppression = finding.suppression
    return suppression is not None and suppression.justification.startswith(BASELINED + " ")


# --- keys ----------------------------------------------------------------------------------------
class _Keyer:
    """Computes entries for the findings of one file: one walk down each document per finding,
    from the root through the child that holds the finding's offset."""

    def __init__(self, file: str, documents: Sequence[Document], text: str) -> None:
        self.file = file
        self.text = text
        self.roots = [(d.root, d.source) for d in documents if d.root is not None]
        self._lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def key(self, finding: Finding) -> Entry:
        offset = self.lines.offset(finding.loc.line, finding.loc.col)
        best: tuple[int, list[str], Node] | None = None
        for root, source in self.roots:
            found = _deepest(root, source, offset)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        if best is None:
            line = finding.loc.line
            starts = self.lines.starts
            start = starts[line - 1] if line <= len(starts) else len(self.text)
            end = self.text.find("\n", start)
            content = self.text[start : len(self.text) if end == -1 else end]
            return Entry(self.file, finding.rule_id, "", content_hash(content))
        _size, tags, node = best
        content = node.value if not node.children and node.value is not None else ""
        return Entry(self.file, finding.rule_id, "/".join(tags), content_hash(content))


def _extent(node: Node, source: Source) -> tuple[int, int]:
    """Where ``node`` is in the file's text (end exclusive)."""
    span = node.span
    if source.offsets is None:
        return span.start, span.end
    return source.outer(span.start), source.outer(max(span.end - 1, span.start)) + 1


def _deepest(root: Node, source: Source, offset: int) -> tuple[int, list[str], Node] | None:
    start, end = _extent(root, source)
    if not start <= offset < end:
        return None
    node, tags, size = root, [root.tag], end - start
    while True:
        for child in node.children:
            start, end = _extent(child, source)
            if start <= offset < end:
                node, size = child, end - start
                tags.append(child.tag)
                break
        else:
            return size, tags, node


def normalise(content: str) -> str:
    """White space runs made one space, the ends stripped (the only normalisation)."""
    return " ".join(content.split())


def content_hash(content: str) -> str:
    import hashlib  # only a run with a baseline needs it

    digest = hashlib.sha256(normalise(content).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:16]
