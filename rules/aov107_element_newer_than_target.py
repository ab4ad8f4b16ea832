"""## What it does
When the configuration names the oldest Windows build of the fleet (`target-windows`, or
`--target-windows` on the command line), warns about each ProfileXML element that build does not
know. Without a target the rule does nothing.

`target-windows` takes a release name (`1809`, `21H2`, `22H2`, `24H2`...) or a build number
(`19045`, `26100`). Windows 10 and Windows 11 share the names `21H2` and `22H2`: a bare name
means Windows 11 (22000, 22621), as the CSP's applicability table writes it; write `10-22H2` (or
`Windows 10 22H2`) for Windows 10, or give the build number.

## Why is this bad?
Older clients ignore elements newer than their build: the profile imports, but the setting never
applies on those devices (an interface metric, a hidden disconnect button, a protocol list...).
Where the CSP's applicability table and field reports disagree, the later build is used and both
are cited:

{builds}

An element set to the value Windows uses anyway (`<RegisterDNS>false</RegisterDNS>`,
`<UseRasCredentials>true</UseRasCredentials>`) is not reported: ignoring it changes nothing.
Below 1607 (14393) ProfileXML itself is not applied, and that one finding is reported instead.

## Example
With `target-windows: 10-22H2` (build 19045):

    <VPNProfile>
      <IPv4InterfaceMetric>3</IPv4InterfaceMetric>
      <DisableDisconnectButton>true</DisableDisconnectButton>
    </VPNProfile>

## Use instead
Leave the newer elements out until the whole fleet runs a build that knows them (Windows 11
24H2 for `IPv4InterfaceMetric`), or set the interface metric another way on older clients
(rasphone.pbk), and raise `target-windows` when the fleet is upgraded.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Config,
    Document,
    DocumentKind,
    Finding,
    Node,
    Profile,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
    windows_builds,
)

RULE = RuleMeta(
    id="AOV107",
    name="element-newer-than-target",
    severity=Severity.WARNING,
    short="An element is newer than the fleet's oldest Windows build (target-windows) "
    "and is ignored there",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
    tags=("profilexml", "schema", "compatibility"),
    documented=True,
    sources=("VPNv2 CSP applicability table", "Field reports: Hicks' samples, DPC release notes"),
    kinds=(DocumentKind.PROFILE,),
    doc=(__doc__ or "").replace("{builds}", windows_builds.markdown()).strip(),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document, config: Config) -> Iterator[Finding]:
    target = config.target_windows
    profile = profile_of(document)
    if target is None or profile is None:
        return
    shown = _shown(target)
    if target < windows_builds.PROFILEXML:
        yield RULE.finding(
            profile.root.loc,
            f"ProfileXML is applied from Windows 10 1607 (build "
            f"{windows_builds.PROFILEXML}) but target-windows is {shown}; raise the target or "
            "configure those clients another way",
        )
        return
    for row in windows_builds.ELEMENTS:
        if row.build > target:
            for path in row.paths:
                for node in _nodes(profile.root, path):
                    if row.defaults.get(node.tag) != node.text.strip():
                        yield RULE.finding(node.loc, _message(node, row, shown))
    yield from _force_tunnel_exclusions(profile, target, shown)


def _shown(build: int) -> str:
    name = windows_builds.release_of(build)
    return name if name.startswith("build") else f"{name} (build {build})"


def _nodes(root: Node, path: str) -> list[Node]:
    nodes = [root]
    for tag in path.split("/"):
        nodes = [child for node in nodes for child in node.find_all(tag)]
    return nodes


def _message(node: Node, row: windows_builds.Since, shown: str) -> str:
    field = f"; field reports: {row.field}" if row.field else ""
    return (
        f"<{node.tag}> takes effect from build {row.build} "
        f"({windows_builds.release_of(row.build)}{field}) "
        f"but target-windows is {shown}: older clients ignore it; leave it out until the "
        "fleet is upgraded, or raise target-windows"
    )


def _force_tunnel_exclusions(profile: Profile, target: int, shown: str) -> Iterator[Finding]:
    row = windows_builds.FORCE_TUNNEL_EXCLUSIONS
    if row.build <= target or not profile.is_force_tunnel:
        return
    for route in profile.exclusion_routes:
        yield RULE.finding(
            route.loc,
            f"an exclusion route in a force tunnel needs build "
            f"{row.build} or later ({row.field}) but target-windows is {shown}; "
            "older or unpatched clients may not apply it",
        )
