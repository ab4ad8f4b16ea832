"""## What it does
Checks each `DomainNameInformation` (NRPT) rule: `DomainName` must be one fully qualified name,
a suffix with a leading dot (`.corp.example.com`) or a single `.` for all names. A wildcard
(`*.corp.example.com`), a URL, a space or a comma-separated list is reported, and so is an empty
`DnsServers` element, which should be removed.

## Why is this bad?
Windows derives the rule type from the name alone: a leading dot makes it a suffix rule for the
namespace and all its subdomains, anything else an exact host name. `*` is not part of the NRPT
syntax, so `*.corp.example.com` is an exact name that no query ever matches, and internal names
are resolved by the public DNS servers instead of the tunnel's. A URL, a space or a list of
several names likewise matches nothing: write one rule per namespace. A rule without DNS servers
is an exemption rule, and that is written by leaving `DnsServers` out, not by an empty element.

Sources: the VPNv2 CSP node reference (DomainNameInformationList DomainName, DomainNameType
derived from the leading dot, DnsServers) and "VPN name resolution".

## Example
    <DomainNameInformation>
      <DomainName>*.corp.example.com</DomainName>
      <DnsServers>10.0.0.10</DnsServers>
    </DomainNameInformation>

## Use instead
    <DomainNameInformation>
      <DomainName>.corp.example.com</DomainName>
      <DnsServers>10.0.0.10</DnsServers>
    </DomainNameInformation>

Fix (unsafe): a wildcard name becomes the suffix with a leading dot (`*.corp` to
`.corp`); the suffix rule also covers the namespace's own name, so check that this is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    Node,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
    replace_value,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV801",
    name="invalid-nrpt-name",
    severity=Severity.WARNING,
    short="NRPT DomainName that matches no query, or an empty DnsServers",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamedomainnameinformationlistdnirowiddomainname",
    tags=("profilexml", "dns", "nrpt"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: DomainNameInformationList (DomainName: FQDN or '.'-prefixed suffix; "
        "DnsServers)",
        "VPN name resolution",
    ),
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.UNSAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    for rule in profile.domain_name_information:
        name = rule.find("DomainName")
        if name is not None and name.value is not None:
            problem = _name_problem(name.text)
            if problem is not None:
                yield RULE.finding(
                    name.value_loc if name.text else name.loc, problem, fix=_suffix(name)
                )
        servers = rule.find("DnsServers")
        if servers is not None and servers.value is not None and not servers.text:
            yield RULE.finding(
                servers.loc,
                "DnsServers is empty; a rule without DNS servers is "
                "written by leaving DnsServers out, so remove the element (or name "
                "the DNS servers)",
            )


def _suffix(name: Node) -> Fix | None:
    """``*.corp.example.com`` -> ``.corp.example.com`` (only a plain leading wildcard)."""
    text = name.text
    if not re.fullmatch(r"\*\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*", text):
        return None
    edit = replace_value(name, text[1:])
    return Fix(f"write '{text[1:]}'", (edit,), safe=False) if edit else None


def _name_problem(text: str) -> str | None:
    if not text:
        return (
            "DomainName is empty; write a name, a suffix with a leading dot, or '.' for all names"
        )
    if "," in text or ";" in text:
        first = re.split(r"[,;]", text)[0].strip()
        return (
            f"DomainName '{text}' lists several names; write one DomainNameInformation per "
            f"name, such as '{first}'"
        )
    if "://" in text or "/" in text:
        host = re.split(r"[/:]", text.split("://", 1)[-1])[0]
        return f"DomainName '{text}' is a URL; write the name only, such as '{host}'"
    if "*" in text:
        suffix = "." + text.lstrip("*.") if text.lstrip("*.") else "."
        return (
            f"DomainName '{text}' uses a wildcard, which the NRPT does not support; a leading "
            f"dot already covers every name below it: write '{suffix}'"
        )
    if any(ch.isspace() for ch in text):
        return f"DomainName '{text}' contains a space; a DNS name cannot, write the name without it"
    return None
