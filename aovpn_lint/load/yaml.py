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

from aovpn_lint.model.positions import Source
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


def _parse(text: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        _check_size(_yaml().parse(text))  # before anything is built: see _check_size
        return _yaml().load(text)
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


def _check_size(events: Iterable[Any]) -> None:
    """Refuse a document with more than MAX_NODES values (aliases expanded) or nested deeper
    than MAX_DEPTH, from the parser's events, before ruamel composes or constructs anything:
    checked on the built document, the budget bounded the Node tree but not the memory ruamel
    used for a large file first. Mapping keys that are scalars are not values."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        MappingStartEvent,
        ScalarEvent,
    )

    sizes: dict[str, int] = {}  # anchor -> values under it
    stack: list[_Open] = []
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
            if isinstance(event, ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
            if parent is not None:
                parent.size += size
        total += size
        if total > MAX_NODES:
            raise YamlProblem(_too_many(), *_mark(event))


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
    data = _parse(text)
    if data is None:
        return None
    return _Builder(source).node("$", data, (1, 1), (1, 1), 1, 1, 0)


class _Builder:
    """Builds Nodes from ruamel's data, turning its line/column marks into offsets."""

    def __init__(self, source: Source) -> None:
        self.source = source
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
