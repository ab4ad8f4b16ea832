"""## What it does
Notes an Always On user tunnel, or a user profile whose NRPT rules (`DomainNameInformation`)
trigger the VPN (`<AutoTrigger>true</AutoTrigger>`), that sets no `TrustedNetworkDetection`.
Warns when `TrustedNetworkDetection` is not a comma-separated list of DNS suffixes: a `;`
separator, a URL or an IP address in it.

## Why is this bad?
`TrustedNetworkDetection` tells Windows which networks are the corporate network: when the
physical interface's connection-specific DNS suffix matches one of them, the VPN does not
trigger automatically. Without it an Always On tunnel also comes up on the office LAN (field
experience), and a name rule with `AutoTrigger` starts the tunnel there as soon as an internal
name is looked up, so the NRPT then sends internal names to the tunnel's DNS servers on the LAN
too. NRPT rules without `AutoTrigger` only act once the tunnel is up, so they are not reported
on their own. The value is compared with a DNS suffix, so only suffixes separated by commas can
match: with `;` the whole string is read as one suffix, and a URL or IP address is never a
network's DNS suffix, so the detection never recognises the LAN.

Device tunnels and LockDown profiles are not asked for it. Sources: the VPNv2 CSP node
reference (TrustedNetworkDetection: comma-separated string) and "VPN auto-triggered profile
options" (trusted network detection); the LAN behaviour comes from field reports.

## Example
    <AlwaysOn>true</AlwaysOn>
    <TrustedNetworkDetection>corp.example.com;lab.example.com</TrustedNetworkDetection>

## Use instead
    <AlwaysOn>true</AlwaysOn>
    <TrustedNetworkDetection>corp.example.com,lab.example.com</TrustedNetworkDetection>

Fix (safe): `;` separators are replaced by commas.
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    Node,
    Profile,
    RuleMeta,
    Severity,
    hookimpl,
    is_ip,
    parse_bool,
    profile_of,
    replace_value,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV802",
    name="trusted-network-detection",
    severity=Severity.NOTE,
    short="TrustedNetworkDetection missing on an auto-triggered user tunnel, or not a suffix list",
    help_uri="https://learn.microsoft.com/windows/security/operating-system-security/network-security/vpn/vpn-auto-trigger-profile",
    tags=("profilexml", "dns", "trigger"),
    precision="medium",
    documented=True,
    sources=(
        "VPNv2 CSP: TrustedNetworkDetection (comma-separated)",
        "VPN auto-triggered profile options: trusted network detection",
    ),
    kinds=(DocumentKind.PROFILE,),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None:
        return
    detection = profile.root.find("TrustedNetworkDetection")
    if detection is None:
        yield from _check_missing(profile)
    elif detection.value is not None:
        problem = _problem(detection.text)
        if problem is not None:
            yield RULE.finding(
                detection.value_loc, problem, severity=Severity.WARNING, fix=_commas(detection)
            )


def _check_missing(profile: Profile) -> Iterator[Finding]:
    root = profile.root
    if (
        parse_bool(root.text_of("DeviceTunnel")) is True
        or parse_bool(root.text_of("LockDown")) is True
    ):
        return
    always_on = root.find("AlwaysOn")
    if always_on is not None and parse_bool(always_on.text) is True:
        yield RULE.finding(
            always_on.value_loc,
            "Always On without TrustedNetworkDetection also "
            "connects on the corporate LAN; add <TrustedNetworkDetection> with the "
            "LAN's DNS suffix (comma-separated)",
        )
        return
    for rule in profile.domain_name_information:
        trigger = rule.find("AutoTrigger")
        if trigger is not None and parse_bool(trigger.text) is True:
            yield RULE.finding(
                trigger.value_loc,
                "an AutoTrigger name rule without "
                "TrustedNetworkDetection also starts the tunnel on the corporate "
                "LAN; add <TrustedNetworkDetection> with the LAN's DNS suffix",
            )
            return


def _commas(detection: Node) -> Fix | None:
    if ";" not in detection.text:
        return None
    fixed = _separated(detection.text)
    edit = replace_value(detection, fixed)
    return Fix(f"write '{fixed}'", (edit,)) if edit else None


def _separated(text: str) -> str:
    return ",".join(part.strip() for part in text.split(";") if part.strip())


def _problem(text: str) -> str | None:
    if ";" in text:
        fixed = _separated(text)
        return (
            f"TrustedNetworkDetection '{text}' separates suffixes with ';', so no network "
            f"matches; separate them with commas: '{fixed}'"
        )
    for item in (part.strip() for part in text.split(",")):
        if "://" in item or "/" in item:
            return (
                f"TrustedNetworkDetection lists the URL '{item}'; list the network's DNS "
                "suffix instead, such as 'corp.example.com'"
            )
        if is_ip(item):
            return (
                f"TrustedNetworkDetection lists the IP address '{item}', but it is compared "
                "with the network's DNS suffix; list the suffix, such as 'corp.example.com'"
            )
    return None
