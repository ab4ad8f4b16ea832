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


# --- CI log commands -----------------------------------------------------------------------------
# CI runners read every line a step prints and run the commands they find in it:
# - GitHub Actions: '::name props::data' at the start of a line (blanks before it are trimmed),
#   and its older '##[name props]data' anywhere in a line;
# - Azure Pipelines: '##vso[area.action props]data' anywhere in a line (in any letter case), and
#   '##[group]', '##[error]'... formatting commands.
# A file name or a value quoted in a message must never be one of them, wherever the string
# lands in an output line. Escapes are backslash escapes, as for control characters.
_RUNNER_MARKER = re.compile(r"#(?=#(?:vso)?\[)", re.I)
_LEADING_COLON = re.compile(r"^(\s*):")


def no_runner_markers(text: str) -> str:
    """``text`` with the first ``#`` of ``##[`` and ``##vso[`` written ``\\x23``: the markers
    runners look for anywhere in a line (line breaks are the caller's business)."""
    return _RUNNER_MARKER.sub(r"\\x23", text) if "#" in text else text


def log_safe(text: str) -> str:
    """``text`` safe to print in a CI log line: :func:`printable_message`, then the first ``#``
    of ``##[`` and ``##vso[`` becomes ``\\x23`` and a ``:`` that starts the text (after
    blanks) becomes ``\\x3a``, so that neither can start a runner command. A leading ':' is
    escaped even alone: the outputs follow a path with ':' ("::4:3: ...")."""
    text = no_runner_markers(printable_message(text))
    if ":" in text:
        text = _LEADING_COLON.sub(r"\1\\x3a", text)
    return text


def log_safe_json(document: str) -> str:
    """A JSON document whose every line is safe in a CI log, with the same values.

    Inside JSON strings (the only place '#' can occur) the first ``#`` of ``##[`` and
    ``##vso[`` is written ``\\u0023``: any JSON reader decodes the same value. No line of a
    document from ``json.dumps(indent=...)`` starts with ':' (lines start with blanks, then a
    quote, a bracket, a brace or a value), so the Actions '::' form cannot occur.
    """
    return _RUNNER_MARKER.sub(r"\\u0023", document) if "#" in document else document
