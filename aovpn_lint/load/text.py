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
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise DecodeProblem(
                f"the XML declaration names an unknown encoding '{declared}'", 0
            ) from None
        if codec.startswith(("utf-16", "utf-32")):
            # A 16/32-bit declaration in a file that reads as 8-bit ASCII is a lie.
            return "utf-8", 0, f"declared '{declared}' but bytes are 8-bit"
        return codec, 0, "XML declaration"
    return "utf-8", 0, "default"


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
    return text, codec


def fingerprint_text(data: bytes) -> str:
    """The text the fingerprint is computed over.

    UTF-8 files (with or without BOM) are read exactly as the upload action reads them (UTF-8,
    BOM kept, invalid bytes replaced). Other encodings (UTF-16 exports) are decoded as the
    linter decodes them, so that line numbers agree with the findings.
    """
    try:
        codec, skip, _how = sniff_encoding(data)
    except DecodeProblem:
        codec, skip = "utf-8", 0
    if codec == "utf-8":
        return data.decode("utf-8", errors="replace")
    return data[skip:].decode(codec, errors="replace")
