"""## What it does
Checks `NativeProfile/CryptographySuite`: a GCM value in `CipherTransformConstants` needs the
same GCM value (and key length) in `AuthenticationTransformConstants`, and the reverse (error).
A suite in a profile whose `NativeProtocolType` is `SSTP` or `Automatic` is reported as a
warning, because it is not applied there.

## Why is this bad?
In IPsec, AES-GCM both encrypts and authenticates, so Windows pairs a GCM cipher transform only
with the identical GCM authentication transform (`GCMAES256` with `GCMAES256`); a mixed pair,
such as `GCMAES256` with `SHA256128` or `GCMAES128`, is a proposal no IKEv2 peer can accept,
and the connection fails to negotiate its security association.

The suite configures IKEv2 only. SSTP (TLS) ignores it; with `Automatic`, field reports say the
custom suite is not applied either, so the profile offers Windows' default IKEv2 proposals
while the suite suggests otherwise. Use `IKEv2` if the suite matters, or remove it.

Sources: VPNv2 CSP (CryptographySuite and its value lists), the Azure VPN Gateway IPsec/IKE
policy article (GCM cipher and integrity must match), Microsoft's "How to configure
cryptographic settings for IKEv2 VPN connections", and field reports for `Automatic`.

## Example
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <CryptographySuite>
      <AuthenticationTransformConstants>SHA256128</AuthenticationTransformConstants>
      <CipherTransformConstants>GCMAES256</CipherTransformConstants>
    </CryptographySuite>

## Use instead
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <CryptographySuite>
      <AuthenticationTransformConstants>GCMAES256</AuthenticationTransformConstants>
      <CipherTransformConstants>GCMAES256</CipherTransformConstants>
    </CryptographySuite>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import (
    Document,
    DocumentKind,
    Finding,
    Node,
    Related,
    RuleMeta,
    Severity,
    hookimpl,
    profile_of,
)

RULE = RuleMeta(
    doc=__doc__,
    id="AOV703",
    name="crypto-suite-mismatch",
    severity=Severity.ERROR,
    short="CryptographySuite whose GCM transforms do not match, or that the protocol ignores",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofilecryptographysuite",
    tags=("profilexml", "cryptography", "ikev2"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: CryptographySuite",
        "Azure VPN Gateway IPsec/IKE policy: GCM cipher and integrity transforms must match",
        "field reports: a custom suite is not applied with Automatic",
    ),
    kinds=(DocumentKind.PROFILE,),
)

_CIPHER, _AUTH = "CipherTransformConstants", "AuthenticationTransformConstants"


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    suite = None if profile is None else profile.native_child("CryptographySuite")
    if profile is None or suite is None:
        return
    yield from _check_gcm(suite, suite.find(_CIPHER), suite.find(_AUTH))
    protocol = profile.protocol_node
    if protocol is not None and protocol.text.lower() in ("sstp", "automatic"):
        why = (
            "SSTP does not use it"
            if protocol.text.lower() == "sstp"
            else "field reports say Windows does not apply it with Automatic"
        )
        yield RULE.finding(
            suite.loc,
            f"CryptographySuite only configures IKEv2 and {why}; set "
            "NativeProtocolType to IKEv2 or remove the suite",
            severity=Severity.WARNING,
            related=(Related(protocol.value_loc, f"'{protocol.text}' is set here"),),
        )


def _check_gcm(suite: Node, cipher: Node | None, auth: Node | None) -> Iterator[Finding]:
    c = "" if cipher is None else cipher.text.upper()
    a = "" if auth is None else auth.text.upper()
    if c == a or not (_is_gcm(c) or _is_gcm(a)):
        return
    gcm, other = (cipher, auth) if _is_gcm(c) else (auth, cipher)
    assert gcm is not None
    wanted = _AUTH if gcm is cipher else _CIPHER
    if other is None:
        yield RULE.finding(
            gcm.value_loc,
            f"{gcm.tag} '{gcm.text}' needs {wanted} '{gcm.text}' "
            f"as well; add <{wanted}>{gcm.text}</{wanted}>",
        )
        return
    yield RULE.finding(
        other.value_loc,
        f"{other.tag} '{other.text}' does not match {gcm.tag} "
        f"'{gcm.text}': a GCM transform needs the same GCM value on both; set "
        f"{other.tag} to '{gcm.text}'",
        related=(Related(gcm.value_loc, f"{gcm.tag} is set here"),),
    )


def _is_gcm(value: str) -> bool:
    return value.startswith("GCMAES")
