"""The rule ids that code outside their rule module names, in one place, and the did-you-mean
for a mistyped rule id.

Most rules are found by discovery and known only by their ``RULE``. These are special: the
engine reports crashes as INTERNAL_ERROR; the selection never turns INTERNAL_ERROR or
PARSE_ERROR off, a suppression never hides an INTERNAL_ERROR, and SARIF also reports both as
notifications (their results are incomplete). The suppression checks (UNKNOWN_SUPPRESSION,
UNUSED_SUPPRESSION) are findings of the engine about the suppression comments themselves; they
are selected and ignored like any rule. Their rule modules in ``aovpn_lint.rules`` hold the
metadata and documentation.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable

#: A rule crashed, returned garbage or ran past its time budget (the run continues).
INTERNAL_ERROR = "AOV000"
#: A suppression comment names a rule that does not exist, or misspells its directive.
UNKNOWN_SUPPRESSION = "AOV001"
#: A suppression comment (or one of its ids) suppresses nothing.
UNUSED_SUPPRESSION = "AOV002"
#: A file cannot be read, decoded or parsed.
PARSE_ERROR = "AOV100"

#: rules the selection cannot turn off: what they report means the other results are incomplete
ALWAYS_ENABLED = (INTERNAL_ERROR, PARSE_ERROR)
#: rules about suppression comments: their own suppressions are not judged unused
SUPPRESSION_CHECKS = (UNKNOWN_SUPPRESSION, UNUSED_SUPPRESSION)

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


#: letters typed for the digits they look like, and how many of them are tried (2**4 variants)
_LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}
_MAX_LOOK_ALIKES = 4


def is_known(text: str, known: Iterable[str]) -> bool:
    """Whether ``text`` (upper case) is ``ALL``, a known rule id or a prefix of one."""
    return text in ("ALL", "*") or any(rule_id.startswith(text) for rule_id in known)


def suggest_id(text: str, known: Iterable[str]) -> str | None:
    """The rule id (or prefix) the user probably meant by ``text``, or None.

    A letter O typed for a zero (``AOV3O2``), or I or l for a one, is tried first and wins over
    any edit-distance match (``AOV312`` is as close to ``AOV3O2`` as ``AOV302`` is); then a
    trailing ``*`` is dropped (``AOV3*`` means the prefix ``AOV3``); then the closest id by
    difflib.
    """
    typed = text.strip().upper()
    ids = sorted(set(known))
    if not typed or not ids:
        return None
    for variant in _zero_variants(typed):
        if variant in ids:
            return variant
    for variant in _zero_variants(typed):
        if is_known(variant, ids):
            return variant
    stripped = typed.rstrip("*")
    if stripped != typed and stripped and is_known(stripped, ids):
        return stripped
    close = difflib.get_close_matches(typed, ids, n=1, cutoff=0.6)
    return close[0] if close else None


def _zero_variants(typed: str) -> list[str]:
    """``typed`` with some of its look-alike letters (not the first character) read as the
    digits they resemble, fewest substitutions first; ``typed`` itself is not included."""
    positions = [i for i, c in enumerate(typed) if c in _LOOK_ALIKES and i > 0]
    positions = positions[-_MAX_LOOK_ALIKES:]
    variants = []
    for count in range(1, len(positions) + 1):
        for chosen in itertools.combinations(positions, count):
            chars = list(typed)
            for i in chosen:
                chars[i] = _LOOK_ALIKES[chars[i]]
            variants.append("".join(chars))
    return variants


__all__ = [
    "ALWAYS_ENABLED",
    "INTERNAL_ERROR",
    "PARSE_ERROR",
    "letter_o_for_zero",
    "SUPPRESSION_CHECKS",
    "UNKNOWN_SUPPRESSION",
    "UNUSED_SUPPRESSION",
    "is_known",
    "suggest_id",
]
