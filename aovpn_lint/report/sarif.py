"""SARIF 2.1.0 output for GitHub code scanning and other SARIF consumers.

The log is built from sarif-om's classes and serialised by a small walker over their attrs
fields: it writes each field under its schema name (``metadata["schema_property_name"]``) and
leaves out ``None`` and sarif-om's placeholder defaults (``charOffset: -1``, ``rank: -1`` ...),
so the document says only what the run found. This module is imported only for ``--format
sarif``.

What GitHub reads (see the README's *GitHub code scanning* section):

- one run; ``tool.driver`` with every rule (descriptions, help text and markdown, default level,
  ``tags``, ``precision`` and ``problem.severity``);
- results with ``ruleId``/``ruleIndex``, ``level``, the message and one physical location whose
  URI is relative to the repository root (``uriBaseId: %SRCROOT%``, defined in
  ``originalUriBaseIds``); columns count Unicode code points (``columnKind``);
- ``partialFingerprints.primaryLocationLineHash`` computed as the upload action computes it, so
  an alert keeps its identity when unrelated lines move;
- suppressed findings stay in the log with ``suppressions`` (``inSource`` for comments,
  ``external`` for the configuration's per-path ignores);
- at most 25,000 results (GitHub rejects more): the most severe are kept and a
  ``toolExecutionNotification`` says how many of each severity were left out; at most 1,000
  locations per result;
- AOV000 (a rule crashed) and AOV100 (a file could not be read or parsed) are results and also
  ``toolExecutionNotifications``: the results for that file are incomplete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import attr
from sarif_om import (
    ArtifactChange,
    ArtifactContent,
    ArtifactLocation,
    Fix,
    Invocation,
    Location,
    Message,
    MultiformatMessageString,
    Notification,
    PhysicalLocation,
    Region,
    Replacement,
    ReportingConfiguration,
    ReportingDescriptor,
    ReportingDescriptorReference,
    Result,
    Run,
    RunAutomationDetails,
    SarifLog,
    Suppression,
    Tool,
    ToolComponent,
)

from aovpn_lint.engine.ids import ALWAYS_ENABLED
from aovpn_lint.load.text import fingerprint_text
from aovpn_lint.model.findings import Finding, RuleMeta, Severity
from aovpn_lint.model.positions import Location as SourceLocation
from aovpn_lint.report import Report
from aovpn_lint.report.limits import MAX_LOCATIONS, cap
from aovpn_lint.report.repopath import (
    directory_uri,
    file_uri,
    is_pseudo_path,
    relative_to_root,
    relative_uri,
)
from aovpn_lint.report.text import stale_line
from aovpn_lint.sanitize import log_safe_json

SARIF_VERSION = "2.1.0"
SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "aovpn-lint"
INFORMATION_URI = "https://github.com/aovpn-lint/aovpn-lint"
SRCROOT = "%SRCROOT%"
DEFAULT_CATEGORY = "aovpn-lint/"
#: Files larger than this get no fingerprint from us (the upload action computes one).
MAX_HASHED_CHARS = 2 * 1024 * 1024
#: GitHub reads at most this many characters of a rule's descriptions.
MAX_DESCRIPTION = 1024
#: Engine rules whose findings mean the analysis of a file is incomplete.
INCOMPLETE_RULES = ALWAYS_ENABLED

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "recommendation",
}
#: Fields written even when they equal sarif-om's default: a result's level must not fall back
#: to its rule's default level when a configuration changed the severity.
_ALWAYS_WRITTEN = {(Result, "level"), (ReportingConfiguration, "level"), (Notification, "level")}


@attr.s
class _Suppression(Suppression):  # type: ignore[misc]
    """sarif-om predates the final 2.1.0 schema's ``suppression.status``; add it."""

    status: str | None = attr.ib(default=None, metadata={"schema_property_name": "status"})


