"""The rule ids that code outside their rule module names, in one place.

Most rules are found by discovery and known only by their ``RULE``. These two are special: the
engine reports crashes as INTERNAL_ERROR; the selection never turns either off, a suppression
never hides an INTERNAL_ERROR, and SARIF also reports both as notifications (their results are
incomplete). Their rule modules in ``aovpn_lint.rules`` hold the metadata and documentation.
"""

from __future__ import annotations

#: A rule crashed, returned garbage or ran past its time budget (the run continues).
INTERNAL_ERROR = "AOV000"
#: A file cannot be read, decoded or parsed.
PARSE_ERROR = "AOV100"

#: rules the selection cannot turn off: what they report means the other results are incomplete
ALWAYS_ENABLED = (INTERNAL_ERROR, PARSE_ERROR)

__all__ = ["ALWAYS_ENABLED", "INTERNAL_ERROR", "PARSE_ERROR"]
