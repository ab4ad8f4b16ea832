"""ProfileXML embedded in PowerShell deployment scripts (``*.ps1``, ``*.psm1``).

Deployment scripts carry their own copy of the profile, in the shapes Microsoft's and community
scripts use:

* a multi-line single-quoted literal, ``$ProfileXML = '<VPNProfile> ... </VPNProfile>'``
  (``''`` stands for one quote);
* a double-quoted string (also inside ``@("...")``) with ``$Variables``, ``$(...)`` and backtick
  escapes;
* here-strings, ``@' ... '@`` and ``@" ... "@``;
* concatenation of literals and variables, ``'<Servers>' + $Servers + '</Servers>'``.

The literal is extracted with an :class:`~aovpn_lint.load.offsets.OffsetMap`, so every finding of
the profile rules points at the character in the script. Whatever is only known at run time (a
variable, a sub-expression) becomes a placeholder and an AOV603 note; XML written piece by piece
(``Add-Content`` line by line, ``XmlWriter``) cannot be rebuilt statically and is reported as an
AOV603 note too, never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from aovpn_lint.load.offsets import PLACEHOLDER, load_embedded
from aovpn_lint.load.profilexml import Loaded
from aovpn_lint.load.pscontext import (
    PATTERN_CONTEXT,
    PROFILE_OPEN,
    is_pattern,
    line_before,
    mentions_only,
    writer,
    written_out,
)
from aovpn_lint.load.psfiles import has_read_sign, script_reads
from aovpn_lint.load.psvars import Variables, used_variable
from aovpn_lint.model.document import (
    Carrier,
    Container,
    Document,
    DocumentKind,
    GapKind,
    ParseProblem,
    ScriptGap,
    ScriptInfo,
)
from aovpn_lint.model.positions import Embedding, OffsetMap, Source

#: embedded profiles checked per script (real scripts hold one or two)
MAX_PROFILES = 50
#: run-time values noted one by one per profile; the rest are summed up in one note
MAX_NOTES = 20
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
_DOUBLE_QUOTES = '"\u201c\u201d\u201e'
_BACKTICK = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_VARIABLE = re.compile(r"\$(?:[A-Za-z]+:)?[A-Za-z0-9_?]+|\$[$^]")
_PROFILE_CLOSE = re.compile(r"</VPNProfile\s*>", re.I)
_SPACE = r"(?:\s|`\r?\n)*"
_OPERAND = (
    r"\$\{[^}]*\}"
    r"|\$\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
    r"|\$(?:[A-Za-z]+:)?\w+(?:\.\w+(?:\([^()]*\))?|\[[^\]]*\])*"
    r"|\((?:[^()'\"]|\([^()]*\))*\)"
    r"|\[[\w.]+\]::\w+(?:\([^()]*\))?"
)
#: Between two literals of one concatenation: '+', optionally with run-time operands between.
_GAP = re.compile(rf"{_SPACE}\+{_SPACE}(?:(?:{_OPERAND}){_SPACE}\+{_SPACE})*")
_TRAILING = re.compile(rf"{_SPACE}\+{_SPACE}({_OPERAND})")
_OPERAND_RE = re.compile(_OPERAND)
_CODE_SPECIAL = re.compile("<#|#|@['\"]|[`'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e]")
_SINGLE_STRING = re.compile(
    f"[{_SINGLE_QUOTES}]([^{_SINGLE_QUOTES}]*(?:[{_SINGLE_QUOTES}]{{2}}[^{_SINGLE_QUOTES}]*)*)(?:[{_SINGLE_QUOTES}]|\\Z)"
)
_SINGLE_DOUBLED = re.compile(f"[{_SINGLE_QUOTES}]{{2}}")
_DOUBLE_SPECIAL = re.compile("[`$" + _DOUBLE_QUOTES + "]")
_HERE_SPECIAL = re.compile("[`$]")
#: how far a '${...}' or '$(...)' may reach inside a string (keeps hostile input linear)
_MAX_EXPRESSION = 4096
#: digits of a `u{...} escape: PowerShell accepts up to six (U+10FFFF)
_MAX_UNICODE_DIGITS = 6
_HEX_DIGITS = re.compile(r"[0-9A-Fa-f]{1,6}")
_BUILDER = re.compile(r"\.(WriteStartElement|CreateElement)\(\s*['\"]VPNProfile['\"]", re.I)


@dataclass
class Piece:
    kind: str  # "text", "escape" or "expr"
    text: str
    start: int  # offset in the script
    end: int


@dataclass
class Literal:
    """One PowerShell string literal and what it evaluates to, piece by piece."""

    kind: str  # "single-quoted", "double-quoted", "here-string @'", 'here-string @"'
    start: int
    end: int
    pieces: list[Piece] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "".join(p.text for p in self.pieces)


# --- scanning ------------------------------------------------------------------------------------
class Scanner:
    """Finds string literals and comments in a script (a lexer for strings only)."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.literals: list[Literal] = []
        self.comments: list[tuple[int, int]] = []
        self._closing: dict[int, int] | None = None

    def run(self) -> Scanner:
        s, n, i = self.s, len(self.s), 0
        while i < n:
            match = _CODE_SPECIAL.search(s, i)
            if match is None:
                break
            i = match.start()
            token = match.group()
            if token == "<#":
                end = s.find("#>", i + 2)
                end = n if end == -1 else end + 2
                self.comments.append((i, end))
                i = end
            elif token == "#":
                if i == 0 or s[i - 1] in " \t\r\n;{}()|":
                    end = s.find("\n", i)
                    end = n if end == -1 else end
                    self.comments.append((i, end))
                    i = end
                else:
                    i += 1
            elif token[0] == "@":
                i = self._here(i) if _here_start(s, i + 2) else i + 1
            elif token in _SINGLE_QUOTES:
                i = self._single(i)
            elif token in _DOUBLE_QUOTES:
                i = self._double(i)
            else:  # a backtick escapes the next character in code
                i += 2
        return self

    def _single(self, start: int) -> int:
        s = self.s
        match = _SINGLE_STRING.match(s, start)
        assert match is not None  # the pattern accepts an unterminated string too
        body_end = match.end(1)
        lit = Literal("single-quoted", start, match.end())
        run = start + 1
        body = s[run:body_end]
        if not any(quote in body for quote in _SINGLE_QUOTES):  # the common case: no '' inside
            _text(lit, s, run, body_end)
            self.literals.append(lit)
            return match.end()
        for doubled in _SINGLE_DOUBLED.finditer(s, run, body_end):
            _text(lit, s, run, doubled.start())
            lit.pieces.append(Piece("escape", "'", doubled.start(), doubled.end()))
            run = doubled.end()
        _text(lit, s, run, body_end)
        self.literals.append(lit)
        return match.end()

    def _double(self, start: int) -> int:
        lit = Literal("double-quoted", start, len(self.s))
        end = self._expandable(lit, start + 1, here=False)
        self.literals.append(lit)
        return end

    def _here(self, start: int) -> int:
        s = self.s
        quote = s[start + 1]
        body = s.index("\n", start) + 1
        closing = re.compile(r"\r?\n" + re.escape(quote) + "@")
        match = closing.search(s, body - 1)
        stop = match.start() if match else len(s)
        end = match.end() if match else len(s)
        lit = Literal(f"here-string @{quote}", start, end)
        if quote == "'":
            _text(lit, s, body, max(body, stop))
        else:
            self._expandable(lit, body, here=True, stop=max(body, stop))
        self.literals.append(lit)
        return end

    def _expandable(self, lit: Literal, i: int, here: bool, stop: int | None = None) -> int:
        """Pieces of a double-quoted string or here-string; returns the offset after it."""
        s = self.s
        n = len(s) if stop is None else stop
        run = i
        special = _HERE_SPECIAL if here else _DOUBLE_SPECIAL
        while i < n:
            match = special.search(s, i, n)
            if match is None:
                break
            i = match.start()
            c = s[i]
            if not here and c in _DOUBLE_QUOTES:
                if i + 1 < n and s[i + 1] in _DOUBLE_QUOTES:
                    _text(lit, s, run, i)
                    lit.pieces.append(Piece("escape", '"', i, i + 2))
                    i = run = i + 2
                    continue
                _text(lit, s, run, i)
                lit.end = i + 1
                return i + 1
            if c == "`" and i + 1 < n:
                _text(lit, s, run, i)
                i = run = self._backtick(lit, i)
                continue
            if c == "$":
                if self._closing is None:
                    self._closing = _matching_parens(s)
                end = _expression_end(s, i, n, self._closing)
                if end > i + 1:
                    _text(lit, s, run, i)
                    lit.pieces.append(Piece("expr", PLACEHOLDER, i, end))
                    i = run = end
                    continue
            i += 1
        _text(lit, s, run, n)
        return n if stop is None else lit.end

    def _backtick(self, lit: Literal, i: int) -> int:
        s = self.s
        nxt = s[i + 1]
        if nxt == "u" and s.startswith("{", i + 2):
            # `u{...} holds one to six hex digits: looking further for the '}' would scan to the
            # end of the script from every unclosed `u{ (quadratic in the script's size)
            close = s.find("}", i + 3, i + 3 + _MAX_UNICODE_DIGITS + 1)
            digits = s[i + 3 : close] if close != -1 else ""
            if _HEX_DIGITS.fullmatch(digits) and int(digits, 16) <= 0x10FFFF:
                lit.pieces.append(Piece("escape", chr(int(digits, 16)), i, close + 1))
                return close + 1
        if nxt == "\r" and s.startswith("\n", i + 2):
            lit.pieces.append(Piece("escape", "\r\n", i, i + 3))
            return i + 3
        lit.pieces.append(Piece("escape", _BACKTICK.get(nxt, nxt), i, i + 2))
        return i + 2

    def in_comment(self, offset: int) -> bool:
        # comments are found in order and do not overlap: the last one starting at or before
        # ``offset`` is the only candidate (a scan of all of them per question is quadratic)
        index = bisect_right(self.comments, (offset, len(self.s) + 1)) - 1
        return index >= 0 and self.comments[index][0] <= offset < self.comments[index][1]