# --- entry points --------------------------------------------------------------------------------
def render_sarif(report: Report) -> str:
    """The run as one SARIF 2.1.0 document (JSON text ending in a newline)."""
    cwd = os.path.abspath(report.cwd or ".")
    root = report.repo_root
    paths = _Paths(cwd, root, report.real_paths)
    rules = list(report.rules)
    index = {meta.id: i for i, meta in enumerate(rules)}
    hasher = _FileHashes(report.contents)
    results: list[Result] = []
    notifications: list[Notification] = []
    successful = True
    capped = cap(report.findings)
    if capped.dropped:
        notifications.append(Notification(message=Message(text=capped.describe()), level="warning"))
    if report.stale:
        notifications.append(Notification(message=Message(text=stale_line(report)), level="note"))
    for finding in capped.kept:
        try:
            results.append(_result(finding, index, paths, hasher))
            if finding.rule_id in INCOMPLETE_RULES:
                notifications.append(_notification(finding, index, paths))
        except Exception as exc:  # one odd finding must not cost the whole document
            successful = False
            notifications.append(
                Notification(
                    message=Message(
                        text=f"a finding of {finding.rule_id} could not be written to "
                        f"SARIF: {type(exc).__name__}: {exc}"
                    ),
                    level="error",
                )
            )
    invocation = Invocation(
        execution_successful=successful,
        tool_execution_notifications=notifications or None,
        command_line=report.command_line or None,
        working_directory=ArtifactLocation(uri=directory_uri(cwd)),
    )
    run = _run(report.version, report.sarif_category, rules, results, invocation, root)
    return dump(SarifLog(version=SARIF_VERSION, schema_uri=SCHEMA_URI, runs=[run]))


def render_failure(
    message: str,
    version: str,
    category: str = DEFAULT_CATEGORY,
    rules: Sequence[RuleMeta] = (),
    root: str | None = None,
    repo_root: str | None = None,
) -> str:
    """A valid SARIF document for a run that could not finish (configuration or internal error).

    Written instead of nothing, so that an upload step reports the failure instead of a
    missing or broken file.
    """
    cwd = os.path.abspath(root or ".")
    invocation = Invocation(
        execution_successful=False,
        tool_execution_notifications=[Notification(message=Message(text=message), level="error")],
        working_directory=ArtifactLocation(uri=directory_uri(cwd)),
    )
    run = _run(version, category, list(rules), [], invocation, repo_root or cwd)
    return dump(SarifLog(version=SARIF_VERSION, schema_uri=SCHEMA_URI, runs=[run]))


def dump(log: SarifLog) -> str:
    data = to_json(log)
    ordered = {key: data.pop(key) for key in ("$schema", "version") if key in data}
    ordered.update(data)
    # printed to stdout without --output: every line must be safe in a CI log
    return log_safe_json(json.dumps(ordered, indent=2, ensure_ascii=False)) + "\n"


