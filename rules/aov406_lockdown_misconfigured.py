"""## What it does
Checks a LockDown profile (`<LockDown>true</LockDown>`) that uses the inbox client: its
`NativeProtocolType` must be IKEv2 (error), and it should be a force tunnel, so an explicit
`SplitTunnel` or include routes are reported as warnings.

## Why is this bad?
A LockDown profile is always on, cannot be disconnected, and leaves the device without network
when it is not connected. Microsoft documents it for the built-in client with IKEv2 only, and
as a forced tunnel: all traffic goes through the VPN. With SSTP, `Automatic` or another protocol
the built-in LockDown cannot work, and the device is left with no network at all. A
`SplitTunnel` policy or include routes describe a split design that LockDown does not provide;
the profile then does something other than what it says (force tunnel with routes is reported
by AOV301 already). Exclusion routes are not reported.

Sources: "VPN security features" (LockDown VPN: IKEv2 only, forced tunnel) and the VPNv2 CSP
node reference (LockDown, a ./Device only node).

## Example
    <LockDown>true</LockDown>
    <NativeProfile>
      <NativeProtocolType>SSTP</NativeProtocolType>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    </NativeProfile>

## Use instead
    <LockDown>true</LockDown>
    <NativeProfile>
      <NativeProtocolType>IKEv2</NativeProtocolType>
      <RoutingPolicyType>ForceTunnel</RoutingPolicyType>
    </NativeProfile>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Profile,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV406",
    name="lockdown-misconfigured",
    severity=Severity.ERROR,
    short="LockDown profile that is not an IKEv2 force tunnel",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-security-features",
    tags=("profilexml", "lockdown"),
    precision="high",
    documented=True,
    sources=(
        "VPN security features: LockDown VPN (IKEv2 only, forced tunnel)",
        "VPNv2 CSP: LockDown",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    lockdown = None if profile is None else profile.root.find("LockDown")
    if profile is None or lockdown is None or lockdown.text not in ("true", "1"):
        return
    if profile.native is None:
        return  # a plug-in profile: the IKEv2 and force tunnel limits are the inbox client's
    because = (Related(lockdown.value_loc, "LockDown is set here"),)
    protocol = profile.protocol_node
    if protocol is not None and protocol.text and not _is_ikev2(profile):
        yield RULE.finding(
            protocol.value_loc,
            f"a LockDown profile works with IKEv2 only, not "
            f"'{protocol.text}'; set NativeProtocolType to IKEv2",
            related=because,
        )
    yield from _check_routing(profile, because)


def _check_routing(profile: Profile, because: tuple[Related, ...]) -> Iterator[Finding]:
    policy = profile.routing_policy_node
    if profile.is_split_tunnel and policy is not None:
        yield RULE.finding(
            policy.value_loc,
            "a LockDown profile is always a force tunnel, but "
            "this one says SplitTunnel; set ForceTunnel (and remove include "
            "routes)",
            related=because,
            severity=Severity.WARNING,
        )
    elif profile.routing_policy is None and profile.inclusion_routes:
        route = profile.inclusion_routes[0]
        yield RULE.finding(
            route.loc,
            f"a LockDown profile is a force tunnel, so include routes "
            f"such as {route.address}/{route.prefix} describe a split design it "
            "does not have; remove them (keep exclusion routes only)",
            related=because,
            severity=Severity.WARNING,
        )


def _is_ikev2(profile: Profile) -> bool:
    protocol = profile.protocol or ""
    if protocol.lower() == "ikev2":
        return True
    listing = profile.native_child("ProtocolList")
    if protocol.lower() != "protocollist" or listing is None:
        return False
    types = [n.text.lower() for n in listing.iter() if n.tag == "Type"]
    return bool(types) and all(t == "ikev2" for t in types)
