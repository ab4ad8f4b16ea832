r"""## What it does
Notes the parts of a PowerShell deployment script that aovpn-lint cannot check without running
it: a `$Variable` or `$(...)` inside the ProfileXML string (one note per profile, listing them),
and ProfileXML written piece by piece (`Add-Content` line by line, `XmlWriter` or `XmlDocument`
calls). A variable assigned once, from a plain literal, before its use is not one of them: its
value is checked where the literal is written. A `param()` default is checked too, and the
note says so, since a value passed on the command line replaces it.

It also names the file a script reads its ProfileXML from (`Get-Content .\profile.xml -Raw`,
`[System.IO.File]::ReadAllText("$PSScriptRoot\profile.xml")`): that file is the profile the
script deploys, and the cross-file rules treat it so. A path that does not exist, is absolute
or leads out of the repository is reported, and such a file is never read.

In a Microsoft365DSC configuration it notes the VPN properties set from a variable or an
expression (`ServerCollection = $ConfigurationData.NonNodeData.VpnServers`) and statements in
a VPN resource block that are not `Name = value` assignments.

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
    ReadStatus,
    RuleMeta,
    ScriptGap,
    ScriptInfo,
    ScriptRead,
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
    for read in info.reads:
        yield RULE.finding(read.loc, _read_message(read))


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
        return _runtime_message(gap)
    if gap.kind is GapKind.NOT_WELL_FORMED_WITHOUT_VALUES:
        return (
            f"the ProfileXML in this {gap.detail} string is not well-formed without the "
            f"run-time values of {_names(gap)}, so it cannot be checked here; put the whole "
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


def _names(gap: ScriptGap) -> str:
    names = ", ".join(f"'{name}'" for name in gap.names)
    more = gap.count - len(gap.names)
    return f"{names} and {more} more" if more > 0 else names


def _runtime_message(gap: ScriptGap) -> str:
    parts = []
    if gap.names:
        verb = "is" if gap.count == 1 else "are"
        parts.append(
            f"{_names(gap)} {verb} only known when the script runs, so this profile is checked "
            "without those values; assign a fixed value once from a literal, or write it into "
            "the ProfileXML"
        )
    if gap.defaults:
        defaults = ", ".join(f"'{name}'" for name in gap.defaults)
        parts.append(
            f"{defaults} {'was' if len(gap.defaults) == 1 else 'were'} checked with the "
            "default value of the script's param() block; a value passed when the script is "
            "run is not checked"
        )
    return "; ".join(parts)


def _read_message(read: ScriptRead) -> str:
    if read.status is ReadStatus.OUTSIDE:
        return (
            f"the script reads its ProfileXML from '{read.written}', which is outside the "
            "linted tree (an absolute path or one leading out of the repository), so aovpn-lint "
            "does not read it and the profile this script deploys is not checked; keep the "
            "profile beside the script and read it through $PSScriptRoot"
        )
    if read.status is ReadStatus.MISSING:
        return (
            f"the script reads its ProfileXML from '{read.written}', but there is no such file "
            "relative to the script's folder, so the profile it deploys is not checked; fix "
            "the path or add the file"
        )
    return (
        f"the script deploys the ProfileXML in '{read.written}': lint that file with the "
        "script; the cross-file rules treat it as the profile this script deploys"
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
