"""## What it does
Finds elements that are not part of the ProfileXML schema where they appear, such as
`NativePolicy` for `NativeProfile` or `DNSServers` for `DnsServers`, and suggests the intended
name.

## Why is this bad?
Windows ignores elements it does not know, and element names are case-sensitive. A misspelt
element is dropped without an error, so the setting it was meant to carry never applies: the
profile imports, but routes, DNS rules or the whole connection definition are missing.

## Example
    <VPNProfile>
      <NativePolicy>
        <Servers>vpn.example.com</Servers>
      </NativePolicy>
    </VPNProfile>

## Use instead
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
      </NativeProfile>
    </VPNProfile>

Content inside `Eap/Configuration` and `PluginProfile/CustomConfiguration` belongs to other
schemas and is not checked. The schema is the union of the ProfileXML XSD and the elements the
VPNv2 CSP documents (including Windows 11 elements such as `IPv4InterfaceMetric`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from aovpn_lint.api import (
    Node,
    DocumentKind,
    Document,
    Finding,
    RuleMeta,
    Severity,
    WRAPPERS,
    hookimpl,
    is_misplaced,
    is_wrapper,
    suggest,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV101",
    name="unknown-element",
    severity=Severity.ERROR,
    short="Element is not part of ProfileXML here; Windows silently ignores it",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#profilexml-xsd-schema",
    tags=("profilexml", "schema"),
    documented=True,
    sources=("ProfileXML XSD in the VPNv2 CSP reference", "VPNv2 CSP node reference"),
    kinds=(DocumentKind.PROFILE, DocumentKind.XML),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.root is None:
        return
    if document.kind is DocumentKind.XML:
        yield from _misspelt_root(document.root)
        return
    for node, parent_spec in document.facts.unknown:
        if is_misplaced(node, parent_spec, document.root.namespace):
            continue  # a real element in the wrong place: AOV105
        hint = suggest(node.tag, parent_spec)
        where = f"under <{parent_spec.name}>"
        if is_wrapper(node, parent_spec):
            inner = WRAPPERS[node.tag]
            message = (f"<{node.tag}> is the CSP's name for the list, not a ProfileXML element: "
                       f"Windows ignores it and everything in it; remove the wrapper and put its "
                       f"<{inner}> elements directly under <{parent_spec.name}>")
        elif node.namespace and node.namespace != document.root.namespace:
            message = (f"element <{node.tag}> in namespace '{node.namespace}' is not ProfileXML "
                       f"{where}; Windows ignores it")
        elif hint and hint.lower() == node.tag.lower():
            message = (f"unknown element <{node.tag}> {where}: element names are case-sensitive; "
                       f"write <{hint}>")
        elif hint:
            message = f"unknown element <{node.tag}> {where} is ignored by Windows; did you mean <{hint}>?"
        else:
            message = (f"unknown element <{node.tag}> {where} is ignored by Windows; remove it or "
                       "check the VPNv2 CSP for the right name")
        yield RULE.finding(node.loc, message)


def _misspelt_root(root: Node) -> Iterator[Finding]:
    """XML whose root is almost ``VPNProfile`` was meant to be a profile."""
    name = root.tag
    if name.lower() == "vpnprofile" or difflib.SequenceMatcher(
            None, name.lower(), "vpnprofile").ratio() >= 0.85:
        yield RULE.finding(
            root.source.location(0),
            f"root element '{name}' is not a VPN profile; did you mean 'VPNProfile'? "
            "(element names are case-sensitive)")
