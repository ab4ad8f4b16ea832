"""ProfileXML that lives inside another file (a PowerShell string, a JSON value, a SyncML element).

The carrier's loader collects the profile's text in an :class:`OffsetMap` (each character
remembers its offset in the outer file); :func:`load_embedded` parses it, and every location of
the profile then points at the original character. Parts only known at run time (a ``$Servers``
variable) are a placeholder character: elements whose value holds one have no value to judge.
"""

from __future__ import annotations

import re

from aovpn_lint.load.profilexml import Loaded, load_profile_text
from aovpn_lint.model.document import Container, ParseProblem
from aovpn_lint.model.positions import Embedding, OffsetMap, Source
from aovpn_lint.model.tree import UNRESOLVED

#: Stands for a run-time value in extracted XML (a private-use character: valid in XML text).
PLACEHOLDER = UNRESOLVED

# Entities have at most 8 digits (no code point needs more; a longer number is left as it is),
# and a CDATA section is found by its opener only, its end with str.find: a pattern that looked
# for the end itself would scan to the end of the text from every unterminated opener.
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]{1,8}|#[0-9]{1,8}|[A-Za-z]{1,8});|<!\[CDATA\[")
_CDATA_END = "]]>"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def unescape_xml_into(omap: OffsetMap, raw: str, outer: int) -> None:
    """Append XML character data (entities, CDATA) to ``omap``, mapping each character home."""
    pos = 0
    while (match := _ENTITY.search(raw, pos)) is not None:
        omap.verbatim(raw[pos : match.start()], outer + pos)
        if match.group(1) is None:  # CDATA: its content is copied as it is
            end = raw.find(_CDATA_END, match.end())
            if end == -1:  # unterminated: the rest is kept, the XML parser reports it
                omap.verbatim(raw[match.start() :], outer + match.start())
                return
            omap.verbatim(raw[match.end() : end], outer + match.end())
            omap.embed(Embedding.CDATA, outer + match.end(), outer + end)
            pos = end + len(_CDATA_END)
            continue
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
    text = omap.text
    source = outer.embedded(omap)
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        # an escape such as `u{D800} or \uD800 stands for half a UTF-16 pair: not a character,
        # so no XML parser (Windows' included) accepts the profile
        msg = (
            f"the {container.description} holds a lone UTF-16 surrogate "
            f"(U+{ord(surrogate.group()):04X}), which is not a character; remove that escape"
        )
        return [], [ParseProblem(source.location(surrogate.start()), msg)]
    return load_profile_text(text, source, container, placeholders=True)
