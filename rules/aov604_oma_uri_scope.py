"""## What it does
Finds a device tunnel or a LockDown profile delivered to a user-scope OMA-URI
(`./User/Vendor/MSFT/VPNv2/...`), in an Intune custom profile or a SyncML message.

## Why is this bad?
A device tunnel connects before anyone signs in and runs as the computer; a LockDown profile
binds the whole device. The VPNv2 CSP accepts both only in the device scope: its scope table
lists the device tunnel for `./Device` and not for `./User`, and LockDown has been a
device-only profile since the 2017 CSP. Delivered under `./User`, the profile is refused or
applied to one user, and the tunnel the machine needs before logon never exists.

## Example
    "omaUri": "./User/Vendor/MSFT/VPNv2/Contoso%20Device%20Tunnel/ProfileXML"
    ... <DeviceTunnel>true</DeviceTunnel> ...

## Use instead
    "omaUri": "./Device/Vendor/MSFT/VPNv2/Contoso%20Device%20Tunnel/ProfileXML"

Sources: VPNv2 CSP (scope of the device tunnel, LockDown); Configure VPN device tunnels in
Windows client (the device tunnel is configured in the device context).
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Location,
    Node,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    oma_uri_parts,
    parse_bool,
    profile_of,
)

RULE = RuleMeta(
    id="AOV604",
    name="oma-uri-scope",
    severity=Severity.ERROR,
    short="A device tunnel or LockDown profile is delivered to a ./User OMA-URI",
    doc=__doc__,
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
    tags=("intune", "syncml", "oma-uri", "device-tunnel"),
    documented=True,
    sources=(
        "VPNv2 CSP: scope of DeviceTunnel and LockDown (device only)",
        "Configure VPN device tunnels in Windows client",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    container, profile = document.container, profile_of(document)
    if container is None or container.oma_uri is None or profile is None:
        return
    parts = oma_uri_parts(container.oma_uri)
    if parts is None or parts[0] != "user":
        return
    for tag, what in (("DeviceTunnel", "a device tunnel"), ("LockDown", "a LockDown profile")):
        node = profile.root.find(tag)
        if node is not None and parse_bool(node.value) is True:
            yield _finding(container.oma_uri, container.oma_uri_loc or node.loc, node, what)
            return


def _finding(uri: str, loc: Location, node: Node, what: str) -> Finding:
    device = "./Device/" + uri.split("/", 2)[2] if uri.startswith("./") else uri
    return RULE.finding(
        loc,
        f"{what} is delivered to the user scope ('{uri}'); the CSP takes it in the device scope "
        f"only: deliver it to '{device}'",
        related=(Related(node.value_loc, f"<{node.tag}>true</{node.tag}> is set here"),),
    )
