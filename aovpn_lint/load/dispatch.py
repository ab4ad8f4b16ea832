"""Turn a file's bytes into Documents: decode the text, then pick the loader by file name.

Every loader returns data: documents, and the located problems that kept part of the file from
loading (AOV100 turns those into findings). Nothing here raises on bad input.
"""

from __future__ import annotations

import enum
import os
import traceback

from aovpn_lint.errors import DecodeProblem
from aovpn_lint.load import dsc, intune, inventory, markdown, profilexml
from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.load.text import decode
from aovpn_lint.model.document import Document, DocumentKind, ParseProblem
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.sanitize import printable_message


class Format(str, enum.Enum):
    """How a file is read."""

    XML = "xml"
    POWERSHELL = "powershell"
    JSON = "intune"
    INVENTORY = "inventory"
    YAML = "yaml"
    MARKDOWN = "markdown"


#: name suffix -> format; a folder walk lints these
SUFFIXES = {
    ".xml": Format.XML,
    ".syncml": Format.XML,  # an OMA-DM message: its ProfileXML items are found by content
    ".md": Format.MARKDOWN,
    ".ps1": Format.POWERSHELL,
    ".psm1": Format.POWERSHELL,
    ".json": Format.JSON,
    "aovpn-inventory.yaml": Format.INVENTORY,
    "aovpn-inventory.yml": Format.INVENTORY,
}
#: formats linted when a file is named explicitly, but not picked up by a folder walk
EXPLICIT_SUFFIXES = {".yaml": Format.YAML, ".yml": Format.YAML}


def format_for(path: str, explicit: bool = False) -> Format | None:
    lower = path.lower()
    for suffix, fmt in SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt
    if explicit:
        for suffix, fmt in EXPLICIT_SUFFIXES.items():
            if lower.endswith(suffix):
                return fmt
    return None


def walk_accepts(path: str, fmt: Format) -> bool:
    """Whether a folder walk lints this file: JSON only when it looks like an Intune VPN
    export, Markdown only when a page mentions a VPNProfile (other pages are not inputs)."""
    if fmt not in (Format.JSON, Format.MARKDOWN):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return True  # the run reports why it cannot be read
    return intune.looks_like_export(head) if fmt is Format.JSON else markdown.mentions_profile(head)


def load_bytes(data: bytes, path: str, fmt: Format | None = None) -> list[Document]:
    """Decode and parse ``data`` read from ``path`` (``fmt`` overrides the suffix).

    Problems that kept (part of) the file from loading come back as one BROKEN document.
    """
    try:
        text, _codec = decode(data)
    except DecodeProblem as problem:
        line, col = problem.line_col()
        source = Source(path, "")
        return [
            broken(
                source, [ParseProblem(Location(path, line, col, line, col + 1), problem.message)]
            )
        ]
    source = Source(path, text)
    if "\x00" in text:
        msg = "the file contains a NUL character, so it is binary or truncated; save it as text"
        return [broken(source, [ParseProblem(source.location(text.index("\x00")), msg)])]
    loader = _LOADERS[fmt or format_for(path) or Format.XML]
    try:
        documents, problems = loader(text, source)
    except Exception as exc:  # a loader bug: this file is not linted, the run goes on
        return [broken(source, [_loader_crash(loader.__name__, exc, path)])]
    if problems:
        documents.append(broken(source, problems))
    return documents


def _loader_crash(name: str, exc: Exception, path: str) -> ParseProblem:
    """The problem a crashing loader leaves: a bug in aovpn-lint, said so, at the file's start."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    message = (
        f"aovpn-lint's loader ({name}) failed on this file: {type(exc).__name__}: "
        f"{printable_message(str(exc))[:200]}{where}; the file was not checked. This is a bug "
        "in aovpn-lint: please report it with the file"
    )
    return ParseProblem(Location(path, 1, 1, 1, 2), message)


def broken(source: Source, problems: list[ParseProblem]) -> Document:
    return Document(source.path, DocumentKind.BROKEN, None, source, payload=tuple(problems))


def _load_xml(text: str, source: Source) -> Loaded:
    documents, problems = profilexml.load_profile_text(text, source)
    if (
        not problems
        and "<SyncML" in text
        and not any(d.kind is DocumentKind.PROFILE for d in documents)
    ):
        return intune.load_syncml(text, source)  # escaped ProfileXML in an OMA-DM message
    return documents, problems


_LOADERS = {
    Format.XML: _load_xml,
    Format.POWERSHELL: dsc.load_powershell,  # a Microsoft365DSC configuration, else a script
    Format.JSON: intune.load_export,
    Format.INVENTORY: inventory.load_inventory,
    Format.YAML: inventory.load_yaml,
    Format.MARKDOWN: markdown.load_markdown,
}
