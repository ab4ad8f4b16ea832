"""## What it does
Checks that `NativeProtocolType` `ProtocolList` comes with a `NativeProfile/ProtocolList` that
lists between one and four protocols, each once. A `ProtocolList` element beside any other
`NativeProtocolType` is reported as a warning.

## Why is this bad?
With `ProtocolList` the client tries the protocols of `NativeProfile/ProtocolList` in the order
given; the CSP allows up to four entries, one per protocol (IKEv2, SSTP, PPTP, L2TP). Without the
list, or with an empty one, the profile names no protocol at all; a fifth entry or a protocol
listed twice is outside what the CSP defines. The other way round, a `ProtocolList` element is
only read when `NativeProtocolType` is `ProtocolList` (our reading of the CSP): with `IKEv2` or
`Automatic` the list is ignored and the protocol order it describes never applies.

Sources: the VPNv2 CSP node reference (NativeProtocolType, NativeProfile/ProtocolList,
NativeProtocolList/Type); the ignored list with another type is an inference.

## Example
    <NativeProfile>
      <NativeProtocolType>ProtocolList</NativeProtocolType>
      <ProtocolList>
        <NativeProtocol><Type>Ikev2</Type></NativeProtocol>
        <NativeProtocol><Type>Ikev2</Type></NativeProtocol>
      </ProtocolList>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <NativeProtocolType>ProtocolList</NativeProtocolType>
      <ProtocolList>
        <NativeProtocol><Type>Ikev2</Type></NativeProtocol>
        <NativeProtocol><Type>Sstp</Type></NativeProtocol>
        <RetryTimeInHours>168</RetryTimeInHours>
      </ProtocolList>
    </NativeProfile>
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
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV204",
    name="protocol-list-mismatch",
    severity=Severity.ERROR,
    short="NativeProtocolType ProtocolList and the ProtocolList element do not agree",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofileprotocollist",
    tags=("profilexml", "protocol"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: NativeProtocolType ProtocolList, NativeProfile/ProtocolList (up to 4 entries)",
    ),
    kinds=(DocumentKind.PROFILE,),
)

_MAX_ENTRIES = 4


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or profile.protocol_node is None:
        return  # a missing NativeProtocolType is AOV103's
    kind, listing = profile.protocol_node, profile.native_child("ProtocolList")
    if kind.text.lower() != "protocollist":
        if listing is not None:
            yield RULE.finding(
                listing.loc,
                f"ProtocolList is ignored because NativeProtocolType "
                f"is '{kind.text}'; set NativeProtocolType to ProtocolList or "
                "remove the list",
                severity=Severity.WARNING,
                related=(Related(kind.value_loc, "the protocol type is set here"),),
            )
        return
    if listing is None:
        yield RULE.finding(
            kind.value_loc,
            "NativeProtocolType is ProtocolList but NativeProfile "
            "has no ProtocolList; add one listing the protocols to try, in order",
        )
        return
    yield from _check_entries(listing)


def _check_entries(listing: Node) -> Iterator[Finding]:
    entries = [node for node in listing.iter() if node.tag == "NativeProtocol"]
    if not entries:
        yield RULE.finding(
            listing.loc,
            "ProtocolList lists no NativeProtocol; add one "
            "<NativeProtocol><Type>...</Type></NativeProtocol> per protocol",
        )
    if len(entries) > _MAX_ENTRIES:
        yield RULE.finding(
            entries[_MAX_ENTRIES].loc,
            f"ProtocolList has {len(entries)} entries; "
            f"the CSP allows at most {_MAX_ENTRIES}, one per protocol: remove the extra ones",
        )
    seen: dict[str, Node] = {}
    for entry in entries:
        kind = entry.find("Type")
        if kind is None or not kind.text:
            continue  # a missing or empty Type is AOV103's or AOV102's
        first = seen.setdefault(kind.text.lower(), kind)
        if first is not kind:
            yield RULE.finding(
                kind.value_loc,
                f"protocol '{kind.text}' is listed twice in "
                "ProtocolList; keep one entry per protocol",
                related=(Related(first.value_loc, "first listed here"),),
            )
