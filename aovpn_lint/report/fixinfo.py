"""What the text outputs say about fixes: a marker after a fixable finding, a summary count."""

from __future__ import annotations

from aovpn_lint.model.findings import Finding
from aovpn_lint.report import Totals


def fix_marker(finding: Finding) -> str:
    """' [fix]' or ' [unsafe fix]' when ``--fix`` (``--unsafe-fixes``) can repair it, and why
    not when the rule has a fix that cannot be written in this file."""
    fix = finding.fix
    if fix is None:
        return ""
    if fix.blocked is not None:
        return f" [{fix.blocked}]"
    if not fix.applicable:
        return ""
    return " [fix]" if fix.safe else " [unsafe fix]"


def fixes_line(totals: Totals) -> str:
    """How many findings --fix would repair (and how many more --unsafe-fixes), or ''."""
    if not (totals.fixable or totals.unsafe_fixable):
        return ""
    line = f" {totals.fixable} fixable with --fix"
    if totals.unsafe_fixable:
        line += f" ({totals.unsafe_fixable} more with --unsafe-fixes)"
    return line + "."
