"""## What it does
Warns when a split-tunnel profile does not set `DisableClassBasedDefaultRoute` to `true`.

## Why is this bad?
In split tunnel, Windows adds a route derived from the class of the address the client receives:
a 10.x.x.x address routes all of 10.0.0.0/8 into the tunnel, 172.16.x.x a /16, 192.168.x.x a
/24. That route rarely matches the internal networks: it can capture the user's home or hotel
network, or leave internal subnets unreachable. Disable it and list the internal networks as
`Route` elements instead.

## Example
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
    </NativeProfile>
    <Route><Address>10.10.0.0</Address><PrefixSize>16</PrefixSize></Route>

Fix (safe): when the split tunnel lists routes and has no
`DisableClassBasedDefaultRoute`, the element is added (set to `true`) as the last child of
`NativeProfile`, indented like its siblings. An explicit `false` is left to you, and so is a
`DisableClassBasedDefaultRoute` written elsewhere in the profile (AOV105 moves it).
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    Profile,
    RuleMeta,
    Severity,
    append_child,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV302",
    name="class-based-route",
    severity=Severity.WARNING,
    short="SplitTunnel without DisableClassBasedDefaultRoute: a class-based route is added",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofiledisableclassbaseddefaultroute",
    tags=("profilexml", "routing"),
    documented=True,
    sources=("VPNv2 CSP: DisableClassBasedDefaultRoute",),
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.is_split_tunnel or profile.disables_class_route:
        return
    setting = profile.class_route_node
    if setting is not None:
        yield RULE.finding(
            setting.value_loc,
            f"DisableClassBasedDefaultRoute is '{setting.text}', so Windows adds a "
            "class-based route (/8, /16 or /24) for the VPN address; set it to true "
            "and list internal networks as Route elements",
        )
        return
    assert profile.routing_policy_node is not None
    yield RULE.finding(
        profile.routing_policy_node.value_loc,
        "SplitTunnel without <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>: "
        "Windows adds a class-based route (/8, /16 or /24) for the VPN address; "
        "disable it and list internal networks as Route elements",
        fix=_add_setting(profile, document),
    )


_SETTING = "<DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>"


def _add_setting(profile: Profile, document: Document) -> Fix | None:
    """With routes listed, the class-based route only adds a network nobody asked for."""
    if profile.native is None or not profile.inclusion_routes:
        return None
    assert document.root is not None
    if any(n.tag == "DisableClassBasedDefaultRoute" for n in document.root.iter(opaque=True)):
        return None  # misplaced: moving it (AOV105) in the same pass would write it twice
    edit = append_child(profile.native, _SETTING)
    return Fix(f"add {_SETTING}", (edit,)) if edit else None
