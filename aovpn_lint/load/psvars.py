"""Variables of a PowerShell script whose value is a plain literal, known without running it.

A deployment script often sets its values first and interpolates them into the ProfileXML
later (``$Routing = 'ForceTunnel'`` ... ``"<RoutingPolicyType>$Routing</RoutingPolicyType>"``).
A variable is *resolved* when every one of these holds, else it stays unknown (never guessed):

* it is assigned exactly once in the script (any letter case, with or without a ``script:``,
  ``global:``, ``local:`` or ``private:`` scope), before the place it is used;
* that assignment is a whole statement whose value is a plain literal: a single-quoted string or
  here-string, a double-quoted one without ``$`` expansion, a decimal integer written as
  PowerShell prints it, ``$true`` or ``$false`` (which print as ``True`` and ``False``);
* no type other than ``[string]`` is put on it (``[bool]$x = 'false'`` holds ``$true``);
* the use lies inside the block (``{ ... }``) the assignment is in, so an assignment in a branch
  or loop body does not count outside it;
* nothing else can set it: no ``foreach`` loop variable, ``++``/``--``, compound assignment,
  ``Set-Variable``/``New-Variable``, ``[ref]``, ``-OutVariable`` of that name, and no
  dot-sourced script or ``Invoke-Expression`` between the assignment and the use.

A ``param()`` default is resolved too (``param([string]$Server = 'vpn.contoso.com')``): scripts
deployed by Intune or a management tool run without arguments, so the default is what clients
get. The loader says so in its AOV603 note, since a value passed on the command line is not
checked. A parameter without a default, or with an expression as its default, is unknown.

Everything is read from the script's code with strings and comments blanked out, in a few
linear passes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class PieceLike(Protocol):
    kind: str  # "text", "escape" or "expr"
    text: str
    start: int
    end: int


class LiteralLike(Protocol):
    """What this module needs of the scanner's string literals (``load/powershell.py``)."""

    kind: str
    start: int
    end: int

    @property
    def pieces(self) -> Sequence[PieceLike]: ...


@dataclass(frozen=True, slots=True)
class ValuePiece:
    """A piece of a resolved value: ``text`` copied from the script at ``start`` (``verbatim``)
    or standing for the escape or token at ``start``..``end``."""

    text: str
    start: int
    end: int
    verbatim: bool


@dataclass(frozen=True, slots=True)
class Value:
    """What a resolved variable holds, and where in the script its characters are."""

    name: str
    pieces: tuple[ValuePiece, ...]
    #: set for a ``param()`` default (a value passed at run time would replace it)
    parameter: bool

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


_SCOPES = ("script:", "global:", "local:", "private:")
#: automatic variables that hold a fixed value
_CONSTANTS = {"true": "True", "false": "False"}
#: automatic variables that are no parameter and never a user's value
_AUTOMATIC = frozenset({"true", "false", "null", "_", "psitem", "args", "this", "input"})
_NAME = r"(?:\{(?P<braced>[^{}\r\n]{1,200})\}|(?P<plain>(?:[A-Za-z]+:)?\w+))"
_ASSIGNMENT = re.compile(r"(?<![\w`$])\$" + _NAME + r"[ \t]*(?P<op>[-+*/%]?=|\?\?=)(?!=)")
_INCREMENT = re.compile(
    r"(?:\+\+|--)\$"
    + _NAME
    + r"|(?<![\w`$])\$"
    + _NAME.replace("?P<", "?P<i")
    + r"[ \t]*(?:\+\+|--)"
)
_REFERENCE = re.compile(r"(?<![\w`$])\$" + _NAME)
_FOREACH = re.compile(r"\bforeach\s*\(\s*\$" + _NAME + r"\s+in\b", re.I)
_BY_NAME = re.compile(
    r"\b(?:Set-Variable|New-Variable|sv)\s+(?:-Name\s+)?['\"]?(?P<plain>\w+)"
    r"|-(?:OutVariable|ov|PipelineVariable|pv|ErrorVariable|ev|WarningVariable|wv)\s*:?\s*['\"]?(?P<out>\w+)"
    r"|\[ref\]\s*\$(?P<ref>\w+)",
    re.I,
)
#: code that can set any variable: a dot-sourced script, Invoke-Expression
_OPAQUE = re.compile(r"(?:^|[;{(\s])\.[ \t]+[^\s=]|\b(?:Invoke-Expression|iex)\b", re.I | re.M)
_PARAM = re.compile(r"\bparam\s*\(", re.I)
_TYPE_BEFORE = re.compile(r"\[(?P<type>[\w.]+(?:\[\])?)\]\s*$")
_STRING_TYPES = frozenset({"string", "system.string"})
#: what may follow a literal value for the assignment to be a whole statement
_END = re.compile(r"[ \t]*(?:[;}\r\n]|\Z)")
_END_IN_PARAM = re.compile(r"\s*[,)]")
_SPACE_AFTER = re.compile(r"(?:\s|`\r?\n)*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})(?![\w.])")
_CONSTANT = re.compile(r"\$(true|false)\b", re.I)
#: the ways a string refers to a variable: $Name, ${Name}, $($Name)
_USE = re.compile(r"\$(?:\(\s*\$" + _NAME + r"\s*\)|" + _NAME.replace("?P<", "?P<u") + ")")


