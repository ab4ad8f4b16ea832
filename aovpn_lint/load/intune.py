"""Intune and MDM exports: Graph JSON (VPN template, custom OMA-URI profiles) and SyncML.

* ``windows10VpnConfiguration`` (Intune's VPN template) becomes a document of kind
  ``intune-vpn-template`` whose Node tree mirrors the JSON, every key and value located.
* A custom OMA-URI setting ``./User|Device/Vendor/MSFT/VPNv2/<name>/ProfileXML`` carries ProfileXML
  as a JSON string (``\\n``, ``\\"``, ``\\u003c`` escapes) or base64 (``omaSettingStringXml``); in
  SyncML it sits in ``<Data>`` with ``&lt;`` entities or CDATA. The profile is unescaped with an
  offset map, so a finding points at the original character in the export.

The same Graph objects also come as YAML (IntuneCD backups): :func:`load_yaml_tree` reads them
from the located YAML tree, with each profile's characters mapped back through the YAML scalar
(quoted, escaped or block). JSON or YAML that names no VPN configuration is not an export.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from aovpn_lint.load.offsets import load_embedded, unescape_xml_into
from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.load.text import decode
from aovpn_lint.load.yaml import scalar_into
from aovpn_lint.model.document import (
    Carrier,
    Container,
    Document,
    DocumentKind,
    IntuneTemplate,
    ParseProblem,
)
from aovpn_lint.model.positions import Embedding, OffsetMap, Source
from aovpn_lint.model.tree import Node, NodeKind, Span

#: words that show a VPN configuration (in lower case)
MARKERS = ("windows10vpnconfiguration", "vpnv2", "vpnprofile")
#: a VPNv2 ProfileXML node (a name holding a '/' is still one: AOV605 reports the name)
_PROFILE_URI = re.compile(r"/VPNv2/.+/ProfileXML\s*$", re.I)
_MAX_DEPTH = 200
#: values (keys' values, items, scalars) one export may hold: each becomes a located Node of
#: about 400 bytes, so this bounds a file's tree near 200 MB whatever its shape (a 2.8 MB array
#: of 1.4 million zeros built 527 MB); real exports hold a few hundred values per profile
MAX_VALUES = 500_000
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WS = re.compile(r"[ \t\r\n]*")


def _skip(text: str, i: int) -> int:
    """The offset after the whitespace at ``i``."""
    match = _WS.match(text, i)
    return match.end() if match else i


# --- a JSON parser that keeps locations ----------------------------------------------------------
class JsonProblem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Parser:
    """A JSON parser that builds the located Node tree in one pass (keys are tags, sequence
    items are tagged ``[i]``)."""

    def __init__(self, text: str, source: Source) -> None:
        self.s = text
        self.source = source
        self.budget = MAX_VALUES

    def parse(self) -> Node:
        i = _skip(self.s, 1 if self.s.startswith("\ufeff") else 0)
        root, end = self.value("$", i, i, i, i, 0)
        if _skip(self.s, end) < len(self.s):
            raise JsonProblem("extra data after the JSON value", _skip(self.s, end))
        return root

    def value(
        self, tag: str, start: int, name_start: int, name_end: int, i: int, depth: int
    ) -> tuple[Node, int]:
        """The node ``tag`` whose value starts at ``self.s[i]``; returns it and where it ends.

        ``start`` is where the member begins (its key), ``name_*`` what its findings point at.
        """
        if depth > _MAX_DEPTH:
            raise JsonProblem("the JSON is nested too deeply to be an Intune export", i)
        self.budget -= 1
        if self.budget < 0:
            raise JsonProblem(
                f"the JSON holds more than {MAX_VALUES:,} values, far more than an Intune "
                "export; split the export",
                i,
            )
        s = self.s
        if i >= len(s):
            raise JsonProblem("unexpected end of the file; a value is missing", i)
        children: tuple[Node, ...] = ()
        c = s[i]
        value: str | None
        if c == "{":
            children, end = self._object(i, depth)
            kind, value, value_span = NodeKind.MAPPING, None, (i, i)
        elif c == "[":
            children, end = self._array(i, depth)
            kind, value, value_span = NodeKind.SEQUENCE, None, (i, i)
        elif c == '"':
            end, value = self.string(i)
            kind, value_span = NodeKind.STRING, (i, end)
        else:
            kind, value, end = self._scalar(i)
            value_span = (i, end)
        span = Span(start, end, name_start, name_end, i, *value_span)
        return Node(tag, value, children, span, self.source, kind=kind), end

    def _scalar(self, i: int) -> tuple[NodeKind, str, int]:
        s = self.s
        for word, kind in (
            ("true", NodeKind.BOOLEAN),
            ("false", NodeKind.BOOLEAN),
            ("null", NodeKind.NULL),
        ):
            if s.startswith(word, i):
                return kind, word if kind is NodeKind.BOOLEAN else "", i + len(word)
        match = _NUMBER.match(s, i)
        if match and match.end() > i:
            return NodeKind.NUMBER, match.group(), match.end()
        raise JsonProblem(f"unexpected character '{s[i]}'; expected a JSON value", i)

    def _object(self, i: int, depth: int) -> tuple[tuple[Node, ...], int]:
        s = self.s
        i = _skip(s, i + 1)
        members: list[Node] = []
        if s.startswith("}", i):
            return (), i + 1
        keys: set[str] = set()
        while True:
            if not s.startswith('"', i):
                raise JsonProblem("expected a quoted key", i)
            key_end, key = self.string(i)
            if key in keys:
                raise JsonProblem(f"duplicate key '{key}'; keep one", i)
            keys.add(key)
            colon = _skip(s, key_end)
            if not s.startswith(":", colon):
                raise JsonProblem("expected ':' after the key", colon)
            member, end = self.value(key, i, i + 1, key_end - 1, _skip(s, colon + 1), depth + 1)
            members.append(member)
            i = _skip(s, end)
            if s.startswith(",", i):
                i = _skip(s, i + 1)
                continue
            if s.startswith("}", i):
                return tuple(members), i + 1
            raise JsonProblem("expected ',' or '}'", i)

    def _array(self, i: int, depth: int) -> tuple[tuple[Node, ...], int]:
        s = self.s
        i = _skip(s, i + 1)
        items: list[Node] = []
        if s.startswith("]", i):
            return (), i + 1
        while True:
            item, end = self.value(f"[{len(items)}]", i, i, i, i, depth + 1)
            items.append(item)
            i = _skip(s, end)
            if s.startswith(",", i):
                i = _skip(s, i + 1)
                continue
            if s.startswith("]", i):
                return tuple(items), i + 1
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
    kind = s[j + 1 : j + 2]
    if kind in _SIMPLE_ESCAPES:
        omap.produced(_SIMPLE_ESCAPES[kind], j, j + 2)
        return j + 2
    if kind == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", s[j + 2 : j + 6]):
        code = int(s[j + 2 : j + 6], 16)
        end = j + 6
        if 0xD800 <= code < 0xDC00 and re.fullmatch(
            r"\\u[dD][c-fC-F][0-9A-Fa-f]{2}", s[end : end + 6]
        ):
            code = 0x10000 + ((code - 0xD800) << 10) + (int(s[end + 2 : end + 6], 16) - 0xDC00)
            end += 6
        omap.produced(chr(code), j, end)
        return end
    raise JsonProblem("invalid escape in a string", j)


# --- interpreting the export ---------------------------------------------------------------------
#: the OffsetMap of a string value node's text: a JSON string or a YAML scalar
StringInto = Callable[[Node, Source], OffsetMap]


def load_export(text: str, source: Source) -> Loaded:
    """Documents for each VPN template and each ProfileXML OMA-URI setting in a JSON export."""
    if not mentions_vpn(text):
        return [], []  # some other JSON: nothing to check
    try:
        root = _Parser(text, source).parse()
    except JsonProblem as exc:
        loc = source.location(min(exc.offset, len(text)))
        return [], [
            ParseProblem(loc, f"not valid JSON: {exc.message}; fix the export or export it again")
        ]
    return _interpret(root, source, _json_string_into)


def load_yaml_tree(root: Node, source: Source) -> Loaded:
    """The same Graph objects in a YAML backup (IntuneCD's ``Device Configurations/*.yaml``),
    already parsed: findings in a profile point into its YAML scalar."""
    return _interpret(root, source, _yaml_scalar_into)


def mentions_vpn(text: str) -> bool:
    """Whether a text names a VPN configuration: the cheap test before parsing it."""
    lower = text.lower()
    return any(marker in lower for marker in MARKERS)


def is_graph_object(root: Node | None) -> bool:
    """Whether a parsed YAML or JSON document is a Graph object (or a list or page of them):
    it names its ``@odata.type`` (such a file is never a deployment inventory)."""
    if root is None:
        return False
    objects = items(root.find("value")) or items(root) or (root,)
    return any(item.kind is NodeKind.MAPPING and item.has("@odata.type") for item in objects)


def _interpret(root: Node, source: Source, into: StringInto) -> Loaded:
    documents: list[Document] = []
    problems: list[ParseProblem] = []
    for node in root.iter():
        if node.kind is not NodeKind.MAPPING:
            continue
        if _is_template(node):
            documents.append(_template(node, source))
        uri = node.find("omaUri")
        value = node.find("value")
        if uri is not None and value is not None and _PROFILE_URI.search(uri.text):
            docs, probs = _oma_profile(node, value, source, into)
            documents.extend(docs)
            problems.extend(probs)
    return documents, problems


def _json_string_into(value: Node, source: Source) -> OffsetMap:
    omap = OffsetMap()
    end = json_string_into(omap, source.text, value.span.value_start)
    omap.embed(Embedding.JSON, value.span.value_start + 1, end - 1)
    return omap


def _yaml_scalar_into(value: Node, source: Source) -> OffsetMap:
    start, end = value.span.value_start, value.span.value_end
    key_column = source.lines.position(value.span.name_start)[1] - 1
    omap = OffsetMap()
    scalar_into(omap, source.text, start, end, key_column)
    if omap.text != value.value:  # a construct the decoder does not rebuild: the scalar's start
        omap = OffsetMap()
        omap.produced(value.value or "", start, end)
    return omap


def _is_template(node: Node) -> bool:
    kind = (node.text_of("@odata.type") or "").lower()
    if kind:
        return kind.endswith("windows10vpnconfiguration")
    return node.has("servers") and node.has("connectionType")


def _template(node: Node, source: Source) -> Document:
    name = node.text_of("displayName") or node.text_of("connectionName") or "unnamed"
    container = Container(Carrier.INTUNE, f"Intune VPN template '{name}'")
    payload = template_payload(node, name)
    return Document(source.path, DocumentKind.INTUNE_TEMPLATE, node, source, container, payload)


def template_payload(node: Node, name: str) -> IntuneTemplate:
    """What the cross-file rules compare of a VPN template's tree (Graph names, from any
    carrier): its servers' addresses and its routes, each with where it is written."""
    servers = []
    for item in items(node.find("servers")):
        address = item.find("address")
        if address is not None and address.text:
            servers.append((address.text, address.value_loc))
    routes = []
    for item in items(node.find("routes")):
        prefix, size = item.find("destinationPrefix"), item.find("prefixSize")
        if prefix is not None and size is not None and size.text.isdigit():
            routes.append((f"{prefix.text}/{size.text}", item.loc))
    return IntuneTemplate(name, tuple(servers), tuple(routes))


