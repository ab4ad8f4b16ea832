"""Value validation for ProfileXML elements, by the kind the schema gives them.

Each checker returns None for a valid value or a message saying what is wrong and what to write.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from aovpn_lint.model.ipfast import is_ip, parse_ip
from aovpn_lint.model.profile import BOOLEAN_SPELLINGS
from aovpn_lint.model.schema import Spec

_BOOLS = BOOLEAN_SPELLINGS
_PORT_ITEM = r"^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$"  # compiled on first use (re caches it)


Verdict = tuple[str | None, str | None]
_NOTHING: Verdict = (None, None)
#: (id(spec), raw value) -> (spec, verdict); the spec is kept so that its id cannot be reused.
#: Bounded: cleared when full, so memory does not grow with the files linted.
_MEMO: dict[tuple[int, str], tuple[Spec, Verdict]] = {}
_MEMO_LIMIT = 4096


def verdict(spec: Spec, value: str, address: str | None = None) -> Verdict:
    """(problem, preferred spelling) for the raw text ``value`` of an element with ``spec``:
    what is wrong with it (AOV102), or the documented spelling of a valid enum value written in
    another letter case (AOV106). A boolean in another case (``True``) is a problem, not a
    spelling: xs:boolean allows only ``true``, ``false``, ``1`` and ``0``. ``address`` is the
    Address beside a PrefixSize.

    Except for PrefixSize (whose limit depends on the Address), the verdict depends only on the
    spec and the value, so repeated values are answered from a small memo.
    """
    kind = spec.kind
    if kind == "prefix":
        return _prefix(value.strip(), address), None
    checker = _CHECKERS.get(kind)
    if checker is None:
        if spec.name == "Servers" and not value.strip():
            return "Servers is empty; name the VPN server's public DNS name", None
        return _NOTHING
    key = (id(spec), value)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    text = value.strip()
    result = (checker(spec, text), canonical_spelling(spec, text) if kind == "enum" else None)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = (spec, result)
    return result


def _bool(spec: Spec, text: str) -> str | None:
    if text in _BOOLS:
        return None
    low = text.lower()
    if low in _BOOLS:
        # Microsoft's Always On VPN guide: another case of 'true' leaves the profile partially
        # configured; xs:boolean has no other spellings
        return (
            f"{spec.name} is {_shown(text)}, not a valid boolean (only true, false, 1 and 0; "
            f"another case can leave the profile partially configured); write lower-case '{low}'"
        )
    return f"{spec.name} must be 'true' or 'false', not {_shown(text)}"


def _enum(spec: Spec, text: str) -> str | None:
    lowered = {v.lower() for v in spec.values}
    if text.lower() in lowered:
        return None
    choices = ", ".join(dict.fromkeys(_preferred(spec.values)))
    return f"{spec.name} must be one of {choices}, not {_shown(text)}"


def _preferred(values: tuple[str, ...]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


def _number(text: str) -> int | None:
    """A whole number written in ASCII digits, None otherwise. Bounded: a crafted 5,000-digit
    value must not reach int() (Python refuses over 4,300 digits, and no value here needs 19)."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def _int(spec: Spec, text: str) -> str | None:
    number = _number(text)
    if number is None or not (spec.lo <= number <= spec.hi):
        return f"{spec.name} must be a whole number from {spec.lo} to {spec.hi}, not {_shown(text)}"
    return None


def _ip(spec: Spec, text: str) -> str | None:
    if not is_ip(text):
        return (
            f"{spec.name} must be an IPv4 or IPv6 address such as 10.0.0.0, not {_shown(text)}"
            + (" (put the prefix length in PrefixSize)" if "/" in text else "")
        )
    return None


def _prefix(text: str, address: str | None) -> str | None:
    number = _number(text)
    if number is not None and number <= 32:
        return None  # valid for both address families
    limit, family = 128, "an IPv6"
    parsed = parse_ip(address) if address is not None else None
    if parsed is not None and parsed[0] == 4:
        limit, family = 32, "an IPv4"
    if number is None or number > limit:
        return (
            f"PrefixSize must be a number from 0 to {limit} for {family} route, not {_shown(text)}"
        )
    return None


def _iplist(spec: Spec, text: str) -> str | None:
    value = text.strip()
    if not value:
        return None  # an empty DnsServers is AOV801's: the element should be removed
    items = value.split(",")
    bad = [item.strip() for item in items if not is_ip(item.strip())]
    if bad:
        return (
            f"{spec.name} must be a comma-separated list of IP addresses; "
            f"{_shown(bad[0])} is not an IP address"
        )
    if any(item != item.strip() for item in items):
        # field reports: spaces after the commas break the NRPT rule
        return (
            f"{spec.name} holds spaces between its addresses, which break the rule; write "
            f"{_shown(','.join(item.strip() for item in items))}"
        )
    return None


def _portranges(spec: Spec, text: str) -> str | None:
    for item in text.split(","):
        match = re.match(_PORT_ITEM, item.strip())
        if match is None:
            return (
                f"{spec.name} must list ports or ranges such as '80,443,8000-8080'; "
                f"{_shown(item.strip())} is not one"
            )
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high > 65535 or low > high:
            return (
                f"{spec.name} has an invalid port range {_shown(item.strip())}; "
                "ports run from 0 to 65535, low to high"
            )
    return None


def _addressranges(spec: Spec, text: str) -> str | None:
    for item in text.split(","):
        if not _is_address_range(item.strip()):
            return (
                f"{spec.name} must list addresses, CIDR prefixes (10.0.0.0/8) or ranges "
                f"(10.0.0.1-10.0.0.9); {_shown(item.strip())} is none of these"
            )
    return None


def _proxy(spec: Spec, text: str) -> str | None:
    entries = [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    if len(entries) > 1:
        return (
            f"{spec.name} lists {len(entries)} proxies but Windows supports only one web proxy "
            f"per namespace; keep one, for example '{entries[0]}'"
        )
    if not entries:
        return f"{spec.name} is empty; name one proxy server or remove the element"
    return None


def _is_address_range(text: str) -> bool:
    if "/" in text:
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


_CHECKERS: dict[str, Callable[[Spec, str], str | None]] = {
    "bool": _bool,
    "enum": _enum,
    "int": _int,
    "ip": _ip,
    "iplist": _iplist,
    "portranges": _portranges,
    "addressranges": _addressranges,
    "proxy": _proxy,
}


def canonical_spelling(spec: Spec, text: str) -> str | None:
    """For a valid enum written in a non-documented case, the documented spelling. Booleans
    have none: a boolean in another case is invalid (AOV102), not a spelling variant."""
    if spec.kind == "enum" and text not in spec.values:
        for value in spec.values:
            if value.lower() == text.lower():
                return value
    return None
