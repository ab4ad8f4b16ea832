"""## What it does
Reports that a rule, or a third-party rule plugin, crashed or misbehaved on a file.

## Why is this bad?
A crashing rule checked nothing, so a clean result for that file would be a lie. The engine
isolates the crash, names the rule and the file, and keeps running every other rule.

## Example
A plugin rule that raises `KeyError` while reading a profile produces:

    profile.xml:1:1: AOV000 [error] rule ACME001 (acme-check) crashed on this file: KeyError: 'x'

## Use instead
Report the crash to the rule's author with the file that triggers it. Until it is fixed, run
with `--ignore ACME001` to skip that rule; AOV000 itself cannot be ignored.
"""

from __future__ import annotations

from aovpn_lint.api import RuleMeta, Severity

RULE = RuleMeta(
    doc=__doc__,
    id="AOV000",
    name="internal-error",
    severity=Severity.ERROR,
    short="A rule crashed on this file; the remaining rules still ran",
    help_uri="https://github.com/aovpn-lint/aovpn-lint#rules",
    tags=("engine",),
    precision="very-high",
    kinds=(),
)