def items(node: Node | None) -> tuple[Node, ...]:
    return node.children if node is not None and node.kind is NodeKind.SEQUENCE else ()


def _oma_profile(setting: Node, value: Node, source: Source, into: StringInto) -> Loaded:
    uri = setting.text_of("omaUri") or ""
    what = f"OMA-URI setting '{uri}'"
    if value.kind is not NodeKind.STRING:
        msg = f"the value of {what} is not a string; it must hold the ProfileXML"
        return [], [ParseProblem(value.value_loc, msg)]
    raw = value.value or ""
    if "<" not in raw and raw.strip():
        decoded = profile_from_base64(raw)
        if decoded is None:
            return [], [ParseProblem(value.value_loc, _not_a_profile(setting, what))]
        # base64 (omaSettingStringXml, or a binary value): every offset of the decoded profile
        # maps to the first character of the base64 text, the closest the file can say
        omap = OffsetMap()
        bounds = _text_bounds(value, source.text)
        omap.produced(decoded, *bounds)
        omap.embed(Embedding.BASE64, *bounds)
        what += " (base64)"
    else:
        omap = into(value, source)
    uri_node = setting.find("omaUri")
    uri_loc = uri_node.value_loc if uri_node is not None else None
    return load_embedded(omap, source, Container(Carrier.INTUNE, what, uri, oma_uri_loc=uri_loc))


