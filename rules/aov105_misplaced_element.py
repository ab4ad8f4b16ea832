"""## What it does
Finds ProfileXML elements that exist in the schema but sit under the wrong parent, such as a
`Route` inside `NativeProfile` or a `DomainNameInformation` nested in another one.

## Why is this bad?
Windows reads each element only in its documented place. An element under the wrong parent is
ignored, so the route, DNS rule or setting it carries never reaches the client.

## Example
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
        <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
      </NativeProfile>
    </VPNProfile>

## Use instead
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
      </NativeProfile>
      <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
    </VPNProfile>

Fix (unsafe): when the element's place is one of its ancestors (a `Route` inside
`NativeProfile` belongs under `VPNProfile`), it is moved there, right after the element that
held it; the setting then takes effect, so review what it does.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Edit,
    Finding,
    Fix,
    Fixability,
    Node,
    RuleMeta,
    Severity,
    element_range,
    hookimpl,
    indentation,
    insert_after,
    is_misplaced,
    loaded_text,
    parents_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV105",
    name="misplaced-element",
    severity=Severity.ERROR,
    short="A ProfileXML element sits under the wrong parent and is ignored",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#profilexml-xsd-schema",
    tags=("profilexml", "schema"),
    documented=True,
    sources=("ProfileXML XSD in the VPNv2 CSP reference",),
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.UNSAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "profilexml" or document.root is None:
        return
    known = parents_of()
    for node, parent_spec in document.facts.unknown:
        if not is_misplaced(node, parent_spec, document.root.namespace):
            continue  # unknown or a misspelling: AOV101
        places = " or ".join(f"<{p.rsplit('/', 1)[-1]}>" for p in known[node.tag][:3])
        yield RULE.finding(
            node.loc,
            f"<{node.tag}> does not belong under <{parent_spec.name}> and is ignored there; "
            f"move it under {places}",
            fix=_move(node, document.root, known[node.tag]),
        )


#: elements a parent may hold more than once
_REPEATED = frozenset({"Route", "DomainNameInformation", "TrafficFilter", "AppTrigger"})


def _move(node: Node, root: Node, places: tuple[str, ...]) -> Fix | None:
    """Move ``node`` up to the nearest ancestor that is one of its ``places``."""
    chain = _ancestors(node, root)
    for depth in range(len(chain) - 2, -1, -1):
        target = chain[depth]
        if "/".join(n.tag for n in chain[: depth + 1]) not in places:
            continue
        if target.has(node.tag) and node.tag not in _REPEATED:
            return None  # the target has one already: which one counts is for a person
        holder = chain[depth + 1]
        start, end = element_range(node)
        markup = _reindented(node, holder)
        edits = (Edit(node.source, start, end, ""), insert_after(holder, markup))
        return Fix(f"move <{node.tag}> under <{target.tag}>", edits, safe=False)
    return None


def _ancestors(node: Node, root: Node) -> list[Node]:
    """root ... node's parent (empty when node is not under root)."""
    parents = {id(child): parent for parent in root.iter(opaque=True) for child in parent.children}
    chain: list[Node] = []
    current = parents.get(id(node))
    while current is not None:
        chain.append(current)
        current = parents.get(id(current))
    return chain[::-1]


def _reindented(node: Node, holder: Node) -> str:
    """The element's markup with its inner lines shifted to the holder's indentation."""
    text = loaded_text(node)[node.span.start : node.span.end]
    own, new = indentation(node), indentation(holder)
    if own is None or new is None or not own.startswith(new):
        return text
    extra = len(own) - len(new)
    lines = text.split("\n")
    shifted = [line[extra:] if line[:extra].strip() == "" else line.lstrip() for line in lines[1:]]
    return "\n".join([lines[0], *shifted])
