"""Turn a file's bytes into Documents: decode the text, then pick the loader by file name (and,
for YAML, by content: an Intune backup or an inventory).

Every loader returns data: documents, and the located problems that kept part of the file from
loading (AOV100 turns those into findings). Nothing here raises on bad input. Folder walks ask
:func:`walk_accepts` first, which looks for a sign of AOVPN content (:data:`SIGNS`) in the
file's bytes, so files that are not ours are never loaded.
"""

from __future__ import annotations

import enum
import os
import traceback
from typing import BinaryIO, NamedTuple

from aovpn_lint.errors import DecodeProblem
from aovpn_lint.load import dsc, intune, inventory, markdown, profilexml
from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.load.text import decode
from aovpn_lint.load.yaml import YamlProblem, load_yaml_nodes
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
    "aovpn-inventory.yaml": Format.INVENTORY,  # before '.yaml': the name declares the format
    "aovpn-inventory.yml": Format.INVENTORY,
    ".yaml": Format.YAML,  # an IntuneCD backup or an inventory, told apart by content
    ".yml": Format.YAML,
}
#: formats linted when a file is named explicitly, but not picked up by a folder walk (none
#: today: every format is found by walks, which look at the content first)
EXPLICIT_SUFFIXES: dict[str, Format] = {}


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


#: What makes a file one of ours, per format: a folder walk lints a file only when one of these
#: (in any letter case, UTF-8 or UTF-16) occurs in its first bytes (up to the file size limit),
#: so an unrelated file, however large or broken, gets no finding. A new carrier adds its
#: signs here (a Microsoft365DSC configuration: its VPN resource names).
SIGNS: dict[Format, tuple[str, ...]] = {
    Format.XML: ("<vpnprofile", "/vpnv2/"),
    Format.MARKDOWN: ("<vpnprofile",),
    Format.POWERSHELL: (
        "vpnprofile",
        "vpnv2",
        "profilexml",
        "intunedeviceconfigurationvpnpolicywindows10",
    ),
    Format.JSON: intune.MARKERS,
    # an inventory is found by its name (aovpn-inventory.yaml) or named on the command line
    Format.YAML: intune.MARKERS,
}
#: a walk reads a file in chunks of this size while it looks for a sign
_CHUNK = 1 << 20
_DEFAULT_LIMIT = 10 * (1 << 20)


class _Forms(NamedTuple):
    """A format's signs as bytes: UTF-8, and UTF-16 (searched only where a NUL byte shows it)."""

    utf8: tuple[bytes, ...]
    utf16: tuple[bytes, ...]


def _forms(signs: tuple[str, ...]) -> _Forms:
    wide = tuple(sign.encode(codec) for sign in signs for codec in ("utf-16-le", "utf-16-be"))
    return _Forms(tuple(sign.encode("utf-8") for sign in signs), wide)


_SIGN_FORMS = {fmt: _forms(signs) for fmt, signs in SIGNS.items()}
_LONGEST_SIGN = 2 * max(len(sign) for signs in SIGNS.values() for sign in signs)


def walk_accepts(path: str, fmt: Format, limit: int = _DEFAULT_LIMIT) -> bool:
    """Whether a folder walk lints this file: only when its content shows a sign of ours
    (:data:`SIGNS`), looked for in the first ``limit`` bytes, one chunk at a time (never the
    whole of a huge file at once). The inventory's own name is sign enough."""
    forms = _SIGN_FORMS.get(fmt)
    if forms is None:
        return True
    try:
        with open(path, "rb") as handle:
            return _has_sign(handle, forms, limit)
    except OSError:
        return True  # the run reports why it cannot be read


def _has_sign(handle: BinaryIO, forms: _Forms, limit: int) -> bool:
    """Plain substring searches, a chunk at a time with an overlap as long as the longest sign
    (bytes.find is several times faster than one pattern of alternatives)."""
    tail = b""
    seen = 0
    while seen < limit and (chunk := handle.read(min(_CHUNK, limit - seen))):
        seen += len(chunk)
        window = tail + chunk.lower()
        if any(form in window for form in forms.utf8) or (
            b"\x00" in window and any(form in window for form in forms.utf16)
        ):
            return True
        tail = window[-_LONGEST_SIGN:]
    return False


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


def _load_yaml(text: str, source: Source) -> Loaded:
    """A YAML file by its content: an Intune backup (IntuneCD writes the Graph object, with its
    ``@odata.type``, as YAML) or a deployment inventory; any other YAML is not ours, and neither
    is one that does not parse unless it mentions a VPN configuration."""
    mentions_vpn = intune.mentions_vpn(text)
    if not mentions_vpn and not inventory.may_be_inventory(text):
        return [], []
    try:
        root = load_yaml_nodes(text, source)
    except YamlProblem as exc:
        if not mentions_vpn:
            return [], []
        loc = Location(source.path, exc.line, exc.col, exc.line, exc.col + 1)
        return [], [ParseProblem(loc, f"{exc.message}; fix the backup's YAML syntax")]
    if intune.is_graph_object(root):
        return intune.load_yaml_tree(root, source) if root is not None else ([], [])
    if inventory.looks_like_inventory(root):
        return [inventory.inventory_document(root, source)], []
    return [], []


_LOADERS = {
    Format.XML: _load_xml,
    Format.POWERSHELL: dsc.load_powershell,  # a Microsoft365DSC configuration, else a script
    Format.JSON: intune.load_export,
    Format.INVENTORY: inventory.load_inventory,
    Format.YAML: _load_yaml,
    Format.MARKDOWN: markdown.load_markdown,
}