def _not_a_profile(setting: Node, what: str) -> str:
    if setting.text_of("isEncrypted") == "true":
        return (
            f"the value of {what} is encrypted in this export (isEncrypted), so its ProfileXML "
            "cannot be checked; export it with a tool that decrypts OMA-URI values "
            "(getOmaSettingPlainTextValue)"
        )
    return f"the value of {what} is neither ProfileXML nor base64; paste the ProfileXML"


def _text_bounds(value: Node, text: str) -> tuple[int, int]:
    """Where a string value's text begins and ends, inside its quotes if it has them."""
    start, end = value.span.value_start, value.span.value_end
    if text[start : start + 1] in ('"', "'") and end - start >= 2:
        return start + 1, end - 1
    return start, end


def profile_from_base64(raw: str) -> str | None:
    try:
        data = base64.b64decode("".join(raw.split()), validate=True)
        text, _codec = decode(data)
    except (binascii.Error, ValueError, Exception):
        return None
    return text if "<" in text else None


# --- SyncML (OMA-DM) -----------------------------------------------------------------------------
# An item is scanned with plain searches, each bounded by the item (up to its '</Item>'): one
# pattern reaching from <LocURI> to </Data> retried the rest of the file from every <LocURI>
# that had no <Data> (a 245 KB message took 38 s). Neither the URI nor the Data start tag holds
# a '<', so those patterns stop at the next one.
_ITEM_END = re.compile(r"</Item\s*>", re.I)
_LOCURI = re.compile(r"<LocURI>([^<]*)</LocURI>", re.I)
_DATA_OPEN = re.compile(r"<Data(?:\s[^<>]*)?>", re.I)
_DATA_CLOSE = re.compile(r"</Data>", re.I)


