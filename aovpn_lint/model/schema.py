"""What the product knows about the ProfileXML schema.

The union of Microsoft's current ProfileXML XSD, the VPNv2 CSP node reference (which documents
Windows 11 elements and value sets the XSD lacks) and spellings that working profiles use. Each
element records where its definition comes from, so rule docs and messages can cite it.

Element order is deliberately not modelled: Windows does not enforce the XSD's sequence and
Microsoft's own samples ignore it.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from aovpn_lint.model.tree import Node
from aovpn_lint.model.windows_builds import release_of, since

XSD = "ProfileXML XSD (VPNv2 CSP)"
CSP = "VPNv2 CSP node reference"
#: documented by the current CSP but absent from the XSD
CSP_NEW = "VPNv2 CSP node reference (not in the XSD)"


def _newer(path: str) -> str:
    """The source label of an element newer than the XSD, with the build it takes effect from
    (aovpn_lint.model.windows_builds, not the CSP's applicability table alone)."""
    row = since(path)
    if row is None:
        return CSP_NEW
    return f"{CSP_NEW}; takes effect from build {row.build} ({release_of(row.build)})"


class Spec:
    """One element: its value type, children, and how often it may appear under its parent.

    ``kind`` is one of string bool enum int ip iplist prefix portranges addressranges proxy
    complex opaque; for an enum, ``values`` are the accepted spellings (the first is the
    preferred one). Specs are built once at import and never change; they compare by identity.
    (A plain class rather than a dataclass: the tree is built on every start-up.)
    """

    __slots__ = (
        "name",
        "kind",
        "children",
        "required",
        "repeat",
        "values",
        "lo",
        "hi",
        "source",
        "by_name",
    )

    def __init__(
        self,
        name: str,
        kind: str = "string",
        children: tuple[Spec, ...] = (),
        required: bool = False,
        repeat: bool = False,
        values: tuple[str, ...] = (),
        lo: int = 0,
        hi: int = 0,
        source: str = XSD,
    ) -> None:
        self.name = name
        self.kind = kind
        self.children = children
        self.required = required
        self.repeat = repeat
        self.values = values
        self.lo = lo
        self.hi = hi
        self.source = source
        self.by_name: dict[str, Spec] = {child.name: child for child in children}

    def __repr__(self) -> str:
        return f"Spec({self.name!r}, {self.kind!r})"

    def child(self, name: str) -> Spec | None:
        return self.by_name.get(name)


def _bool(name: str, source: str = XSD, required: bool = False) -> Spec:
    return Spec(name, "bool", source=source, required=required)


def _enum(name: str, *values: str, source: str = CSP) -> Spec:
    return Spec(name, "enum", values=values, source=source)


def _int(name: str, lo: int, hi: int, source: str = CSP) -> Spec:
    return Spec(name, "int", lo=lo, hi=hi, source=source)


def _s(name: str, source: str = XSD, required: bool = False) -> Spec:
    return Spec(name, source=source, required=required)


UINT32 = 4294967295

_ROUTING = ("SplitTunnel", "ForceTunnel")

_CRYPTO = Spec(
    "CryptographySuite",
    "complex",
    (
        _enum(
            "AuthenticationTransformConstants",
            "MD596",
            "SHA196",
            "SHA256128",
            "GCMAES128",
            "GCMAES192",
            "GCMAES256",
        ),
        _enum(
            "CipherTransformConstants",
            "DES",
            "DES3",
            "AES128",
            "AES192",
            "AES256",
            "GCMAES128",
            "GCMAES192",
            "GCMAES256",
        ),
        _enum("PfsGroup", "None", "PFS1", "PFS2", "PFS2048", "ECP256", "ECP384", "PFSMM", "PFS24"),
        _enum("DHGroup", "None", "Group1", "Group2", "Group14", "ECP256", "ECP384", "Group24"),
        _enum("IntegrityCheckMethod", "MD5", "SHA196", "SHA256", "SHA384"),
        _enum(
            "EncryptionMethod",
            "DES",
            "DES3",
            "AES128",
            "AES192",
            "AES256",
            "AES_GCM_128",
            "AES_GCM_256",
        ),
    ),
)

_AUTHENTICATION = Spec(
    "Authentication",
    "complex",
    (
        # Microsoft documents EAP and MSChapv2; its own samples write "Eap".
        _enum("UserMethod", "Eap", "EAP", "MSChapv2"),
        # Documented value: Certificate. Intune-deployed Windows 11 user tunnels also carry
        # MachineMethod EAP, and Microsoft's SyncML sample sends it: accepted, not flagged.
        _enum("MachineMethod", "Certificate", "Eap", "EAP"),
        Spec(
            "Eap",
            "complex",
            (Spec("Configuration", "opaque", required=True), _int("Type", 0, UINT32)),
        ),
        Spec("Certificate", "complex", (_s("Issuer", CSP), _s("Eku", CSP)), source=CSP),
    ),
    required=True,
)

_PROTOCOL_LIST = Spec(
    "ProtocolList",
    "complex",
    (
        Spec(
            "NativeProtocol",
            "complex",
            (_enum("Type", "Ikev2", "Sstp", "Pptp", "L2tp"),),
            repeat=True,
            source=CSP,
        ),
        Spec(
            "NativeProtocolList",
            "complex",
            (
                Spec(
                    "NativeProtocol",
                    "complex",
                    (_enum("Type", "Ikev2", "Sstp", "Pptp", "L2tp"),),
                    repeat=True,
                    source=CSP,
                ),
            ),
            source=CSP,
        ),
        # The CSP node is RetryTimeInHours; Microsoft's ProfileXML example writes RetryTimeinHours.
        _int("RetryTimeInHours", 0, 500000),
        _int("RetryTimeinHours", 0, 500000),
    ),
    source=_newer("NativeProfile/ProtocolList"),
)

_NATIVE = Spec(
    "NativeProfile",
    "complex",
    (
        _s("Servers", required=True),
        _enum("RoutingPolicyType", *_ROUTING),
        # The XSD marks it optional; the CSP requires it for native profiles.
        Spec(
            "NativeProtocolType",
            "enum",
            required=True,
            source=CSP,
            values=("IKEv2", "SSTP", "Automatic", "PPTP", "L2TP", "ProtocolList"),
        ),
        _s("L2tpPsk"),
        _bool("DisableClassBasedDefaultRoute"),
        _bool("PlumbIKEv2TSAsRoutes"),
        _CRYPTO,
        _AUTHENTICATION,
        _PROTOCOL_LIST,
    ),
)

_ROUTE = Spec(
    "Route",
    "complex",
    (
        Spec("Address", "ip", required=True),
        Spec("PrefixSize", "prefix", required=True),
        _bool("ExclusionRoute"),
        _int("Metric", 0, UINT32, source=XSD),
    ),
    repeat=True,
)

_APP = Spec("App", "complex", (_s("Id", required=True),))

VPN_PROFILE = Spec(
    "VPNProfile",
    "complex",
    (
        _s("ProfileName"),
        _s("EdpModeId"),
        _bool("RememberCredentials"),
        _bool("AlwaysOn"),
        _bool("AlwaysOnActive", CSP),
        _s("DnsSuffix"),
        _s("TrustedNetworkDetection"),
        _bool("DisableAdvancedOptionsEditButton"),
        _bool("DisableDisconnectButton"),
        _bool("LockDown"),
        _bool("DeviceTunnel"),
        _bool("RegisterDNS"),
        _bool("ByPassForLocal"),
        _bool("RequireVpnClientAppUI"),
        Spec(
            "Proxy",
            "complex",
            (
                _s("AutoConfigUrl"),
                # No Port element: the 2017 CSP text mentions one, but neither XSD has it and the
                # port goes after a colon in Server (proxy.example.com:8080); AOV101 says so.
                Spec("Manual", "complex", (_s("Server", required=True),)),
            ),
        ),
        Spec(
            "APNBinding",
            "complex",
            (
                _s("ProviderId"),
                _s("AccessPointName"),
                _s("UserName"),
                _s("Password"),
                _bool("IsCompressionEnabled"),
                _s("AuthenticationType"),
            ),
        ),
        Spec(
            "DeviceCompliance",
            "complex",
            (
                _bool("Enabled", required=True),
                Spec(
                    "Sso",
                    "complex",
                    (_bool("Enabled", required=True), _s("Eku"), _s("IssuerHash")),
                ),
            ),
        ),
        Spec(
            "PluginProfile",
            "complex",
            (
                _s("ServerUrlList", required=True),
                Spec("CustomConfiguration", "opaque"),
                _s("PluginPackageFamilyName", required=True),
                # Windows 11 plug-in sign-in; absent from the 2023 page, kept so profiles that
                # use it are not reported as unknown.
                Spec(
                    "WebAuth",
                    "complex",
                    (_bool("Enabled", CSP_NEW), _s("ClientId", CSP_NEW)),
                    source=CSP_NEW,
                ),
            ),
        ),
        Spec(
            "AppTrigger",
            "complex",
            (Spec("App", "complex", (_s("Id", required=True),), required=True),),
            repeat=True,
        ),
        Spec(
            "DomainNameInformation",
            "complex",
            (
                _s("DomainName", required=True),
                Spec("DnsServers", "iplist"),
                Spec("WebProxyServers", "proxy"),
                _bool("AutoTrigger"),
                _bool("Persistent"),
            ),
            repeat=True,
        ),
        Spec(
            "TrafficFilter",
            "complex",
            (
                _APP,
                _s("Claims"),
                _int("Protocol", 0, 255),
                Spec("LocalPortRanges", "portranges", source=CSP),
                Spec("RemotePortRanges", "portranges", source=CSP),
                Spec("LocalAddressRanges", "addressranges", source=CSP),
                Spec("RemoteAddressRanges", "addressranges", source=CSP),
                _enum("RoutingPolicyType", *_ROUTING),
                _enum("Direction", "Outbound", "Inbound"),
            ),
            repeat=True,
        ),
        _NATIVE,
        _ROUTE,
        # Nodes documented by the current CSP but absent from the XSD; the build each takes
        # effect from is in aovpn_lint.model.windows_builds.
        _bool("DisableIKEv2Fragmentation", _newer("DisableIKEv2Fragmentation")),
        _int("IPv4InterfaceMetric", 1, 9999, _newer("IPv4InterfaceMetric")),
        _int("IPv6InterfaceMetric", 1, 9999, _newer("IPv6InterfaceMetric")),
        _int("NetworkOutageTime", 0, UINT32, _newer("NetworkOutageTime")),
        _bool("UseRasCredentials", _newer("UseRasCredentials")),
        _enum(
            "DataEncryption", "Require", "None", "Max", "Optional", source=_newer("DataEncryption")
        ),
        _bool("PrivateNetwork", _newer("PrivateNetwork")),
    ),
)

#: Complex elements that need at least one of these children.
REQUIRED_ONE_OF = {"Authentication": ("UserMethod", "MachineMethod")}

#: Known wrong names seen in the wild (some in Microsoft's own samples) and what they mean.
#: CSP list-node names that people wrap ProfileXML elements in (Microsoft's own CSP sample does)
WRAPPERS = {
    "DomainNameInformationList": "DomainNameInformation",
    "RouteList": "Route",
    "TrafficFilterList": "TrafficFilter",
    "AppTriggerList": "AppTrigger",
}


def wrapper_target(tag: str, parent: Spec) -> str | None:
    """The element a CSP list name wraps when it stands under ``parent`` (``RouteList`` under
    the VPNProfile wraps ``Route``), else None."""
    return WRAPPERS.get(tag) if parent is VPN_PROFILE else None


def is_wrapper(node: Node, parent: Spec) -> bool:
    """A CSP list name around the real elements, e.g. <RouteList><Route>...</Route></RouteList>."""
    target = wrapper_target(node.tag, parent)
    return target is not None and node.has(target)


#: CSP nodes that Windows fills in itself (supported operation Get only): writing them in
#: ProfileXML is not a typo to correct but a node to remove. (parent, element) -> what it returns.
READ_ONLY = {
    ("DomainNameInformation", "DomainNameType"): "it reports FQDN or Suffix from the leading dot "
    "of DomainName",
    ("App", "Type"): "it reports PackageFamilyName or FilePath, inferred from App/Id",
}

#: Elements that do not exist, with the element that carries their value instead:
#: (parent, element) -> sibling. Proxy/Manual/Port: the port goes after a colon in Server.
NOT_ELEMENTS = {
    ("Manual", "Port"): "Server",
}


def read_only(tag: str, parent: Spec) -> str | None:
    """What a read-only CSP node under ``parent`` returns, when ``tag`` is one; else None."""
    return READ_ONLY.get((parent.name, tag))


ALIASES = {
    "NativePolicy": "NativeProfile",
    "DomainNameInformationList": "DomainNameInformation",
    "RouteList": "Route",
    "TrafficFilterList": "TrafficFilter",
    "AppTriggerList": "AppTrigger",
    "Server": "Servers",
    "RoutingPolicy": "RoutingPolicyType",
    "NativeProtocol": "NativeProtocolType",
    "Prefix": "PrefixSize",
    "PrefixLength": "PrefixSize",
    "Exclusion": "ExclusionRoute",
}


@lru_cache(maxsize=1)
def parents_of() -> dict[str, tuple[str, ...]]:
    """Element name -> the paths of every parent under which the schema allows it."""
    found: dict[str, list[str]] = {}

    def walk(spec: Spec, path: str) -> None:
        for child in spec.children:
            found.setdefault(child.name, []).append(path)
            walk(child, f"{path}/{child.name}")

    walk(VPN_PROFILE, VPN_PROFILE.name)
    return {name: tuple(paths) for name, paths in found.items()}


def is_misplaced(node: Node, parent: Spec, namespace: str | None) -> bool:
    """An element the schema knows under another parent, and not a likely typo of one allowed
    here: AOV105 reports it, AOV101 reports every other unknown element."""
    return (
        node.namespace == namespace
        and node.tag in parents_of()
        and read_only(node.tag, parent) is None
        and (parent.name, node.tag) not in NOT_ELEMENTS
        and suggest(node.tag, parent) is None
    )


def suggest(name: str, parent: Spec) -> str | None:
    """Did-you-mean for an unknown element under ``parent``."""
    allowed = list(parent.by_name)
    for candidate in allowed:
        if candidate.lower() == name.lower():
            return candidate
    alias = ALIASES.get(name)
    if alias and alias in parent.by_name:
        return alias
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
    if close:
        return close[0]
    lowered = {candidate.lower(): candidate for candidate in allowed}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None
