"""## What it does
Finds profiles whose `Authentication/UserMethod` is EAP but that carry no EAP configuration:
no `Authentication/Eap` element, or an `Eap/Configuration` that is empty, holds only comments,
or holds something other than an `EapHostConfig` document. (An `Eap` element without
`Configuration` is reported by AOV103.)

## Why is this bad?
With EAP the client learns the method (EAP-TLS, PEAP...), the certificate to use and how to
validate the server only from the `EapHostConfig` XML inside `Eap/Configuration`; the CSP makes
that node required whenever the native profile authenticates with EAP. Without it the profile
cannot authenticate. Published sample profiles ship an empty `<Configuration>` with a comment
asking you to paste your own EAP XML there: a profile deployed from such a template without
that step is the usual cause.

The EAP XML can be written as elements or, as the CSP describes it, HTML-encoded inside the
element; both are accepted. Its content is otherwise not checked.

Sources: the VPNv2 CSP node reference (Authentication/Eap, Eap/Configuration) and the
ProfileXML XSD (Configuration holds an EapHostConfig element).

## Example
    <Authentication>
      <UserMethod>Eap</UserMethod>
      <Eap>
        <Configuration>
          <!-- paste the EAP configuration here -->
        </Configuration>
      </Eap>
    </Authentication>

## Use instead
    <Authentication>
      <UserMethod>Eap</UserMethod>
      <Eap>
        <Configuration>
          <EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig">
            ...
          </EapHostConfig>
        </Configuration>
      </Eap>
    </Authentication>
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Related,
    RuleMeta,
    Severity,
    eap_configuration_text,
    hookimpl,
    profile_of,
    without_comments,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV701",
    name="eap-configuration-missing",
    severity=Severity.ERROR,
    short="UserMethod EAP without an EapHostConfig in Eap/Configuration",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofileauthenticationeap",
    tags=("profilexml", "authentication", "eap"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: Authentication/Eap is required when the native profile uses EAP",
        "ProfileXML XSD: Eap/Configuration holds an EapHostConfig",
    ),
    kinds=(DocumentKind.PROFILE,),
)

#: what is left of the start and end tags around the content, and blanks (raw or escaped)
_MARKUP = re.compile(r"&lt;|&gt;|\\u003[ce]|\\[nrt]|[<>/\s]", re.I)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    auth = None if profile is None else profile.authentication
    method = None if auth is None else auth.find("UserMethod")
    if auth is None or method is None or method.text.lower() != "eap":
        return
    because = (Related(method.value_loc, "UserMethod EAP is set here"),)
    eap = auth.find("Eap")
    if eap is None:
        yield RULE.finding(
            method.value_loc,
            "UserMethod is EAP but Authentication has no Eap "
            "element; add <Eap><Configuration> with the EapHostConfig XML of your "
            "EAP method",
        )
        return
    config = eap.find("Configuration")
    content = None if config is None else eap_configuration_text(config)
    if config is None or content is None or "EapHostConfig" in without_comments(content):
        return  # a missing Configuration is AOV103's; unreadable content is not judged
    yield RULE.finding(
        config.loc,
        f"Eap/Configuration {_what(content)}, so the profile cannot "
        "authenticate; paste the EapHostConfig XML of your EAP method (for example "
        "exported from a working connection)",
        related=because,
    )


def _what(content: str) -> str:
    if not _MARKUP.sub("", content):
        return "is empty"
    if not _MARKUP.sub("", without_comments(content)):
        return "holds only a comment"
    return "holds no EapHostConfig"
