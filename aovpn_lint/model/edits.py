"""Edits a fix is made of, built from a node's span: replace a value, rename an element,
remove an element (with its line when it stands alone on it), add a child indented like its
siblings. Offsets are in the text the node was loaded from; the engine maps them into the file
and escapes them for the carrier (see :mod:`aovpn_lint.fix.resolve`)."""

from __future__ import annotations

import re

from aovpn_lint.model.findings import Edit
from aovpn_lint.model.tree import Node

_NAME_END = re.compile(r"[\s/>]")


def loaded_text(node: Node) -> str:
    """The text the node's span counts in (the file's, or the extracted profile's)."""
    return node.source.loaded_text


def replace_value(node: Node, text: str) -> Edit | None:
    """Replace the node's (stripped) value; None when it has none, or when the text there is
    not the value written plainly (an entity, CDATA, a comment or an escape): the replacement
    would then have to be written in that syntax, or would miss part of the value."""
    span = node.span
    if span.value_start < 0 or loaded_text(node)[span.value_start : span.value_end] != node.text:
        return None
    return Edit(node.source, span.value_start, span.value_end, text)


def rename(node: Node, name: str) -> tuple[Edit, ...] | None:
    """Rename an element in its start tag and end tag; None when its name is not written
    plainly (a namespace prefix) in both."""
    text = loaded_text(node)
    span = node.span
    start = span.name_start + 1  # after '<'
    if text[start : start + len(node.tag)] != node.tag or not _NAME_END.match(
        text, start + len(node.tag)
    ):
        return None
    edits = [Edit(node.source, start, start + len(node.tag), name)]
    if text[span.tag_end - 2 : span.tag_end] != "/>":
        close = text.rfind("</", span.start, span.end)
        at = close + 2
        if close < span.tag_end or text[at : at + len(node.tag)] != node.tag:
            return None
        edits.append(Edit(node.source, at, at + len(node.tag), name))
    return tuple(edits)


def element_range(node: Node) -> tuple[int, int]:
    """The node's element, with its line (indentation and line end) when nothing else is on
    that line: what removing it takes away."""
    text = loaded_text(node)
    start, end = node.span.start, node.span.end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end + 1
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        return line_start, line_end
    return start, end


def remove(node: Node) -> Edit:
    """Remove the element (and its line when it stands alone on it)."""
    start, end = element_range(node)
    return Edit(node.source, start, end, "")


def indentation(node: Node) -> str | None:
    """The blanks before the element when it starts its line, else None."""
    text = loaded_text(node)
    line_start = text.rfind("\n", 0, node.span.start) + 1
    before = text[line_start : node.span.start]
    return before if not before.strip() else None


def insert_after(node: Node, markup: str) -> Edit:
    """Insert ``markup`` after the element: on a line of its own with the element's
    indentation when the element starts its line, else right after it."""
    indent = indentation(node)
    text = markup if indent is None else "\n" + indent + markup
    return Edit(node.source, node.span.end, node.span.end, text)


def append_child(parent: Node, markup: str) -> Edit | None:
    """Insert ``markup`` as the last child of ``parent``, indented like its children; None
    when it has no children to take the layout from."""
    if not parent.children:
        return None
    return insert_after(parent.children[-1], markup)
