"""## What it does
Warns when more than one user profile deployed together sets `AlwaysOn` to true. "Deployed
together" means listed in the same deployment inventory.

## Why is this bad?
Windows gives the Always On trigger to one user profile per device only, and only the active
profile triggers; by default the first MDM-provisioned auto-triggerable profile is the active one
(VPN auto-triggered profile options; VPNv2 CSP, AlwaysOn). The second Always On profile never
connects by itself, so whichever arrives first decides which VPN users get.

Without an inventory the rule does not guess from folders: repositories keep several user
profiles side by side as alternatives (one for RRAS, one for Entra conditional access, one per
third-party client), and a folder does not say which are deployed. List the deployed profiles
in an inventory (`profiles:`) to check them.

## Example
    # aovpn-inventory.yaml
    profiles:
      - path: profiles/*.xml

    profiles/user.xml:     <AlwaysOn>true</AlwaysOn>
    profiles/user-ca.xml:  <AlwaysOn>true</AlwaysOn>

## Use instead
Deploy one Always On user profile; keep the other as a manual connection (`AlwaysOn` false or
absent) or deploy it to other devices.
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
    id="AOV507",
    name="multiple-always-on-user-profiles",
    severity=Severity.WARNING,
    short="More than one user profile deployed together sets AlwaysOn true",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-auto-trigger-profile",
    tags=("user-tunnel", "triggers", "cross-file"),
    documented=True,
    sources=("VPN auto-triggered profile options: Always On is given to one profile per device",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    for group in deployed_together(documents):
        if group.inferred:
            continue  # a folder does not say which of several user profiles are deployed
        always_on = [(d, n) for d in group.users if (n := _always_on(d)) is not None]
        if len(always_on) < 2:
            continue
        first, first_node = always_on[0]
        for _document, node in always_on[1:]:
            yield RULE.finding(
                node.loc,
                f"AlwaysOn is true here and in '{os.path.basename(first.path)}', user profiles "
                f"deployed together ({group.where}); Windows gives the Always On trigger to one "
                "user profile only: keep AlwaysOn on one and remove it from the others",
                related=(Related(first_node.loc, "the first Always On user profile"),),
            )


def _always_on(document: Document) -> Node | None:
    node = document.root.find("AlwaysOn") if document.root is not None else None
    return node if node is not None and parse_bool(node.text) is True else None
