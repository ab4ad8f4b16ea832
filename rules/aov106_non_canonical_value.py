"""## What it does
Notes enum values that Windows documents with a different letter case, such as `ikev2` for
`IKEv2` or `splittunnel` for `SplitTunnel`.

## Why is this bad?
Working profiles use many spellings of enum values (`Eap`, `EAP`, `Ikev2`, `IKEv2`), and Windows
compares them without regard to case in practice, so this is not an error. Writing the
documented spelling keeps profiles consistent and searchable, and avoids surprises with tools
that compare exactly.

Booleans are not covered here: `True` or `TRUE` is not a valid `xs:boolean`, and Microsoft warns
that it leaves the profile partially configured, so AOV102 (invalid-value) reports it as an error.

Fix (safe): the value is rewritten in the documented spelling.

## Example
    <NativeProtocolType>ikev2</NativeProtocolType>

## Use instead
    <NativeProtocolType>IKEv2</NativeProtocolType>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    RuleMeta,
    Severity,
    hookimpl,
    replace_value,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV106",
    name="non-canonical-value",
    severity=Severity.NOTE,
    short="An enum value differs from the documented spelling only in letter case",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp",
    tags=("profilexml", "style"),
    precision="very-high",
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.kind != "profilexml" or document.root is None:
        return
    for node, spec, _problem, preferred in document.facts.questioned:
        if preferred:
            edit = replace_value(node, preferred)
            yield RULE.finding(
                node.value_loc,
                f"{spec.name} '{node.text}' is documented as '{preferred}'; write '{preferred}'",
                fix=Fix(f"write '{preferred}'", (edit,)) if edit else None,
            )
