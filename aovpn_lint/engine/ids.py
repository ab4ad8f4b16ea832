"""The rule ids that code outside their rule module names, in one place.

Most rules are found by discovery and known only by their ``RULE``. These two are special: the
engine reports crashes as INTERNAL_ERROR; the selection never turns either off, a suppression
never hides an INTERNAL_ERROR, and SARIF also reports both as notifications (their results are
incomplete). Their rule modules in ``aovpn_lint.rules`` hold the metadata and documentation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

#: A rule crashed, returned garbage or ran past its time budget (the run continues).
INTERNAL_ERROR = "AOV000"
#: A file cannot be read, decoded or parsed.
PARSE_ERROR = "AOV100"

#: rules the selection cannot turn off: what they report means the other results are incomplete
ALWAYS_ENABLED = (INTERNAL_ERROR, PARSE_ERROR)

_LETTERS = re.compile(r"[A-Z]+")


def letter_o_for_zero(item: str, known: Iterable[str]) -> str | None:
    """``item`` with each letter O after the id's letters read as a zero, when that names a
    known rule id or prefix ('AOV3O2' -> 'AOV302', 'AOVO' -> 'AOV0'); else None.

    The letters of a rule id ('AOV', 'ACME') are taken from the known ids, so an O that belongs
    to them stays a letter.
    """
    item = item.strip().upper()
    ids = [rule_id.upper() for rule_id in known]
    for letters in sorted({m.group(0) for i in ids if (m := _LETTERS.match(i))}, key=len):
        rest = item[len(letters) :]
        if not item.startswith(letters) or "O" not in rest or rest.strip("0123456789O"):
            continue
        candidate = letters + rest.replace("O", "0")
        if any(rule_id.startswith(candidate) for rule_id in ids):
            return candidate
    return None


def suggest_id(item: str, known: Iterable[str]) -> str | None:
    """The rule id (or prefix) the user most likely meant by ``item``: the exact O-for-zero
    reading first (difflib alone ties 'AOV3O2' between AOV302 and AOV312), else the closest
    known id; None when nothing is close."""
    ids = list(known)
    zero = letter_o_for_zero(item, ids)
    if zero is not None:
        return zero
    close = difflib.get_close_matches(item.strip().upper(), [i.upper() for i in ids], 1, 0.6)
    return close[0] if close else None


__all__ = [
    "ALWAYS_ENABLED",
    "INTERNAL_ERROR",
    "PARSE_ERROR",
    "letter_o_for_zero",
    "suggest_id",
]
