"""What the schema rules (AOV101-AOV106) need to know about one VPNProfile, found in one walk.

The walk visits every element below the VPNProfile that the schema knows how to read: it
descends into known complex elements (and into CSP list wrappers such as ``<RouteList>``, to
check what they wrap), never into unknown elements or opaque content (EAP and plug-in
configuration). It records only what a rule may report, so a clean profile produces empty
lists. ``Document.facts`` computes it once per document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aovpn_lint.model.ipfast import parse_ip
from aovpn_lint.model.schema import REQUIRED_ONE_OF, VPN_PROFILE, Spec, wrapper_target
from aovpn_lint.model.tree import Node
from aovpn_lint.model.values import verdict

#: value kinds the walk sends to aovpn_lint.model.values (every other kind has no value check)
_CHECKED = frozenset(
    {"bool", "enum", "int", "ip", "prefix", "iplist", "portranges", "addressranges", "proxy"}
)


@dataclass(eq=False)
class Facts:
    """The lists the schema rules report from, each in walk order.

    - ``unknown``: (element, parent spec) for elements the schema does not allow where they are
      (unknown, misspelt, misplaced or in a foreign namespace);
    - ``duplicates``: (element, first one, parent) for a single-valued element given again
      under the same parent;
    - ``incomplete``: (element, spec, names) for complex elements that lack required children;
      a name is a tuple of alternatives when any one of them will do;
    - ``questioned``: (element, spec, problem, preferred) for values that are invalid (problem)
      or valid but not written as documented (preferred spelling).
    """

    root: Node
    unknown: list[tuple[Node, Spec]] = field(default_factory=list)
    duplicates: list[tuple[Node, Node, Node]] = field(default_factory=list)
    incomplete: list[tuple[Node, Spec, tuple[str | tuple[str, ...], ...]]] = field(
        default_factory=list
    )
    questioned: list[tuple[Node, Spec, str | None, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        namespace = self.root.namespace
        stack: list[tuple[Node, Spec]] = [(self.root, VPN_PROFILE)]
        while stack:
            node, parent_spec = stack.pop()
            if node.opaque:
                continue
            first: dict[str, Node] = {}
            for child in node.children:
                spec = parent_spec.by_name.get(child.tag) if child.namespace == namespace else None
                if spec is None:
                    self.unknown.append((child, parent_spec))
                    target = wrapper_target(child.tag, parent_spec)  # as schema.is_wrapper
                    if target is not None and child.has(target):
                        stack.append((child, parent_spec))  # check what the wrapper holds
                    continue
                seen = first.setdefault(child.tag, child)
                if seen is not child and not spec.repeat:
                    self.duplicates.append((child, seen, node))
                if spec.kind == "complex":
                    stack.append((child, spec))
                else:
                    self._check_value(child, spec, node)
            needs = _REQUIRED.get(id(parent_spec))
            if needs is not None and _missing(needs, first):
                # a child of that name in another namespace is AOV101's, not missing
                missing = _missing(needs, {child.tag: child for child in node.children})
                if missing:
                    self.incomplete.append((node, parent_spec, missing))

    def _check_value(self, node: Node, spec: Spec, parent: Node) -> None:
        value, kind = node.value, spec.kind
        if value is None or not (kind in _CHECKED or node.tag == "Servers"):
            return
        # the commonest values (a route's Address and PrefixSize) pass a quick test
        if kind == "ip" and parse_ip(value) is not None:
            return
        if (
            kind == "prefix"
            and len(value) < 3
            and value.isascii()
            and value.isdigit()
            and int(value) <= 32
        ):
            return
        address = parent.text_of("Address") if kind == "prefix" else None
        problem, preferred = verdict(spec, value, address)
        if problem is not None or preferred is not None:
            self.questioned.append((node, spec, problem, preferred))


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


def _missing(
    needs: tuple[tuple[str, ...], tuple[str, ...]], present: dict[str, Node]
) -> tuple[str | tuple[str, ...], ...]:
    names, choices = needs
    missing: list[str | tuple[str, ...]] = [name for name in names if name not in present]
    if choices and not any(choice in present for choice in choices):
        missing.append(choices)
    return tuple(missing)
