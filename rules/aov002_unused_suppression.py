"""## What it does
Reports a suppression comment, or one rule id in it, that suppressed no finding in this run:
`disable=` on a line where the rule does not fire, a `disable-file=` for a rule that finds
nothing in the file, an id repeated by another comment that already covers it, or `AOV000`,
which cannot be suppressed. The fix (safe) removes the id, or the whole comment when nothing
else is left in it (its line too when the comment stood alone on it).

A suppression is only judged when every rule it names ran on the file: ids of rules left out by
`--select`/`--ignore`, of cross-file rules (whether they fire depends on which files are linted
together) and of AOV001/AOV002 themselves are never reported, nor is any suppression in a file
with a parse error (AOV100) or a crashed rule (AOV000), whose results are incomplete.

## Why is this bad?
A stale suppression is a hidden hole: the problem it excused is gone, but the comment stays and
silently hides the next real finding of that rule on the same element. Removing it keeps every
remaining suppression a reviewed, current exception.

## Example
    <!-- aovpn-lint: disable=AOV201 (only one server is listed now) -->
    <Servers>vpn.corp.example</Servers>

## Use instead
    <Servers>vpn.corp.example</Servers>
"""

from __future__ import annotations

from aovpn_lint.api import Fixability, RuleMeta, Severity

# The engine reports this rule after matching the suppression comments (engine/suppress.py):
# the module holds its metadata and documentation only.
RULE = RuleMeta(
    doc=__doc__,
    id="AOV002",
    name="unused-suppression",
    severity=Severity.NOTE,
    short="A suppression comment suppresses nothing; remove it",
    help_uri="https://github.com/aovpn-lint/aovpn-lint#suppressing-findings",
    tags=("engine", "suppression"),
    precision="high",
    kinds=(),
    fixable=Fixability.SAFE,
)