# --- the attrs walker ----------------------------------------------------------------------------
def to_json(value: Any) -> Any:
    """sarif-om objects to plain JSON data under SARIF's property names, without defaults."""
    if attr.has(type(value)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is None:
                continue
            if _is_default(field, item) and (type(value), field.name) not in _ALWAYS_WRITTEN:
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_json(item)
        return out
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def _is_default(field: Any, value: Any) -> bool:
    default = field.default
    if default is attr.NOTHING:
        return False
    if isinstance(default, attr.Factory):  # type: ignore[arg-type]
        default = default.factory()
    return bool(type(value) is type(default) and value == default)


# --- run and rules -------------------------------------------------------------------------------
def _run(
    version: str,
    category: str,
    rules: list[RuleMeta],
    results: list[Result],
    invocation: Invocation,
    root: str,
) -> Run:
    driver = ToolComponent(
        name=TOOL_NAME,
        version=version or None,
        semantic_version=version or None,
        information_uri=INFORMATION_URI,
        rules=[_descriptor(meta) for meta in rules],
    )
    return Run(
        tool=Tool(driver=driver),
        invocations=[invocation],
        automation_details=RunAutomationDetails(id=automation_id(category)),
        original_uri_base_ids={SRCROOT: ArtifactLocation(uri=directory_uri(root))},
        column_kind="unicodeCodePoints",
        results=results,
    )


def automation_id(category: str) -> str:
    """``runs[].automationDetails.id``: GitHub takes everything before the last '/' as the
    category, so a bare name gets a trailing '/' (else it would be a run id, category empty)."""
    category = category.strip() or DEFAULT_CATEGORY
    return category if "/" in category else category + "/"


def _descriptor(meta: RuleMeta) -> ReportingDescriptor:
    properties: dict[str, Any] = {
        "tags": list(meta.tags)[:20],
        "precision": meta.precision,
        "problem.severity": _PROBLEM_SEVERITY[meta.severity],
    }
    return ReportingDescriptor(
        id=meta.id,
        name=meta.name,
        short_description=MultiformatMessageString(text=_clip(meta.short)),
        full_description=MultiformatMessageString(text=_clip(_full_description(meta))),
        help=MultiformatMessageString(text=_help_text(meta), markdown=_help_markdown(meta)),
        help_uri=meta.help_uri or None,
        default_configuration=ReportingConfiguration(level=_LEVEL[meta.severity]),
        properties=properties,
    )


def _sections(doc: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    name = ""
    for line in doc.splitlines():
        if line.startswith("## "):
            name = line[3:].strip().lower()
            sections[name] = ""
        else:
            sections[name] = sections.get(name, "") + line + "\n"
    return {k: v.strip() for k, v in sections.items()}


def _full_description(meta: RuleMeta) -> str:
    what = _sections(meta.doc).get("what it does", "")
    paragraph = what.split("\n\n", 1)[0]
    text = " ".join(paragraph.split())
    return text or meta.short


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 3].rstrip() + "..."


def _help_text(meta: RuleMeta) -> str:
    parts = [f"{meta.id} {meta.name}: {meta.short}"]
    if meta.doc.strip():
        parts.append(meta.doc.strip())
    if meta.sources:
        parts.append("Sources:\n" + "\n".join(f"- {s}" for s in meta.sources))
    if meta.help_uri:
        parts.append(f"More: {meta.help_uri}")
    return "\n\n".join(parts)


def _help_markdown(meta: RuleMeta) -> str:
    parts = [f"**{meta.id} {meta.name}** ({meta.severity.value}): {meta.short}"]
    if meta.doc.strip():
        parts.append(meta.doc.strip())
    if meta.sources:
        parts.append("## Sources\n" + "\n".join(f"- {s}" for s in meta.sources))
    if meta.help_uri:
        parts.append(f"[Documentation]({meta.help_uri})")
    return "\n\n".join(parts)


# --- results -------------------------------------------------------------------------------------
def _result(finding: Finding, index: dict[str, int], paths: _Paths, hasher: _FileHashes) -> Result:
    location = _location(finding.loc, paths)
    related = [  # the primary location counts towards GitHub's limit too
        _location(r.loc, paths, message=r.message, ident=i)
        for i, r in enumerate(finding.related[: MAX_LOCATIONS - 1], start=1)
    ]
    fingerprint = hasher.line_hash(finding.loc.path, finding.loc.line) if location else None
    suppression = None
    if finding.suppression is not None:
        kind = (
            finding.suppression.kind
            if finding.suppression.kind in ("inSource", "external")
            else "external"
        )
        suppression = [
            _Suppression(
                kind=kind,  # type: ignore[call-arg]
                justification=finding.suppression.justification or None,
                status="accepted",
            )
        ]
    return Result(
        rule_id=finding.rule_id,
        rule_index=index.get(finding.rule_id, -1),
        level=_LEVEL[finding.severity],
        message=Message(text=finding.message),
        locations=[location] if location else None,
        related_locations=[r for r in related if r] or None,
        partial_fingerprints={"primaryLocationLineHash": fingerprint} if fingerprint else None,
        suppressions=suppression,
        fixes=_fixes(finding, paths),
    )


def _fixes(finding: Finding, paths: _Paths) -> list[Fix] | None:
    """SARIF ``fixes`` for a safe fix that can be written in the file (unsafe ones are left to
    ``--unsafe-fixes``: a viewer that offers a fix should offer only those that keep meaning),
    on an active finding only: ``--fix`` leaves suppressed and baselined findings alone."""
    fix = finding.fix
    if fix is None or not fix.safe or not fix.applicable or finding.suppression is not None:
        return None
    artifact = artifact_location(paths.real(finding.loc.path), paths.cwd, paths.root)
    if artifact is None:
        return None
    replacements = [
        Replacement(
            deleted_region=Region(
                start_line=r.region.line,
                start_column=r.region.col,
                end_line=r.region.end_line,
                end_column=r.region.end_col,
            ),
            inserted_content=ArtifactContent(text=r.text) if r.text else None,
        )
        for r in fix.replacements
    ]
    change = ArtifactChange(artifact_location=artifact, replacements=replacements)
    return [Fix(description=Message(text=fix.description), artifact_changes=[change])]


def _notification(finding: Finding, index: dict[str, int], paths: _Paths) -> Notification:
    location = _location(finding.loc, paths)
    associated = None
    if finding.subject is not None and finding.subject in index:
        associated = ReportingDescriptorReference(id=finding.subject, index=index[finding.subject])
    return Notification(
        message=Message(text=f"{finding.loc.path}: {finding.message}"),
        level="error",
        locations=[location] if location else None,
        descriptor=ReportingDescriptorReference(
            id=finding.rule_id, index=index.get(finding.rule_id, -1)
        ),
        associated_rule=associated,
    )


def _location(
    loc: SourceLocation, paths: _Paths, message: str | None = None, ident: int | None = None
) -> Location | None:
    artifact = artifact_location(paths.real(loc.path), paths.cwd, paths.root)
    if artifact is None:
        return None
    end_line = max(loc.end_line or loc.line, loc.line)
    end_col = (
        loc.end_col
        if loc.end_col and (end_line > loc.line or loc.end_col > loc.col)
        else loc.col + 1
    )
    region = Region(
        start_line=max(loc.line, 1),
        start_column=max(loc.col, 1),
        end_line=max(end_line, 1),
        end_column=max(end_col, 2),
    )
    return Location(
        id=ident if ident is not None else -1,
        physical_location=PhysicalLocation(artifact_location=artifact, region=region),
        message=Message(text=message) if message else None,
    )


# --- paths and URIs ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Paths:
    """Where the findings' paths are relative to, and the files' real names.

    A finding carries its file's display name (escaped for people: ``latin\\xe9.xml``); a URI
    is made from the real name, percent-encoded from its bytes (``latin%E9.xml``).
    """

    cwd: str
    root: str
    real_names: Mapping[str, str]

    def real(self, display: str) -> str:
        return self.real_names.get(display, display)


def artifact_location(path: str, cwd: str, root: str) -> ArtifactLocation | None:
    """``path`` is the file's real name (relative to ``cwd``), not its display name."""
    if not path or is_pseudo_path(path):
        return None
    relative = relative_to_root(path, cwd, root)
    if relative is not None:
        return ArtifactLocation(uri=relative_uri(relative), uri_base_id=SRCROOT)
    return ArtifactLocation(uri=file_uri(os.path.normpath(os.path.join(cwd, path))))


# --- fingerprints --------------------------------------------------------------------------------
class _FileHashes:
    """primaryLocationLineHash values per file, computed once per file from its text."""

    def __init__(self, contents: Mapping[str, bytes]) -> None:
        self.contents = contents
        self.cache: dict[str, dict[int, str]] = {}

    def line_hash(self, path: str, line: int) -> str | None:
        data = self.contents.get(path)
        if data is None or is_pseudo_path(path):
            return None
        if path not in self.cache:
            text = fingerprint_text(data)  # as the upload action reads the file
            self.cache[path] = line_hashes(text) if len(text) <= MAX_HASHED_CHARS else {}
        return self.cache[path].get(line)


_BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK_SIZE, 1 << 64)
_EOF = 65535
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13


