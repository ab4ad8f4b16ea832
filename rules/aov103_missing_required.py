"""## What it does
Finds required ProfileXML elements that are missing: a profile with neither `NativeProfile` nor
`PluginProfile`, `NativeProfile` without `Servers`, `Authentication` or `NativeProtocolType`, a
`Route` without `Address` or `PrefixSize`, a `DomainNameInformation` without `DomainName`, and
the other children the schema marks as required.

## Why is this bad?
Windows cannot build the connection without them: the profile import fails, or a route or DNS
rule is dropped because it is incomplete.

## Example
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
      </NativeProfile>
      <Route><Address>10.0.0.0</Address></Route>
    </VPNProfile>

## Use instead
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
        <NativeProtocolType>IKEv2</NativeProtocolType>
        <Authentication><MachineMethod>Certificate</MachineMethod></Authentication>
      </NativeProfile>
      <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
    </VPNProfile>

`NativeProtocolType` is optional in the XSD but the CSP documents it as required for native
profiles, so it is checked too.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    VPN_PROFILE,
    Document,
    DocumentKind,
    Finding,
    Node,
    RuleMeta,
    Severity,
    Spec,
    hookimpl,
    suggest,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV103",
    name="missing-required",
    severity=Severity.ERROR,
    short="A required ProfileXML element is missing",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#profilexml-xsd-schema",
    tags=("profilexml", "schema"),
    documented=True,
    sources=(
        "ProfileXML XSD in the VPNv2 CSP reference (minOccurs)",
        "VPNv2 CSP: NativeProtocolType is required for native profiles",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    root = document.root
    if document.kind != "profilexml" or root is None:
        return
    if (
        not root.has("NativeProfile")
        and not root.has("PluginProfile")
        and not _misspelt(root, VPN_PROFILE, "NativeProfile")
    ):
        yield RULE.finding(
            root.loc,
            "VPNProfile has neither <NativeProfile> nor <PluginProfile>; "
            "add a NativeProfile for the built-in Windows VPN client",
        )
    for node, spec, missing in document.facts.incomplete:
        for name in missing:
            if isinstance(name, tuple):  # any one of these will do
                if not any(_misspelt(node, spec, choice) for choice in name):
                    yield RULE.finding(
                        node.loc,
                        f"<{node.tag}> has neither <{name[0]}> nor "
                        f"<{name[1]}>; add the authentication method",
                    )
            elif not _misspelt(node, spec, name):
                yield RULE.finding(node.loc, f"<{node.tag}> has no <{name}>; add it")


def _misspelt(node: Node, spec: Spec, name: str) -> bool:
    """True when a sibling looks like a typo of ``name`` (AOV101 already reports it)."""
    return any(
        child.tag != name and spec.child(child.tag) is None and suggest(child.tag, spec) == name
        for child in node.children
    )
