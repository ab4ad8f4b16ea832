"""## What it does
Checks the deployment inventory (`aovpn-inventory.yaml`) against its schema: unknown keys (with
a did-you-mean), missing server names or public FQDNs, duplicate server names, IP addresses,
networks and client pool ranges that are not valid, tunnel types other than `user` or `device`.

## Why is this bad?
The cross-file rules (overlapping client pools, routes to the pool, unknown servers) can only be
as good as the inventory. A misspelt key is silently ignored and a bad range cannot be compared,
so the checks that depend on them quietly stop working.

## Example
    servers:
      - name: rras01
        public-fqdn: vpn.example.com
        client_pool: 10.99.0.0/24
      - name: rras02
        public-fqdn: vpn.example.com
        client-pool: 10.99.1.250-10.99.1.10

## Use instead
    servers:
      - name: rras01
        public-fqdn: vpn.example.com
        client-pool: 10.99.0.0/24
      - name: rras02
        public-fqdn: vpn.example.com
        client-pool: 10.99.1.10-10.99.1.250
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Inventory,
    InventoryIssue,
    InventoryIssueKind,
    InventoryPlace,
    RuleMeta,
    Severity,
    hookimpl,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV504",
    name="invalid-inventory",
    severity=Severity.ERROR,
    short="The deployment inventory does not follow its schema",
    help_uri="https://github.com/aovpn-lint/aovpn-lint#the-deployment-inventory",
    tags=("inventory", "schema"),
    precision="very-high",
    kinds=(DocumentKind.INVENTORY,),
)

Kind = InventoryIssueKind
Place = InventoryPlace


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    inventory = document.payload
    if not isinstance(inventory, Inventory):
        return
    for issue in inventory.issues:
        yield RULE.finding(issue.loc, message(issue))


def message(issue: InventoryIssue) -> str:
    """What is wrong and what to do, from the issue's fields."""
    return _MESSAGES[issue.kind](issue)


# --- wording per kind ----------------------------------------------------------------------------
#: how a mapping is named when it is not one, and where an unknown key was found
_EACH = {
    Place.INVENTORY: "the inventory",
    Place.SERVER: "each server",
    Place.PROFILE: "each profile",
}
_IN = {Place.INVENTORY: "the inventory", Place.SERVER: "a server", Place.PROFILE: "a profile"}
#: what to write instead of a missing key (the server's public-fqdn names the server)
_MISSING = {
    "servers": "the inventory has no 'servers:' list; add the VPN servers",
    "name": "this server has no 'name'; give each server a unique name",
    "path": "this profile has no 'path'; name the file or a glob",
}
_POOL_EXAMPLES = "e.g. '10.99.0.0/24' or '10.99.0.10-10.99.0.250'"


def _label(issue: InventoryIssue) -> str:
    """The value's name in a message: internal networks are named one at a time."""
    return "internal network" if issue.key == "internal-networks" else issue.key


def _unknown_key(issue: InventoryIssue) -> str:
    # '_' and case are the usual slips (client_pool, Name), so compare the key without them
    close = difflib.get_close_matches(
        issue.key.replace("_", "-").lower(), issue.known, n=1, cutoff=0.6
    )
    hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(issue.known)}"
    return f"unknown key '{issue.key}' in {_IN[issue.place]}; {hint}"


def _missing(issue: InventoryIssue) -> str:
    if issue.key == "public-fqdn":
        return f"server '{issue.name or '?'}' has no 'public-fqdn'; add the name clients dial"
    return _MISSING.get(issue.key) or f"'{issue.key}' is missing; add it"


def _no_prefix(issue: InventoryIssue) -> str:
    if issue.key == "client-pool":
        return (
            f"client-pool '{issue.value}' has no prefix length; write e.g. "
            f"'{issue.value.strip()}/24' or a range"
        )
    return (
        f"{issue.key} '{issue.value}' has no prefix length, so its subnet is unknown; "
        f"write e.g. '{issue.value}/24'"
    )


def _invalid_network(issue: InventoryIssue) -> str:
    if issue.key == "client-pool":
        return (
            f"client-pool '{issue.value}' is neither a CIDR network nor a range; write "
            + _POOL_EXAMPLES
        )
    return f"{_label(issue)} '{issue.value}' is not a CIDR network; write e.g. '10.0.0.0/8'"


def _choices(values: tuple[str, ...]) -> str:
    return " or ".join(f"'{value}'" for value in values)


_MESSAGES: dict[InventoryIssueKind, Callable[[InventoryIssue], str]] = {
    Kind.EMPTY: lambda i: "the inventory is empty; list the VPN servers under 'servers:'",
    Kind.NOT_A_MAPPING: lambda i: f"{_EACH[i.place]} must be a mapping of keys to values",
    Kind.NOT_A_LIST: lambda i: f"'{i.key}' must be a list (one '- ' item per entry)",
    Kind.NOT_A_STRING: lambda i: f"'{i.key}' must be a non-empty string",
    Kind.UNKNOWN_KEY: _unknown_key,
    Kind.MISSING: _missing,
    Kind.DUPLICATE: lambda i: (
        f"server name '{i.value}' is used twice (first at line {i.first_line}); "
        "server names must be unique"
    ),
    Kind.NOT_A_HOSTNAME: lambda i: (
        f"{i.key} '{i.value}' is not a DNS name; write the name clients connect to, "
        "e.g. 'vpn.contoso.com'"
    ),
    Kind.INVALID_ADDRESS: lambda i: (
        f"{i.key} '{i.value}' is not an IP address; write the internal interface address "
        "with its prefix length, e.g. '10.1.0.21/24'"
    ),
    Kind.NO_PREFIX: _no_prefix,
    Kind.INVALID_NETWORK: _invalid_network,
    Kind.HOST_BITS: lambda i: (
        f"{_label(i)} '{i.value}' has host bits set; did you mean '{i.suggestion}'?"
    ),
    Kind.INVALID_RANGE: lambda i: (
        f"{i.key} '{i.value}' is not a valid address range; write 'first-last' with two IP "
        "addresses, e.g. '10.99.0.10-10.99.0.250'"
    ),
    Kind.MIXED_FAMILIES: lambda i: (
        f"{i.key} '{i.value}' mixes IPv4 and IPv6 addresses; use one family"
    ),
    Kind.RANGE_REVERSED: lambda i: (
        f"{i.key} '{i.value}' ends before it starts; write the lower address first "
        f"('{i.suggestion}')"
    ),
    Kind.UNKNOWN_VALUE: lambda i: (
        f"{i.key} '{i.value}' is not a {i.key} type; use {_choices(i.known)}"
    ),
    Kind.UNSUPPORTED_VERSION: lambda i: (
        f"inventory version '{i.value}' is not supported; use {' or '.join(i.known)}"
    ),
}
