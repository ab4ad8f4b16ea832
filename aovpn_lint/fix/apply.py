"""Applying fixes: in memory, pass after pass, then written back byte for byte.

A pass lints the text, takes every applicable fix whose replacements overlap none taken before
(in file order: the first wins) and applies them together; the text is linted again and the
next pass takes what is left or what the last one made visible, at most :data:`MAX_PASSES`
times (fixes still changing the text after that are a rule's bug: the file is then not
fixed). The text goes back to bytes with the file's own codec and byte order mark; line endings
are the file's because only the replaced ranges change. A file whose bytes would not come
back exactly from its own text (an encoding that does not round-trip) is not fixed.

Writing (:func:`write_fixed`) is atomic and careful: a temporary file in the same folder,
renamed over the original, with the original's mode (:mod:`aovpn_lint.atomicwrite`); the
write is refused when the file changed since it was read, is not a regular file, or is
reached through a symbolic link that leads out of the tree.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from aovpn_lint.atomicwrite import replace_atomically
from aovpn_lint.errors import DecodeProblem
from aovpn_lint.load.text import decode, sniff_encoding
from aovpn_lint.model.findings import Finding, Fix
from aovpn_lint.sanitize import no_runner_markers, printable

#: passes of lint-and-fix over one file at most (each applies every fix that does not overlap)
MAX_PASSES = 10


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """What fixing one file's bytes gave: the text before and after, the new bytes, how many
    fixes were applied and how many unsafe ones are left for ``--unsafe-fixes``; ``problem``
    says why nothing could be written (and then ``after`` is ``before``)."""

    before: str
    after: str
    data: bytes
    applied: int
    unsafe_left: int
    problem: str | None = None

    @property
    def changed(self) -> bool:
        return self.after != self.before


def wanted(finding: Finding, unsafe: bool) -> Fix | None:
    """The fix of ``finding`` this run applies (None: none or not this run)."""
    fix = finding.fix
    if finding.suppression is not None or fix is None or not fix.applicable:
        return None
    return fix if fix.safe or unsafe else None


def choose(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    """The fixes of one pass: in file order, each one that overlaps none chosen before."""
    candidates = [fix for finding in findings if (fix := wanted(finding, unsafe)) is not None]
    candidates.sort(key=lambda fix: (fix.replacements[0].start, fix.replacements[0].end))
    taken: list[tuple[int, int]] = []
    chosen: list[Fix] = []
    for fix in candidates:
        spans = [(r.start, r.end) for r in fix.replacements]
        # touching counts as overlapping: two insertions at one point have no defined order
        if any(s <= e2 and s2 <= e for s, e in spans for s2, e2 in taken):
            continue
        taken.extend(spans)
        chosen.append(fix)
    return chosen


def apply_fixes(text: str, fixes: Sequence[Fix]) -> str:
    """``text`` with the (non-overlapping) replacements of ``fixes`` applied."""
    replacements = sorted((r for fix in fixes for r in fix.replacements), key=lambda r: r.start)
    out: list[str] = []
    position = 0
    for replacement in replacements:
        out.append(text[position : replacement.start])
        out.append(replacement.text)
        position = replacement.end
    out.append(text[position:])
    return "".join(out)


Lint = Callable[[bytes], list[Finding]]


def fix_data(data: bytes, lint: Lint, unsafe: bool) -> FixOutcome:
    """Fix a file's bytes: ``lint`` gives the findings of any version of them."""
    try:
        text, codec = decode(data)
        _codec, skip, _how = sniff_encoding(data)
    except DecodeProblem:
        return FixOutcome("", "", data, 0, 0)  # AOV100 says why; nothing to fix
    bom = data[:skip]
    if bom + text.encode(codec) != data:
        problem = f"its bytes do not come back exactly from its text in {codec}; not fixed"
        return FixOutcome(text, text, data, 0, 0, problem)
    current, applied = text, 0
    findings = lint(data)
    for _ in range(MAX_PASSES):
        fixes = choose(findings, unsafe)
        if not fixes:
            break
        fixed = apply_fixes(current, fixes)
        if fixed == current:
            break
        current, applied = fixed, applied + len(fixes)
        findings = lint(bom + current.encode(codec))
    else:
        fixes = choose(findings, unsafe)
        if fixes and apply_fixes(current, fixes) != current:
            # a fix offered again after every pass repeats its text; nothing is written
            problem = f"its fixes did not settle after {MAX_PASSES} passes; not fixed"
            return FixOutcome(text, text, data, 0, 0, problem)
    left = sum(1 for f in findings if wanted(f, True) is not None and wanted(f, unsafe) is None)
    return FixOutcome(text, current, bom + current.encode(codec), applied, left)


def unified_diff(name: str, before: str, after: str) -> str:
    """A unified diff of the two texts (lines compared with their own line endings), safe to
    print in a terminal or CI log: control characters other than tabs and line ends become
    escapes, and no line can be read as a runner command."""
    lines = difflib.unified_diff(
        _LINE.findall(before),
        _LINE.findall(after),
        fromfile=f"a/{printable(name)}",
        tofile=f"b/{printable(name)}",
    )
    return "".join(_safe_line(line) for line in lines)


#: a line, with its "\n" (only "\n" ends a line, as everywhere in aovpn-lint)
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_BLANKS_COLON = re.compile(r"^(\s+):")


def _safe_line(line: str) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    body = no_runner_markers("\t".join(printable(part) for part in body.split("\t")))
    body = _BLANKS_COLON.sub(r"\1\\x3a", body)  # runners trim blanks before '::' commands
    if not ending:
        return body + "\n\\ No newline at end of file\n"
    return body + ("\r\n" if ending.endswith("\r\n") else "\n")


class WriteRefused(Exception):
    """The fixed file was not written; the message says why."""


def write_fixed(path: str, original: bytes, data: bytes, root: str) -> None:
    """Replace the file at ``path`` (read as ``original``) with ``data``, atomically.

    Refused (:class:`WriteRefused`) when the path is not a regular file, is read-only, leads
    through a symbolic link out of ``root``, or no longer holds ``original``.
    """
    real = os.path.realpath(path)
    if real != os.path.abspath(path) and not _inside(real, os.path.realpath(root)):
        raise WriteRefused("it is reached through a symbolic link that leads out of the tree")
    try:
        info = os.stat(real)
    except OSError as exc:
        raise WriteRefused(f"it cannot be read again: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("it is not a regular file")
    # the rename needs only the folder to be writable; a file marked read-only is respected
    # (no write bit at all also stops root, who may write anything)
    if not stat.S_IMODE(info.st_mode) & 0o222 or not os.access(real, os.W_OK):
        raise WriteRefused("it is read-only; make it writable to fix it")
    if _read(real) != original:
        raise WriteRefused("it changed since it was read; run again")
    replace_atomically(real, data)  # mode and owner kept, nothing left behind on failure


def _read(path: str) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise WriteRefused(f"it cannot be read again: {exc.strerror or exc}") from exc
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
