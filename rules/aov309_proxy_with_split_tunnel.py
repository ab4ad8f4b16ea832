"""## What it does
Warns when a split-tunnel profile configures a VPN `Proxy` (manual server or auto-configuration
URL).

## Why is this bad?
Windows applies the proxy of a VPN profile only to force-tunnel connections. In split tunnel the
device keeps using its general proxy settings, so the profile's `Proxy` block is ignored and
internal sites that need the corporate proxy are not reached through it.

## Example
    <NativeProfile>
      <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    </NativeProfile>
    <Proxy><AutoConfigUrl>http://proxy.corp.example.com/proxy.pac</AutoConfigUrl></Proxy>

## Use instead
Remove the `Proxy` block (publish the PAC file through the general proxy settings, or use
`WebProxyServers` in `DomainNameInformation` for specific namespaces), or switch to `ForceTunnel`
if all traffic should go through the corporate proxy.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV309",
    name="proxy-with-split-tunnel",
    severity=Severity.WARNING,
    short="Proxy settings in a split-tunnel profile are ignored",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-profile-options",
    tags=("profilexml", "routing", "proxy"),
    documented=True,
    sources=("VPN profile options: VPN proxy settings apply to force tunnel connections only",),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or not profile.is_split_tunnel:
        return
    proxy = profile.root.find("Proxy")
    if proxy is None or not proxy.children:
        return
    yield RULE.finding(
        proxy.loc,
        "Proxy is ignored in a split-tunnel profile (Windows applies a VPN "
        "proxy to force tunnel only); remove it or use WebProxyServers for the "
        "namespaces that need the proxy",
    )
