"""What the schema rules (AOV101-AOV106) need to know about one VPNProfile, found in one walk.

The walk visits every element below the VPNProfile that the schema knows how to read: it
descends into known complex elements (and into CSP list wrappers such as ``<RouteList>``, to check
what they wrap), never into unknown elements or opaque content (EAP and plug-in configuration).
It records only what a rule may report, so a clean profile produces empty lists.

It runs on whatever the root Node walks fastest (:meth:`Node.walk_handle`): for a profile loaded
from XML that is the parsed lxml tree itself, so the elements of a clean profile never become
Nodes; a Node is built only for an element that a list names.
"""

from __future__ import annotations

from aovpn_lint.model.core import Node
from aovpn_lint.model.schema import REQUIRED_ONE_OF, VPN_PROFILE, Spec, wrapper_target
from aovpn_lint.model.ipfast import parse_ip
from aovpn_lint.model.values import verdict

#: value kinds the walk sends to aovpn_lint.model.values (every other kind has no value check)
_CHECKED = frozenset({"bool", "enum", "int", "ip", "prefix", "iplist", "portranges",
                      "addressranges", "proxy"})


class Facts:
    """The lists the schema rules report from, each in walk order.

    - ``unknown``: (element, parent spec) for elements the schema does not allow where they are
      (unknown, misspelt, misplaced or in a foreign namespace);
    - ``duplicates``: (element, first one) for a single-valued element given again under the same
      parent;
    - ``incomplete``: (element, spec, names) for complex elements that lack required children;
      a name is a tuple of alternatives when any one of them will do;
    - ``questioned``: (element, spec, problem, preferred) for values that are invalid (problem) or
      valid but not written as documented (preferred spelling).
    """

    __slots__ = ("root", "unknown", "duplicates", "incomplete", "questioned")

    def __init__(self, root: Node) -> None:
        self.root = root
        unknown: list[tuple[object, Spec]] = []
        duplicates: list[tuple[object, object]] = []
        incomplete: list[tuple[object, Spec, tuple[str | tuple[str, ...], ...]]] = []
        questioned: list[tuple[object, Spec, str | None, str | None]] = []
        entries_of = root.entries_of
        namespace = root.namespace
        required = _REQUIRED
        stack: list[tuple[object, Spec]] = [(root.walk_handle(), VPN_PROFILE)]
        while stack:
            handle, parent_spec = stack.pop()
            by_name = parent_spec.by_name
            entries = entries_of(handle)
            first: dict[str, object] = {}
            for tag, child_namespace, value, child in entries:
                spec = by_name.get(tag) if child_namespace == namespace else None
                if spec is None:
                    unknown.append((child, parent_spec))
                    target = wrapper_target(tag, parent_spec)  # as schema.is_wrapper
                    if target is not None and any(e[0] == target for e in entries_of(child)):
                        stack.append((child, parent_spec))  # check what the wrapper holds
                    continue
                seen = first.setdefault(tag, child)
                if seen is not child and not spec.repeat:
                    duplicates.append((child, seen))
                kind = spec.kind
                if kind == "complex":
                    stack.append((child, spec))
                elif value is None or not (kind in _CHECKED or tag == "Servers"):
                    continue
                # the commonest values (a route's Address and PrefixSize) pass a quick test;
                # anything else asks aovpn_lint.model.values
                elif kind == "ip" and parse_ip(value) is not None:
                    continue
                elif kind == "prefix" and len(value) < 3 and value.isascii() and value.isdigit() \
                        and int(value) <= 32:
                    continue
                else:
                    address = _address(entries) if kind == "prefix" else None
                    problem, preferred = verdict(spec, value, address)
                    if problem is not None or preferred is not None:
                        questioned.append((child, spec, problem, preferred))
            needs = required.get(id(parent_spec))
            if needs is not None and _missing(needs, first):
                # a child of that name in another namespace is AOV101's, not missing
                missing = _missing(needs, {entry[0]: None for entry in entries})
                if missing:
                    incomplete.append((handle, parent_spec, missing))
        node_of = root.node_of
        self.unknown = [(node_of(h), spec) for h, spec in unknown]
        self.duplicates = [(node_of(h), node_of(first_h)) for h, first_h in duplicates]
        self.incomplete = [(node_of(h), spec, names) for h, spec, names in incomplete]
        self.questioned = [(node_of(h), spec, problem, preferred)
                           for h, spec, problem, preferred in questioned]


def _address(entries: list[tuple[str, str | None, str | None, object]]) -> str | None:
    """The Address beside a PrefixSize (its limit depends on the address family)."""
    for tag, _namespace, value, _handle in entries:
        if tag == "Address":
            return None if value is None else value.strip()
    return None


def _requirements() -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """id(spec) -> (required children, alternatives of which one is required), for the specs
    that require anything. The spec tree is built once and never changes."""
    found: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    stack = [VPN_PROFILE]
    while stack:
        spec = stack.pop()
        names = tuple(child.name for child in spec.children if child.required)
        choices = REQUIRED_ONE_OF.get(spec.name, ())
        if names or choices:
            found[id(spec)] = (names, choices)
        stack.extend(spec.children)
    return found


_REQUIRED = _requirements()


def _missing(needs: tuple[tuple[str, ...], tuple[str, ...]],
             present: dict[str, object]) -> tuple[str | tuple[str, ...], ...]:
    names, choices = needs
    missing: list[str | tuple[str, ...]] = [name for name in names if name not in present]
    if choices and not any(choice in present for choice in choices):
        missing.append(choices)
    return tuple(missing)


def facts(root: Node) -> Facts:
    """The :class:`Facts` of a VPNProfile. The schema rules run on the same document one after
    the other, so the last result is kept."""
    global _last
    last = _last
    if last is not None and last.root is root:
        return last
    _last = last = Facts(root)
    return last


_last: Facts | None = None
