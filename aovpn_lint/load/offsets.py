"""ProfileXML that lives inside another file (a PowerShell string, a JSON value, a SyncML element).

The carrier's loader collects the profile's text in an :class:`OffsetMap` (each character
remembers its offset in the outer file); :func:`load_embedded` parses it, and every location of
the profile then points at the original character. Parts only known at run time (a ``$Servers``
variable) are a placeholder character: elements whose value holds one have no value to judge.
"""

from __future__ import annotations

import re

from aovpn_lint.load.profilexml import Loaded, load_profile_text
from aovpn_lint.model.document import Container
from aovpn_lint.model.positions import OffsetMap, Source
from aovpn_lint.model.tree import UNRESOLVED

#: Stands for a run-time value in extracted XML (a private-use character: valid in XML text).
PLACEHOLDER = UNRESOLVED

_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|<!\[CDATA\[(.*?)\]\]>", re.S)
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def unescape_xml_into(omap: OffsetMap, raw: str, outer: int) -> None:
    """Append XML character data (entities, CDATA) to ``omap``, mapping each character home."""
    pos = 0
    for match in _ENTITY.finditer(raw):
        omap.verbatim(raw[pos : match.start()], outer + pos)
        if match.group(2) is not None:
            omap.verbatim(match.group(2), outer + match.start(2))
        else:
            omap.produced(
                _entity(match.group(1), match.group(0)), outer + match.start(), outer + match.end()
            )
        pos = match.end()
    omap.verbatim(raw[pos:], outer + pos)


def _entity(name: str, whole: str) -> str:
    try:
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
    except (ValueError, OverflowError):
        return whole
    return _NAMED.get(name, whole)


def load_embedded(omap: OffsetMap, outer: Source, container: Container) -> Loaded:
    """Parse the XML collected in ``omap``; locations point into ``outer``'s text."""
    return load_profile_text(omap.text, outer.embedded(omap), container, placeholders=True)
