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
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    RuleMeta,
    Severity,
    hookimpl,
    is_misplaced,
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
        )