def _here_start(s: str, i: int) -> bool:
    """A here-string opener is followed by nothing but blanks up to the end of the line."""
    end = s.find("\n", i, i + 256)
    return end != -1 and not s[i:end].strip()


def _text(lit: Literal, s: str, start: int, end: int) -> None:
    if end > start:
        lit.pieces.append(Piece("text", s[start:end], start, end))


def _expression_end(s: str, i: int, n: int, closing: dict[int, int]) -> int:
    """End of ``$name``, ``${name}`` or ``$( ... )`` at ``i`` (``i + 1`` when it is a plain $)."""
    if s.startswith("${", i):
        close = s.find("}", i + 2, min(n, i + _MAX_EXPRESSION))
        return close + 1 if close != -1 else i + 1
    if s.startswith("$(", i):
        close = closing.get(i + 1, -1)
        return close + 1 if 0 <= close < n else i + 1
    match = _VARIABLE.match(s, i, n)
    return match.end() if match else i + 1


def _matching_parens(s: str) -> dict[int, int]:
    """Offset of each '(' -> offset of its ')' (one linear pass; quotes are not considered)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[()]", s):
        if match.group() == "(":
            stack.append(match.start())
        elif stack:
            pairs[stack.pop()] = match.start()
    return pairs


# --- extraction ----------------------------------------------------------------------------------
@dataclass
class _Chain:
    """A literal, or literals joined with '+', that together hold a ProfileXML."""

    literals: list[Literal]
    operands: list[tuple[int, int]]  # run-time operands between/after the literals
    parts: list[Literal | tuple[int, int]]


def _chains(text: str, literals: list[Literal]) -> list[_Chain]:
    chains: list[_Chain] = []
    i = 0
    while i < len(literals) and len(chains) <= MAX_PROFILES:
        lit = literals[i]
        if not PROFILE_OPEN.search(lit.value):
            i += 1
            continue
        chain = _Chain([lit], [], [lit])
        j = i
        while j + 1 < len(literals):
            gap = _GAP.fullmatch(text, literals[j].end, literals[j + 1].start)
            if not gap:
                break
            for op in _OPERAND_RE.finditer(text, gap.start(), gap.end()):
                chain.operands.append((op.start(), op.end()))
                chain.parts.append((op.start(), op.end()))
            j += 1
            chain.literals.append(literals[j])
            chain.parts.append(literals[j])
        pos = literals[j].end
        while True:
            trailing = _TRAILING.match(text, pos)
            if not trailing:
                break
            chain.operands.append(trailing.span(1))
            chain.parts.append(trailing.span(1))
            pos = trailing.end()
        chains.append(chain)
        i = j + 1
    return chains


#: how each kind of literal writes its text, for fixes
LITERAL_EMBEDDING = {
    "single-quoted": Embedding.PS_SINGLE,
    "double-quoted": Embedding.PS_DOUBLE,
    "here-string @'": Embedding.PS_HERE_SINGLE,
    'here-string @"': Embedding.PS_HERE_DOUBLE,
}


@dataclass
class _Built:
    """A chain's value in an OffsetMap, and the run-time values in it."""

    omap: OffsetMap
    unresolved: list[tuple[int, int]] = field(default_factory=list)
    #: parameters whose default value stands in the profile (first use of each)
    defaults: dict[str, int] = field(default_factory=dict)


