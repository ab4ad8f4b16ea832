"""## What it does
Checks element values against what Windows accepts: booleans (exactly `true`, `false`, `1` or
`0`), the documented value sets
(`RoutingPolicyType`, `NativeProtocolType`, `UserMethod`, `CryptographySuite` members, ...),
number ranges (`PrefixSize` 0-32 for IPv4 and 0-128 for IPv6, `Metric`, `IPv4InterfaceMetric`
1-9999, `Protocol` 0-255), IP address syntax (`Route/Address`, `DnsServers`) and traffic filter
port and address ranges.

## Why is this bad?
Windows rejects the whole profile, or silently drops the setting, when a value is outside the
documented set. A route written as `10.0.0.0/8` in `Address`, a `PrefixSize` of 33 or a
`RoutingPolicyType` of `Split` breaks the tunnel in ways that are hard to trace on the client.

Booleans are `xs:boolean`, whose only spellings are `true`, `false`, `1` and `0`. Microsoft's
Always On VPN deployment guide warns that any other case of `true` in `AlwaysOn` or
`RememberCredentials` gives a partially configured profile, so `True`, `TRUE` or `False` is an
invalid value, and no other rule reads it as true or false (`<DisableClassBasedDefaultRoute>True`
does not disable the class-based route as far as the linter is concerned).

## Example
    <AlwaysOn>True</AlwaysOn>
    <NativeProfile>
      <RoutingPolicyType>Split</RoutingPolicyType>
    </NativeProfile>
    <Route><Address>10.0.0.0/8</Address><PrefixSize>33</PrefixSize></Route>

## Use instead
    <AlwaysOn>true</AlwaysOn>
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    </NativeProfile>
    <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>

Fix (safe): a boolean in another letter case (`True`, `FALSE`) is rewritten in lower case;
other invalid values need a person.

Enum values are compared case-insensitively here: an enum value that differs from the
documentation only in case (`Ikev2`, `EAP`) is reported by AOV106 as a note instead.
"""

from __future__ import annotations

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
    Spec,
    hookimpl,
    replace_value,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV102",
    name="invalid-value",
    severity=Severity.ERROR,
    short="An element's value is outside what Windows accepts",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
    tags=("profilexml", "schema"),
    documented=True,
    sources=(
        "VPNv2 CSP node reference (allowed values)",
        "ProfileXML XSD (xs:boolean, unsignedByte, unsignedInt)",
        "Always On VPN deployment guide: lower-case true in AlwaysOn and RememberCredentials",
    ),
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "profilexml" or document.root is None:
        return
    for node, spec, problem, _preferred in document.facts.questioned:
        if problem:
            yield RULE.finding(node.value_loc, problem, fix=_boolean_case(node, spec))


def _boolean_case(node: Node, spec: Spec) -> Fix | None:
    """``True`` -> ``true``: the one invalid value with a single meaning."""
    lower = node.text.lower()
    if spec.kind != "bool" or lower not in ("true", "false"):
        return None
    edit = replace_value(node, lower)
    return Fix(f"write '{lower}'", (edit,)) if edit else None
