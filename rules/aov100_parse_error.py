"""## What it does
Reports a file that cannot be read as ProfileXML (or as the script, export or YAML it claims to
be): bytes that do not decode, markup that is not well-formed, a forbidden DOCTYPE, a file over
the size limit. The finding points at the fault the parser found.

## Why is this bad?
Windows rejects a profile that is not well-formed XML; the VPN is never created. A file that
cannot be parsed cannot be checked by any other rule either.

## Example
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
    </VPNProfile>

## Use instead
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
      </NativeProfile>
    </VPNProfile>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    ParseProblem,
    RuleMeta,
    Severity,
    hookimpl,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV100",
    name="parse-error",
    severity=Severity.ERROR,
    short="The file cannot be decoded or is not well-formed",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#profilexml-xsd-schema",
    tags=("profilexml", "syntax"),
    precision="very-high",
    kinds=(DocumentKind.BROKEN,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    for problem in document.payload or ():
        if isinstance(problem, ParseProblem):
            yield RULE.finding(problem.loc, problem.message)