class _Code:
    """The script's code with strings and comments blanked, and its variables: computed when
    first needed (a script whose profile holds no variable never needs them)."""

    def __init__(self, text: str, scanner: Scanner) -> None:
        self._source = text
        self._scanner = scanner

    @cached_property
    def text(self) -> str:
        return _code_only(self._source, self._scanner)

    @cached_property
    def variables(self) -> Variables:
        return Variables(self.text, self._scanner.literals, _matching_parens(self.text))


def _build(chain: _Chain, text: str, code: _Code) -> _Built:
    """The chain's value from the '<' of the first element on; a variable assigned once from a
    literal is replaced by the literal's characters, which map to the literal."""
    built = _Built(OffsetMap())
    omap = built.omap
    started = False
    for part in chain.parts:
        if isinstance(part, tuple):
            if started:
                _runtime(built, text, code, part[0], part[1])
            continue
        omap.embed(LITERAL_EMBEDDING[part.kind], part.start, part.end)
        for piece in part.pieces:
            value, start = piece.text, piece.start
            if not started:
                # the XML starts at its first '<' (text before it is not part of the profile)
                at = value.find("<") if piece.kind == "text" else -1
                if at == -1:
                    continue
                value, start, started = value[at:], start + at, True
            if piece.kind == "text":
                omap.verbatim(value, start)
            elif piece.kind == "expr":
                _runtime(built, text, code, piece.start, piece.end)
            else:
                omap.produced(value, piece.start, piece.end)
    return built


