"""## What it does
Warns when a route's `Address` has bits set beyond its `PrefixSize`, such as `10.1.2.3` with
`PrefixSize` 24.

## Why is this bad?
A destination prefix is a network address plus a length. `10.1.2.3/24` is ambiguous: it usually
means either the network `10.1.2.0/24` or the single host `10.1.2.3/32`, and which one the
author wanted cannot be told from the profile. Write the one you mean.

## Example
    <Route><Address>10.1.2.3</Address><PrefixSize>24</PrefixSize></Route>

## Use instead
    <Route><Address>10.1.2.0</Address><PrefixSize>24</PrefixSize></Route>

Fix (unsafe): the host bits are cleared (`10.1.2.3` to `10.1.2.0` for /24); if a single
host was meant, set PrefixSize instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
    replace_value,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV306",
    name="route-host-bits",
    severity=Severity.WARNING,
    short="Route Address has host bits set for its PrefixSize",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenameroutelistrouterowidaddress",
    tags=("profilexml", "routing"),
    precision="very-high",
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.UNSAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    for route in profile.routes:
        if not route.has_host_bits or route.network is None:
            continue
        address = route.node.find("Address")
        assert address is not None
        host = route.network.max_prefixlen
        network = str(route.network.network_address)
        edit = replace_value(address, network)
        fix = Fix(f"write '{network}'", (edit,), safe=False) if edit else None
        yield RULE.finding(
            address.value_loc,
            f"address '{route.address}' has host bits set for /{route.prefix}; write "
            f"'{route.network.network_address}' for the network {route.network}, or PrefixSize "
            f"{host} for the single host",
            fix=fix,
        )
