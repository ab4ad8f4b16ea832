"""Baselines: accept today's findings, report only new ones.

``--write-baseline FILE`` records the findings of a run; ``--baseline FILE`` (or ``baseline:``
in the configuration) then marks each finding that the file lists as suppressed (kind
``external``, justification ``baselined in FILE``): it is kept in JSON and SARIF and does not
fail the run. Entries that match no finding any more are *stale*; they are counted in the
report, so the baseline can shrink, and never fail the run.

An entry is keyed by content, not by line numbers, so edits elsewhere in the file (lines
inserted above, a reformatted neighbour) never bring an accepted finding back:

- ``rule``: the rule id;
- ``file``: the file's path relative to the repository root, with ``/``;
- ``path``: the element the finding is on, as the tags from the document's root down
  (``VPNProfile/NativeProfile/Servers``; JSON and YAML keys, ``[0]`` for a list item): the
  deepest element whose extent holds the finding's position, in the profile embedded in a
  script or export when there is one; empty when the finding is on no element (a parse error);
- ``hash``: the first 16 hex digits of the SHA-256 of the element's normalised content: its
  value with every run of white space (spaces, tabs, line breaks) made one space and the ends
  stripped; nothing else changes (letter case is kept). An element with child elements has no
  value of its own, so its findings are told apart by rule, file and path alone (an edit of a
  child never resurrects them); a finding on no element hashes its line's text, normalised
  the same way;
- ``count``: how many findings share the key. Matching counts: with ``count`` 2, two findings
  with the key are baselined and a third is new.

Siblings with the same tag (several ``Route``) carry no index: an index would change when a
route is inserted above; their values tell them apart, and identical ones are counted.

The file is JSON, one entry per line (wrapped here), sorted, keys in a fixed order, with a
version::

    {
      "version": 1,
      "entries": [
        {"file": "user.xml", "rule": "AOV201", "path": "VPNProfile/NativeProfile/Servers",
         "hash": "1f0c2d3e4a5b6c7d", "count": 1}
      ]
    }

A file that is not such a document is a configuration error (file, line, column); entry
paths must stay inside the repository. Findings of a crashed rule (AOV000) are never baselined.
Stale entries are judged only for rules that ran: not for rules left out by ``--select``, and
for cross-file rules only in files whose documents the cross-file rules saw.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from aovpn_lint.engine.accepted import (
    Baseline,
    Entry,
    Stale,
)
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.configfile import ConfigError
from aovpn_lint.engine.ids import INTERNAL_ERROR, PARSE_ERROR
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.model.document import Document
from aovpn_lint.model.findings import Finding
from aovpn_lint.model.positions import LineIndex
from aovpn_lint.paths import repository_root

VERSION = 1
#: a baseline larger than this is refused (a real one lists a few thousand findings)
MAX_BYTES = 64 << 20
_KEYS = ("file", "rule", "path", "hash", "count")
_HASH = re.compile(r"^[0-9a-f]{16}$")
_RULE = re.compile(r"^[A-Z][A-Z0-9]{1,9}\d{3}$")
_PROJECT_HOOK = "aovpn_lint_check_project"


def judged_rules(rules: RuleSet, config: Config, project: bool) -> list[str]:
    """The ids whose stale entries a stage may report: the enabled per-document rules, or with
    ``project`` the enabled cross-file rules (entries of rules no longer installed:
    :func:`unknown_rule_entries`)."""
    return [
        rid
        for rid, rule in rules.rules.items()
        if (_PROJECT_HOOK in rule.impls) is project and config.is_enabled(rid)
    ]


def unknown_rule_entries(baseline: Baseline, known: Iterable[str]) -> tuple[Stale, ...]:
    """Entries of rules that no installed rule has (a removed plugin): always stale."""
    ids = set(known)
    return tuple(
        Stale(entry, count)
        for entries in baseline.entries.values()
        for entry, count in sorted(entries.items())
        if entry.rule not in ids
    )


# --- the file ------------------------------------------------------------------------------------
def load_baseline(path: str, display: str, root: str, cwd: str) -> Baseline:
    """Read and check a baseline file; any problem is a :class:`ConfigError` located in it."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            f"baseline file '{display}' does not exist; create it with --write-baseline {display}"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the baseline: {exc.strerror or exc}", display) from exc
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"the baseline is larger than {MAX_BYTES:,} bytes", display, 1, 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("the baseline is not UTF-8 text", display, line, 1) from None
    return parse_baseline(text, display, root, cwd)


