"""Intune and MDM exports: Graph JSON (VPN template, custom OMA-URI profiles) and SyncML.

* ``windows10VpnConfiguration`` (Intune's VPN template) becomes a document of kind
  ``intune-vpn-template`` whose Node tree mirrors the JSON, every key and value located.
* A custom OMA-URI setting ``./User|Device/Vendor/MSFT/VPNv2/<name>/ProfileXML`` carries ProfileXML
  as a JSON string (``\\n``, ``\\"``, ``\\u003c`` escapes) or base64 (``omaSettingStringXml``); in
  SyncML it sits in ``<Data>`` with ``&lt;`` entities or CDATA. The profile is unescaped with an
  offset map, so a finding points at the original character in the export.

JSON that does not look like a VPN export is ignored by directory walks (see
:func:`looks_like_export`).
"""

from __future__ import annotations

import base64
import binascii
import re

from aovpn_lint.load.offsets import OffsetMap, load_embedded, point, unescape_xml_into
from aovpn_lint.load.dispatch import Loaded, register_format
from aovpn_lint.model.core import Document, Location, Node
from aovpn_lint.load.text import LineIndex, decode
from aovpn_lint.load.profilexml import Problem

TEMPLATE = "intune-vpn-template"
_MARKERS = ("windows10vpnconfiguration", "vpnv2", "vpnprofile")
_PROFILE_URI = re.compile(r"/VPNv2/[^/]+/ProfileXML\s*$", re.I)
_MAX_DEPTH = 200
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t"}
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WS = re.compile(r"[ \t\r\n]*")


def _skip(text: str, i: int) -> int:
    """The offset after the whitespace at ``i``."""
    match = _WS.match(text, i)
    return match.end() if match else i



