"""Deployment scripts that read their ProfileXML from a file instead of embedding it.

Recognised when the script also shows it deploys a VPN profile (it names ``VPNv2`` or
``ProfileXML``; a Pester test, ``*.Tests.ps1``, deploys nothing) and the path is literal and ends
in ``.xml``:

* ``Get-Content`` (or ``gc``) with the path positional, after ``-Path``, ``-LiteralPath`` or
  ``-PSPath``, inside ``[xml](...)`` or not;
* ``[System.IO.File]::ReadAllText(...)``, ``ReadAllLines(...)`` and an XmlDocument's
  ``.Load(...)``.

The path may be a quoted literal, a bare word (``.\\profile.xml``), a variable assigned once from a
literal (see :mod:`aovpn_lint.load.psvars`), ``"$PSScriptRoot\\profile.xml"`` or
``(Join-Path $PSScriptRoot 'profile.xml')``. A relative path is taken relative to the script's
folder, which is where ``$PSScriptRoot`` points and where ``.\\`` points when the script is run
from its own folder, as deployment tools do.

Where the file is: only its metadata is looked at (symbolic links resolved, existence), never its
content; a path that is absolute or leads out of the tree (the git repository holding the
script, else the current folder when the script is inside it, else the script's folder) is not
even looked at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence, Set

from aovpn_lint.load.psvars import LiteralLike, Variables, variable_key
from aovpn_lint.model.document import ReadStatus, ScriptRead
from aovpn_lint.model.positions import Source
from aovpn_lint.paths import repository_root

_SIGN = re.compile(r"VPNv2|ProfileXML", re.I)
_CALL = re.compile(
    r"\b(?:Get-Content|gc)\b(?=[ \t`])"
    r"|\[(?:System\.)?IO\.File\]::ReadAll(?:Text|Lines)\s*\(\s*"
    r"|\.Load\s*\(\s*",
    re.I,
)
_PATH_PARAMETERS = frozenset({"path", "literalpath", "pspath", "lp"})
_SWITCHES = frozenset({"raw", "force", "wait", "asbytestream"})
_BLANK = re.compile(r"(?:[ \t]|`\r?\n)*")
_PARAMETER = re.compile(r"-(\w+):?")
_BARE = re.compile(r"[^\s|;(){}'\"`,]+")
_VARIABLE = re.compile(r"\$(?:\{[^{}\r\n]{1,200}\}|(?:[A-Za-z]+:)?\w+)")
_JOIN = re.compile(
    r"(?:\(\s*)?Join-Path\s+(?:-Path\s+)?(?P<base>\$\{?PSScriptRoot\}?)\s+(?:-ChildPath\s+)?", re.I
)
_SCRIPT_ROOT = re.compile(r"\$(?:\{PSScriptRoot\}|\(\s*\$PSScriptRoot\s*\)|PSScriptRoot)", re.I)
#: '$Name = ', '[xml]$Name = [xml](' ... up to the call
_TARGET = re.compile(r"\$\{?((?:[A-Za-z]+:)?\w+)\}?\s*=\s*(?:\[[\w.]+\]\s*)?\(?\s*$")
_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:|[/\\~]|\$)")
#: how many variables deep a path is followed ($File = $Path; $Path = '...')
_MAX_DEPTH = 3
#: a ScriptRead per script at most this many times (real scripts read one or two profiles)
MAX_READS = 10


def script_reads(
    text: str,
    code: str,
    literals: Sequence[LiteralLike],
    variables: Variables,
    source: Source,
    fragments: Set[str] = frozenset(),
) -> tuple[ScriptRead, ...]:
    """The profile files ``text`` reads (``code`` is the text with strings blanked out).

    ``fragments`` are the variables an embedded profile uses: a file read into one of them is
    part of that profile (an EAP configuration, say), not the profile the script deploys.
    """
    if not has_read_sign(text) or is_pester_test(source.path):
        return ()
    starts = {lit.start: lit for lit in literals}
    reads: list[ScriptRead] = []
    for call in _CALL.finditer(code):
        if _assigned_to(code, call.start()) in fragments:
            continue
        found = _argument(call, text, code, starts, variables)
        if found is None:
            continue
        written, start, end = found
        relative = _relative(written)
        if relative is None:
            continue
        path, status = locate(source.path, relative)
        reads.append(ScriptRead(written, path, source.location(start, end), status))
        if len(reads) >= MAX_READS:
            break
    return tuple(reads)


def has_read_sign(text: str) -> bool:
    """Whether the script says it deploys a VPN profile, so an .xml file it reads may be one."""
    return _SIGN.search(text) is not None


def is_pester_test(path: str) -> bool:
    """Whether the script is a Pester test (Pester finds them by the name ``*.Tests.ps1``): it
    reads a profile to check it, and deploys nothing."""
    return os.path.basename(path).lower().endswith(".tests.ps1")


def _assigned_to(code: str, at: int) -> str | None:
    """The variable the statement holding ``at`` assigns to, if any."""
    line = code[max(code.rfind("\n", 0, at) + 1, at - 256) : at]
    match = _TARGET.search(line)
    return variable_key(match.group(1)) if match else None


def _argument(
    call: re.Match[str],
    text: str,
    code: str,
    starts: dict[int, LiteralLike],
    variables: Variables,
) -> tuple[str, int, int] | None:
    """The path a call reads, as written after variables are resolved, and where it is."""
    pos = call.end()
    if not call.group()[0].isalpha():  # ReadAllText( or .Load(
        return _token(pos, text, code, starts, variables)
    while pos < len(code):
        pos = _BLANK.match(code, pos).end()  # type: ignore[union-attr]
        parameter = _PARAMETER.match(code, pos)
        if parameter:
            name = parameter.group(1).lower()
            pos = parameter.end()
            if name in _PATH_PARAMETERS:
                pos = _BLANK.match(code, pos).end()  # type: ignore[union-attr]
                return _token(pos, text, code, starts, variables)
            if name not in _SWITCHES:  # -Encoding UTF8, -TotalCount 5: skip the value
                pos = _BLANK.match(code, pos).end()  # type: ignore[union-attr]
                pos = _skip(pos, code, starts)
            continue
        return _token(pos, text, code, starts, variables)
    return None


def _skip(pos: int, code: str, starts: dict[int, LiteralLike]) -> int:
    literal = starts.get(pos)
    if literal is not None:
        return literal.end
    bare = _BARE.match(code, pos)
    return bare.end() if bare else pos + 1


def _token(
    pos: int,
    text: str,
    code: str,
    starts: dict[int, LiteralLike],
    variables: Variables,
    depth: int = 0,
) -> tuple[str, int, int] | None:
    """The path written at ``pos``: a literal, Join-Path on $PSScriptRoot, a variable set once
    to one of these, or a bare word."""
    literal = starts.get(pos)
    if literal is not None:
        return _literal_path(literal, text, variables)
    join = _JOIN.match(code, pos)
    if join:
        child = _BLANK.match(code, join.end()).end()  # type: ignore[union-attr]
        found = _token(child, text, code, starts, variables, depth)
        if found is None:
            return None
        return found  # relative to $PSScriptRoot: the script's folder, as any relative path
    variable = _VARIABLE.match(code, pos)
    if variable:
        value = variables.resolve(variable.group(), pos)
        if value is not None:
            if not value.pieces:
                return None
            return value.text, value.pieces[0].start, value.pieces[-1].end
        assigned = variables.expression_of(variable.group(), pos)
        if assigned is None or depth >= _MAX_DEPTH:
            return None
        return _token(assigned, text, code, starts, variables, depth + 1)
    bare = _BARE.match(code, pos)
    if bare and depth == 0 and not bare.group().startswith("-"):  # a command's argument
        return text[bare.start() : bare.end()], bare.start(), bare.end()
    return None


def _literal_path(
    literal: LiteralLike, text: str, variables: Variables
) -> tuple[str, int, int] | None:
    parts: list[str] = []
    for piece in literal.pieces:
        if piece.kind != "expr":
            parts.append(piece.text)
            continue
        written = text[piece.start : piece.end]
        if not parts and _SCRIPT_ROOT.fullmatch(written):
            parts.append("$PSScriptRoot")
            continue
        value = variables.resolve(written, piece.start)
        if value is None:
            return None
        parts.append(value.text)
    if not literal.pieces:
        return None
    return "".join(parts), literal.pieces[0].start, literal.pieces[-1].end


def _relative(written: str) -> str | None:
    """``written`` relative to the script's folder ('' for a path that cannot be inside the
    tree), or None when it is no ProfileXML file path."""
    path = written.strip()
    if not path.lower().endswith(".xml") or any(c in path for c in "*?[\r\n"):
        return None
    root = _SCRIPT_ROOT.match(path)
    if root:
        path = path[root.end() :].lstrip("\\/") or "."
    elif _ABSOLUTE.match(path):
        return ""
    return path.replace("\\", "/")


def locate(script_path: str, relative: str) -> tuple[str, ReadStatus]:
    """The file ``relative`` names beside the script, and whether it is there; looks at
    metadata only, and at nothing outside the tree."""
    if not relative:
        return "", ReadStatus.OUTSIDE
    folder = os.path.dirname(script_path)
    path = os.path.normpath(os.path.join(folder, relative))
    root = os.path.realpath(_tree_root(folder))
    if not _inside(path, root):
        return "", ReadStatus.OUTSIDE
    if os.path.isfile(path):
        return path, ReadStatus.FOUND
    # Windows finds '.\Profile.xml' as profile.xml: so does the check, on any file system
    found = _in_any_case(path)
    if found is not None and _inside(found, root) and os.path.isfile(found):
        return found, ReadStatus.FOUND
    return path, ReadStatus.MISSING


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _in_any_case(path: str) -> str | None:
    """``path`` with each missing name replaced by the one entry of its folder that differs
    from it in letter case only (folder listings only), or None."""
    parent, name = os.path.split(path)
    if not name or name in (os.curdir, os.pardir):
        return path if os.path.exists(path) else None
    if parent and not os.path.isdir(parent):
        parent_found = _in_any_case(parent)
        if parent_found is None:
            return None
        parent = parent_found
    candidate = os.path.join(parent, name)
    if os.path.exists(candidate):
        return candidate
    try:
        entries = os.listdir(parent or os.curdir)
    except OSError:
        return None
    matches = [entry for entry in entries if entry.casefold() == name.casefold()]
    return os.path.join(parent, matches[0]) if len(matches) == 1 else None


def _tree_root(folder: str) -> str:
    """The git repository holding ``folder``, else the current folder if it holds it, else the
    folder itself."""
    start = os.path.abspath(folder or os.curdir)
    root = repository_root(start)
    if os.path.exists(os.path.join(root, ".git")):
        return root
    here = os.path.abspath(os.curdir)
    if start == here or start.startswith(here.rstrip(os.sep) + os.sep):
        return here
    return start
