"""## What it does
Notes IKEv2 profiles, and device tunnels (which are IKEv2 only), that set no
`NativeProfile/CryptographySuite`.

## Why is this bad?
Without a suite, Windows proposes its default IKEv2 algorithms, which include 3DES, SHA-1 and
Diffie-Hellman group 2; Microsoft's guidance on IKEv2 cryptographic settings calls these
defaults not secure and shows how to set stronger ones on both ends. The connection still
works, which is why this is only a note, but it may be negotiated with those weak algorithms.
Set a suite that matches the VPN server's IPsec policy (a suite the server does not accept
makes IKEv2 fail with error 13868, so change both together).

Sources: Microsoft's "How to configure cryptographic settings for IKEv2 VPN connections" and
the VPNv2 CSP (CryptographySuite, Windows 10 1607 and later).

## Example
    <NativeProfile>
      <NativeProtocolType>IKEv2</NativeProtocolType>
    </NativeProfile>

## Use instead
    <NativeProfile>
      <NativeProtocolType>IKEv2</NativeProtocolType>
      <CryptographySuite>
        <AuthenticationTransformConstants>GCMAES128</AuthenticationTransformConstants>
        <CipherTransformConstants>GCMAES128</CipherTransformConstants>
        <EncryptionMethod>AES_GCM_128</EncryptionMethod>
        <IntegrityCheckMethod>SHA256</IntegrityCheckMethod>
        <DHGroup>Group14</DHGroup>
        <PfsGroup>ECP256</PfsGroup>
      </CryptographySuite>
    </NativeProfile>
"""

from __future__ import annotations

from collections.abc import Iterator

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV705",
    name="ikev2-default-cryptography",
    severity=Severity.NOTE,
    short="IKEv2 profile without CryptographySuite uses Windows' weak default proposals",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenamenativeprofilecryptographysuite",
    tags=("profilexml", "cryptography", "ikev2"),
    precision="high",
    documented=True,
    sources=(
        "How to configure cryptographic settings for IKEv2 VPN connections: "
        "defaults are not secure",
        "VPNv2 CSP: CryptographySuite",
    ),
    kinds=(DocumentKind.PROFILE,),
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    if profile is None or profile.native is None or profile.native.has("CryptographySuite"):
        return
    protocol = profile.protocol_node
    device = profile.root.text_of("DeviceTunnel") in ("true", "1")
    if protocol is not None and protocol.text.lower() == "ikev2":
        where, what = protocol.value_loc, "this IKEv2 profile"
    elif protocol is None and device:
        where, what = profile.native.loc, "this device tunnel (IKEv2 only)"
    else:
        return  # other protocols: the suite does not apply (a device tunnel's is AOV404's)
    yield RULE.finding(
        where,
        f"{what} sets no CryptographySuite, so Windows proposes its "
        "default algorithms (3DES, SHA-1, DH group 2); add a suite matching the "
        "VPN server's IPsec policy",
    )
