"""IP address parsing on the hot path: dotted-quad IPv4 without the ``ipaddress`` machinery.

``ipaddress`` builds objects and validates through several layers; profiles hold hundreds of
routes, so the common IPv4 case is parsed here to an integer and ``ipaddress`` is used for IPv6
and for building network objects from integers (its cheap constructor).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(r"\.".join([_OCTET] * 4)).fullmatch
MAX_PREFIX = {4: 32, 6: 128}


@lru_cache(maxsize=8192)
def parse_ip(text: str) -> tuple[int, int] | None:
    """(version, address as int) for an IPv4 or IPv6 address, None when it is not one.

    Cached: the same address is checked by the value rule, the route model and the inventory."""
    if ":" not in text:
        match = _IPV4(text)  # four ASCII decimal octets 0-255, no leading zeros
        if match is None:
            return None
        a, b, c, d = match.groups()
        return 4, int(a) << 24 | int(b) << 16 | int(c) << 8 | int(d)
    try:
        return 6, int(ipaddress.IPv6Address(text))
    except ValueError:
        return None


def is_ip(text: str) -> bool:
    return parse_ip(text) is not None


def network(version: int, value: int, prefix: int) -> IPNetwork:
    """The network containing ``value``/``prefix`` (host bits cleared)."""
    bits = MAX_PREFIX[version]
    masked = value >> (bits - prefix) << (bits - prefix) if prefix else 0
    if version == 4:
        return ipaddress.IPv4Network((masked, prefix))
    return ipaddress.IPv6Network((masked, prefix))
