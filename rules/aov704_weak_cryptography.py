"""## What it does
Reports weak algorithms chosen in `NativeProfile/CryptographySuite`: `DES` and `DES3` ciphers,
the `MD5`, `MD596` and `SHA196` integrity and authentication transforms, Diffie-Hellman
`Group1` and `Group2`, and perfect-forward-secrecy groups `PFS1` and `PFS2`.

## Why is this bad?
These are the algorithms the IKEv2 defaults are made of (3DES, SHA-1, DH group 2), which
Microsoft itself describes as not secure, plus older ones that are weaker still: single DES
and MD5 are broken, SHA-1 is deprecated, and 768- and 1024-bit Diffie-Hellman groups are within
reach of well-funded attackers. Writing them into a custom suite keeps the weak proposal while
appearing to harden it. Choose AES (GCM where the server supports it), SHA256 or better,
`Group14` or an ECP group, and a matching PFS group, and set the same policy on the server.

Sources: VPNv2 CSP (CryptographySuite value lists) and Microsoft's "How to configure
cryptographic settings for IKEv2 VPN connections" (the defaults are not secure); which values
count as weak is our reading of that guidance.

## Example
    <CryptographySuite>
      <CipherTransformConstants>DES3</CipherTransformConstants>
      <IntegrityCheckMethod>SHA196</IntegrityCheckMethod>
      <DHGroup>Group2</DHGroup>
    </CryptographySuite>

## Use instead
    <CryptographySuite>
      <CipherTransformConstants>GCMAES128</CipherTransformConstants>
      <AuthenticationTransformConstants>GCMAES128</AuthenticationTransformConstants>
      <IntegrityCheckMethod>SHA256</IntegrityCheckMethod>
      <DHGroup>Group14</DHGroup>
    </CryptographySuite>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV704",
    name="weak-cryptography",
    severity=Severity.WARNING,
    short="CryptographySuite chooses a weak algorithm (DES, 3DES, MD5, SHA-1, DH group 1 or 2)",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofilecryptographysuite",
    tags=("profilexml", "cryptography", "security"),
    precision="high",
    documented=True,
    sources=(
        "VPNv2 CSP: CryptographySuite values",
        "How to configure cryptographic settings for IKEv2 VPN connections: "
        "defaults are not secure",
    ),
    kinds=(DocumentKind.PROFILE,),
)

#: element -> weak value (upper case) -> what to choose instead
_WEAK = {
    "CipherTransformConstants": {"DES": "AES256 or GCMAES256", "DES3": "AES256 or GCMAES256"},
    "EncryptionMethod": {"DES": "AES256 or AES_GCM_256", "DES3": "AES256 or AES_GCM_256"},
    "AuthenticationTransformConstants": {
        "MD596": "SHA256128 or a GCM transform",
        "SHA196": "SHA256128 or a GCM transform",
    },
    "IntegrityCheckMethod": {"MD5": "SHA256 or SHA384", "SHA196": "SHA256 or SHA384"},
    "DHGroup": {"GROUP1": "Group14, ECP256 or ECP384", "GROUP2": "Group14, ECP256 or ECP384"},
    "PfsGroup": {"PFS1": "PFS2048, ECP256 or ECP384", "PFS2": "PFS2048, ECP256 or ECP384"},
}


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    suite = None if profile is None else profile.native_child("CryptographySuite")
    if suite is None:
        return
    for node in suite.children:
        better = _WEAK.get(node.tag, {}).get(node.text.upper())
        if better is not None:
            yield RULE.finding(
                node.value_loc,
                f"{node.tag} '{node.text}' is weak; use {better}, "
                "with the same policy on the VPN server",
            )
