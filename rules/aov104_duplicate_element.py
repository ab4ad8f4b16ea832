"""## What it does
Finds single-valued ProfileXML elements given more than once under the same parent, such as two
`RoutingPolicyType` elements or two `NativeProfile` blocks.

## Why is this bad?
Only `Route`, `DomainNameInformation`, `TrafficFilter` and `AppTrigger` repeat. A second copy of
any other element makes the profile invalid against the schema, and when Windows does accept it
only one of the values takes effect: which one is not documented.

## Example
    <NativeProfile>
      <Servers>vpn.example.com</Servers>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <Servers>vpn.example.com</Servers>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    </NativeProfile>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, Related, RuleMeta, Severity, hookimpl

RULE = RuleMeta(
    doc=__doc__,
    id="AOV104",
    name="duplicate-element",
    severity=Severity.ERROR,
    short="A single-valued element appears more than once",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#profilexml-xsd-schema",
    tags=("profilexml", "schema"),
    documented=True,
    sources=("ProfileXML XSD in the VPNv2 CSP reference (maxOccurs)",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "profilexml" or document.root is None:
        return
    # single-valued elements given again under the same parent, in walk order
    for node, first, parent in document.facts.duplicates:
        yield RULE.finding(
            node.loc,
            f"<{node.tag}> is given again under <{parent.tag}> (first at line "
            f"{first.loc.line}); keep one",
            related=(Related(first.loc, f"first <{node.tag}>"),),
        )
