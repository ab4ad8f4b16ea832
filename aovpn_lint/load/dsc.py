"""Microsoft365DSC configurations (``*.ps1``): Intune VPN policies written as DSC resources.

Microsoft365DSC keeps an Intune tenant's configuration as a PowerShell DSC ``Configuration``.
Two of its resources carry Always On VPN settings:

* ``IntuneDeviceConfigurationVpnPolicyWindows10``: Intune's VPN template (Graph
  ``windows10VpnConfiguration``) as DSC properties. Each block becomes an
  ``intune-vpn-template`` document whose Node tree has the Graph JSON names (see
  :data:`GRAPH_NAMES`), so the template rules read a DSC block as they read a Graph export.
  ``$True``/``$False`` become booleans, ``$null`` null; strings (single-quoted with ``''``,
  double-quoted with backtick escapes, here-strings), numbers, arrays ``@(...)`` and CIM instances
  ``MSFT_MicrosoftGraphvpnServer{ ... }`` keep their shape, and every node's span is the exact
  text of the ``.ps1`` (a value's span is the literal's content, inside its quotes).
* ``IntuneDeviceConfigurationCustomPolicyWindows10``: its ``OmaSettings`` whose ``OmaUri`` is a
  VPNv2 ``ProfileXML`` node (or whose ``Value`` holds a ``<VPNProfile>``) become profile
  documents located in the ``.ps1``; the OMA-URI travels with them (AOV604, AOV605).

A value only known when the configuration is compiled (``$ConfigurationData...``, a variable, a
sub-expression) is never guessed: its node is unresolved and AOV603 notes it. The credentials
Microsoft365DSC passes to every resource (``ApplicationId``, ``TenantId``...) are not part of the
VPN policy and are skipped; a block with ``Ensure = 'Absent'`` removes the policy and is not
linted. The rest of the file is read as a deployment script (a ProfileXML here-string assigned
before the configuration is still linted).
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from aovpn_lint.load import powershell
from aovpn_lint.load.dscnames import (
    CONNECTION,
    CUSTOM_RESOURCE,
    GRAPH_NAMES,
    QUIET,
    VPN_RESOURCE,
    graph_name,
)
from aovpn_lint.load.intune import is_profile_uri, items, profile_from_base64, template_payload
from aovpn_lint.load.offsets import PLACEHOLDER, load_embedded
from aovpn_lint.load.powershell import LITERAL_EMBEDDING, Literal, Scanner
from aovpn_lint.load.profilexml import Loaded
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
from aovpn_lint.model.tree import Node, NodeKind, Span

#: run-time values noted one by one per resource; the rest are counted in one note
MAX_NOTES = 20
#: values (properties, items) the VPN blocks of one file may hold, as for a JSON export: each is a
#: located Node, and a 10 MB '@(1,1,1,...)' would otherwise build millions
MAX_VALUES = 500_000
_MAX_DEPTH = 64
_RESOURCE = re.compile(rf"\b({VPN_RESOURCE}|{CUSTOM_RESOURCE})\b", re.I)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD = re.compile(r"[A-Za-z0-9_.\-]+")
_BLANK = re.compile(r"(?:[ \t\f\v\u00a0]|`\r?\n)*")
_BLANK_START = frozenset(" \t\f\v\u00a0`")
_KEYWORD = re.compile(r"\$(true|false|null)\b", re.I)
_VARIABLE = re.compile(r"\$\{[^}\n]*\}|\$(?:[A-Za-z]+:)?[A-Za-z0-9_?]+(?:\.[A-Za-z0-9_]+)*")
_NUMBER = re.compile(r"-?(?:0x[0-9A-Fa-f]+|\d+(?:\.\d+)?)(?![\w.])")
_PROFILE_OPEN = re.compile(r"<VPNProfile[\s/>]", re.I)
_VPN_MENTION = re.compile(r"vpnv2|<vpnprofile", re.I)


def mentions_resource(text: str) -> bool:
    """Cheap test: the text names one of the two DSC resources somewhere."""
    return "intunedeviceconfiguration" in text.lower() and _RESOURCE.search(text) is not None


def load_powershell(text: str, source: Source) -> Loaded:
    """A ``.ps1``: a Microsoft365DSC configuration with VPN resources, else a deployment script."""
    if not mentions_resource(text):
        return powershell.load_script(text, source)
    scanner = Scanner(text).run()
    reader = _Reader(text, source, scanner)
    blocks = reader.blocks()
    if not blocks and not reader.problems:
        return powershell.load_script(text, source)
    documents: list[Document] = []
    for block in blocks:
        documents.extend(reader.documents(block))
    # the rest of the file is a script: the resource blocks are blanked (offsets kept), so a
    # ProfileXML value is not read twice. Without a VPNProfile there the script reader finds
    # nothing, and a tenant-wide export (megabytes of other resources) is not scanned again.
    rest = _blank_out(text, blocks)
    if "vpnprofile" in rest.lower():
        script_docs, script_problems = powershell.load_script(rest, source)
    else:
        no_profile = ScriptInfo((), 0)
        script_docs = [Document(source.path, DocumentKind.SCRIPT, None, source, payload=no_profile)]
        script_problems = []
    script, *embedded = script_docs
    info = script.payload
    assert isinstance(info, ScriptInfo)
    profiles = sum(d.kind is DocumentKind.PROFILE for d in documents)
    gaps = tuple(sorted((*info.gaps, *reader.gaps), key=lambda g: (g.loc.line, g.loc.col)))
    merged = dataclasses.replace(info, gaps=gaps, profiles=info.profiles + profiles)
    script = dataclasses.replace(script, payload=merged, _views={})
    return [script, *documents, *embedded], [*reader.problems, *script_problems]


def _blank_out(text: str, blocks: list[_Block]) -> str:
    pieces, position = [], 0
    for block in blocks:
        pieces.append(text[position : block.start])
        pieces.append(re.sub(r"[^\n]", " ", text[block.start : block.end]))
        position = block.end
    pieces.append(text[position:])
    return "".join(pieces)


# --- reading the resource blocks -----------------------------------------------------------------
@dataclass
class _Block:
    """One resource block: its type, instance name and the tree of its properties."""

    resource: str  # VPN_RESOURCE or CUSTOM_RESOURCE, as spelt in the table above
    name: str
    start: int  # the resource keyword
    end: int  # after the closing brace
    root: Node
    ensure: str = ""
    unresolved: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, property)
    statements: list[ScriptGap] = field(default_factory=list)  # not 'Name = value'


_EMPTY = Node("", None, (), Span(0, 0, 0, 0, 0), Source("", ""), kind=NodeKind.MAPPING)


class _Problem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Reader:
    """Reads the property blocks of a DSC configuration with the script's literals and comments
    (found once by the PowerShell scanner, so quoting and comments are read one way)."""

    def __init__(self, text: str, source: Source, scanner: Scanner) -> None:
        self.s = text
        self.source = source
        self.literals = {lit.start: lit for lit in scanner.literals}
        self.comments = dict(scanner.comments)
        # string literals and comments, in order: a resource name inside one is no resource
        self._skipped = sorted(
            [(lit.start, lit.end) for lit in scanner.literals] + scanner.comments
        )
        self.gaps: list[ScriptGap] = []
        self.problems: list[ParseProblem] = []
        self._unresolved: list[tuple[int, int]] = []
        self._block_state = _Block("", "", 0, 0, _EMPTY)
        self._budget = MAX_VALUES

    # -- the blocks --
    def blocks(self) -> list[_Block]:
        found: list[_Block] = []
        position = 0
        while (match := _RESOURCE.search(self.s, position)) is not None:
            position = match.end()
            if self._in_skipped(match.start()) or not self._at_statement(match.start()):
                continue
            header = self._header(match.end())
            if header is None:
                continue
            name, brace = header
            try:
                block = self._block(match, name, brace)
            except _Problem as problem:
                # a broken custom policy about something else (BitLocker, Defender) is not ours
                if self._about_vpn(match):
                    where = self.source.location(min(problem.offset, len(self.s)))
                    self.problems.append(ParseProblem(where, problem.message))
                break  # the rest of the file is not read reliably after a broken block
            found.append(block)
            position = block.end
        return found

    def _about_vpn(self, match: re.Match[str]) -> bool:
        """A VPN template block, or a custom policy block that mentions VPNv2 or a VPNProfile
        before the next resource."""
        if match.group(1).lower() == VPN_RESOURCE.lower():
            return True
        following = _RESOURCE.search(self.s, match.end())
        end = following.start() if following else len(self.s)
        return _VPN_MENTION.search(self.s, match.end(), end) is not None

    def _in_skipped(self, offset: int) -> bool:
        index = bisect_right(self._skipped, (offset, len(self.s) + 1)) - 1
        return index >= 0 and self._skipped[index][0] <= offset < self._skipped[index][1]

    def _at_statement(self, offset: int) -> bool:
        return offset == 0 or self.s[offset - 1] in " \t\r\n{;"

    def _header(self, i: int) -> tuple[str, int] | None:
        """The instance name after a resource keyword and the offset of the block's '{'."""
        s = self.s
        i = self._blank(i)
        literal = self.literals.get(i)
        if literal is not None:
            start, end = _content(literal)
            name = s[start:end] if PLACEHOLDER in literal.value else literal.value
            i = literal.end
        elif s.startswith("$", i):
            end = self._expression_end(i, " \t\r\n{")
            name, i = s[i:end], end
        else:
            word = _WORD.match(s, i)
            if word is None:
                return None
            name, i = word.group(), word.end()
        i = self._space(i)
        return (name, i) if s.startswith("{", i) else None

    def _block(self, match: re.Match[str], name: str, brace: int) -> _Block:
        is_vpn = match.group(1).lower() == VPN_RESOURCE.lower()
        resource = VPN_RESOURCE if is_vpn else CUSTOM_RESOURCE
        state = self._block_state = _Block(resource, name, match.start(), 0, _EMPTY)
        children, end = self._members(brace + 1, 0, top=True)
        span = Span(match.start(), end, match.start(), match.end(), brace + 1, brace, brace)
        root = Node(resource, None, children, span, self.source, kind=NodeKind.MAPPING)
        return dataclasses.replace(state, end=end, root=root)

    # -- properties --
    def _members(self, i: int, depth: int, top: bool = False) -> tuple[tuple[Node, ...], int]:
        """The ``Name = value`` statements of a block whose '{' is just before ``i``."""
        s, n = self.s, len(self.s)
        members: list[Node] = []
        seen: dict[str, str] = {}
        while True:
            i = self._separators(i)
            if i >= n:
                raise _Problem("this block has no closing '}'; close it", i)
            if s[i] == "}":
                return tuple(members), i + 1
            name = _NAME.match(s, i)
            equals = self._blank(name.end()) if name else i
            if name is None or not s.startswith("=", equals) or s.startswith("==", equals):
                end = self._expression_end(i, "\r\n;}")
                if end == i:  # a ')' or ']' with nothing open
                    raise _Problem(f"unexpected '{s[i]}' in this block; remove it", i)
                self._statement_gap(i, end)
                i = end
                continue
            dsc = name.group()
            key = dsc.lower()
            if key in seen:
                raise _Problem(
                    f"the property '{dsc}' is set twice in this block ('{seen[key]}' above); "
                    "DSC refuses to compile it: keep one",
                    name.start(),
                )
            seen[key] = dsc
            start = self._space(equals + 1)
            if start >= n or s[start] in "};\r\n":
                raise _Problem(f"the property '{dsc}' has no value after '='; give it one", start)
            if top:
                self._unresolved = []
            node = self._property(GRAPH_NAMES.get(key, graph_name(dsc)), name, start, depth)
            i = node.span.end
            if top and key in CONNECTION:  # not part of the policy
                if key == "ensure":
                    self._block_state.ensure = node.text
                continue
            if top:
                self._block_state.unresolved.extend((a, b, dsc) for a, b in self._unresolved)
            members.append(node)

    def _property(self, tag: str, name: re.Match[str], i: int, depth: int) -> Node:
        """A property's value; ``'a', 'b'`` (an array written without ``@()``) is a sequence."""
        node = self._value(tag, name, i, depth, stops="\r\n;,}")
        comma = self._blank(node.span.end)
        if not self.s.startswith(",", comma):
            return node
        cim = node.kind is NodeKind.MAPPING and _NAME.match(self.s, i)
        first = node.span._replace(
            start=i,
            name_start=cim.start() if cim else i,
            name_end=cim.end() if cim else i,
        )
        items = [dataclasses.replace(node, tag="[0]", span=first)]
        while self.s.startswith(",", comma):
            at = self._space(comma + 1)
            items.append(self._value(f"[{len(items)}]", None, at, depth + 1, "\r\n;,}"))
            comma = self._blank(items[-1].span.end)
        end = items[-1].span.end
        span = Span(name.start(), end, name.start(), name.end(), i, i, i)
        return Node(tag, None, tuple(items), span, self.source, kind=NodeKind.SEQUENCE)

    def _value(
        self, tag: str, name: re.Match[str] | None, i: int, depth: int, stops: str = "\r\n;}"
    ) -> Node:
        """The node ``tag`` whose value starts at ``s[i]`` (``name``: its property name, None
        for an array item)."""
        if depth > _MAX_DEPTH:
            raise _Problem("the values are nested too deeply to be a DSC configuration", i)
        self._budget -= 1
        if self._budget < 0:
            raise _Problem(
                f"the VPN resources hold more than {MAX_VALUES:,} values, far more than a "
                "VPN policy; split the configuration",
                i,
            )
        s = self.s
        start, name_start, name_end = (
            (name.start(), name.start(), name.end()) if name else (i, i, i)
        )
        children: tuple[Node, ...] = ()
        unresolved = False
        value: str | None
        mark = len(self._unresolved)
        if (literal := self.literals.get(i)) is not None:
            end, (value_start, value_end) = literal.end, _content(literal)
            kind, value = NodeKind.STRING, literal.value
            exprs = [(p.start, p.end) for p in literal.pieces if p.kind == "expr"]
            if exprs:
                self._unresolved.extend(exprs)
                unresolved, value = True, None
        elif (keyword := _KEYWORD.match(s, i)) is not None:
            word = keyword.group(1).lower()
            end, value_start, value_end = keyword.end(), i, keyword.end()
            kind = NodeKind.NULL if word == "null" else NodeKind.BOOLEAN
            value = "" if word == "null" else word
        elif s.startswith("@(", i):
            children, end = self._items(i + 2, depth + 1)
            kind, value, value_start, value_end = NodeKind.SEQUENCE, None, i, i
        elif s.startswith("@{", i):
            children, end = self._members(i + 2, depth + 1)
            kind, value, value_start, value_end = NodeKind.MAPPING, None, i, i
        elif (number := _NUMBER.match(s, i)) is not None:
            text = number.group()
            value = str(int(text, 16)) if text.lower().startswith(("0x", "-0x")) else text
            kind, end, value_start, value_end = NodeKind.NUMBER, number.end(), i, number.end()
        elif (cim := _NAME.match(s, i)) is not None and s.startswith("{", self._space(cim.end())):
            if name is None:
                name_start, name_end = cim.start(), cim.end()
            children, end = self._members(self._space(cim.end()) + 1, depth + 1)
            kind, value, value_start, value_end = NodeKind.MAPPING, None, i, i
        else:  # a variable, a sub-expression, a command: known when the configuration compiles
            end = self._expression_end(i, stops)
            if end == i:
                raise _Problem(f"unexpected '{s[i]}' where a value was expected", i)
            self._unresolved.append((i, end))
            kind, value, value_start, value_end, unresolved = NodeKind.STRING, None, i, end, True
        after = self._blank(end)
        if after < len(s) and s[after] not in stops + ",)" and after not in self.comments:
            # the value is only the start of an expression ('a' + $b, @(...) -join ',')
            end = self._expression_end(after, stops)
            del self._unresolved[mark:]
            self._unresolved.append((i, end))
            kind, value, children, unresolved = NodeKind.STRING, None, (), True
            value_start, value_end = i, end
        span = Span(start, end, name_start, name_end, i, value_start, value_end)
        return Node(tag, value, children, span, self.source, kind=kind, unresolved=unresolved)

    def _items(self, i: int, depth: int) -> tuple[tuple[Node, ...], int]:
        """The items of ``@( ... )`` (separated by commas, semicolons or line ends)."""
        s, n = self.s, len(self.s)
        items: list[Node] = []
        while True:
            i = self._separators(i, ",")
            if i >= n:
                raise _Problem("this array has no closing ')'; close it", i)
            if s[i] == ")":
                return tuple(items), i + 1
            item = self._value(f"[{len(items)}]", None, i, depth, stops="\r\n;,)")
            items.append(item)
            i = item.span.end

    # -- gaps --
    def _statement_gap(self, start: int, end: int) -> None:
        line_end = self.s.find("\n", start, end)
        stop = end if line_end == -1 else line_end
        detail = self.s[start:stop].strip()[:80]
        loc = self.source.location(start, stop)
        self._block_state.statements.append(ScriptGap(GapKind.DSC_STATEMENT, loc, detail))

    def _value_gaps(self, block: _Block) -> None:
        noted = [u for u in block.unresolved if u[2].lower() not in QUIET]
        for start, end, prop in noted[:MAX_NOTES]:
            detail = self.s[start:end]
            loc = self.source.location(start, end)
            self.gaps.append(ScriptGap(GapKind.DSC_VALUE, loc, detail[:80], (prop,)))
        if len(noted) > MAX_NOTES:
            start = noted[MAX_NOTES][0]
            self.gaps.append(
                ScriptGap(
                    GapKind.DSC_VALUE, self.source.location(start), count=len(noted) - MAX_NOTES
                )
            )

    # -- scanning helpers --
    def _blank(self, i: int) -> int:
        """After blanks and line continuations (not line ends)."""
        if self.s[i : i + 1] not in _BLANK_START:
            return i
        match = _BLANK.match(self.s, i)
        return match.end() if match else i

    def _space(self, i: int) -> int:
        """After blanks, line ends and comments."""
        s, n = self.s, len(self.s)
        while i < n:
            i = self._blank(i)
            if i < n and s[i] in "\r\n":
                i += 1
            elif i in self.comments:
                i = self.comments[i]
            else:
                return i
        return i

    def _separators(self, i: int, more: str = "") -> int:
        s, n = self.s, len(self.s)
        while True:
            i = self._space(i)
            if i < n and (s[i] == ";" or s[i] in more):
                i += 1
                continue
            return i

    def _expression_end(self, i: int, stops: str) -> int:
        """The end of the expression at ``i``: the first of ``stops`` outside brackets, strings
        and comments (a closing bracket of the enclosing block ends it too)."""
        s, n = self.s, len(self.s)
        start, depth = i, 0
        while i < n:
            literal = self.literals.get(i)
            if literal is not None:
                i = literal.end
                continue
            if i in self.comments:
                if depth == 0:
                    break
                i = self.comments[i]
                continue
            c = s[i]
            if c == "`":
                i += 2
                continue
            if depth == 0 and (c in stops or c in ")}"):
                break
            if c in "({[":
                depth += 1
            elif c in ")}]":
                depth -= 1
            i += 1
        i = min(i, n)
        while i > start and s[i - 1] in " \t":
            i -= 1  # the expression ends at its last character, not at the blanks after it
        return i

    # -- documents --
    def documents(self, block: _Block) -> list[Document]:
        if block.ensure.lower() == "absent":
            return []  # the configuration removes this policy
        if block.resource == VPN_RESOURCE:
            self.gaps.extend(block.statements)
            self._value_gaps(block)
            return [self._template(block)]
        if _VPN_MENTION.search(self.s, block.start, block.end):
            self.gaps.extend(block.statements)
        return self._custom(block)

    def _template(self, block: _Block) -> Document:
        root = block.root
        name = root.text_of("displayName") or root.text_of("connectionName") or block.name
        line = self.source.point(block.start)[0]
        container = Container(
            Carrier.DSC, f"Microsoft365DSC {block.resource} '{name}' at line {line}"
        )
        payload = template_payload(root, name)
        unresolved = tuple(node for node in root.iter() if node.unresolved)
        return Document(
            self.source.path,
            DocumentKind.INTUNE_TEMPLATE,
            root,
            self.source,
            container,
            payload,
            unresolved,
        )

    def _custom(self, block: _Block) -> list[Document]:
        """A profile document for each OmaSetting that carries ProfileXML."""
        root = block.root
        settings = root.find("omaSettings")
        if settings is not None and settings.unresolved:
            if _VPN_MENTION.search(self.s, block.start, block.end):
                self._note(settings, "OmaSettings")
            return []
        documents: list[Document] = []
        for setting in items(settings):
            uri, value = setting.find("omaUri"), setting.find("value")
            if value is None or uri is None:
                continue
            literal = self.literals.get(value.span.tag_end)
            if literal is not None and literal.end != value.span.end:
                literal = None  # the literal starts an expression: its value is not known
            holds_profile = literal is not None and _PROFILE_OPEN.search(literal.value)
            # an OMA-URI only known when compiling ("./Device/.../VPNv2/$Name/ProfileXML") still
            # says what it is
            written = self.s[uri.span.value_start : uri.span.value_end]
            if not (is_profile_uri(uri.text or written) or holds_profile):
                continue
            for node in (uri, value):
                if node.unresolved and not (node is value and literal is not None):
                    self._note(node, "OmaUri" if node is uri else "Value")
            if literal is None:
                continue
            documents.extend(self._oma_profile(block, setting, uri, value, literal))
        return documents

    def _note(self, node: Node, prop: str) -> None:
        """Note a run-time value: each ``$...`` of a string, else the whole expression."""
        literal = self.literals.get(node.span.tag_end)
        spans = [(node.span.value_start, node.span.value_end)]
        if literal is not None and literal.end == node.span.end:
            spans = [(p.start, p.end) for p in literal.pieces if p.kind == "expr"] or spans
        for start, end in spans:
            loc = self.source.location(start, end)
            self.gaps.append(ScriptGap(GapKind.DSC_VALUE, loc, self.s[start:end][:80], (prop,)))

    def _oma_profile(
        self, block: _Block, setting: Node, uri: Node, value: Node, literal: Literal
    ) -> list[Document]:
        odata = (setting.text_of("@odata.type") or "").lower()
        oma_uri = None if uri.unresolved else uri.text
        shown = oma_uri or self.s[uri.span.value_start : uri.span.value_end]
        line = self.source.point(value.span.start)[0]
        what = f"Microsoft365DSC OmaSetting '{shown}' of '{block.name}' at line {line}"
        omap = OffsetMap()
        if not _PROFILE_OPEN.search(literal.value) and odata.endswith("omasettingstringxml"):
            decoded = profile_from_base64(literal.value)
            if decoded is None:
                msg = f"the Value of {what} is neither ProfileXML nor base64; paste the ProfileXML"
                self.problems.append(ParseProblem(value.value_loc, msg))
                return []
            start, end = _content(literal)
            omap.produced(decoded, start, end)  # base64: every offset maps to the value
            omap.embed(Embedding.BASE64, start, end)
            what += " (base64)"
        else:
            omap.embed(LITERAL_EMBEDDING[literal.kind], literal.start, literal.end)
            exprs = self._build(omap, literal)
            if exprs:  # one note per profile, as for a script: at the first, naming them all
                names = tuple(self.s[start:end] for start, end in exprs)
                first = self.source.location(*exprs[0])
                gap = ScriptGap(
                    GapKind.RUNTIME_VALUE, first, names=names[:MAX_NOTES], count=len(names)
                )
                self.gaps.append(gap)
        uri_loc = None if uri.unresolved else uri.value_loc
        container = Container(Carrier.DSC, what, oma_uri, literal_line=line, oma_uri_loc=uri_loc)
        docs, problems = load_embedded(omap, self.source, container)
        self.problems.extend(problems)
        return docs

    def _build(self, omap: OffsetMap, literal: Literal) -> list[tuple[int, int]]:
        """The literal's value from its first '<' on, into ``omap``; returns the run-time parts."""
        unresolved: list[tuple[int, int]] = []
        started = False
        for piece in literal.pieces:
            value, start = piece.text, piece.start
            if not started:
                at = value.find("<") if piece.kind == "text" else -1
                if at == -1:
                    continue
                value, start, started = value[at:], start + at, True
            if piece.kind == "text":
                omap.verbatim(value, start)
            else:
                omap.produced(
                    PLACEHOLDER if piece.kind == "expr" else value, piece.start, piece.end
                )
                if piece.kind == "expr":
                    unresolved.append((piece.start, piece.end))
        return unresolved


def _content(literal: Literal) -> tuple[int, int]:
    """Offsets of a literal's content: inside its quotes (a here-string's lines)."""
    if not literal.pieces:
        return literal.start + 1, literal.start + 1
    return literal.pieces[0].start, literal.pieces[-1].end