def looks_like_export(path: str) -> bool:
    """True when the start of the file mentions a VPN configuration (cheap, for directory walks)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return True  # let the run report why it cannot be read
    try:
        text, _ = decode(head)
    except Exception:
        text = head.decode("latin-1")
    lower = text.lower()
    return any(marker in lower for marker in _MARKERS)


# --- a JSON parser that keeps locations ----------------------------------------------------------
class JsonProblem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.s = text
        self.path = path
        self.index = LineIndex.of(text)
        #: string value node -> offsets of its quotes in the file
        self.spans: dict[Node, tuple[int, int]] = {}

    def loc(self, start: int, end: int | None = None) -> Location:
        return point(self.path, self.index, start, end)

    def parse(self) -> Node:
        i = _skip(self.s, 1 if self.s.startswith("\ufeff") else 0)
        root = Node("$", None, self.loc(i))
        i = _skip(self.s, self.value(root, i, 0))
        if i < len(self.s):
            raise JsonProblem("extra data after the JSON value", i)
        return root

    def value(self, node: Node, i: int, depth: int) -> int:
        if depth > _MAX_DEPTH:
            raise JsonProblem("the JSON is nested too deeply to be an Intune export", i)
        s = self.s
        if i >= len(s):
            raise JsonProblem("unexpected end of the file; a value is missing", i)
        c = s[i]
        if c == "{":
            return self._object(node, i, depth)
        if c == "[":
            return self._array(node, i, depth)
        if c == '"':
            end, text = self.string(i)
            node.value, node.namespace = text, "scalar:str"
            node.value_loc = self.loc(i, end)
            self.spans[node] = (i, end)
            return end
        for word, kind in (("true", "bool"), ("false", "bool"), ("null", "NoneType")):
            if s.startswith(word, i):
                node.value = word if kind == "bool" else ""
                node.namespace = "scalar:" + kind
                node.value_loc = self.loc(i, i + len(word))
                return i + len(word)
        match = _NUMBER.match(s, i)
        if match and match.end() > i:
            node.value, node.namespace = match.group(), "scalar:int"
            node.value_loc = self.loc(i, match.end())
            return match.end()
        raise JsonProblem(f"unexpected character '{c}'; expected a JSON value", i)

    def _object(self, node: Node, i: int, depth: int) -> int:
        s = self.s
        i = _skip(s, i + 1)
        if s.startswith("}", i):
            return i + 1
        while True:
            if not s.startswith('"', i):
                raise JsonProblem("expected a quoted key", i)
            end, key = self.string(i)
            child = Node(key, None, self.loc(i + 1, end - 1))
            child.parent = node
            if node.find(key) is not None:
                raise JsonProblem(f"duplicate key '{key}'; keep one", i)
            node.children.append(child)
            i = _skip(s, end)
            if not s.startswith(":", i):
                raise JsonProblem("expected ':' after the key", i)
            i = _skip(s, i + 1)
            child.value_loc = self.loc(i)
            i = _skip(s, self.value(child, i, depth + 1))
            if s.startswith(",", i):
                i = _skip(s, i + 1)
                continue
            if s.startswith("}", i):
                return i + 1
            raise JsonProblem("expected ',' or '}'", i)

    def _array(self, node: Node, i: int, depth: int) -> int:
        s = self.s
        node.namespace = "sequence"
        i = _skip(s, i + 1)
        if s.startswith("]", i):
            return i + 1
        while True:
            child = Node(f"[{len(node.children)}]", None, self.loc(i))
            child.parent = node
            node.children.append(child)
            i = _skip(s, self.value(child, i, depth + 1))
            if s.startswith(",", i):
                i = _skip(s, i + 1)
                continue
            if s.startswith("]", i):
                return i + 1
            raise JsonProblem("expected ',' or ']'", i)

    def string(self, i: int) -> tuple[int, str]:
        """Decode the string whose opening quote is at ``i``; return (offset after it, text)."""
        omap = OffsetMap()
        end = json_string_into(omap, self.s, i)
        return end, omap.text


def json_string_into(omap: OffsetMap, s: str, i: int) -> int:
    """Append the JSON string at ``s[i]`` (its opening quote) to ``omap``; return its end."""
    j = run = i + 1
    n = len(s)
    while j < n:
        c = s[j]
        if c == '"':
            omap.verbatim(s[run:j], run)
            return j + 1
        if c == "\\":
            omap.verbatim(s[run:j], run)
            j = _escape(omap, s, j)
            run = j
            continue
        if c < " ":
            raise JsonProblem("control character inside a string; escape it", j)
        j += 1
    raise JsonProblem("unterminated string", i)


def _escape(omap: OffsetMap, s: str, j: int) -> int:
    kind = s[j + 1:j + 2]
    if kind in _SIMPLE_ESCAPES:
        omap.produced(_SIMPLE_ESCAPES[kind], j, j + 2)
        return j + 2
    if kind == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", s[j + 2:j + 6]):
        code = int(s[j + 2:j + 6], 16)
        end = j + 6
        if 0xD800 <= code < 0xDC00 and re.fullmatch(r"\\u[dD][c-fC-F][0-9A-Fa-f]{2}", s[end:end + 6]):
            code = 0x10000 + ((code - 0xD800) << 10) + (int(s[end + 2:end + 6], 16) - 0xDC00)
            end += 6
        omap.produced(chr(code), j, end)
        return end
    raise JsonProblem("invalid escape in a string", j)


# --- interpreting the export ---------------------------------------------------------------------
def load_export(text: str, path: str) -> Loaded:
    """Documents for each VPN template and each ProfileXML OMA-URI setting in a JSON export."""
    if not any(marker in text.lower() for marker in _MARKERS):
        return [Document(path, "json", None, text)], []  # some other JSON: nothing to check
    parser = _Parser(text, path)
    try:
        root = parser.parse()
    except JsonProblem as exc:
        loc = parser.loc(min(exc.offset, len(text)))
        return [], [Problem("AOV100", loc, f"not valid JSON: {exc.message}; fix the export or "
                                           "export it again")]
    documents: list[Document] = []
    problems: list[Problem] = []
    for node in root.iter():
        if node.value is not None or node.namespace == "sequence":
            continue
        if _is_template(node):
            documents.append(_template(node, text, path))
        uri = node.find("omaUri")
        value = node.find("value")
        if uri is not None and value is not None and _PROFILE_URI.search(uri.text):
            docs, probs = _oma_profile(node, value, parser, text, path)
            documents.extend(docs)
            problems.extend(probs)
    if not documents and not problems:
        documents.append(Document(path, "json", None, text))
    return documents, problems


def _is_template(node: Node) -> bool:
    kind = (node.text_of("@odata.type") or "").lower()
    if kind:
        return kind.endswith("windows10vpnconfiguration")
    return node.has("servers") and node.has("connectionType")


def _template(node: Node, text: str, path: str) -> Document:
    name = node.text_of("displayName") or node.text_of("connectionName") or "unnamed"
    servers = []
    for item in _items(node.find("servers")):
        address = item.find("address")
        if address is not None and address.text:
            servers.append((address.text, address.value_loc))
    routes = []
    for item in _items(node.find("routes")):
        prefix, size = item.find("destinationPrefix"), item.find("prefixSize")
        if prefix is not None and size is not None and size.text.isdigit():
            routes.append((f"{prefix.text}/{size.text}", item.loc))
    data = {"origin": "intune", "servers": servers, "routes": routes, "name": name}
    return Document(path, TEMPLATE, node, text, f"Intune VPN template '{name}'", data)


def _items(node: Node | None) -> list[Node]:
    return node.children if node is not None and node.namespace == "sequence" else []


def _oma_profile(setting: Node, value: Node, parser: _Parser, text: str, path: str) -> Loaded:
    uri = setting.text_of("omaUri") or ""
    container = f"OMA-URI setting '{uri}'"
    span = parser.spans.get(value)
    if span is None:
        msg = f"the value of {container} is not a string; it must hold the ProfileXML"
        return [], [Problem("AOV100", value.value_loc, msg)]
    omap = OffsetMap()
    raw = value.value or ""
    if "<" not in raw and raw.strip():
        decoded = _base64(raw)
        if decoded is None:
            msg = f"the value of {container} is neither ProfileXML nor base64; paste the ProfileXML"
            return [], [Problem("AOV100", value.value_loc, msg)]
        omap.produced(decoded, span[0] + 1, span[1] - 1)  # base64: every offset maps to the value
        container += " (base64)"
    else:
        json_string_into(omap, text, span[0])
    docs, problems = load_embedded(omap, text, path, container)
    for doc in docs:
        doc.data.update(origin="intune", oma_uri=uri)
    return docs, problems


def _base64(raw: str) -> str | None:
    try:
        data = base64.b64decode("".join(raw.split()), validate=True)
        text, _codec = decode(data)
    except (binascii.Error, ValueError, Exception):
        return None
    return text if "<" in text else None


# --- SyncML (OMA-DM) -----------------------------------------------------------------------------
_ITEM = re.compile(
    r"<LocURI>\s*([^<]*?/VPNv2/[^<]*?/ProfileXML)\s*</LocURI>(?:(?!</Item>).)*?<Data(?:\s[^>]*)?>(.*?)</Data>",
    re.S | re.I,
)


def load_syncml(text: str, path: str) -> Loaded:
    """ProfileXML carried in the ``<Data>`` of SyncML ``Add``/``Replace`` commands."""
    documents: list[Document] = []
    problems: list[Problem] = []
    for match in _ITEM.finditer(text):
        omap = OffsetMap()
        unescape_xml_into(omap, match.group(2), match.start(2))
        docs, probs = load_embedded(omap, text, path, f"SyncML item '{match.group(1).strip()}'")
        for doc in docs:
            doc.data.update(origin="syncml", oma_uri=match.group(1).strip())
        documents.extend(docs)
        problems.extend(probs)
    if not documents and not problems:
        documents.append(Document(path, "xml", None, text))
    return documents, problems


register_format("intune", (".json",), load_export)
