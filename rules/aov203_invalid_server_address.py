"""## What it does
Checks each entry of `NativeProfile/Servers`: a server must be a bare DNS name or IP address,
optionally followed by `;` and a friendly name. A URL scheme (`https://`), a path, a port
(`:443`), an empty item between commas or a space inside the name are reported as errors (a
port only as a warning unless the profile is IKEv2-only). An IP address is valid and reported as
a note only, because the server's certificate must carry that address.

## Why is this bad?
The CSP describes a server as a public or routable IP address or DNS name, with an optional
friendly name after a semicolon and several servers separated by commas. The inbox client adds
the scheme and the port of the protocol itself: an entry such as `https://vpn.example.com/` is
not a host name the client can resolve, so the connection fails before it starts. IKEv2 always
uses UDP ports 500 and 4500, so a port in the entry is wrong there; with SSTP a port is not
documented either (some report that it reaches a server on another port than 443), so it is
only a warning for the other protocols. A trailing or doubled comma leaves an empty server in
the list.

With an IP address the client checks the server certificate against that address: unless the
certificate carries the address as a subject alternative name, IKEv2 fails with error 13801.
A DNS name is easier to keep matching the certificate and can move to another address.

Sources: the VPNv2 CSP node reference (NativeProfile/Servers) for the format, and field reports
on IKEv2 error 13801 for the certificate requirement.

## Example
    <NativeProfile>
      <Servers>https://vpn.example.com:443/,</Servers>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <Servers>vpn.example.com;Example VPN</Servers>
    </NativeProfile>
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Location,
    RuleMeta,
    Severity,
    hookimpl,
    is_ip,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV203",
    name="invalid-server-address",
    severity=Severity.ERROR,
    short="A Servers entry is not a bare DNS name or IP address",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofileservers",
    tags=("profilexml", "servers"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: NativeProfile/Servers (IP address or DNS name, ';' friendly name, ',' list)",
        "field reports: IKEv2 error 13801 when the certificate does not carry the address",
    ),
    kinds=(DocumentKind.PROFILE,),
)

_PORT = re.compile(r"^(?P<host>[^:\[\]]+|\[[^\]]*\]):(?P<port>\d*)$")


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    node = None if profile is None else profile.servers_node
    if profile is None or node is None or not node.text:
        return  # an absent or empty Servers is AOV103's or AOV102's
    if any(not entry.partition(";")[0].strip() for entry in node.text.split(",")):
        yield RULE.finding(
            node.value_loc,
            f"Servers '{node.text}' has an empty entry (a stray "
            "',' or ';'); remove it so that each entry names a server",
        )
    ikev2 = (profile.protocol or "").lower() == "ikev2"
    for server in profile.servers:
        problem = _problem(server.host)
        if problem is not None:
            yield RULE.finding(server.loc, problem)
        elif _PORT.match(server.host) and not is_ip(_unbracketed(server.host)):
            yield _port_finding(server.host, server.loc, ikev2)
        elif is_ip(_unbracketed(server.host)):
            yield RULE.finding(
                server.loc,
                f"server '{server.host}' is an IP address: the server "
                "certificate must carry it as a subject alternative name (IKEv2 "
                "error 13801 otherwise); prefer the DNS name on the certificate",
                severity=Severity.NOTE,
            )


def _port_finding(host: str, loc: Location, ikev2: bool) -> Finding:
    match = _PORT.match(host)
    assert match is not None
    name = match["host"].strip("[]")
    if ikev2:
        return RULE.finding(
            loc,
            f"server '{host}' has a port, but IKEv2 always uses UDP 500 and "
            f"4500; write only the host name '{name}'",
        )
    # SSTP on another port than 443 is sometimes reached this way; the CSP does not document it
    return RULE.finding(
        loc,
        f"server '{host}' has a port, which the CSP does not document for "
        f"Servers (a host name or IP address); write '{name}' unless you have "
        "tested the port on every client",
        severity=Severity.WARNING,
    )


def _problem(host: str) -> str | None:
    if "://" in host:
        return (
            f"server '{host}' has a URL scheme; write only the host name, such as "
            f"'{_bare(host)}' (the client adds the protocol itself)"
        )
    if "/" in host or "\\" in host:
        return f"server '{host}' has a path; write only the host name, such as '{_bare(host)}'"
    if not is_ip(_unbracketed(host)) and not _PORT.match(host) and any(ch.isspace() for ch in host):
        return f"server '{host}' contains a space; a DNS name cannot, write the server's DNS name"
    return None


def _bare(host: str) -> str:
    rest = host.split("://", 1)[-1]
    name = re.split(r"[/\\]", rest, maxsplit=1)[0]
    match = _PORT.match(name)
    return match["host"].strip("[]") if match is not None else name


def _unbracketed(host: str) -> str:
    """An IPv6 address may be written in brackets, as in a URL."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host
