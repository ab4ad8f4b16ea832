"""Property-based tests: random mutations of real profiles never crash a loader or a rule, and
every finding points at a line and column that exist in the file.

The seeds are the real-world profiles of the shared corpus (skipped when it is absent) plus the
rule fixtures. Examples are derandomized so that CI runs are reproducible; a failure prints the
mutated input.
"""

from __future__ import annotations

import base64
import json
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from aovpn_lint.engine.config import Config  # noqa: E402
from aovpn_lint.engine.rules import RuleSet  # noqa: E402
from aovpn_lint.linter import lint_file  # noqa: E402
from aovpn_lint.read import Target  # noqa: E402
from helpers import CORPUS, FIXTURES  # noqa: E402

REAL = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
SEEDS = [p.read_bytes() for p in REAL] or [
    p.read_bytes() for p in sorted(FIXTURES.glob("AOV3*/*.xml"))
]
RULES = RuleSet()
CONFIG = Config(rule_timeout=30)
WORKDIR = tempfile.TemporaryDirectory(prefix="aovpn-lint-properties-")
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

needs_corpus = pytest.mark.skipif(not REAL, reason="the shared corpus of real profiles is absent")

# interesting fragments for insertions: markup, entities, encodings, ProfileXML vocabulary
FRAGMENTS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<?xml version='1.0'?>",
    b"&amp;",
    b"&",
    b"&#0;",
    b"&#x1F600;",
    b"&lt;VPNProfile&gt;",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"\n",
    b"\t",
    b"\xc3",
    b"\xe2\x80\xae",
    b"\xc2\x9b",
    b"<Route>",
    b"</Route>",
    b"<Address>10.0.0.0</Address>",
    b"<PrefixSize>33</PrefixSize>",
    b"<PrefixSize>-1</PrefixSize>",
    b"<Address>::ffff:10.0.0.1</Address>",
    b"<Address>999.1.1.1</Address>",
    b"<RoutingPolicyType>ForceTunnel</RoutingPolicyType>",
    b"<DeviceTunnel>true</DeviceTunnel>",
    b"<NativeProfile>",
    b"</NativeProfile>",
    b"<Servers>a;b,c</Servers>",
    b"<VPNProfile>",
    b"</VPNProfile>",
    b"xmlns='urn:x'",
    b"<x:Route xmlns:x='urn:y'>",
    b"<!DOCTYPE x>",
    b"<ExclusionRoute>maybe</ExclusionRoute>",
    b"<DomainNameInformation>",
    b"<TrafficFilter>",
    b"<!-- aovpn-lint: disable=AOV3 -->",
    b"<!-- aovpn-lint: disable-file=ALL -->",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes] = SEEDS) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(
                ["delete", "insert", "fragment", "duplicate", "swap", "truncate", "flip"]
            )
        )
        size = len(data)
        at = draw(st.integers(0, size))
        if kind == "delete" and size:
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "fragment":
            data[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif kind == "duplicate" and size:
            end = min(size, at + draw(st.integers(1, 400)))
            data[at:at] = data[at:end] * draw(st.integers(1, 3))
        elif kind == "swap" and size > 2:
            a, b = sorted((at, draw(st.integers(0, size))))
            data[a:b] = (
                data[a:b][::-1] if draw(st.booleans()) else data[b - 1 : a - 1 : -1] or data[a:b]
            )
        elif kind == "truncate":
            del data[at:]
        elif kind == "flip" and size:
            index = min(at, size - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


def check_file(data: bytes, name: str) -> None:
    path = Path(WORKDIR.name) / name
    path.write_bytes(data)
    findings = list(lint_file(Target(str(path)), RULES, CONFIG, keep=False).findings)
    crashes = [f.message for f in findings if f.rule_id == "AOV000"]
    assert not crashes, crashes
    text = _as_text(data)
    lines = text.split("\n")
    for finding in findings:
        loc = finding.loc
        assert loc.path == str(path), finding
        assert 1 <= loc.line <= len(lines), (finding, len(lines))
        assert 1 <= loc.col <= len(lines[loc.line - 1]) + 2, (finding, lines[loc.line - 1][:200])
        if loc.end_line:
            assert (loc.end_line, loc.end_col) >= (loc.line, loc.col), finding
            assert loc.end_line <= len(lines), finding
        for related in finding.related:
            assert 1 <= related.loc.line <= len(lines) and related.loc.col >= 1, finding


def _as_text(data: bytes) -> str:
    from aovpn_lint.errors import DecodeProblem
    from aovpn_lint.load.text import decode

    try:
        return decode(data)[0]
    except DecodeProblem as problem:  # findings point into the part that decoded
        return problem.prefix[problem.skip :].decode(problem.codec, errors="replace") + "\n"


@needs_corpus
@PROPERTY
@given(mutated())
def test_mutated_real_profiles_never_crash_and_findings_are_located(data: bytes) -> None:
    check_file(data, "mutated.xml")


@PROPERTY
@given(mutated(seeds=[p.read_bytes() for p in sorted(FIXTURES.glob("*/bad.xml"))]))
def test_mutated_rule_fixtures_never_crash_and_findings_are_located(data: bytes) -> None:
    check_file(data, "fixture.xml")


@needs_corpus
@PROPERTY
@given(
    st.sampled_from(range(len(SEEDS))),
    st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_real_profiles_in_every_windows_encoding_lint_the_same(
    seed: int, codec: str, newline: str
) -> None:
    """Re-encoding a profile must not change its findings (except where BOM-less UTF-16 is
    refused)."""
    text = _as_text(SEEDS[seed]).replace("\r\n", "\n")
    base = _summary(text.encode("utf-8"), "base.xml")
    data = text.replace("\n", newline).encode(codec)
    if codec in ("utf-16-le", "utf-16-be") and not text.startswith("<"):
        return  # without a BOM, UTF-16 is only recognised when the first character is ASCII '<'
    assert _summary(data, "encoded.xml") == base


def _summary(data: bytes, name: str) -> list[tuple[str, int, int]]:
    path = Path(WORKDIR.name) / name
    path.write_bytes(data)
    findings = list(lint_file(Target(str(path)), RULES, CONFIG, keep=False).findings)
    return [(f.rule_id, f.loc.line, f.loc.col) for f in findings]


def _wrapped(fmt: str, xml: str) -> tuple[str, str]:
    """``xml`` in one of the carriers admins keep profiles in, in the shape their tools write."""
    uri = "./User/Vendor/MSFT/VPNv2/P/ProfileXML"
    if fmt == "ps1":
        return ".ps1", f"$ProfileXML = @'\n{xml}\n'@\nAdd-VpnConnection -Name x\n"
    if fmt == "md":
        return ".md", f"# Our VPN\n\nThe user tunnel:\n\n```xml\n{xml}\n```\n"
    if fmt == "syncml":
        escaped = xml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return ".syncml", (
            "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncBody><Replace><CmdID>1</CmdID><Item>"
            f"<Target><LocURI>{uri}</LocURI></Target><Meta><Format xmlns='syncml:metinf'>chr"
            f"</Format></Meta><Data>{escaped}</Data></Item></Replace><Final/></SyncBody></SyncML>\n"
        )
    if fmt == "intunecd-yaml":
        block = "\n".join("    " + line for line in xml.splitlines())
        return ".yaml", (
            "'@odata.type': '#microsoft.graph.windows10CustomConfiguration'\n"
            "displayName: P\nomaSettings:\n"
            "- '@odata.type': '#microsoft.graph.omaSettingString'\n"
            f"  displayName: ProfileXML\n  omaUri: {uri}\n  value: |-\n{block}\n"
        )
    if fmt == "template-yaml":
        return ".yaml", (
            "'@odata.type': '#microsoft.graph.windows10VpnConfiguration'\n"
            "displayName: T\nconnectionType: ikEv2\nenableDeviceTunnel: true\n"
            "enableSplitTunneling: true\nauthenticationMethod: usernameAndPassword\n"
            "servers:\n- address: vpn1.example.com\n  description: one\n  isDefaultServer: true\n"
            "- address: vpn2.example.com\n  description: two\n  isDefaultServer: true\n"
        )
    if fmt == "dsc":
        literal = xml.replace("'", "''")
        return ".ps1", (
            "Configuration Vpn\n{\n    Import-DscResource -ModuleName 'Microsoft365DSC'\n"
            "    Node localhost\n    {\n"
            "        IntuneDeviceConfigurationCustomPolicyWindows10 'P'\n        {\n"
            "            DisplayName = 'P'\n            OmaSettings = @(\n"
            "                MSFT_MicrosoftGraphomaSetting{\n"
            f"                    OmaUri = '{uri}'\n"
            f"                    Value = '{literal}'\n"
            "                    odataType = '#microsoft.graph.omaSettingString'\n"
            "                }\n            )\n            Ensure = 'Present'\n        }\n"
            "        IntuneDeviceConfigurationVpnPolicyWindows10 'T'\n        {\n"
            "            DisplayName = 'T'\n            ConnectionType = 'ikEv2'\n"
            "            EnableDeviceTunnel = $True\n            EnableSplitTunneling = $True\n"
            "            ServerCollection = @(\n"
            "                MSFT_MicrosoftGraphvpnServer{\n"
            "                    Address = 'vpn.example.com'\n"
            "                    Description = 'one'\n                    IsDefaultServer = $True\n"
            "                }\n            )\n            Ensure = 'Present'\n        }\n"
            "    }\n}\n"
        )
    if fmt == "base64-json":
        encoded = base64.b64encode(xml.encode("utf-8")).decode("ascii")
        setting = {
            "@odata.type": "#microsoft.graph.omaSettingStringXml",
            "omaUri": uri,
            "fileName": "profile.xml",
            "value": encoded,
        }
        export = {"@odata.type": "#microsoft.graph.windows10CustomConfiguration"}
        return ".json", json.dumps({**export, "omaSettings": [setting]}, indent=2)
    export = {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "omaSettings": [
            {"@odata.type": "#microsoft.graph.omaSettingString", "omaUri": uri, "value": xml}
        ],
    }
    return ".json", json.dumps(export, indent=2)


#: every carrier, fuzzed through the same mutations as the plain profiles
CONTAINERS = [
    "ps1",
    "json",
    "md",
    "syncml",
    "intunecd-yaml",
    "template-yaml",
    "dsc",
    "base64-json",
]


@pytest.mark.parametrize("fmt", CONTAINERS)
@settings(
    max_examples=500,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_mutated_profiles_in_every_carrier_never_crash_and_findings_are_located(
    fmt: str, data: st.DataObject
) -> None:
    xml = data.draw(st.sampled_from(SEEDS)).decode("utf-8", errors="replace")
    suffix, wrapped = _wrapped(fmt, xml.lstrip("\ufeff"))
    check_file(data.draw(mutated(seeds=[wrapped.encode("utf-8")])), f"wrapped{suffix}")


@pytest.mark.parametrize("fmt", CONTAINERS)
def test_every_fuzzed_carrier_is_read_as_ours(fmt: str) -> None:
    """The carriers above are fuzzed for real: unmutated, each is loaded and linted (a wrapper
    the loaders did not recognise would make the fuzzing above test nothing)."""
    xml = (FIXTURES / "AOV302" / "bad.xml").read_text("utf-8")
    suffix, wrapped = _wrapped(fmt, xml)
    path = Path(WORKDIR.name) / f"unmutated-{fmt}{suffix}"
    path.write_text(wrapped, "utf-8")
    result = lint_file(Target(str(path)), RULES, CONFIG, keep=False)
    ids = {f.rule_id for f in result.findings}
    assert "AOV100" not in ids and "AOV000" not in ids, result.findings
    expected = "AOV201" if fmt == "template-yaml" else "AOV302"
    assert expected in ids, (fmt, sorted(ids))
