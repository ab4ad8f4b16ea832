"""## What it does
Notes the parts of a PowerShell deployment script that aovpn-lint cannot check without running
it: a `$Variable` or `$(...)` inside the ProfileXML string, and ProfileXML written piece by
piece (`Add-Content` line by line, `XmlWriter` or `XmlDocument` calls). In a Microsoft365DSC
configuration it notes the VPN properties set from a variable or an expression
(`ServerCollection = $ConfigurationData.NonNodeData.VpnServers`) and statements in a VPN
resource block that are not `Name = value` assignments.

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

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    GapKind,
    RuleMeta,
    ScriptGap,
    ScriptInfo,
    Severity,
    hookimpl,
)

RULE = RuleMeta(
    id="AOV603",
    name="unresolved-script-content",
    severity=Severity.NOTE,
    short="Part of a script's ProfileXML is only known at run time and is not checked",
    doc=__doc__,
    help_uri="https://learn.microsoft.com/windows/security/identity-protection/vpn/vpn-profile-options",
    tags=("powershell", "coverage"),
    kinds=(DocumentKind.SCRIPT,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    info = document.payload
    if not isinstance(info, ScriptInfo):
        return
    for gap in info.gaps:
        yield RULE.finding(gap.loc, _message(gap))


def _message(gap: ScriptGap) -> str:
    if gap.kind is GapKind.DSC_VALUE:
        return _dsc_value(gap)
    if gap.kind is GapKind.DSC_STATEMENT:
        return (
            f"'{gap.detail}' in this Microsoft365DSC resource block sets no property, so "
            "aovpn-lint cannot tell what it adds to the VPN policy; write the properties out "
            "as 'Name = value' lines"
        )
    if gap.kind is GapKind.RUNTIME_VALUE:
        return (
            f"'{gap.detail}' is only known when the script runs, so its value is not "
            "checked; write the value into the ProfileXML literal if it is fixed"
        )
    if gap.kind is GapKind.MORE_RUNTIME_VALUES:
        return f"{gap.count} more run-time values in this ProfileXML are not checked either"
    if gap.kind is GapKind.NOT_WELL_FORMED_WITHOUT_VALUES:
        names = ", ".join(f"'{name}'" for name in gap.names)
        return (
            f"the ProfileXML in this {gap.detail} string is not well-formed without the "
            f"run-time values of {names}, so it cannot be checked here; put the whole "
            "profile in one literal or in a profile.xml file"
        )
    if gap.kind is GapKind.WRITTEN_PIECEWISE:
        how = "with Add-Content" if gap.detail == "Add-Content" else "piece by piece"
        return (
            f"ProfileXML is written {how} across several statements, so aovpn-lint cannot "
            "rebuild it without running the script; keep the profile in one here-string or "
            "in a profile.xml file and lint that"
        )
    if gap.kind is GapKind.BUILT_BY_API:
        return (
            f"ProfileXML is built with {gap.detail} calls at run time, so aovpn-lint cannot "
            "check it statically; keep the profile in a here-string or a profile.xml file "
            "and lint that"
        )
    return (
        f"the script holds more than {gap.count} ProfileXML strings; the rest were not "
        "checked: split the script or keep the profiles in files"
    )


def _dsc_value(gap: ScriptGap) -> str:
    if gap.count:
        return (
            f"{gap.count} more values in this Microsoft365DSC resource are only known when the "
            "configuration is compiled and are not checked either"
        )
    prop = gap.names[0] if gap.names else "a property"
    return (
        f"'{gap.detail}' ({prop}) is only known when the configuration is compiled, so "
        "aovpn-lint does not check it; write the value into the configuration if it is fixed"
    )
