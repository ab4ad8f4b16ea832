"""A result cache for large runs: a file whose bytes have not changed is not linted again.

A run over many files (CI re-runs, an editor or a watch loop linting a whole repository) mostly
meets files it has seen. The cache maps each file's path to a digest of its bytes and to the
findings it produced; an entry is used only when the digest matches and everything else that
shapes findings is unchanged: the aovpn-lint version, the configuration, and the code of every
rule that ran (each rule module's size and modification time, so editing a rule or upgrading a
plug-in invalidates it).

Safety: the cache lives in the user's cache directory, outside the repository, so a change under
review cannot ship a cache that hides its own findings. It is JSON lines, never pickle: a
tampered file can at worst be ignored. Results that involve a crashed or timed-out rule, files whose
documents the cross-file rules need, and standard input are never cached. Writes go to a
temporary file that replaces the old one, so an interrupted run leaves the previous cache.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from typing import Any

from aovpn_lint import __version__
from aovpn_lint.engine.ids import INTERNAL_ERROR
from aovpn_lint.model.findings import Finding, Fix, Related, Replacement, Severity, Suppression
from aovpn_lint.model.positions import Location

FORMAT = 3
#: runs with fewer files than this do not read or write the cache (not worth the start-up)
MIN_FILES = 64
#: entries kept at most; the ones not seen in the latest run go first
MAX_ENTRIES = 200_000


def default_dir() -> str:
    """$AOVPN_LINT_CACHE_DIR, else the platform's per-user cache directory."""
    explicit = os.environ.get("AOVPN_LINT_CACHE_DIR")
    if explicit:
        return explicit
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "aovpn-lint", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/aovpn-lint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "aovpn-lint")


def digest(data: bytes) -> str:
    return str(_blake2b(data, digest_size=16).hexdigest())


def _blake2b(data: bytes, digest_size: int) -> Any:
    import hashlib  # only a run that uses the cache needs it

    return hashlib.blake2b(data, digest_size=digest_size)


def fingerprint(config: object, rule_files: Iterable[str]) -> str:
    """What besides a file's bytes decides its findings."""
    parts = [
        f"format={FORMAT}",
        f"version={__version__}",
        f"python={sys.version_info[:2]}",
        f"config={config!r}",
    ]
    for path in sorted(set(rule_files)):
        try:
            info = os.stat(path)
            parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:missing")
    return str(_blake2b("\n".join(parts).encode("utf-8", "replace"), digest_size=16).hexdigest())


class Cache:
    """The cached results of one project (the directory aovpn-lint runs in).

    On disk: a JSON header line (format, key), then one line per file, ``digest TAB path TAB
    findings`` with the path and the findings as JSON (which never holds a raw tab or newline).
    The findings stay text until a file asks for them, so a cache of many files costs little
    memory.
    """

    def __init__(self, path: str, key: str) -> None:
        self.path = path
        self.key = key
        #: path -> (digest of its bytes, its findings as JSON)
        self.entries: dict[str, tuple[str, str]] = {}
        self.seen: set[str] = set()
        self.changed = False

    @classmethod
    def open(cls, directory: str, project: str, key: str) -> Cache:
        name = _blake2b(os.path.abspath(project).encode("utf-8", "replace"), 12).hexdigest()
        cache = cls(os.path.join(directory, f"{name}.cache"), key)
        try:
            with open(cache.path, encoding="utf-8", newline="\n") as handle:
                header = json.loads(handle.readline())
                if not (
                    isinstance(header, dict)
                    and header.get("format") == FORMAT
                    and header.get("key") == key
                ):
                    return cache  # another version, configuration or rule code: start afresh
                entries = cache.entries
                for line in handle:
                    file_digest, name, findings = line.rstrip("\n").split("\t", 2)
                    path = json.loads(name)
                    if isinstance(path, str):
                        entries[path] = (file_digest, findings)
        except (OSError, ValueError):
            cache.entries = {}  # absent, unreadable or damaged: start empty
        return cache

    def get(self, name: str, file_digest: str) -> list[Finding] | None:
        entry = self.entries.get(name)
        if entry is None or entry[0] != file_digest:
            return None
        try:
            findings = [_finding(item) for item in json.loads(entry[1])]
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            return None  # damaged entry: lint the file again
        self.seen.add(name)
        return findings

    def put(self, name: str, file_digest: str, findings: list[Finding]) -> None:
        if any(f.rule_id == INTERNAL_ERROR for f in findings):
            return  # a crash or a timeout may not happen again: never remember it
        plain = json.dumps([_plain(f) for f in findings], separators=(",", ":"))
        self.entries[name] = (file_digest, plain)
        self.seen.add(name)
        self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed; failures are ignored (it is only a cache)."""
        if not self.changed:
            return
        names = list(self.entries)
        if len(names) > MAX_ENTRIES:  # the files of this run first
            names = (
                [n for n in names if n in self.seen] + [n for n in names if n not in self.seen]
            )[:MAX_ENTRIES]

        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(json.dumps({"format": FORMAT, "key": self.key}) + "\n")
                    for name in names:
                        file_digest, findings = self.entries[name]
                        handle.write(f"{file_digest}\t{json.dumps(name)}\t{findings}\n")
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass


def _loc(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.col, loc.end_line, loc.end_col]


def _plain(finding: Finding) -> dict[str, Any]:
    plain: dict[str, Any] = {
        "id": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity.value,
        "message": finding.message,
        "loc": _loc(finding.loc),
    }
    if finding.related:
        plain["related"] = [[_loc(r.loc), r.message] for r in finding.related]
    if finding.suppression is not None:
        plain["suppression"] = [finding.suppression.kind, finding.suppression.justification]
    fix = finding.fix
    if fix is not None:  # resolved by the engine: plain values only
        plain["fix"] = [
            fix.description,
            fix.safe,
            [[r.start, r.end, r.text, _loc(r.region)] for r in fix.replacements],
            fix.blocked,
        ]
    return plain


def _location(raw: list[Any]) -> Location:
    path, line, col, end_line, end_col = raw
    if not (isinstance(path, str) and all(type(n) is int for n in (line, col, end_line, end_col))):
        raise ValueError("bad location")
    return Location(path, line, col, end_line, end_col)


def _finding(raw: dict[str, Any]) -> Finding:
    if not (
        isinstance(raw["id"], str)
        and isinstance(raw["name"], str)
        and isinstance(raw["message"], str)
    ):
        raise ValueError("bad finding")
    related = tuple(
        Related(_location(loc), str(message)) for loc, message in raw.get("related", ())
    )
    suppression = raw.get("suppression")
    if suppression is not None:
        kind, justification = suppression
        if not (isinstance(kind, str) and isinstance(justification, str)):
            raise ValueError("bad suppression")
        suppression = Suppression(kind, justification)
    return Finding(
        raw["id"],
        raw["name"],
        Severity(raw["severity"]),
        raw["message"],
        _location(raw["loc"]),
        related,
        suppression,
        fix=_fix(raw["fix"]) if "fix" in raw else None,
    )


def _fix(raw: list[Any]) -> Fix:
    description, safe, replacements, blocked = raw
    if not (
        isinstance(description, str)
        and isinstance(safe, bool)
        and (blocked is None or isinstance(blocked, str))
    ):
        raise ValueError("bad fix")
    resolved = []
    for start, end, text, region in replacements:
        if not (type(start) is int and type(end) is int and isinstance(text, str)):
            raise ValueError("bad replacement")
        resolved.append(Replacement(start, end, text, _location(region)))
    return Fix(description, (), safe, tuple(resolved), blocked)
