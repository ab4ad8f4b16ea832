"""What a PowerShell string is used for, read from the code around it: a pattern, a message or
a test about a profile (``-match '<VPNProfile>'``), or a piece written out line by line
(``Add-Content``): the script loader does not take such a string for the profile itself."""

from __future__ import annotations

import re

#: a VPNProfile start tag
PROFILE_OPEN = re.compile(r"<VPNProfile[\s/>]", re.I)

#: operators and calls that use a string as a pattern, a replacement or a message, not a profile
PATTERN_CONTEXT = re.compile(
    r"-(?:[ic])?(?:not)?(?:match|like|contains|eq|ne)\b|-(?:[ic])?(?:replace|split)\b"
    r"|select-string|\.(?:contains|replace|indexof|startswith|endswith|split)\s*\("
    r"|write-(?:host|verbose|warning|output|error|debug|information)|\bthrow\b",
    re.I,
)
#: the same, right before the string (also for a string that holds a whole profile)
_PATTERN_BEFORE = re.compile(
    r"(?:-(?:[ic])?(?:not)?(?:match|like|contains|in|eq|ne|replace|split)"
    r"|(?:\.|::)(?:contains|indexof|startswith|endswith|replace|split|ismatch|match|matches)"
    r"\s*\((?:[^()]*,)?"
    r"|\bselect-string\b[^|;]*)\s*$",
    re.I,
)


#: how far before a string its operator is looked for (keeps long lines linear)
_PATTERN_REACH = 512


def is_pattern(text: str, start: int, value: str) -> bool:
    """True when the string is a pattern or a message about a profile, not a profile: the
    argument of -match, -like, .Contains(...) or Select-String, or a string that only mentions
    the <VPNProfile> tag in a test, a replacement or a message."""
    before = line_before(text, start)[-_PATTERN_REACH:]
    if _PATTERN_BEFORE.search(before):
        return True
    return mentions_only(value) and PATTERN_CONTEXT.search(before) is not None


def line_before(text: str, start: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : start]


def mentions_only(value: str) -> bool:
    """True when the string holds the <VPNProfile> tag but no element after it."""
    opened = PROFILE_OPEN.search(value)
    return opened is not None and "<" not in value[opened.end() :]


_WRITERS = ("add-content", "set-content", "out-file", ".writeline(", ".write(")


def written_out(text: str, start: int) -> bool:
    """True when the literal is an argument of a statement that writes text out piece by piece."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start].lower()
    return any(writer in before for writer in _WRITERS)


def writer(text: str, start: int) -> str:
    """How a piece of ProfileXML is written out ('Add-Content' or '')."""
    line_start = text.rfind("\n", 0, start) + 1
    return "Add-Content" if "add-content" in text[line_start:start].lower() else ""
