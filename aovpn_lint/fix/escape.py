"""Writing replacement text into the carrier that holds a profile.

A rule's edit is ProfileXML markup in the loaded text; the file may hold that text inside a
PowerShell literal, a JSON string, SyncML character data or a YAML scalar. Each function here
returns the characters to write so that the carrier's value becomes the markup again, in the
style the file already uses where there is a choice (``\\u003c`` or ``<`` in JSON, ``&gt;`` or
``>`` in SyncML). What a carrier cannot hold raises :class:`NotWritable` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aovpn_lint.model.positions import Embedding, Region


class NotWritable(Exception):
    """The edit cannot be written into this file; the message says why (for the finding)."""


_PS_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
_PS_DOUBLE_QUOTES = '"\u201c\u201d\u201e'
_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_JSON_SHORT["\f"] = "\\f"
_JSON_U = re.compile(r"\\u([0-9A-Fa-f]{4})")


def escape(region: Region, text: str, carrier: str) -> str:
    """``text`` written for ``region`` of the file; ``carrier`` is that region's text there."""
    writer = _WRITERS.get(region.embedding)
    if writer is None:
        raise NotWritable(_REFUSED.get(region.embedding, "this embedding cannot be edited"))
    return writer(text, carrier, region)


def _verbatim(text: str, carrier: str, region: Region) -> str:
    return text


def _xml_text(text: str, carrier: str, region: Region) -> str:
    out = text.replace("&", "&amp;").replace("<", "&lt;")
    if "&gt;" in carrier or "]]>" in out:
        out = out.replace(">", "&gt;")
    if "&quot;" in carrier:
        out = out.replace('"', "&quot;")
    if "&apos;" in carrier:
        out = out.replace("'", "&apos;")
    if breaks_escaped(Embedding.XML_TEXT, carrier):
        match = _XML_ESCAPED_BREAK.search(carrier)
        assert match is not None
        feed = match.group(0)
        ret = "&#13;" if feed == "&#10;" else "&#x" + "dD"[feed[-2] == "A"] + ";"
        out = out.replace("\r", ret).replace("\n", feed)
    return out


def _cdata(text: str, carrier: str, region: Region) -> str:
    if "]]>" in text:
        raise NotWritable("the replacement holds ']]>', which would end the CDATA section")
    return text


def _json(text: str, carrier: str, region: Region) -> str:
    # the characters this file writes as \uXXXX (Graph writes < > & ' so), in its letter case
    escaped: dict[str, str] = {}
    ascii_only = False
    for match in _JSON_U.finditer(carrier):
        char = chr(int(match.group(1), 16))
        if not char.isalnum():  # markup and punctuation (< > & '), not a stray letter
            escaped.setdefault(char, match.group(0))
        ascii_only = ascii_only or ord(char) >= 0x80
    slash = "\\/" in carrier
    out = []
    for char in text:
        if char in escaped and char not in _JSON_SHORT:
            out.append(escaped[char])
        elif char in _JSON_SHORT:
            out.append(_JSON_SHORT[char])
        elif char < " " or (ascii_only and ord(char) >= 0x80):
            out.append(_json_u(char))
        elif char == "/" and slash:
            out.append("\\/")
        else:
            out.append(char)
    return "".join(out)


def _json_u(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _ps_single(text: str, carrier: str, region: Region) -> str:
    return "".join(char * 2 if char in _PS_SINGLE_QUOTES else char for char in text)


#: a `n escape (not an escaped backtick followed by n)
_PS_ESCAPED_BREAK = re.compile(r"(?<!`)(?:``)*`n")


#: a line feed written as a character reference in XML character data
_XML_ESCAPED_BREAK = re.compile(r"&#(?:10|[xX]0*[aA]);")


def breaks_escaped(embedding: Embedding, carrier: str) -> bool:
    """Whether the carrier writes the profile's line breaks as escapes, all on one line of the
    file (`r`n in a double-quoted PowerShell string, &#13;&#10; in SyncML data): then a line
    break a fix adds is written so too."""
    if "\n" in carrier:
        return False
    if embedding is Embedding.PS_DOUBLE:
        return _PS_ESCAPED_BREAK.search(carrier) is not None
    if embedding is Embedding.XML_TEXT:
        return _XML_ESCAPED_BREAK.search(carrier) is not None
    return False


def _ps_double(text: str, carrier: str, region: Region) -> str:
    out = "".join("`" + char if char in "`$" + _PS_DOUBLE_QUOTES else char for char in text)
    if breaks_escaped(Embedding.PS_DOUBLE, carrier):
        out = out.replace("\r", "`r").replace("\n", "`n")
    return out


def _here_terminator(text: str, quote: str) -> None:
    # a line of the replacement that starts with the terminator would end the here-string
    if re.search(rf"(?:^|\n)[ \t]*{quote}@", text):
        raise NotWritable(
            f"the replacement holds a line starting with {quote}@, which would end the here-string"
        )


def _ps_here_single(text: str, carrier: str, region: Region) -> str:
    _here_terminator(text, "'")
    return text


def _ps_here_double(text: str, carrier: str, region: Region) -> str:
    _here_terminator(text, '"')
    return "".join("`" + char if char in "`$" else char for char in text)


def _yaml_double(text: str, carrier: str, region: Region) -> str:
    out = []
    for char in text:
        if char in _JSON_SHORT:
            out.append(_JSON_SHORT[char])
        elif char < " " or char == "\x7f":
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


def _yaml_single(text: str, carrier: str, region: Region) -> str:
    if "\n" in text or "\r" in text:
        raise NotWritable("a line break cannot be written into a single-quoted YAML scalar")
    return text.replace("'", "''")


_YAML_PLAIN_BAD = re.compile(r": |\s#|[\r\n]|:$")


def _yaml_plain(text: str, carrier: str, region: Region) -> str:
    if _YAML_PLAIN_BAD.search(text):
        raise NotWritable("the replacement cannot be written into a plain YAML scalar; quote it")
    return text


def _yaml_block(text: str, carrier: str, region: Region) -> str:
    if not region.indent:
        raise NotWritable("the indentation of this YAML block scalar is unknown")
    return re.sub(r"\r?\n", lambda m: m.group(0) + region.indent, text)  # see resolve


_Writer = Callable[[str, str, Region], str]
_WRITERS: dict[Embedding, _Writer] = {
    Embedding.VERBATIM: _verbatim,
    Embedding.XML_TEXT: _xml_text,
    Embedding.CDATA: _cdata,
    Embedding.JSON: _json,
    Embedding.PS_SINGLE: _ps_single,
    Embedding.PS_DOUBLE: _ps_double,
    Embedding.PS_HERE_SINGLE: _ps_here_single,
    Embedding.PS_HERE_DOUBLE: _ps_here_double,
    Embedding.YAML_PLAIN: _yaml_plain,
    Embedding.YAML_SINGLE: _yaml_single,
    Embedding.YAML_DOUBLE: _yaml_double,
    Embedding.YAML_BLOCK: _yaml_block,
}
_REFUSED = {
    Embedding.BASE64: "the profile is base64-encoded",
    Embedding.YAML_FOLDED: "a folded YAML block (>) joins its lines; write the profile as a "
    "literal block (|) to fix it",
}