def variable_key(written: str) -> str | None:
    """The variable a name written after '$' stands for (scope and case folded), or None for a
    drive-qualified one (``env:``, ``using:``...)."""
    name = written.lower()
    for scope in _SCOPES:
        if name.startswith(scope):
            return name[len(scope) :]
    return None if ":" in name else name


@dataclass(frozen=True, slots=True)
class _Assignment:
    at: int
    value: Value | None  # None: not a plain literal
    parameter: bool  # inside a param() block
    rhs: int  # where the assigned expression starts (-1: not a plain '=')


#: the block around the whole script
_TOP = (-1, 1 << 62)


class Variables:
    """The script's variables and their literal values, for :meth:`resolve`.

    ``code`` is the script with strings and comments blanked out (a literal keeps one quote at
    its start), ``literals`` the scanner's string literals, ``closing`` each '(' of ``code``
    and its ')'.
    """

    def __init__(self, code: str, literals: Sequence[LiteralLike], closing: dict[int, int]) -> None:
        self._code = code
        self._literals = {lit.start: lit for lit in literals}
        self._params = _parameter_spans(code, closing)
        self._opaque = [m.start() for m in _OPAQUE.finditer(code)]
        self._assigned: dict[str, list[_Assignment]] = {}
        found = self._collect()
        self._blocks = _enclosing(code, sorted({at for _name, at, _value, _rhs in found}))
        for key, at, value, rhs in found:
            assignment = _Assignment(at, value, self._in_param(at), rhs)
            self._assigned.setdefault(key, []).append(assignment)

    # --- collection ------------------------------------------------------------------------
    def _collect(self) -> list[tuple[str, int, Value | None, int]]:
        """Every place that sets a variable: (variable, offset, literal value or None, where
        the assigned expression starts or -1)."""
        code = self._code
        found: list[tuple[str, int, Value | None, int]] = []

        def add(name: str | None, at: int, value: Value | None = None, rhs: int = -1) -> None:
            key = variable_key(name) if name else None
            if key is not None and key not in _AUTOMATIC:
                found.append((key, at, value, rhs))

        for match in _ASSIGNMENT.finditer(code):
            name = match.group("braced") or match.group("plain")
            value = None
            rhs = -1
            if match.group("op") == "=":
                value = self._literal_value(name, match.start(), match.end())
                rhs = _SPACE_AFTER.match(code, match.end()).end()  # type: ignore[union-attr]
            add(name, match.start(), value, rhs)
        for match in _INCREMENT.finditer(code):
            add(_first(match), match.start())
        for match in _FOREACH.finditer(code):
            add(_first(match), match.start())
        for match in _BY_NAME.finditer(code):
            add(_first(match), match.start())
        for start, end in self._params:  # a parameter without a default sets it too
            for match in _REFERENCE.finditer(code, start, end):
                if not _ASSIGNMENT.match(code, match.start(), end):
                    add(_first(match), match.start())
        return found

    def _literal_value(self, name: str, at: int, after: int) -> Value | None:
        code = self._code
        in_param = self._in_param(at)
        cast = _TYPE_BEFORE.search(code, max(0, at - 80), at)
        if cast and cast.group("type").lower() not in _STRING_TYPES:
            return None
        start = _SPACE_AFTER.match(code, after).end()  # type: ignore[union-attr]
        end_re = _END_IN_PARAM if in_param else _END
        literal = self._literals.get(start)
        if literal is not None:
            if (
                not end_re.match(code, literal.end)
                or any(p.kind == "expr" for p in literal.pieces)
                or not _terminated(literal, code)
            ):
                return None
            pieces = tuple(
                ValuePiece(p.text, p.start, p.end, p.kind == "text") for p in literal.pieces
            )
            return Value(name, pieces, in_param)
        number = _NUMBER.match(code, start)
        if number and end_re.match(code, number.end()):
            return Value(name, (ValuePiece(number.group(), start, number.end(), True),), in_param)
        constant = _CONSTANT.match(code, start)
        if constant and end_re.match(code, constant.end()):
            text = _CONSTANTS[constant.group(1).lower()]
            return Value(name, (ValuePiece(text, start, constant.end(), False),), in_param)
        return None

    def _in_param(self, at: int) -> bool:
        index = bisect_right(self._params, (at, 1 << 62)) - 1
        return index >= 0 and self._params[index][0] <= at < self._params[index][1]

    # --- questions -------------------------------------------------------------------------
    def resolve(self, expression: str, at: int) -> Value | None:
        """The value of ``$Name``, ``${Name}`` or ``$($Name)`` used at ``at``, if it is known."""
        key = used_variable(expression)
        if key is None:
            return None
        if key in _CONSTANTS:
            piece = ValuePiece(_CONSTANTS[key], at, at + len(expression), False)
            return Value(expression, (piece,), False)
        only = self._only(key, at)
        return only.value if only is not None else None

    def expression_of(self, expression: str, at: int) -> int | None:
        """Where the expression assigned to the variable used at ``at`` starts, when it is set
        once by a plain '=' (for a path such as ``$File = Join-Path $PSScriptRoot 'p.xml'``)."""
        key = used_variable(expression)
        only = self._only(key, at) if key is not None else None
        return only.rhs if only is not None and only.rhs >= 0 else None

    def _only(self, key: str, at: int) -> _Assignment | None:
        """The one assignment of ``key`` in effect at ``at``, if there is exactly one."""
        assigned = self._assigned.get(key, [])
        if len(assigned) != 1:
            return None
        only = assigned[0]
        start, end = self._blocks[only.at]
        if not (only.at < at and start < at < end):
            return None  # used before it is set, or outside the branch or loop that sets it
        opaque = bisect_left(self._opaque, only.at)
        if opaque < len(self._opaque) and self._opaque[opaque] < at:
            return None  # a dot-sourced script or Invoke-Expression may have changed it
        return only

    def is_parameter(self, expression: str) -> bool:
        """Whether the variable ``expression`` refers to is a parameter of the script."""
        key = used_variable(expression)
        return any(a.parameter for a in self._assigned.get(key or "", []))


