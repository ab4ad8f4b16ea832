"""## What it does
Checks each `TrafficFilter` rule for three mistakes: a rule with no content at all; a
`RoutingPolicyType` in a rule that names neither an `App` nor `Claims`; and an `App/Id` that is
none of the three forms Windows accepts (a package family name, a full file path, or `SYSTEM`).

## Why is this bad?
Once a profile has any traffic filter, the VPN interface drops whatever no filter matches, so a
filter that does not mean what it says blocks traffic. An empty `<TrafficFilter/>` states no
condition: it is either left over or was meant to hold one. The per-rule `RoutingPolicyType`
only applies to app-based rules (an `App` or `Claims`), so in an address or port rule it is
ignored and the force or split tunnel it asks for never happens. The CSP lists the forms of
`App/Id`: a Store app's package family name (`Name_publisherid`, with a 13-character publisher
id), the full path of a desktop program (`C:\\Program Files\\...\\app.exe`), or `SYSTEM` for
kernel-mode traffic such as SMB or ping. A bare program name such as `mstsc.exe`, or a relative
path, matches no application, so that app's traffic is blocked.

Sources: the VPNv2 CSP node reference (TrafficFilterList, App/Id, RoutingPolicyType) and
"VPN security features" (traffic filters).

## Example
    <TrafficFilter>
      <App><Id>mstsc.exe</Id></App>
    </TrafficFilter>
    <TrafficFilter>
      <RemoteAddressRanges>10.0.0.0/8</RemoteAddressRanges>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </TrafficFilter>

## Use instead
    <TrafficFilter>
      <App><Id>C:\\Windows\\System32\\mstsc.exe</Id></App>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </TrafficFilter>
    <TrafficFilter>
      <RemoteAddressRanges>10.0.0.0/8</RemoteAddressRanges>
    </TrafficFilter>
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV313",
    name="invalid-traffic-filter",
    severity=Severity.WARNING,
    short="TrafficFilter that is empty, routes without an app, or names an app Windows "
    "cannot match",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenametrafficfilterlist",
    tags=("profilexml", "traffic-filter"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: TrafficFilterList, App/Id (package family name, file path, SYSTEM), "
        "TrafficFilter/RoutingPolicyType (app-based rules only)",
    ),
    kinds=(DocumentKind.PROFILE,),
)

#: Name_publisherid: the publisher id is 13 characters of Crockford base32
_PACKAGE_FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*_[0-9a-hjkmnp-tv-z]{13}$", re.I)
#: C:\dir\app.exe, \\server\share\app.exe, or a path from an environment variable
_FULL_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\[^\\]|%[^%\s]+%[\\/])")


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    for rule in profile.traffic_filters:
        if not rule.children:
            if rule.value is not None and not rule.value.strip():
                yield RULE.finding(
                    rule.loc,
                    "TrafficFilter is empty; give it an App, Claims, "
                    "protocol, port or address condition, or remove it",
                )
            continue
        yield from _check_routing(rule)
        for app in rule.find_all("App"):
            yield from _check_app(app)


def _check_routing(rule: Node) -> Iterator[Finding]:
    policy = rule.find("RoutingPolicyType")
    if policy is not None and not (rule.has("App") or rule.has("Claims")):
        yield RULE.finding(
            policy.value_loc,
            f"RoutingPolicyType '{policy.text}' in a TrafficFilter "
            "without App or Claims is ignored (it only applies to app-based "
            "rules); add the App it is meant for, or remove it",
        )


def _check_app(app: Node) -> Iterator[Finding]:
    ident = app.find("Id")
    if ident is None or ident.value is None:
        return  # a missing Id is AOV103's; a value known only at run time cannot be judged
    text = ident.text
    if text.upper() == "SYSTEM" or _PACKAGE_FAMILY.match(text) or _FULL_PATH.match(text):
        return
    if not text:
        yield RULE.finding(
            ident.loc, "App/Id is empty; give a package family name, a full file path or SYSTEM"
        )
        return
    program = text.replace("/", "\\").rsplit("\\", 1)[-1]
    hint = (
        f"give the program's full path, such as 'C:\\...\\{program}'"
        if program.lower().endswith(".exe")
        else "give a package family name (Get-AppxPackage shows it), a full file path or SYSTEM"
    )
    yield RULE.finding(
        ident.value_loc,
        f"App/Id '{text}' is not a package family name, a full "
        f"file path or SYSTEM, so it matches no app; {hint}",
    )
