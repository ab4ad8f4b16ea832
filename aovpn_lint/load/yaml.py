"""YAML as hostile input: ruamel.yaml's round-trip parser (for line numbers), no object
construction from tags, duplicate keys rejected, and a node budget against alias bombs.

The result is the same :class:`~aovpn_lint.model.core.Node` tree the XML loader builds: a mapping
entry becomes a node tagged with its key, a sequence item a node tagged ``[i]``, a scalar a value.
"""

from __future__ import annotations

from typing import Any

from aovpn_lint.model.core import Location, Node

MAX_NODES = 100_000


class YamlProblem(Exception):
    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def _parse(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise YamlProblem(f"invalid YAML: {problem}", line, col) from None
    except YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise YamlProblem("invalid YAML: nested too deeply") from None


def load_yaml_nodes(text: str, path: str) -> Node | None:
    """Parse YAML text into a located Node tree (root tag ``$``)."""
    data = _parse(text)
    if data is None:
        return None
    budget = [MAX_NODES]
    root = Node("$", None, Location(path, 1, 1, 1, 2))
    _fill(root, data, path, budget, 0)
    return root


def _fill(node: Node, data: Any, path: str, budget: list[int], depth: int) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(
            f"the YAML expands to more than {MAX_NODES:,} values (anchors and aliases used as a "
            "bomb?); simplify the file", node.loc.line, node.loc.col)
    if depth > 100:
        raise YamlProblem("the YAML is nested too deeply", node.loc.line, node.loc.col)
    _check_tag(data, node)
    if isinstance(data, CommentedMap):
        node.value = None
        for key, value in data.items():
            line, col = _key_pos(data, key)
            child = Node(str(key), None, Location(path, line, col, line, col + len(str(key))))
            vline, vcol = _value_pos(data, key, line, col)
            child.value_loc = Location(path, vline, vcol, vline, vcol + max(1, len(str(value))))
            child.parent = node
            node.children.append(child)
            _fill(child, value, path, budget, depth + 1)
    elif isinstance(data, CommentedSeq):
        node.value = None
        node.namespace = "sequence"
        for index, value in enumerate(data):
            line, col = _item_pos(data, index, node)
            child = Node(f"[{index}]", None, Location(path, line, col, line, col + 1))
            child.parent = node
            node.children.append(child)
            _fill(child, value, path, budget, depth + 1)
    elif isinstance(data, (dict, list, set)):
        raise YamlProblem("unsupported YAML structure", node.loc.line, node.loc.col)
    else:
        node.value = "" if data is None else (str(data).lower() if isinstance(data, bool) else str(data))
        if isinstance(data, bool):
            kind = "bool"
        elif isinstance(data, int):
            kind = "int"  # also ruamel's HexInt, OctalInt, ScalarInt...: the value is the number
            node.value = str(int(data))
        else:
            kind = type(data).__name__
        node.namespace = "scalar:" + kind


def _check_tag(data: Any, node: Node) -> None:
    # ruamel keeps a tag value only for non-core tags; '!!python/...' expands to a tag under the
    # core prefix, so any value at all is refused. Sets and binary are core types but not ours.
    tag = getattr(getattr(data, "tag", None), "value", None)
    if tag:
        raise YamlProblem(
            f"YAML tag '{tag}' is not allowed; write plain values", node.value_loc.line,
            node.value_loc.col)
    if isinstance(data, (bytes, bytearray)) or type(data).__name__ in ("TaggedScalar", "CommentedSet"):
        raise YamlProblem("YAML tags are not allowed; write plain values", node.value_loc.line,
                          node.value_loc.col)


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


def _item_pos(data: Any, index: int, parent: Node) -> tuple[int, int]:
    try:
        line, col = data.lc.item(index)
        return line + 1, col + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return parent.loc.line, parent.loc.col


def to_plain(node: Node) -> Any:
    """A Node tree back to plain dicts, lists and strings/ints/bools."""
    if node.namespace == "sequence":
        return [to_plain(child) for child in node.children]
    if node.value is None:
        return {child.tag: to_plain(child) for child in node.children}
    kind = (node.namespace or "").removeprefix("scalar:")
    if kind in ("int", "ScalarInt"):
        return int(node.value)
    if kind == "bool" or kind == "ScalarBoolean":
        return node.value == "true"
    if kind == "NoneType":
        return None
    return node.value


KeyPath = tuple[Any, ...]


def load_yaml_located(text: str) -> tuple[Any, dict[KeyPath, tuple[int, int]], dict[KeyPath, tuple[int, int]]]:
    """Plain data plus where every key and every value starts, by key path.

    A key path is the tuple of mapping keys and sequence indexes from the root, e.g.
    ``("severity", "AOV201")`` or ``("ignore", 0)``. The first dict locates keys (for
    "unknown key" errors), the second locates values (for "bad value" errors).
    """
    root = load_yaml_nodes(text, "<config>")
    if root is None:
        return None, {}, {}
    keys: dict[KeyPath, tuple[int, int]] = {}
    values: dict[KeyPath, tuple[int, int]] = {}
    stack: list[tuple[Node, KeyPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        for index, child in enumerate(node.children):
            step: Any = index if node.namespace == "sequence" else child.tag
            child_path = (*path, step)
            keys[child_path] = (child.loc.line, child.loc.col)
            values[child_path] = (child.value_loc.line, child.value_loc.col)
            stack.append((child, child_path))
    return to_plain(root), keys, values