def _first(match: re.Match[str]) -> str | None:
    return next((group for group in match.groups() if group), None)


def used_variable(expression: str) -> str | None:
    """The variable ``$Name``, ``${Name}`` or ``$($Name)`` refers to (see :func:`variable_key`)."""
    match = _USE.fullmatch(expression)
    return variable_key(_first(match) or "") if match else None


def _terminated(literal: LiteralLike, code: str) -> bool:
    """A literal that runs to the end of the script is a typo, not a value."""
    return literal.end < len(code) or literal.kind.startswith("here-string")


def _enclosing(code: str, positions: list[int]) -> dict[int, tuple[int, int]]:
    """The innermost ``{ }`` around each of the sorted ``positions`` (two linear passes)."""
    close: dict[int, int] = {}
    stack: list[int] = []
    braces = [(m.start(), m.group()) for m in re.finditer(r"[{}]", code)]
    for at, brace in braces:
        if brace == "{":
            stack.append(at)
        elif stack:
            close[stack.pop()] = at
    result: dict[int, tuple[int, int]] = {}
    stack = []
    index = 0
    for at, brace in [*braces, (len(code) + 1, "")]:
        while index < len(positions) and positions[index] < at:
            opened = stack[-1] if stack else None
            result[positions[index]] = (
                _TOP if opened is None else (opened, close.get(opened, _TOP[1]))
            )
            index += 1
        if brace == "{":
            stack.append(at)
        elif brace == "}" and stack:
            stack.pop()
    return result


def _parameter_spans(code: str, closing: dict[int, int]) -> list[tuple[int, int]]:
    """The inside of each ``param( ... )`` block, in order."""
    spans = []
    for match in _PARAM.finditer(code):
        open_at = match.end() - 1
        close = closing.get(open_at)
        if close is not None:
            spans.append((open_at + 1, close))
    return spans
