"""## What it does
Warns when an Intune VPN template (`windows10VpnConfiguration`) marks more than one server as
the default server (`isDefaultServer: true`).

## Why is this bad?
The flag suggests a primary and a fallback, but Windows does not use it: the VPN client connects
to the first server of the list and never fails over to the others. Marking several servers as
default reads like redundancy and provides none. Redundancy needs one name in front of several
servers: a load balancer, or global DNS such as Azure Traffic Manager.

## Example
    "servers": [
      {"address": "vpn1.example.com", "isDefaultServer": true},
      {"address": "vpn2.example.com", "isDefaultServer": true}
    ]

## Use instead
    "servers": [
      {"address": "vpn.example.com", "isDefaultServer": true}
    ]

with `vpn.example.com` answered by a load balancer or a global DNS service.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    parse_bool,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV202",
    name="multiple-default-servers",
    severity=Severity.WARNING,
    short="Intune VPN template marks several servers as default: the flag gives no failover",
    help_uri="https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-vpnserver",
    tags=("intune", "servers", "availability"),
    documented=True,
    sources=(
        "Microsoft Graph: vpnServer (address, isDefaultServer)",
        "VPNv2 CSP: NativeProfile/Servers, the client uses the first server",
    ),
    kinds=(DocumentKind.INTUNE_TEMPLATE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "intune-vpn-template" or document.root is None:
        return
    defaults = [item for item in _servers(document.root) if _is_default(item)]
    if len(defaults) < 2:
        return
    first = defaults[0]
    for item in defaults[1:]:
        flag = item.find("isDefaultServer")
        assert flag is not None
        yield RULE.finding(
            flag.value_loc,
            f"server '{_address(item)}' is marked default as well as '{_address(first)}'; Windows "
            "ignores the flag and connects to the first server only: keep one server and put "
            "redundancy behind one name (load balancer or global DNS)",
            related=(Related(first.loc, f"first default server '{_address(first)}'"),),
        )


def _servers(root: Node) -> list[Node]:
    servers = root.find("servers")
    return list(servers.children) if servers is not None and servers.is_sequence else []


def _is_default(item: Node) -> bool:
    return parse_bool(item.text_of("isDefaultServer")) is True


def _address(item: Node) -> str:
    return item.text_of("address") or "?"