def parse_baseline(text: str, display: str, root: str, cwd: str) -> Baseline:
    lines = LineIndex(text)

    def error(message: str, offset: int = 0) -> ConfigError:
        line, col = lines.position(offset)
        return ConfigError(f"baseline: {message}", display, line, col)

    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = f"baseline: invalid JSON: {exc.msg}"
        raise ConfigError(message, display, exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise error(f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise error("the baseline must be a JSON object with 'version' and 'entries'")
    if data.get("version") != VERSION:
        raise error(
            f"unsupported baseline version {data.get('version')!r}; this aovpn-lint reads "
            f"version {VERSION}: write it again with --write-baseline"
        )
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise error("'entries' must be a list of entries")
    starts = _entry_offsets(text)
    by_file: dict[str, Counter[Entry]] = {}
    for number, item in enumerate(raw_entries):
        where = starts[number] if number < len(starts) else 0
        try:
            entry, count = _entry(item)
        except ValueError as exc:
            raise error(f"entry {number + 1}: {exc}", where) from None
        by_file.setdefault(entry.file, Counter())[entry] += count
    return Baseline({f: dict(c) for f, c in by_file.items()}, display, root, cwd)


def _no_constant(name: str) -> Any:
    raise ValueError(f"'{name}' is not JSON")


def _entry(item: Any) -> tuple[Entry, int]:
    if not isinstance(item, dict):
        raise ValueError("must be an object with file, rule, path, hash and count")
    missing = [key for key in _KEYS if key not in item]
    if missing:
        raise ValueError(f"lacks {', '.join(repr(k) for k in missing)}")
    unknown = sorted(str(k) for k in item if k not in _KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; an entry has {', '.join(_KEYS)}")
    file, rule, path, digest, count = (item[key] for key in _KEYS)
    if not all(isinstance(v, str) for v in (file, rule, path, digest)):
        raise ValueError("file, rule, path and hash must be strings")
    if not _RULE.match(rule):
        raise ValueError(f"{rule!r} is not a rule id")
    if not _HASH.match(digest):
        raise ValueError(f"hash {digest!r} must be 16 lower-case hex digits")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1_000_000:
        raise ValueError(f"count must be a whole number from 1 to 1000000, not {count!r}")
    _check_file(file)
    if any(ord(c) < 32 or ord(c) == 127 for c in path) or len(path) > 4096:
        raise ValueError("path holds control characters or is too long")
    return Entry(file, rule, path, digest), count


def _check_file(file: str) -> None:
    """An entry's file is a path inside the repository: relative, with '/', no '..'."""
    pseudo = file.startswith("<") and file.endswith(">")
    parts = file.split("/")
    if (
        not file
        or len(file) > 4096
        or any(ord(c) < 32 or ord(c) == 127 for c in file)
        or (not pseudo and ("\\" in file or file.startswith("/") or re.match(r"^[A-Za-z]:", file)))
        or (not pseudo and any(part in ("", ".", "..") for part in parts))
    ):
        raise ValueError(
            f"file {file!r} must be a path inside the repository, relative to its root, "
            "with '/' and no '..'"
        )


def _entry_offsets(text: str) -> list[int]:
    """Where each item of ``entries`` starts in ``text`` (for error positions): the items are
    decoded one by one after the list's '['. Empty when the layout cannot be followed."""
    decoder = json.JSONDecoder()
    match = re.search(r'"entries"\s*:\s*\[', text)
    if match is None:
        return []
    position, offsets = match.end(), list[int]()
    space = re.compile(r"[\s,]*")
    while True:
        position = space.match(text, position).end()  # type: ignore[union-attr]
        if position >= len(text) or text[position] == "]":
            return offsets
        offsets.append(position)
        try:
            _value, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            return offsets


def render_baseline(entries: Iterable[Entry]) -> str:
    """The baseline document: sorted entries, one per line, keys in a fixed order."""
    counts = Counter(entries)
    lines = [
        "    "
        + json.dumps(
            {
                "file": e.file,
                "rule": e.rule,
                "path": e.path,
                "hash": e.hash,
                "count": counts[e],
            },
            ensure_ascii=False,
        )
        for e in sorted(counts)
    ]
    body = ",\n".join(lines)
    inner = f"\n{body}\n  " if lines else ""
    return f'{{\n  "version": {VERSION},\n  "entries": [{inner}]\n}}\n'


def write_baseline(path: str, entries: Iterable[Entry]) -> None:
    """Write the baseline atomically: a temporary file beside it, renamed over it."""
    text = render_baseline(entries)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".aovpn-lint-baseline-", dir=directory)
    except OSError as exc:
        raise ConfigError(f"cannot write the baseline '{path}': {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            message = f"cannot write the baseline '{path}': {exc.strerror or exc}"
            raise ConfigError(message) from exc
        raise


# --- the pipeline's two calls --------------------------------------------------------------------
Applied = tuple[list[Finding], tuple[Entry, ...], tuple[Stale, ...]]


def apply_baseline(
    findings: list[Finding],
    documents: Sequence[Document],
    text: str,
    name: str,
    rules: RuleSet,
    config: Config,
) -> Applied:
    """Baseline one file's findings (of the per-document rules) when the run has a baseline."""
    baseline = config.accepted
    if baseline is None:
        return findings, (), ()
    if any(f.rule_id in (INTERNAL_ERROR, PARSE_ERROR) for f in findings):
        judged: list[str] = [PARSE_ERROR]  # the rules did not see the file: only AOV100's
    else:
        judged = judged_rules(rules, config, project=False)
    return baseline.apply(findings, documents, text, name, judged)


def apply_baseline_project(
    findings: list[Finding], documents: Sequence[Document], rules: RuleSet, config: Config
) -> Applied:
    """Baseline the cross-file rules' findings; their stale entries are judged only in the
    files whose documents they saw."""
    baseline = config.accepted
    if baseline is None:
        return findings, (), ()
    by_path: dict[str, list[Document]] = {}
    for document in documents:
        by_path.setdefault(document.path, []).append(document)
    mine: dict[str, list[Finding]] = {}
    for finding in findings:
        mine.setdefault(finding.loc.path, []).append(finding)
    judged = judged_rules(rules, config, project=True)
    out: list[Finding] = []
    keys: list[Entry] = []
    stale: list[Stale] = []
    for path in sorted(set(mine) | set(by_path)):
        docs = by_path.get(path, [])
        text = docs[0].source.text if docs else ""
        done, found, old = baseline.apply(
            mine.get(path, []), docs, text, path, judged if docs else ()
        )
        out.extend(done)
        keys.extend(found)
        stale.extend(old)
    out.sort(key=Finding.sort_key)
    return out, tuple(keys), tuple(stale)


def attach_baseline(config: Config, write: str | None, cwd: str) -> Config:
    """The configuration with the run's baseline: every finding accepted while writing one
    (``write``), else the file the configuration or ``--baseline`` names, loaded."""
    root = repository_root(cwd)
    if write:
        return config.replace(accepted=Baseline({}, write, root, cwd, accept_all=True))
    if config.baseline is None:
        return config
    display = config.baseline
    if os.path.isabs(display):
        try:
            display = os.path.relpath(display, cwd)
        except ValueError:  # another drive on Windows
            pass
    return config.replace(accepted=load_baseline(config.baseline, display, root, cwd))
