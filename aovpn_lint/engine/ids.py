"""The rule ids the engine and the loaders name themselves, in one place.

Most rules are found by discovery and known only by their ``RULE``; these few are referred to
by code outside their rule module: the engine reports crashes as INTERNAL_ERROR, loaders hand
over parse errors, inventory problems and unresolved script content for PARSE_ERROR,
INVALID_INVENTORY and UNRESOLVED_SCRIPT to turn into findings. Their rule modules in
``aovpn_lint.rules`` hold the metadata and the documentation.
"""

from __future__ import annotations

#: A rule crashed, returned garbage or ran past its time budget (the run continues).
INTERNAL_ERROR = "AOV000"
#: A file cannot be read, decoded or parsed.
PARSE_ERROR = "AOV100"
#: The deployment inventory does not follow its schema.
INVALID_INVENTORY = "AOV504"
#: Part of a script's ProfileXML is only known at run time.
UNRESOLVED_SCRIPT = "AOV603"

__all__ = ["INTERNAL_ERROR", "INVALID_INVENTORY", "PARSE_ERROR", "UNRESOLVED_SCRIPT"]
