"""## What it does
Reports an `aovpn-lint:` comment that cannot work: a directive spelt wrongly (`disabel=`,
`disable-fiel=`, `disable` without `=`) or a rule id that no installed rule has (`AOV3O2`, with
the letter O). Each finding suggests the closest directive or rule id; the ids of installed
plugin packs count as known.

## Why is this bad?
A suppression that does not parse, or names no rule, silences nothing: the finding it was meant
for still fails the run, or, worse, the comment looks like a reviewed exception while the rule
it should document keeps firing somewhere else. Nobody notices a typo in a comment.

## Example
    <!-- aovpn-lint: disabel=AOV302 split tunnel by design -->
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>

## Use instead
    <!-- aovpn-lint: disable=AOV302 split tunnel by design -->
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
"""

from __future__ import annotations

from aovpn_lint.api import RuleMeta, Severity

# The engine reports this rule while it reads the suppression comments (engine/suppress.py):
# the module holds its metadata and documentation only.
RULE = RuleMeta(
    doc=__doc__,
    id="AOV001",
    name="invalid-suppression",
    severity=Severity.ERROR,
    short="A suppression comment misspells its directive or names an unknown rule",
    help_uri="https://github.com/aovpn-lint/aovpn-lint#suppressing-findings",
    tags=("engine", "suppression"),
    precision="very-high",
    kinds=(),
)
