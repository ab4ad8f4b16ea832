"""## What it does
Compares the ProfileXML a PowerShell deployment script embeds with the `profile.xml` (or other
`*.xml` profile) beside it that the script appears meant to deploy, and reports the first element
where they differ. The file is matched by its name appearing in the script, else by being the
only profile of the same tunnel type (user or device) in the script's folder. Content is compared
after normalisation: whitespace, letter case of values and the order of repeated elements such as
`Route` do not count, and values only known at run time match anything.

## Why is this bad?
The script carries its own copy of the profile and ignores the file beside it. Reviews, diffs and
this linter look at `profile.xml`, while clients get whatever the script contains: a route or
server fixed in one copy and not the other is deployed wrong, with every check passing.

## Example
    Deploy-VpnProfile.ps1:  $ProfileXML = '<VPNProfile> ...
                                             <Servers>vpn-old.example.com</Servers> ...'
    profile.xml:            <VPNProfile> ... <Servers>vpn.example.com</Servers> ...

## Use instead
Keep both copies identical, or better, have the script read the reviewed file:

    $ProfileXML = Get-Content -Raw -Path (Join-Path $PSScriptRoot 'profile.xml')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

from aovpn_lint.api import (
    Carrier,
    Document,
    Finding,
    Location,
    Node,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV601",
    name="embedded-profile-drift",
    severity=Severity.WARNING,
    short="A deployment script embeds ProfileXML that differs from the profile.xml beside it",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-profile-options",
    tags=("powershell", "deployment", "cross-file"),
    kinds=(),
)

Difference = tuple[Location, Location, str]


@hookimpl(specname="aovpn_lint_check_project")
def check(documents: Sequence[Document]) -> Iterator[Finding]:
    files = [d for d in documents if d.kind == "profilexml" and d.container is None]
    for embedded in documents:
        container = embedded.container
        if (
            embedded.kind != "profilexml"
            or container is None
            or container.carrier is not Carrier.POWERSHELL
        ):
            continue
        target = _deployed_file(embedded, files)
        if target is None or target.root is None or embedded.root is None:
            continue
        wild = _unresolved(embedded)
        difference = _diff(embedded.root, target.root, wild)
        if difference is None:
            continue
        here, there, detail = difference
        name = os.path.basename(target.path)
        yield RULE.finding(
            here,
            f"the ProfileXML embedded in this script differs from '{name}' beside it: {detail}; "
            "the script deploys its own copy, so make the two identical or have the script "
            "read the file",
            related=(Related(there, f"the corresponding place in '{name}'"),),
        )


def _deployed_file(embedded: Document, files: list[Document]) -> Document | None:
    folder = os.path.dirname(embedded.path)
    siblings = [f for f in files if os.path.dirname(f.path) == folder]
    script = embedded.source.text.lower()
    named = [f for f in siblings if _names(script, os.path.basename(f.path).lower())]
    candidates = named or siblings
    if len(named) == 1:
        return named[0]
    tunnel = embedded.profile.device_tunnel
    same = [f for f in candidates if f.profile.device_tunnel == tunnel]
    return same[0] if len(same) == 1 else None


def _names(script: str, file_name: str) -> bool:
    """True when the script mentions ``file_name`` as a whole name (not inside a longer one)."""
    return re.search(r"(?<![\w.-])" + re.escape(file_name) + r"(?![\w.-])", script) is not None


def _unresolved(document: Document) -> set[int]:
    return {id(node) for node in document.unresolved}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def _signature(node: Node, wild: set[int]) -> str:
    if id(node) in wild:
        return f"{node.tag}=*"
    if not node.children:
        return f"{node.tag}={_norm(node.value)}"
    return node.tag + "(" + ",".join(sorted(_signature(c, wild) for c in node.children)) + ")"


def _describe(node: Node) -> str:
    if node.tag == "Route":
        return f"<Route> {node.text_of('Address')}/{node.text_of('PrefixSize')}"
    if not node.children and node.value is not None:
        return f"<{node.tag}>{node.text}</{node.tag}>"
    return f"<{node.tag}>"


def _diff(a: Node, b: Node, wild: set[int]) -> Difference | None:
    """The first difference between script node ``a`` and file node ``b``, in script order."""
    if id(a) not in wild and not a.children and not b.children and _norm(a.value) != _norm(b.value):
        return (
            a.value_loc,
            b.value_loc,
            f"<{a.tag}> is '{a.text}' in the script but '{b.text}' in the file",
        )
    tags = list(dict.fromkeys([c.tag for c in a.children] + [c.tag for c in b.children]))
    for tag in tags:
        mine, theirs = a.find_all(tag), b.find_all(tag)
        if len(mine) == 1 and len(theirs) == 1:
            found = _diff(mine[0], theirs[0], wild)
            if found:
                return found
            continue
        left = list(theirs)
        extra = []
        for node in mine:
            signature = _signature(node, wild)
            match = next((other for other in left if _signature(other, wild) == signature), None)
            if match is None:
                extra.append(node)
            else:
                left.remove(match)
        if len(extra) == 1 and len(left) == 1:
            return _diff(extra[0], left[0], wild)
        if extra:
            return (extra[0].loc, b.loc, f"{_describe(extra[0])} is only in the script")
        if left:
            return (a.loc, left[0].loc, f"{_describe(left[0])} is only in the file")
    return None
