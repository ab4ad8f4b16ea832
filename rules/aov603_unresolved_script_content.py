"""## What it does
Notes the parts of a PowerShell deployment script that aovpn-lint cannot check without running
it: a `$Variable` or `$(...)` inside the ProfileXML string, and ProfileXML written piece by
piece (`Add-Content` line by line, `XmlWriter` or `XmlDocument` calls).

## Why is this bad?
Nothing is wrong yet, but the value is decided at run time, so no rule can check it: a typo in
a variable, or an element added in the wrong place, only shows up when the profile is deployed.
ProfileXML assembled statement by statement cannot be rebuilt at all; the rest of the profile
goes unchecked. A fixed literal, or a reviewed `profile.xml` that the script reads, can be
linted before deployment.

## Example
    $ProfileXML = @"
    <VPNProfile>
      <NativeProfile><Servers>$Servers</Servers></NativeProfile>
    </VPNProfile>
    "@

## Use instead
    $ProfileXML = @'
    <VPNProfile>
      <NativeProfile><Servers>vpn.example.com</Servers></NativeProfile>
    </VPNProfile>
    '@
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, Finding, RuleMeta, Severity, hookimpl

RULE = RuleMeta(
    id="AOV603",
    name="unresolved-script-content",
    severity=Severity.NOTE,
    short="Part of a script's ProfileXML is only known at run time and is not checked",
    help_uri="https://learn.microsoft.com/windows/security/identity-protection/vpn/vpn-profile-options",
    tags=("powershell", "coverage"),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "powershell":
        return
    for loc, message in document.data.get("notes", ()):
        yield RULE.finding(loc, message)
