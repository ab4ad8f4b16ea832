"""YAML as hostile input: ruamel.yaml's round-trip parser (for line numbers), no object
construction from tags, duplicate keys rejected, and a node budget against alias bombs.

The result is the same :class:`~aovpn_lint.model.tree.Node` tree the XML loader builds: a mapping
entry becomes a node tagged with its key, a sequence item a node tagged ``[i]``, a scalar a value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aovpn_lint.model.positions import Embedding, OffsetMap, Source
from aovpn_lint.model.tree import Node, NodeKind, Span

MAX_NODES = 100_000
MAX_DEPTH = 100


class YamlProblem(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


#: digits an integer may have to be read as a number (longer ones stay text: int() of very long
#: digit strings is refused by Python, and no value of ours needs more)
MAX_INT_DIGITS = 30


@lru_cache(maxsize=1)
def _constructor() -> type:
    """ruamel's round-trip constructor, except for scalars whose construction can fail on a
    crafted file: a timestamp that is no date (``2024-02-30``) and a 5,000-digit integer stay
    the text they are, for the schema checks to judge like any other value.

    Built on first use: ruamel.yaml is imported only by runs that read YAML.
    """
    from ruamel.yaml.constructor import RoundTripConstructor

    class PlainConstructor(RoundTripConstructor):
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            return self.construct_scalar(node)

        def construct_yaml_int(self, node: Any) -> Any:
            if len(str(node.value)) > MAX_INT_DIGITS:
                return self.construct_scalar(node)
            return super().construct_yaml_int(node)

    PlainConstructor.add_constructor(
        "tag:yaml.org,2002:timestamp", PlainConstructor.construct_yaml_timestamp
    )
    PlainConstructor.add_constructor("tag:yaml.org,2002:int", PlainConstructor.construct_yaml_int)
    return PlainConstructor


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _constructor()
    yaml.allow_duplicate_keys = False
    return yaml


#: (line, column) where a scalar starts -> where it ends, both 1-based, from the parser's events
ScalarEnds = dict[tuple[int, int], tuple[int, int]]


def _parse(text: str) -> tuple[Any, ScalarEnds]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        ends = _check_size(_yaml().parse(text))  # before anything is built: see _check_size
        return _yaml().load(text), ends
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise YamlProblem(f"invalid YAML: {problem}", line, col) from None
    except YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise YamlProblem("invalid YAML: nested too deeply") from None


@dataclass
class _Open:
    """A mapping or sequence the event stream is inside of."""

    anchor: str | None
    mapping: bool
    size: int = 1  # values under it (itself included), aliases expanded
    children: int = 0


def _check_size(events: Iterable[Any]) -> ScalarEnds:
    """Refuse a document with more than MAX_NODES values (aliases expanded) or nested deeper
    than MAX_DEPTH, from the parser's events, before ruamel composes or constructs anything:
    checked on the built document, the budget bounded the Node tree but not the memory ruamel
    used for a large file first. Mapping keys that are scalars are not values.

    Returns where each value scalar ends (ruamel's loaded data only knows where it starts)."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        MappingStartEvent,
        ScalarEvent,
    )

    sizes: dict[str, int] = {}  # anchor -> values under it
    stack: list[_Open] = []
    ends: ScalarEnds = {}
    total = 0
    for event in events:
        if isinstance(event, CollectionEndEvent):
            closed = stack.pop()
            if closed.anchor is not None:
                sizes[closed.anchor] = closed.size
            if stack:
                stack[-1].size += closed.size
            continue
        if not isinstance(event, (ScalarEvent, AliasEvent, CollectionStartEvent)):
            continue  # stream and document markers
        parent = stack[-1] if stack else None
        is_key = parent is not None and parent.mapping and parent.children % 2 == 0
        if parent is not None:
            parent.children += 1
        if isinstance(event, CollectionStartEvent):
            stack.append(_Open(event.anchor, isinstance(event, MappingStartEvent)))
            if len(stack) > MAX_DEPTH:
                raise YamlProblem("the YAML is nested too deeply", *_mark(event))
            size = 1
        elif is_key:
            continue
        else:
            size = sizes.get(event.anchor, 1) if isinstance(event, AliasEvent) else 1
            if isinstance(event, ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                if event.end_mark is not None:
                    end = event.end_mark
                    ends[_mark(event)] = (end.line + 1, end.column + 1)
            if parent is not None:
                parent.size += size
        total += size
        if total > MAX_NODES:
            raise YamlProblem(_too_many(), *_mark(event))
    return ends


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _too_many() -> str:
    return (
        f"the YAML expands to more than {MAX_NODES:,} values (anchors and aliases used as a "
        "bomb?); simplify the file"
    )


def load_yaml_nodes(text: str, source: Source) -> Node | None:
    """Parse YAML text into a located Node tree (root tag ``$``)."""
    data, ends = _parse(text)
    if data is None:
        return None
    return _Builder(source, ends).node("$", data, (1, 1), (1, 1), 1, 1, 0)


class _Builder:
    """Builds Nodes from ruamel's data, turning its line/column marks into offsets."""

    def __init__(self, source: Source, ends: ScalarEnds) -> None:
        self.source = source
        self.ends = ends
        self.budget = MAX_NODES

    def offset(self, line: int, col: int) -> int:
        return self.source.lines.offset(line, col)

    def node(
        self,
        tag: str,
        data: Any,
        name: tuple[int, int],
        value: tuple[int, int],
        name_width: int,
        value_width: int,
        depth: int,
    ) -> Node:
        """The node for ``data``; ``name`` and ``value`` are 1-based (line, column) marks, and
        the widths how many characters a finding there spans."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        name_start = self.offset(*name)
        value_start = self.offset(*value)
        self.budget -= 1
        if self.budget < 0:  # cannot happen after _check_size; kept as the tree's own bound
            raise YamlProblem(_too_many(), *name)
        if depth > MAX_DEPTH:
            raise YamlProblem("the YAML is nested too deeply", *name)
        _check_tag(data, value)
        children: tuple[Node, ...] = ()
        text: str | None = None
        if isinstance(data, CommentedMap):
            kind = NodeKind.MAPPING
            children = tuple(self._member(data, key, depth) for key in data)
        elif isinstance(data, CommentedSeq):
            kind = NodeKind.SEQUENCE
            children = tuple(self._item(data, index, name, depth) for index in range(len(data)))
        elif isinstance(data, (dict, list, set)):
            raise YamlProblem("unsupported YAML structure", *name)
        else:
            kind, text = _scalar(data)
            end = self.ends.get(value)
            if end is not None:  # the scalar's whole extent: quotes, block lines, escapes
                value_width = max(1, min(self.offset(*end), len(self.source.text)) - value_start)
        span = Span(
            name_start,
            value_start + value_width,
            name_start,
            name_start + name_width,
            value_start,
            value_start,
            value_start + value_width,
        )
        return Node(tag, text, children, span, self.source, kind=kind)

    def _member(self, data: Any, key: Any, depth: int) -> Node:
        name = _key_pos(data, key)
        value = _value_pos(data, key, *name)
        width = max(1, len(str(data[key])))
        return self.node(str(key), data[key], name, value, len(str(key)), width, depth + 1)

    def _item(self, data: Any, index: int, parent: tuple[int, int], depth: int) -> Node:
        mark = _item_pos(data, index, parent)
        return self.node(f"[{index}]", data[index], mark, mark, 1, 1, depth + 1)


def _scalar(data: Any) -> tuple[NodeKind, str]:
    if data is None:
        return NodeKind.NULL, ""
    if isinstance(data, bool):
        return NodeKind.BOOLEAN, str(data).lower()
    if isinstance(data, int):  # also ruamel's HexInt, OctalInt, ScalarInt...: the number counts
        return NodeKind.NUMBER, str(int(data))
    if isinstance(data, float):
        return NodeKind.NUMBER, str(data)
    return NodeKind.STRING, str(data)


def _check_tag(data: Any, mark: tuple[int, int]) -> None:
    # ruamel keeps a tag value only for non-core tags; '!!python/...' expands to a tag under the
    # core prefix, so any value at all is refused. Sets and binary are core types but not ours.
    tag = getattr(getattr(data, "tag", None), "value", None)
    if tag:
        raise YamlProblem(f"YAML tag '{tag}' is not allowed; write plain values", *mark)
    if isinstance(data, (bytes, bytearray)) or type(data).__name__ in (
        "TaggedScalar",
        "CommentedSet",
    ):
        raise YamlProblem("YAML tags are not allowed; write plain values", *mark)


def _key_pos(data: Any, key: Any) -> tuple[int, int]:
    try:
        line, col = data.lc.key(key)
        return line + 1, col + 1
    except (KeyError, TypeError, AttributeError):
        return data.lc.line + 1, data.lc.col + 1


def _value_pos(data: Any, key: Any, line: int, col: int) -> tuple[int, int]:
    try:
        vline, vcol = data.lc.value(key)
        return vline + 1, vcol + 1
    except (KeyError, TypeError, AttributeError):
        return line, col


def _item_pos(data: Any, index: int, parent: tuple[int, int]) -> tuple[int, int]:
    try:
        line, col = data.lc.item(index)
        return line + 1, col + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return parent


def to_plain(node: Node) -> Any:
    """A Node tree back to plain dicts, lists and strings/ints/bools."""
    if node.kind is NodeKind.SEQUENCE:
        return [to_plain(child) for child in node.children]
    if node.kind is NodeKind.MAPPING:
        return {child.tag: to_plain(child) for child in node.children}
    if node.kind is NodeKind.NUMBER and node.text.lstrip("-").isdigit():
        return int(node.text)
    if node.kind is NodeKind.BOOLEAN:
        return node.value == "true"
    if node.kind is NodeKind.NULL:
        return None
    return node.value


KeyPath = tuple[Any, ...]


def load_yaml_located(
    text: str,
) -> tuple[Any, dict[KeyPath, tuple[int, int]], dict[KeyPath, tuple[int, int]]]:
    """Plain data plus where every key and every value starts, by key path.

    A key path is the tuple of mapping keys and sequence indexes from the root, e.g.
    ``("severity", "AOV201")`` or ``("ignore", 0)``. The first dict locates keys (for
    "unknown key" errors), the second locates values (for "bad value" errors).
    """
    root = load_yaml_nodes(text, Source("<config>", text))
    if root is None:
        return None, {}, {}
    keys: dict[KeyPath, tuple[int, int]] = {}
    values: dict[KeyPath, tuple[int, int]] = {}
    stack: list[tuple[Node, KeyPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        for index, child in enumerate(node.children):
            step: Any = index if node.kind is NodeKind.SEQUENCE else child.tag
            child_path = (*path, step)
            keys[child_path] = (child.loc.line, child.loc.col)
            values[child_path] = (child.value_loc.line, child.value_loc.col)
            stack.append((child, child_path))
    return to_plain(root), keys, values


# --- a scalar's text, mapped character by character -----------------------------------------------
# ProfileXML in a YAML backup is a quoted scalar (PyYAML, which IntuneCD uses, writes a
# double-quoted one with escaped line breaks) or a block scalar written by hand. The decoder
# below rebuilds the scalar's value from its source text in an OffsetMap, so a finding inside
# the profile points at the original character; the caller compares the result with ruamel's
# value and falls back to the scalar's start when they differ (a construct not handled here).
_DOUBLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_LINE_BREAK = "\r\n"
_BLANK = " \t"


def scalar_into(omap: OffsetMap, text: str, start: int, end: int, parent_indent: int = -1) -> None:
    """Append the value of the scalar written at ``text[start:end]`` to ``omap``;
    ``parent_indent`` (the column, from 0, of the key that holds a block scalar) resolves an
    explicit indentation indicator (``|2``)."""
    end = min(end, len(text))  # ruamel counts U+2028 and a lone CR as line breaks; we do not
    first = text[start : start + 1]
    if first == '"':
        _flow_into(omap, text, start + 1, end - 1, double=True)
        omap.embed(Embedding.YAML_DOUBLE, start + 1, end - 1)
    elif first == "'":
        _flow_into(omap, text, start + 1, end - 1, double=False)
        omap.embed(Embedding.YAML_SINGLE, start + 1, end - 1)
    elif first in ("|", ">"):
        _block_into(omap, text, start, end, first == ">", parent_indent)
    else:
        _flow_into(omap, text, start, end, double=False, plain=True)
        omap.embed(Embedding.YAML_PLAIN, start, end)


def _after_break(text: str, i: int) -> int:
    return i + 2 if text.startswith("\r\n", i) else i + 1


def _flow_into(
    omap: OffsetMap, text: str, i: int, stop: int, double: bool, plain: bool = False
) -> None:
    """A plain or quoted scalar: escapes, doubled single quotes, and line folding (a line break
    and the indentation after it are one space; each empty line is a line feed)."""
    run = i
    while i < stop:
        char = text[i]
        if char in _LINE_BREAK:
            keep = i
            while keep > run and text[keep - 1] in _BLANK:
                keep -= 1  # white space before a line break is not content
            omap.verbatim(text[run:keep], run)
            j, breaks = _fold(text, i, stop)
            omap.produced("\n" * breaks if breaks else " ", keep, j)
            i = run = j
        elif double and char == "\\":
            omap.verbatim(text[run:i], run)
            i = run = _double_escape(omap, text, i, stop)
        elif not double and not plain and char == "'" and text.startswith("''", i):
            omap.verbatim(text[run:i], run)
            omap.produced("'", i, i + 2)
            i = run = i + 2
        else:
            i += 1
    omap.verbatim(text[run:stop], run)


def _fold(text: str, i: int, stop: int) -> tuple[int, int]:
    """From the line break at ``i``: where the next line's content starts, and how many empty
    lines lie between."""
    j = _after_break(text, i)
    breaks = 0
    while True:
        k = j
        while k < stop and text[k] in _BLANK:
            k += 1
        if k < stop and text[k] in _LINE_BREAK:
            breaks += 1
            j = _after_break(text, k)
            continue
        return k, breaks


def _double_escape(omap: OffsetMap, text: str, i: int, stop: int) -> int:
    kind = text[i + 1 : i + 2]
    if kind and kind in _LINE_BREAK:  # an escaped line break joins the lines without a space
        j = _after_break(text, i + 1)
        while j < stop and text[j] in _BLANK:
            j += 1
        return j
    if kind in _DOUBLE_ESCAPES:
        omap.produced(_DOUBLE_ESCAPES[kind], i, i + 2)
        return i + 2
    width = _HEX_ESCAPES.get(kind, 0)
    digits = text[i + 2 : i + 2 + width]
    if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
        code = int(digits, 16)
        if code <= 0x10FFFF:
            omap.produced(chr(code), i, i + 2 + width)
            return i + 2 + width
    omap.verbatim(text[i : i + 1], i)  # not an escape ruamel accepts: the comparison fails
    return i + 1


def _block_into(
    omap: OffsetMap, text: str, start: int, end: int, folded: bool, parent_indent: int
) -> None:
    """A literal (``|``) or folded (``>``) block scalar."""
    header_end = start + 1
    while header_end < end and text[header_end] in "+-123456789":
        header_end += 1
    header = text[start + 1 : header_end]
    chomp = header.strip("123456789")
    digits = header.strip("+-")
    line = text.find("\n", start, end)
    indent = parent_indent + int(digits) if len(digits) == 1 and parent_indent >= 0 else -1
    if (
        line == -1
        or len(chomp) > 1
        or len(digits) > 1
        or (digits and indent < 0)
        or text[header_end : header_end + 1] not in (" ", "\t", "\r", "\n", "#")
    ):
        omap.verbatim(text[start:end], start)  # not a header we read: left to the fallback
        return
    lines = _block_lines(text, line + 1, end, indent)
    width = next(
        (content - i for i, (content, stop, _b) in _starts(text, lines) if stop > content), 0
    )
    omap.embed(
        Embedding.YAML_FOLDED if folded else Embedding.YAML_BLOCK, line + 1, end, " " * width
    )
    last = max((k for k, (a, b, _) in enumerate(lines) if b > a), default=-1)
    for k, (content, content_end, brk) in enumerate(lines):
        omap.verbatim(text[content:content_end], content)
        if k < last and folded and _is_text(text, lines[k]):
            following = k + 1
            while following < last and lines[following][0] == lines[following][1]:
                following += 1
            if _is_text(text, lines[following]):
                if following == k + 1:
                    omap.produced(" ", brk, _after_break(text, brk))  # folded into a space
                continue  # before empty lines the break itself is dropped
        if k < last or (k == last and chomp != "-") or (k > last and chomp == "+"):
            _break_into(omap, text, brk)


def _starts(text: str, lines: list[tuple[int, int, int]]) -> list[tuple[int, tuple[int, int, int]]]:
    """Each block line with the offset its line starts at (for its indentation)."""
    return [(text.rfind("\n", 0, line[0]) + 1, line) for line in lines]


def _is_text(text: str, line: tuple[int, int, int]) -> bool:
    """A folded scalar's line that takes part in folding: not empty, not more indented."""
    return line[1] > line[0] and text[line[0]] not in _BLANK


def _block_lines(text: str, i: int, end: int, indent: int) -> list[tuple[int, int, int]]:
    """(content start, content end, line break) of each line of a block scalar's body; without
    an indicator (``indent`` -1) the indentation is the first non-empty line's."""
    lines = []
    while i < end:
        brk = text.find("\n", i, end)
        brk = end if brk == -1 else brk
        raw_end = brk - 1 if brk > i and text[brk - 1] == "\r" else brk
        body = text[i:raw_end]
        spaces = len(body) - len(body.lstrip(" "))
        if indent < 0 and spaces < len(body):
            indent = spaces
        width = indent if 0 <= indent <= spaces else spaces
        lines.append((i + width, max(i + width, raw_end), raw_end))
        i = brk + 1
    return lines


def _break_into(omap: OffsetMap, text: str, brk: int) -> None:
    if text.startswith("\n", brk):
        omap.verbatim("\n", brk)
    elif text.startswith("\r", brk):
        omap.produced("\n", brk, _after_break(text, brk))
