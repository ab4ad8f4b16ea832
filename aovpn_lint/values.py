"""Value validation for ProfileXML elements, by the kind the schema gives them.

Each checker returns None for a valid value or a message saying what is wrong and what to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aovpn_lint.ipfast import is_ip, parse_ip
from aovpn_lint.model import Node
from aovpn_lint.profile import BOOLEAN_SPELLINGS
from aovpn_lint.schema import Facts, Spec

_BOOLS = BOOLEAN_SPELLINGS
_PORT_ITEM = r"^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$"  # compiled on first use (re caches it)


def check_value(spec: Spec, node: Node) -> str | None:
    checker = _CHECKERS.get(spec.kind)
    if checker is None:
        return None
    return checker(spec, node)


Verdict = tuple[Node, Spec, "str | None", "str | None"]
_NOTHING = (None, None)
#: (id(spec), raw value) -> (spec, (problem, preferred spelling)); the spec is kept so that its id
#: cannot be reused. Bounded: cleared when full, so memory does not grow with the files linted.
_MEMO: dict[tuple[int, str], tuple[Spec, tuple[str | None, str | None]]] = {}
_MEMO_LIMIT = 4096


def verdict(spec: Spec, node: Node) -> tuple[str | None, str | None]:
    """(check_value's problem, canonical_spelling's preferred spelling) for a node with a value.

    Both depend only on the spec and the value (except for PrefixSize, which looks at its
    Address, and addresses, which have their own cache), so repeated values are answered from a
    small memo.
    """
    kind = spec.kind
    checker = _CHECKERS.get(kind)
    if checker is None:
        return _NOTHING
    if kind == "ip" or kind == "prefix":
        return checker(spec, node), None
    key = (id(spec), node.value or "")
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    text = node.text
    result = (checker(spec, node),
              canonical_spelling(spec, text) if kind == "bool" or kind == "enum" else None)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = (spec, result)
    return result


def verdicts(facts: Facts) -> list[Verdict]:
    """(node, spec, problem, preferred) for every known element with a value, in walk order;
    computed once per document and shared by the value rules."""
    found = facts.derived.get("verdicts")
    if found is None:
        found = facts.derived["verdicts"] = [(node, spec, *verdict(spec, node))
                                              for node, spec in facts.valued]
    return found  # type: ignore[return-value]


def _bool(spec: Spec, node: Node) -> str | None:
    if node.text.lower() in _BOOLS:
        return None
    return f"{spec.name} must be 'true' or 'false', not {_shown(node.text)}"


def _enum(spec: Spec, node: Node) -> str | None:
    lowered = {v.lower() for v in spec.values}
    if node.text.lower() in lowered:
        return None
    choices = ", ".join(dict.fromkeys(_preferred(spec.values)))
    return f"{spec.name} must be one of {choices}, not {_shown(node.text)}"


def _preferred(values: tuple[str, ...]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


def _int(spec: Spec, node: Node) -> str | None:
    text = node.text
    if not (text.isascii() and text.isdigit()) or not (spec.lo <= int(text) <= spec.hi):
        return f"{spec.name} must be a whole number from {spec.lo} to {spec.hi}, not {_shown(text)}"
    return None


def _ip(spec: Spec, node: Node) -> str | None:
    if not is_ip(node.text):
        return (
            f"{spec.name} must be an IPv4 or IPv6 address such as 10.0.0.0, not {_shown(node.text)}"
            + (" (put the prefix length in PrefixSize)" if "/" in node.text else "")
        )
    return None


def _prefix(spec: Spec, node: Node) -> str | None:
    text = node.text
    if text.isascii() and text.isdigit() and int(text) <= 32:
        return None  # valid for both address families
    address = node.parent.text_of("Address") if node.parent is not None else None
    limit, family = 128, "an IPv6"
    parsed = parse_ip(address) if address is not None else None
    if parsed is not None and parsed[0] == 4:
        limit, family = 32, "an IPv4"
    if not (text.isascii() and text.isdigit()) or int(text) > limit:
        return f"PrefixSize must be a number from 0 to {limit} for {family} route, not {_shown(text)}"
    return None


def _iplist(spec: Spec, node: Node) -> str | None:
    bad = [item.strip() for item in node.text.split(",") if not is_ip(item.strip())]
    if bad or not node.text:
        return (
            f"{spec.name} must be a comma-separated list of IP addresses; "
            f"{_shown(bad[0] if bad else node.text)} is not an IP address"
        )
    return None


def _portranges(spec: Spec, node: Node) -> str | None:
    for item in node.text.split(","):
        match = re.match(_PORT_ITEM, item.strip())
        if match is None:
            return f"{spec.name} must list ports or ranges such as '80,443,8000-8080'; {_shown(item.strip())} is not one"
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high > 65535 or low > high:
            return f"{spec.name} has an invalid port range {_shown(item.strip())}; ports run from 0 to 65535, low to high"
    return None


def _addressranges(spec: Spec, node: Node) -> str | None:
    for item in node.text.split(","):
        if not _is_address_range(item.strip()):
            return (
                f"{spec.name} must list addresses, CIDR prefixes (10.0.0.0/8) or ranges "
                f"(10.0.0.1-10.0.0.9); {_shown(item.strip())} is none of these"
            )
    return None


def _proxy(spec: Spec, node: Node) -> str | None:
    entries = [item.strip() for item in node.text.replace(";", ",").split(",") if item.strip()]
    if len(entries) > 1:
        return (f"{spec.name} lists {len(entries)} proxies but Windows supports only one web proxy "
                f"per namespace; keep one, for example '{entries[0]}'")
    if not entries:
        return f"{spec.name} is empty; name one proxy server or remove the element"
    return None


def _is_address_range(text: str) -> bool:
    if "/" in text:
        import ipaddress  # imported on first use, like in ipfast

        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            return False
        return True
    if "-" in text:
        low, _, high = text.partition("-")
        first, last = parse_ip(low.strip()), parse_ip(high.strip())
        return first is not None and last is not None and first[0] == last[0] and first <= last
    return is_ip(text)


def _shown(text: str) -> str:
    if text == "":
        return "an empty value"
    return f"'{text[:60]}{'...' if len(text) > 60 else ''}'"


_CHECKERS: dict[str, Callable[[Spec, Node], str | None]] = {
    "bool": _bool,
    "enum": _enum,
    "int": _int,
    "ip": _ip,
    "prefix": _prefix,
    "iplist": _iplist,
    "portranges": _portranges,
    "addressranges": _addressranges,
    "proxy": _proxy,
}


def canonical_spelling(spec: Spec, text: str) -> str | None:
    """For a valid enum/boolean written in a non-documented case, the documented spelling."""
    if spec.kind == "bool":
        low = text.lower()
        return low if low in _BOOLS and text != low else None
    if spec.kind == "enum" and text not in spec.values:
        for value in spec.values:
            if value.lower() == text.lower():
                return value
    return None
