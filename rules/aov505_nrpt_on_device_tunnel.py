"""## What it does
Warns when a device tunnel carries NRPT rules (`DomainNameInformation`) while a user tunnel is
deployed with it: listed in the same inventory, or, without an inventory, the only device tunnel
and the only user profile in one folder.

## Why is this bad?
Microsoft's device tunnel guide: NRPT can be used on the device tunnel only when no user tunnel
is configured on the system; with both, NRPT can be used on the user tunnel only. Rules on the
device tunnel are then not a supported configuration, and internal name resolution may not
follow them.

A folder that holds several user profiles (sample repositories keep alternatives side by side)
does not say which one is deployed with the device tunnel, so it is not reported; list the
deployed profiles in an inventory to check them.

## Example
    device.xml:  <VPNProfile><DeviceTunnel>true</DeviceTunnel>
                   <DomainNameInformation><DomainName>.corp.example.com</DomainName>...
    user.xml:    <VPNProfile><AlwaysOn>true</AlwaysOn>...

## Use instead
Keep the `DomainNameInformation` rules in `user.xml` only, and reach the servers the device
tunnel needs by the DNS servers of its interface (or host routes to them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Group,
    Location,
    Related,
    RuleMeta,
    Severity,
    deployed_together,
    hookimpl,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV505",
    name="nrpt-on-device-tunnel",
    severity=Severity.WARNING,
    short="Device tunnel with NRPT rules while a user tunnel is deployed with it",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("device-tunnel", "dns", "cross-file"),
    documented=True,
    sources=(
        "Configure VPN device tunnels in Windows client: NRPT only on the user tunnel "
        "when both exist",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for group in deployed_together(documents):
        if not group.users or (group.inferred and not group.pairs_one_device_with_one_user):
            continue
        for device in group.devices:
            rules = device.profile.domain_name_information
            if rules:
                yield _finding(device, rules[0].loc, len(rules), group)


def _finding(_device: Document, loc: Location, count: int, group: Group) -> Finding:
    users = group.users
    names = ", ".join(f"'{os.path.basename(u.path)}'" for u in users[:3])
    return RULE.finding(
        loc,
        f"this device tunnel has {count} NRPT rule(s) (DomainNameInformation) but user tunnel "
        f"{names} is deployed with it ({group.where}); with both tunnels NRPT belongs on the "
        "user tunnel only: move the rules there",
        related=tuple(
            Related(u.root.loc, f"user tunnel deployed with it ({group.where})")
            for u in users[:20]
            if u.root is not None
        ),
    )