def _runtime(built: _Built, text: str, code: _Code, start: int, end: int) -> None:
    """A variable or expression at ``start``..``end``: its literal value, or a placeholder."""
    written = text[start:end]
    value = code.variables.resolve(written, start) if used_variable(written) else None
    if value is None:
        built.omap.produced(PLACEHOLDER, start, end)
        built.unresolved.append((start, end))
        return
    if value.parameter:
        built.defaults.setdefault(written, start)
    for piece in value.pieces:
        if piece.verbatim:
            built.omap.verbatim(piece.text, piece.start)
        else:
            built.omap.produced(piece.text, piece.start, piece.end)
    if not value.text:  # an empty literal: keep the reference's place in the map
        built.omap.produced("", start, end)


def load_script(text: str, source: Source) -> Loaded:
    """Find the ProfileXML a deployment script embeds; locations point into the script."""
    scanner = Scanner(text).run()
    literals = scanner.literals
    code = _Code(text, scanner)
    documents: list[Document] = []
    problems: list[ParseProblem] = []
    gaps: list[ScriptGap] = []
    used: set[str] = set()  # the variables the embedded profiles leave unknown
    chains = _chains(text, literals)
    closers = sum(1 for lit in literals if _PROFILE_CLOSE.search(lit.value))
    for chain in chains[:MAX_PROFILES]:
        first = chain.literals[0]
        value = "".join(p.value for p in chain.literals)
        line = source.point(first.start)[0]
        if is_pattern(text, first.start, value):
            continue  # the script tests or rewrites a profile it reads elsewhere
        if not _PROFILE_CLOSE.search(value):
            if closers or written_out(text, first.start):
                end = first.end if first.end - first.start < 80 else None
                gaps.append(
                    ScriptGap(
                        GapKind.WRITTEN_PIECEWISE,
                        source.location(first.start, end),
                        writer(text, first.start),
                    )
                )
                continue
            if mentions_only(value) or PATTERN_CONTEXT.search(line_before(text, first.start)):
                continue
        built = _build(chain, text, code)
        container = Container(
            Carrier.POWERSHELL, f"PowerShell {first.kind} string at line {line}", literal_line=line
        )
        docs, probs = load_embedded(built.omap, source, container)
        names = tuple(dict.fromkeys(text[s:e] for s, e in built.unresolved))
        used.update(key for name in names if (key := used_variable(name)) is not None)
        if probs and built.unresolved:
            gaps.append(
                ScriptGap(
                    GapKind.NOT_WELL_FORMED_WITHOUT_VALUES,
                    source.location(first.start),
                    first.kind,
                    names[:MAX_NOTES],
                    len(names),
                )
            )
            probs = []
        elif built.unresolved or built.defaults:
            gaps.append(_runtime_gap(built, names, text, source))
        documents.extend(docs)
        problems.extend(probs)
    if len(chains) > MAX_PROFILES:
        extra = chains[MAX_PROFILES].literals[0]
        gaps.append(
            ScriptGap(GapKind.TOO_MANY_PROFILES, source.location(extra.start), count=MAX_PROFILES)
        )
    if not chains:
        gaps.extend(_builder_gaps(text, scanner, source))
    reads = (
        script_reads(text, code.text, literals, code.variables, source, used)
        if has_read_sign(text)
        else ()
    )
    info = ScriptInfo(tuple(gaps), sum(d.kind is DocumentKind.PROFILE for d in documents), reads)
    script = Document(source.path, DocumentKind.SCRIPT, None, source, payload=info)
    return [script, *documents], problems


