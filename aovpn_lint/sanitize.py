"""Make text from hostile inputs safe to print: file names and values end up in terminals, CI
annotations (one command per line) and JSON documents.

Control characters (C0, DEL, C1), Unicode line and paragraph separators, bidirectional overrides
and undecodable file-name bytes (lone surrogates from the file system) become visible backslash
escapes. Everything else, including non-ASCII letters, is kept as is.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a raw byte of a file name that is not valid UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every unsafe character replaced by a backslash escape."""
    return text if _UNSAFE.search(text) is None else _UNSAFE.sub(_escape, text)


def printable_message(text: str) -> str:
    """Like :func:`printable`, but tabs and newlines of a message are kept as spaces."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: " " if m.group(0) in "\t\n\r" else _escape(m), text)
