"""## What it does
Notes `DomainNameInformation` (name resolution policy) entries that name neither `DnsServers`
nor `WebProxyServers` and do not trigger the VPN (`AutoTrigger`).

## Why is this bad?
A namespace rule tells Windows how to handle names under a domain: which DNS servers resolve it,
or which web proxy carries its traffic through the intranet. An entry with neither (and no
trigger) changes nothing, which usually means the servers or the proxy were forgotten. Routing a
namespace through the intranet proxy needs `WebProxyServers` (one server only).

## Example
    <DomainNameInformation>
      <DomainName>.corp.example.com</DomainName>
    </DomainNameInformation>

## Use instead
    <DomainNameInformation>
      <DomainName>.corp.example.com</DomainName>
      <DnsServers>10.0.0.10,10.0.0.11</DnsServers>
    </DomainNameInformation>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint import hookimpl
from aovpn_lint.model import Document, Finding, RuleMeta, Severity
from aovpn_lint.profile import parse_bool
from aovpn_lint.rulekit import profile_of

RULE = RuleMeta(
    id="AOV307",
    name="namespace-without-proxy",
    severity=Severity.NOTE,
    short="DomainNameInformation names neither DNS servers nor a web proxy",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-name-resolution",
    tags=("profilexml", "dns"),
    precision="medium",
    documented=True,
    sources=("VPNv2 CSP: DomainNameInformationList DnsServers and WebProxyServers",),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    for entry in profile.domain_name_information:
        tags = {child.tag.lower() for child in entry.children}
        if tags & {"dnsservers", "webproxyservers"}:
            continue  # set (a misspelt name is AOV101's finding)
        if parse_bool(entry.text_of("AutoTrigger")) is True:
            continue
        name = entry.text_of("DomainName") or "this namespace"
        yield RULE.finding(entry.loc,
                           f"DomainNameInformation for '{name}' names neither DnsServers nor "
                           "WebProxyServers, so it has no effect; add the DNS servers, or the "
                           "proxy that should carry this namespace")