def _runtime_gap(built: _Built, names: tuple[str, ...], text: str, source: Source) -> ScriptGap:
    """One note per profile: its run-time values, located at the first (else the first
    parameter default in it)."""
    if built.unresolved:
        start, end = built.unresolved[0]
    else:
        start = min(built.defaults.values())
        end = start + len(next(k for k, v in built.defaults.items() if v == start))
    return ScriptGap(
        GapKind.RUNTIME_VALUE,
        source.location(start, end),
        names=names[:MAX_NOTES],
        count=len(names),
        defaults=tuple(built.defaults)[:MAX_NOTES],
    )


def _code_only(text: str, scanner: Scanner) -> str:
    """``text`` with comments and string contents blanked (newlines kept); a literal keeps a
    quote at its first character, and ``$(...)`` and variables inside strings stay code."""
    spans: list[tuple[int, int, Literal | None]] = [(a, b, None) for a, b in scanner.comments]
    spans.extend((lit.start, lit.end, lit) for lit in scanner.literals)
    spans.sort(key=lambda span: span[0])
    parts: list[str] = []
    pos = 0
    for start, end, lit in spans:
        if start < pos:
            continue
        parts.append(text[pos:start])
        if lit is None:
            parts.append(_blank(text[start:end]))
        else:
            parts.append("'")
            run = start + 1
            for piece in lit.pieces:
                if piece.kind == "expr":
                    parts.append(_blank(text[run : piece.start]))
                    parts.append(text[piece.start : piece.end])
                    run = piece.end
            parts.append(_blank(text[run:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(segment: str) -> str:
    return _NOT_NEWLINE.sub(" ", segment)


def _builder_gaps(text: str, scanner: Scanner, source: Source) -> list[ScriptGap]:
    for match in _BUILDER.finditer(text):
        if scanner.in_comment(match.start()):
            continue
        api = "XmlWriter" if match.group(1).lower() == "writestartelement" else "XmlDocument"
        return [
            ScriptGap(GapKind.BUILT_BY_API, source.location(match.start() + 1, match.end()), api)
        ]
    return []
