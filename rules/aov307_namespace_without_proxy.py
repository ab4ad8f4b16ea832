"""## What it does
Notes a `DomainNameInformation` (name resolution policy) entry that names neither `DnsServers`
nor `WebProxyServers`, in a profile that sends traffic through a web proxy (a `Proxy` block, or
`WebProxyServers` on another namespace).

## Why is this bad?
An entry without DNS servers is an exemption: names under it are resolved outside the VPN's DNS
rules. That is a documented, useful pattern and is not reported on its own. In a profile built
around an intranet proxy, though, an entry with neither setting usually means the proxy for that
namespace was forgotten: routing a namespace through the proxy needs `WebProxyServers` (Windows
supports one proxy per entry).

## Example
    <DomainNameInformation>
      <DomainName>.corp.example.com</DomainName>
      <WebProxyServers>10.0.0.80:8080</WebProxyServers>
    </DomainNameInformation>
    <DomainNameInformation>
      <DomainName>.apps.example.com</DomainName>
    </DomainNameInformation>

## Use instead
    <DomainNameInformation>
      <DomainName>.apps.example.com</DomainName>
      <WebProxyServers>10.0.0.80:8080</WebProxyServers>
    </DomainNameInformation>

or keep the entry as it is if the namespace is meant to be exempt, and suppress the note there.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    RuleMeta,
    Severity,
    hookimpl,
    parse_bool,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV307",
    name="namespace-without-proxy",
    severity=Severity.NOTE,
    short="A namespace rule lacks WebProxyServers in a profile that uses a web proxy",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-name-resolution",
    tags=("profilexml", "dns"),
    precision="medium",
    documented=True,
    sources=("VPNv2 CSP: DomainNameInformationList DnsServers and WebProxyServers",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not _uses_proxy(profile.root, profile.domain_name_information):
        return
    for entry in profile.domain_name_information:
        tags = {child.tag.lower() for child in entry.children}
        if tags & {"dnsservers", "webproxyservers"}:
            continue  # set (a misspelt name is AOV101's finding)
        if parse_bool(entry.text_of("AutoTrigger")) is True:
            continue
        name = entry.text_of("DomainName") or "this namespace"
        yield RULE.finding(
            entry.loc,
            f"DomainNameInformation for '{name}' names neither DnsServers nor "
            "WebProxyServers, so it exempts the namespace, while this profile "
            "uses a web proxy; add WebProxyServers if the namespace should use it",
        )


def _uses_proxy(root: Node, entries: list[Node]) -> bool:
    proxy = root.find("Proxy")
    if proxy is not None and proxy.children:
        return True
    return any(entry.text_of("WebProxyServers") for entry in entries)
