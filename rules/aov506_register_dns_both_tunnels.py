"""## What it does
Warns when `RegisterDNS` is true on both the device tunnel and a user tunnel deployed with it:
listed in the same inventory, or, without an inventory, the only device tunnel and the only user
profile in one folder.

## Why is this bad?
`RegisterDNS` registers the connection's IP address in the internal DNS. When a device tunnel
and a user tunnel are deployed together, it belongs on one of them, not both: each tunnel gets
its own address from the VPN server, so with both registering, the computer's name can resolve
to either tunnel's address, and manage-out traffic may go to the one that is down (our reading;
Microsoft documents only what RegisterDNS does). Hicks' published
user-tunnel sample says of RegisterDNS: "When used with the device tunnel use this setting on one
connection or the other, not both". Microsoft's device tunnel sample registers the device tunnel,
which is up before and after sign-in.

A folder that holds several user profiles (sample repositories keep alternatives side by side)
does not say which one is deployed with the device tunnel, so it is not reported; list the
deployed profiles in an inventory to check them.

## Example
    device.xml:  <DeviceTunnel>true</DeviceTunnel><RegisterDNS>true</RegisterDNS>
    user.xml:    <RegisterDNS>true</RegisterDNS>

## Use instead
    device.xml:  <DeviceTunnel>true</DeviceTunnel><RegisterDNS>true</RegisterDNS>
    user.xml:    (no RegisterDNS)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    Related,
    RuleMeta,
    Severity,
    deployed_together,
    hookimpl,
    parse_bool,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV506",
    name="register-dns-both-tunnels",
    severity=Severity.WARNING,
    short="RegisterDNS is true on both the device and the user tunnel deployed together",
    help_uri="https://learn.microsoft.com/windows-server/remote/remote-access/vpn/vpn-device-tunnel-config",
    tags=("device-tunnel", "dns", "cross-file"),
    sources=(
        "Configure VPN device tunnels in Windows client (sample registers the device tunnel)",
        "Hicks' ProfileXML_User.xml sample: RegisterDNS on one connection or the other, not both",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for group in deployed_together(documents):
        if group.inferred and not group.pairs_one_device_with_one_user:
            continue
        registering = [(d, n) for d in group.devices if (n := _registers(d)) is not None]
        if not registering:
            continue
        for user in group.users:
            node = _registers(user)
            if node is not None:
                names = ", ".join(f"'{os.path.basename(d.path)}'" for d, _n in registering[:3])
                yield RULE.finding(
                    node.loc,
                    f"RegisterDNS is true on this user tunnel and on device tunnel {names} "
                    f"deployed with it ({group.where}); register one tunnel only: remove it here "
                    "and keep it on the device tunnel",
                    related=tuple(
                        Related(n.loc, "RegisterDNS on the device tunnel")
                        for _d, n in registering[:20]
                    ),
                )


def _registers(document: Document) -> Node | None:
    node = document.root.find("RegisterDNS") if document.root is not None else None
    return node if node is not None and parse_bool(node.text) is True else None