def _code_units(text: str) -> Iterable[int]:
    """UTF-16 code units, as JavaScript's charCodeAt sees the text."""
    for char in text:
        point = ord(char)
        if point > 0xFFFF:
            point -= 0x10000
            yield 0xD800 + (point >> 10)
            yield 0xDC00 + (point & 0x3FF)
        else:
            yield point


def line_hashes(text: str) -> dict[int, str]:
    """primaryLocationLineHash for every line of ``text``, keyed by 1-based line number.

    The algorithm of GitHub's upload action (codeql-action ``src/fingerprints.ts``): spaces and
    tabs are skipped, CR, LF and CRLF count as one LF, and each line's value is a rolling hash
    (multiplier 37, 64-bit wrap-around) over the 100 characters that start at that line, with an
    end-of-file marker and zero padding after the last character. ``:n`` counts repeats of the
    same hash in the file.
    """
    window = [0] * _BLOCK_SIZE
    line_numbers = [-1] * _BLOCK_SIZE
    counts: dict[str, int] = {}
    hashes: dict[int, str] = {}
    value = index = line = 0
    line_start, prev_cr = True, False

    def output(value: int, index: int) -> None:
        text = format(value, "x")
        counts[text] = counts.get(text, 0) + 1
        hashes[line_numbers[index]] = f"{text}:{counts[text]}"
        line_numbers[index] = -1

    for current in (*_code_units(text), _EOF):
        if current == _SPACE or current == _TAB or (prev_cr and current == _LF):
            prev_cr = False
            continue
        if current == _CR:
            current, prev_cr = _LF, True
        else:
            prev_cr = False
        if line_numbers[index] != -1:
            output(value, index)
        if line_start:
            line_start = False
            line += 1
            line_numbers[index] = line
        if current == _LF:
            line_start = True
        value = (_MOD * value + current - _FIRST_MOD * window[index]) & _MASK
        window[index] = current
        index = (index + 1) % _BLOCK_SIZE
    for _ in range(_BLOCK_SIZE):
        if line_numbers[index] != -1:
            output(value, index)
        value = (_MOD * value - _FIRST_MOD * window[index]) & _MASK
        window[index] = 0
        index = (index + 1) % _BLOCK_SIZE
    return hashes
