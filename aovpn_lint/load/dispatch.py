"""Turn a file on disk (or stdin) into Documents, or into located problems when it can't be read.

One entry point, :func:`load_bytes`, picks the format by file name. Every problem is located in
the file the user edits; nothing here raises on bad input.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from aovpn_lint.errors import DecodeProblem
from aovpn_lint.model.core import Document, Location
from aovpn_lint.load.text import decode
from aovpn_lint.load.profilexml import Problem, load_profile_text

Loaded = tuple[list[Document], list[Problem]]
Loader = Callable[[str, str], Loaded]

#: file suffix -> format name; the CLI lints these by default when walking directories
SUFFIXES = {
    ".xml": "xml", ".ps1": "powershell", ".psm1": "powershell", ".json": "intune",
    "aovpn-inventory.yaml": "inventory", "aovpn-inventory.yml": "inventory",
}
#: formats linted when a file is named explicitly, but not picked up by a directory walk
EXPLICIT_SUFFIXES = {".yaml": "yaml", ".yml": "yaml"}
#: format -> module that registers its loader when imported; plain-XML runs never import them
_LAZY = {"powershell": "aovpn_lint.load.powershell", "intune": "aovpn_lint.load.intune",
         "inventory": "aovpn_lint.load.inventory", "yaml": "aovpn_lint.load.inventory"}


def format_for(path: str, explicit: bool = False) -> str | None:
    lower = path.lower()
    for suffix, fmt in SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt
    if explicit:
        for suffix, fmt in EXPLICIT_SUFFIXES.items():
            if lower.endswith(suffix):
                return fmt
    return None


def walk_accepts(path: str, fmt: str) -> bool:
    """Whether a directory walk lints this file: JSON only when it looks like an Intune VPN export."""
    if fmt != "intune":
        return True
    from aovpn_lint.load.intune import looks_like_export

    return looks_like_export(path)


def load_bytes(data: bytes, path: str, fmt: str | None = None) -> Loaded:
    """Decode and parse ``data`` read from ``path`` (``fmt`` overrides the suffix)."""
    try:
        text, _codec = decode(data)
    except DecodeProblem as problem:
        line, col = problem.line_col()
        return [], [Problem("AOV100", Location(path, line, col, line, col + 1), problem.message)]
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        msg = "the file contains a NUL character, so it is binary or truncated; save it as text"
        return [], [Problem("AOV100", Location(path, line, col, line, col + 1), msg)]
    fmt = fmt or format_for(path) or "xml"
    if fmt not in _LOADERS and fmt in _LAZY:
        importlib.import_module(_LAZY[fmt])  # registers the format
    loader = _LOADERS.get(fmt, _load_xml)
    return loader(text, path)


def _load_xml(text: str, path: str) -> Loaded:
    documents, problems = load_profile_text(text, path)
    if not problems and "<SyncML" in text and not any(d.kind == "profilexml" for d in documents):
        from aovpn_lint.load.intune import load_syncml  # escaped ProfileXML in an OMA-DM message

        return load_syncml(text, path)
    return documents, problems


_LOADERS: dict[str, Loader] = {"xml": _load_xml}


def register_format(name: str, suffixes: tuple[str, ...], loader: Loader) -> None:
    """Add a file format (used by the script, export and inventory loaders)."""
    _LOADERS[name] = loader
    for suffix in suffixes:
        SUFFIXES[suffix] = name
