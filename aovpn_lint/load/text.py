"""Decoding of files as Windows tools write them: UTF-8 (with or without BOM), UTF-16 with BOM."""

from __future__ import annotations

import codecs
import re

from aovpn_lint.errors import DecodeProblem

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
#: a UTF-16 surrogate on its own: some codecs (utf-7, unicode-escape) decode to one, and no
#: later stage (the XML parser, an encoder, a reporter) can handle it
_SURROGATE = re.compile("[\ud800-\udfff]")


def sniff_encoding(data: bytes) -> tuple[str, int, str]:
    """Return (codec, bytes to skip, how it was decided) for raw file bytes."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom), "byte order mark"
    # UTF-16 without a BOM: the first character of an XML document or script is ASCII.
    if len(data) >= 2 and data[0] == 0 and data[1] != 0:
        return "utf-16-be", 0, "zero bytes (UTF-16 without BOM)"
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return "utf-16-le", 0, "zero bytes (UTF-16 without BOM)"
    match = _XML_DECL_ENCODING.match(data)
    if match:
        declared = match.group(1).decode("ascii").lower()
        codec = _text_codec(declared)
        if codec.startswith(("utf-16", "utf-32")):
            # A 16/32-bit declaration in a file that reads as 8-bit ASCII is a lie.
            return "utf-8", 0, f"declared '{declared}' but bytes are 8-bit"
        return codec, 0, "XML declaration"
    return "utf-8", 0, "default"


def _text_codec(declared: str) -> str:
    """The codec an XML declaration names, refusing names that are no text encoding.

    Python knows codecs such as 'rot13', 'base64' or 'zlib' that turn bytes into bytes (or
    text into text): decoding a file with them fails with a LookupError, not a decoding error.
    """
    unknown = DecodeProblem(
        f"the XML declaration names an unknown encoding '{declared}'; declare UTF-8 or "
        "UTF-16 (or remove the encoding)",
        0,
    )
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise unknown from None
    if codec.startswith(("utf-16", "utf-32")):
        return codec  # the caller decides: one '<' is not a whole character of these
    try:
        b"<".decode(codec)  # LookupError for a codec that does not decode bytes to text
    except (LookupError, UnicodeError):
        raise unknown from None
    return codec


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text; raise DecodeProblem with the byte offset of the fault."""
    codec, skip, how = sniff_encoding(data)
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        raise DecodeProblem(
            f"the file is not valid {codec} ({how}): {exc.reason} at byte {exc.start + skip}; "
            "save it as UTF-8 or UTF-16 with a byte order mark",
            exc.start + skip,
            prefix=data[: exc.start + skip],
            codec=codec,
            skip=skip,
        ) from None
    except (UnicodeError, LookupError) as exc:  # a codec that fails as a whole ('undefined')
        raise DecodeProblem(
            f"the file cannot be decoded as {codec} ({how}): {exc}; save it as UTF-8", 0
        ) from None
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        raise DecodeProblem(
            f"the file decodes ({codec}, {how}) to a lone UTF-16 surrogate, which is not a "
            "character; save it as UTF-8",
            0,
        )
    return text, codec


def display_text(data: bytes) -> str:
    """The file's text as the linter reads it, for quoting its lines (source lines, GitLab's
    fingerprint); bytes that do not decode are replaced, never an error."""
    try:
        codec, skip, _how = sniff_encoding(data)
    except DecodeProblem:
        codec, skip = "utf-8", 0
    try:
        return data[skip:].decode(codec, errors="replace")
    except (LookupError, UnicodeError):
        return data.decode("utf-8", errors="replace")


def fingerprint_text(data: bytes) -> str:
    """The text the SARIF fingerprint is computed over: the file's bytes read as GitHub's upload
    action reads them, whatever the file's encoding.

    The action (codeql-action ``src/fingerprints.ts``) reads every file as UTF-8 with Node's
    decoder: a byte order mark stays in the text as U+FEFF and each invalid sequence becomes one
    U+FFFD, as Python's ``errors="replace"`` does. A UTF-16 file therefore reads as its ASCII
    characters with NULs between them (its BOM two U+FFFD); with CRLF endings every line of it
    counts as two there, since the NUL between CR and LF separates them. The fingerprint of a
    finding is the action's hash of the action's line with the finding's line number, so it
    equals what the upload computes for the same bytes and no upload warns about a mismatch.
    """
    return data.decode("utf-8", errors="replace")