def load_syncml(text: str, source: Source) -> Loaded:
    """ProfileXML carried in the ``<Data>`` of SyncML ``Add``/``Replace`` commands."""
    documents: list[Document] = []
    problems: list[ParseProblem] = []
    for uri, uri_start, data_start, data_end in _profile_items(text):
        omap = OffsetMap()
        unescape_xml_into(omap, text[data_start:data_end], data_start)
        omap.embed(Embedding.XML_TEXT, data_start, data_end)  # after its CDATA sections
        uri_loc = source.location(uri_start, uri_start + len(uri))
        container = Container(Carrier.SYNCML, f"SyncML item '{uri}'", uri, oma_uri_loc=uri_loc)
        docs, probs = load_embedded(omap, source, container)
        documents.extend(docs)
        problems.extend(probs)
    return documents, problems


def _profile_items(text: str) -> list[tuple[str, int, int, int]]:
    """(URI, its offset, start and end of the Data text) of every item whose LocURI names a
    ProfileXML node.

    Linear in the text: every search starts where the previous one ended, inside one item.
    """
    found: list[tuple[str, int, int, int]] = []
    start = 0
    while start < len(text):
        closing = _ITEM_END.search(text, start)
        stop = closing.end() if closing else len(text)
        pos = start
        while (uri_match := _LOCURI.search(text, pos, stop)) is not None:
            pos = uri_match.end()
            raw = uri_match.group(1)
            uri = raw.strip()
            uri_start = uri_match.start(1) + len(raw) - len(raw.lstrip())
            if not is_profile_uri(uri):
                continue
            opened = _DATA_OPEN.search(text, pos, stop)
            closed = _DATA_CLOSE.search(text, opened.end(), stop) if opened else None
            if opened is None or closed is None:
                break  # no (complete) Data after this URI: none after a later one either
            found.append((uri, uri_start, opened.end(), closed.start()))
            pos = closed.end()
        start = stop
    return found


def is_profile_uri(uri: str) -> bool:
    """``.../VPNv2/<name>/ProfileXML`` (the name may be empty), in any letter case."""
    lower = uri.lower()
    at = lower.find("/vpnv2/")
    return at != -1 and lower.endswith("/profilexml") and at + 7 <= len(lower) - len("/profilexml")
