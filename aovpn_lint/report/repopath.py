"""Paths as code hosts want them: relative to the repository root, as URIs when asked.

Shared by the SARIF and GitHub reporters; no third-party imports, so ``--format github`` does not
pay for sarif-om.
"""

from __future__ import annotations

import os
from urllib.parse import quote

# one definition of the repository root, shared with the configuration's path checks
from aovpn_lint.paths import repository_root

__all__ = ["repository_root"]


def is_pseudo_path(path: str) -> bool:
    """``<stdin>``, ``<project>``: names that are not files."""
    return path.startswith("<") and path.endswith(">")


def relative_to_root(path: str, cwd: str, root: str) -> str | None:
    """``path`` (as reported, relative to ``cwd``) relative to ``root`` with '/' separators, or
    None when it lies outside ``root``."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return None
    relative = relative.replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        return None
    return relative


def relative_uri(relative: str) -> str:
    """A repository-relative path as a relative URI reference (spaces, '#', non-ASCII encoded).

    Encoded from the name's bytes (``os.fsencode``): a byte of a Linux file name that is not
    UTF-8 (a lone surrogate in Python) becomes ``%E9``, as the file system has it.
    """
    return quote(os.fsencode(relative), safe="/")


def file_uri(absolute: str) -> str:
    posix = absolute.replace(os.sep, "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/x -> /C:/x
    return "file://" + quote(os.fsencode(posix), safe="/:")


def directory_uri(directory: str) -> str:
    """A folder as a ``file://`` URI ending in '/', as SARIF base URIs must."""
    uri = file_uri(os.path.abspath(directory))
    return uri if uri.endswith("/") else uri + "/"
