"""## What it does
Checks the profile-name segment of a VPNv2 OMA-URI
(`./User/Vendor/MSFT/VPNv2/<name>/ProfileXML`) in Intune custom profiles and SyncML messages:
a raw space, a `/` or another character that is not allowed in a URI path segment.

## Why is this bad?
The name is a segment of a URI: Windows reads a `/` as the start of another node, and a space or
a character such as `#`, `?` or `"` must be written URL-escaped (`%20`, `%23`...). Microsoft's
deployment scripts escape it (`-replace ' ', '%20'`); an unescaped name makes the OMA-URI invalid
and the profile is not created. The CSP also forbids `/` in the name (`^[^/]*$`).

## Example
    "omaUri": "./User/Vendor/MSFT/VPNv2/Contoso VPN/ProfileXML"

## Use instead
    "omaUri": "./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML"

Sources: VPNv2 CSP (ProfileName: no `/`; the node name is URL-escaped); RFC 3986 (the
characters of a path segment).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    RuleMeta,
    Severity,
    hookimpl,
    oma_uri_parts,
)

RULE = RuleMeta(
    id="AOV605",
    name="oma-uri-profile-name",
    severity=Severity.ERROR,
    short="The profile name in a VPNv2 OMA-URI holds a character that must be URL-escaped",
    doc=__doc__,
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
    tags=("intune", "syncml", "oma-uri"),
    documented=True,
    sources=("VPNv2 CSP: ProfileName (no '/'; URL-escaped node name)", "RFC 3986: path segment"),
    kinds=(DocumentKind.PROFILE,),
)

#: what a URI path segment may hold as it is (RFC 3986 pchar, without the '%' of an escape)
_SEGMENT_CHARACTER = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@]")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    container = document.container
    if container is None or container.oma_uri is None or container.oma_uri_loc is None:
        return
    parts = oma_uri_parts(container.oma_uri)
    if parts is None:
        return
    name = parts[1]
    bad = _unescaped(name)
    if bad:
        shown = ", ".join("a space" if c == " " else f"'{c}'" for c in bad)
        yield RULE.finding(
            container.oma_uri_loc,
            f"the profile name '{name}' in the OMA-URI holds {shown}, which must be URL-escaped "
            f"in a URI; write '{_escaped(name)}'",
        )


def _unescaped(name: str) -> list[str]:
    """The characters of ``name`` that may not stand unescaped in a path segment, once each."""
    found: list[str] = []
    i = 0
    while i < len(name):
        if _ESCAPE.match(name, i):
            i += 3
            continue
        char = name[i]
        if not _SEGMENT_CHARACTER.match(char) and char not in found:
            found.append(char)
        i += 1
    return found


def _escaped(name: str) -> str:
    out = []
    i = 0
    while i < len(name):
        if _ESCAPE.match(name, i):
            out.append(name[i : i + 3])
            i += 3
            continue
        char = name[i]
        if _SEGMENT_CHARACTER.match(char):
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        i += 1
    return "".join(out)
