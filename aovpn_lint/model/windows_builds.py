"""Windows builds: the release names a configuration may give as ``target-windows``, and the
build from which each ProfileXML element takes effect. The one place these facts live: AOV107
reads them, its documentation (``aovpn-lint explain AOV107``) is generated from them, and the
schema's source labels for elements newer than the XSD quote them.

The element builds follow the "Windows builds" table of the product's domain notes: where the
CSP's applicability table and field reports disagree, the later build is used and both are cited.
Older clients ignore an element they do not know.

Release names: Windows 10 and Windows 11 share ``21H2`` and ``22H2``. A bare ``21H2``/``22H2``
means Windows 11 (22000 / 22621), as the CSP's applicability table writes it; write
``10-22H2`` (or ``Windows 10 22H2``) for the Windows 10 release. A build number (``19045``,
``10.0.19045``) is always exact.
"""

from __future__ import annotations

import re

#: Windows 10 release name -> build
WINDOWS_10 = {
    "1507": 10240,
    "1511": 10586,
    "1607": 14393,
    "1703": 15063,
    "1709": 16299,
    "1803": 17134,
    "1809": 17763,
    "1903": 18362,
    "1909": 18363,
    "2004": 19041,
    "20H1": 19041,
    "20H2": 19042,
    "21H1": 19043,
    "21H2": 19044,
    "22H2": 19045,
}
#: Windows 11 release name -> build
WINDOWS_11 = {"21H2": 22000, "22H2": 22621, "23H2": 22631, "24H2": 26100, "25H2": 26200}


class Since:
    """One row of the builds table: the elements (paths below ``VPNProfile``), the build they
    need, what the CSP and the field say, and the value that equals Windows' default (an older
    client ignoring an element set to its default changes nothing)."""

    __slots__ = ("paths", "build", "csp", "field", "defaults")

    def __init__(
        self,
        paths: tuple[str, ...],
        build: int,
        csp: str,
        field: str = "",
        defaults: dict[str, str] | None = None,
    ) -> None:
        self.paths = paths
        self.build = build
        self.csp = csp
        self.field = field
        self.defaults = defaults or {}


#: ProfileXML itself: delivered through the VPNv2 CSP's ProfileXML node from 1607
PROFILEXML = 14393
#: a force tunnel with exclusion routes (not an element: a combination)
FORCE_TUNNEL_EXCLUSIONS = Since(
    ("Route/ExclusionRoute",), 17134, "", "1803 + KB4493437 / 1809 + KB4490481"
)

ELEMENTS: tuple[Since, ...] = (
    Since(
        (
            "NativeProfile/CryptographySuite",
            "NativeProfile/DisableClassBasedDefaultRoute",
            "Route/ExclusionRoute",
            "Route/Metric",
            "DomainNameInformation/AutoTrigger",
            "DomainNameInformation/Persistent",
            "DeviceCompliance",
        ),
        14393,
        "1607 (14393)",
        defaults={"ExclusionRoute": "false", "AutoTrigger": "false", "Persistent": "false"},
    ),
    Since(
        ("DeviceTunnel", "RegisterDNS"),
        16299,
        "1709 (16299)",
        defaults={"DeviceTunnel": "false", "RegisterDNS": "false"},
    ),
    Since(
        ("TrafficFilter/Direction", "NativeProfile/PlumbIKEv2TSAsRoutes"),
        19041,
        "2004 (19041)",
        defaults={"Direction": "Outbound"},
    ),
    Since(
        ("RequireVpnClientAppUI", "NativeProfile/ProtocolList"),
        22000,
        "Insider builds 19628 / 20207",
    ),
    Since(
        ("DisableDisconnectButton", "DisableAdvancedOptionsEditButton"),
        22621,
        "21H2 (22000)",
        "22H2 (22621), Hicks and DPC",
        defaults={"DisableDisconnectButton": "false", "DisableAdvancedOptionsEditButton": "false"},
    ),
    Since(
        (
            "IPv4InterfaceMetric",
            "IPv6InterfaceMetric",
            "NetworkOutageTime",
            "UseRasCredentials",
            "DataEncryption",
            "PrivateNetwork",
            "DisableIKEv2Fragmentation",
        ),
        26100,
        "21H2 (22000)",
        "24H2 (26100), Hicks' samples since 2025",
        defaults={"UseRasCredentials": "true", "DisableIKEv2Fragmentation": "false"},
    ),
)


def since(path: str) -> Since | None:
    """The row for an element path below VPNProfile (``Route/Metric``), or None."""
    for row in ELEMENTS:
        if path in row.paths:
            return row
    return None


def release_of(build: int) -> str:
    """The release name of a build ('Windows 11 24H2'), or 'build N' for an unnamed one."""
    for name, number in WINDOWS_11.items():
        if number == build:
            return f"Windows 11 {name}"
    for name, number in WINDOWS_10.items():
        if number == build and name != "20H1":
            return f"Windows 10 {name}"
    return f"build {build}"


_TARGET = re.compile(r"^(?:(?:windows|win)\s*-?\s*)?(?:(10|11)\s*[-_ ]\s*)?(\d{4}|\d\d[Hh]\d)$")


def parse_target(text: str | int) -> int:
    """The build of a ``target-windows`` value: a release name (``1809``, ``21H2``, ``22H2``,
    ``24H2``, ``Windows 10 22H2``, ``10-22H2``) or a build number (``19045``, ``10.0.19045``).

    Raises ValueError with the accepted forms when the value is none of these."""
    raw = str(text).strip()
    build = re.fullmatch(r"(?:10\.0\.)?(\d{5})(?:\.\d+)?", raw)
    if build:
        return int(build.group(1))
    match = _TARGET.match(raw.lower().replace("windows ", "windows"))
    if match:
        family, name = match.group(1), match.group(2).upper()
        if family == "10" and name in WINDOWS_10:
            return WINDOWS_10[name]
        if family != "10" and name in WINDOWS_11:
            return WINDOWS_11[name]
        if family is None and name in WINDOWS_10:
            return WINDOWS_10[name]
    raise ValueError(
        f"target-windows '{raw}' is not a Windows release or build; write a release such as "
        "'1809', '22H2', '24H2' or '10-22H2' (Windows 10), or a build number such as 19045"
    )


def markdown() -> str:
    """The builds table for rule documentation."""
    lines = ["| element(s) | CSP says | field says | used |", "|---|---|---|---|"]
    for row in (*ELEMENTS[:2], FORCE_TUNNEL_EXCLUSIONS, *ELEMENTS[2:]):
        what = (
            "force tunnel with exclusion routes"
            if row is FORCE_TUNNEL_EXCLUSIONS
            else ", ".join(f"`{p}`" for p in row.paths)
        )
        lines.append(
            f"| {what} | {row.csp} | {row.field} | {row.build} ({release_of(row.build)}) |"
        )
    return "\n".join(lines)
