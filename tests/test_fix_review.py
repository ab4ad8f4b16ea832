"""Regressions found by reviewing the fix engine adversarially: each case once broke a file
or changed what a profile means."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.fix.apply import FixOutcome, WriteRefused, fix_data, write_fixed
from aovpn_lint.fix.escape import escape
from aovpn_lint.linter import lint_data
from aovpn_lint.model.findings import Finding, Fix, Replacement, Severity
from aovpn_lint.model.positions import Embedding, Location, Region
from helpers import run_cli

RULES = RuleSet()


def _fix(text: str, rules: str, name: str = "p.xml", unsafe: bool = False) -> FixOutcome:
    config = Config(select=tuple(rules.split(",")))

    def lint(content: bytes) -> list[Finding]:
        return lint_data(content, name, None, RULES, config)

    return fix_data(text.encode(), lint, unsafe)


def _profile(body: str, routing: str = "ForceTunnel") -> str:
    return (
        "<VPNProfile>\n  <AlwaysOn>true</AlwaysOn>\n" + body + "  <NativeProfile>\n"
        "    <Servers>vpn.example.com</Servers>\n"
        f"    <RoutingPolicyType>{routing}</RoutingPolicyType>\n"
        "    <NativeProtocolType>IKEv2</NativeProtocolType>\n  </NativeProfile>\n</VPNProfile>\n"
    )


def test_a_value_written_as_cdata_is_not_fixed() -> None:
    # the value's span was empty before the CDATA section: each pass inserted the fixed value
    text = _profile(
        "  <TrustedNetworkDetection><![CDATA[a.example;b.example]]></TrustedNetworkDetection>\n"
    )
    outcome = _fix(text, "AOV802")
    assert outcome.after == text
    boolean = "<VPNProfile>\n  <AlwaysOn><![CDATA[True]]></AlwaysOn>\n</VPNProfile>\n"
    assert _fix(boolean, "AOV102").after == boolean


def test_a_value_with_an_entity_is_not_rewritten_unescaped() -> None:
    # 'a&amp;b' was replaced by 'a&b,...': the fixed file was no longer XML
    text = _profile(
        "  <TrustedNetworkDetection>a&amp;b.example;c.example</TrustedNetworkDetection>\n"
    )
    after = _fix(text, "AOV802").after
    assert "a&b" not in after
    assert after == text or "a&amp;b.example,c.example" in after


def test_two_misspelt_siblings_are_not_renamed_to_one_name() -> None:
    text = (
        "<VPNProfile>\n  <AlwaysOn>true</AlwaysOn>\n  <NativePolicy>\n"
        "    <Servers>vpn.example.com</Servers>\n  </NativePolicy>\n  <Nativeprofile>\n"
        "    <Servers>vpn2.example.com</Servers>\n  </Nativeprofile>\n</VPNProfile>\n"
    )
    after = _fix(text, "AOV101").after
    assert after.count("<NativeProfile>") <= 1


def test_a_read_only_file_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the rename needs only the folder to be writable: a file marked read-only was replaced
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ro.xml"
    path.write_bytes(b"<VPNProfile>\n  <AlwaysOn>True</AlwaysOn>\n</VPNProfile>\n")
    path.chmod(0o444)
    with pytest.raises(WriteRefused, match="read-only"):
        write_fixed(str(path), path.read_bytes(), b"changed", str(tmp_path))
    assert path.read_bytes().startswith(b"<VPNProfile>")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_misplaced_setting_is_not_added_a_second_time() -> None:
    # AOV105 moved the misplaced setting up while AOV302 added one: the pass wrote it twice
    text = (
        "<VPNProfile>\n  <AlwaysOn>true</AlwaysOn>\n  <NativeProfile>\n"
        "    <Servers>vpn.example.com</Servers>\n"
        "    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>\n    <Authentication>\n"
        "      <UserMethod>Eap</UserMethod>\n"
        "      <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>\n"
        "    </Authentication>\n    <NativeProtocolType>IKEv2</NativeProtocolType>\n"
        "  </NativeProfile>\n"
        "  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>\n</VPNProfile>\n"
    )
    after = _fix(text, "AOV105,AOV302", unsafe=True).after
    assert after.count("<DisableClassBasedDefaultRoute>") == 1
    assert "</Authentication>\n    <DisableClassBasedDefaultRoute>true" in after


def test_a_line_added_in_a_one_line_double_quoted_string_is_written_with_escapes() -> None:
    # the profile's lines end with `r`n: a raw line break split the one-line script
    lines = [
        "<VPNProfile>",
        "  <AlwaysOn>true</AlwaysOn>",
        "  <NativeProfile>",
        "    <Servers>vpn.example.com</Servers>",
        "    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>",
        "  </NativeProfile>",
        "  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>",
        "</VPNProfile>",
    ]
    script = '$x = "' + "`r`n".join(lines) + '"\nAdd-VpnConnection -Name x\n'
    after = _fix(script, "AOV302", name="d.ps1").after
    assert after.count("\n") == 2
    assert (
        "SplitTunnel</RoutingPolicyType>`r`n    "
        "<DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>`r`n  </NativeProfile>"
    ) in after


def test_an_added_line_takes_the_line_end_of_the_line_it_follows() -> None:
    # one CRLF line (the declaration) made every added line CRLF in a file of LF lines
    text = _profile(
        "  <TrustedNetworkDetection>corp.example</TrustedNetworkDetection>\n", "SplitTunnel"
    ).replace(
        "</VPNProfile>",
        "  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>\n</VPNProfile>",
    )
    mixed = '<?xml version="1.0"?>\r\n' + text
    after = _fix(mixed, "AOV302").after
    assert "DisableClassBasedDefaultRoute" in after
    assert after.count("\r\n") == 1
    crlf = mixed.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    assert _fix(crlf, "AOV302").after.count("\n") == _fix(crlf, "AOV302").after.count("\r\n")


def test_fixes_that_never_settle_are_not_written() -> None:
    # a fix that each pass offers again (the CDATA bug above) wrote ten copies of its text
    where = Location("p.xml", 1, 1, 1, 1)
    again = Fix("insert", (), True, (Replacement(0, 0, "<!-- x -->", where),))

    def lint(content: bytes) -> list[Finding]:
        return [Finding("AOV999", "test", Severity.NOTE, "again", where, fix=again)]

    data = b"<VPNProfile/>\n"
    outcome = fix_data(data, lint, unsafe=False)
    assert outcome.data == data and not outcome.changed
    assert outcome.problem is not None and "settle" in outcome.problem


def test_standard_input_that_cannot_be_fixed_says_why() -> None:
    # --fix on '-' printed the input back unchanged and exited 0, saying nothing
    data = (
        b'<?xml version="1.0" encoding="utf-7"?>'
        b"<VPNProfile><AlwaysOn>True</AlwaysOn>+AGE-</VPNProfile>"
    )
    done = run_cli(
        "--no-config", "--select", "AOV102", "--fix", "--stdin-filename", "p.xml", "-", stdin=data
    )
    assert done.stdout.encode() == data
    assert "not fixed" in done.stderr and done.returncode == 2, done.stderr


def test_a_line_added_in_one_line_syncml_data_is_written_with_character_references() -> None:
    # the data's lines end with &#13;&#10;: a raw line break split the <Data> line
    lines = [
        "<VPNProfile>",
        "  <AlwaysOn>true</AlwaysOn>",
        "  <NativeProfile>",
        "    <Servers>vpn.example.com</Servers>",
        "    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>",
        "  </NativeProfile>",
        "  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>",
        "</VPNProfile>",
    ]
    data = "&#13;&#10;".join(line.replace("<", "&lt;") for line in lines)
    syncml = (
        '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody><Replace><CmdID>1</CmdID><Item>\n'
        "<Target><LocURI>./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML</LocURI></Target>\n"
        f"<Data>{data}</Data>\n</Item></Replace></SyncBody></SyncML>\n"
    )
    after = _fix(syncml, "AOV302", name="p.syncml").after
    assert after.count("\n") == syncml.count("\n")
    assert (
        "SplitTunnel&lt;/RoutingPolicyType>&#13;&#10;    &lt;DisableClassBasedDefaultRoute>true"
    ) in after


def test_line_breaks_follow_the_carriers_escapes() -> None:
    xml = Region(0, 0, Embedding.XML_TEXT)
    assert escape(xml, "a\r\nb", "&lt;x>&#xA;") == "a&#xD;&#xA;b"
    assert escape(xml, "a\nb", "&lt;x>\n&#10;") == "a\nb"  # a raw break there: kept raw
    ps = Region(0, 0, Embedding.PS_DOUBLE)
    assert escape(ps, "a\nb", "<x>`n") == "a`nb"
    assert escape(ps, "a\nb", "<x>``n") == "a\nb"  # an escaped backtick, then n
