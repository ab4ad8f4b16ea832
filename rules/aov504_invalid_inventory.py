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

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, Inventory, RuleMeta, Severity, hookimpl

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


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    inventory = document.payload
    if not isinstance(inventory, Inventory):
        return
    for loc, message in inventory.issues:
        yield RULE.finding(loc, message)
