"""ProfileXML embedded in PowerShell scripts: every shape real deployment scripts use, with
findings located exactly in the script."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.model.findings import Finding
from helpers import EXAMPLES, lint_text, run_cli, select_args

RULES = RuleSet(load_entry_points=False)
#: these are loader and location tests: they run the rules their scripts are about (invalid
#: values, unknown elements, the class-based route, parse errors and unresolved content)
SELECT = ("AOV101", "AOV102", "AOV302", "AOV603")

PROFILE_BODY = """<VPNProfile>
  <ProfileName>Contoso''s VPN</ProfileName><AlwaysOn>yes</AlwaysOn>
  <NativeProfile>
    <Servers>vpn.contoso.com</Servers>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication><UserMethod>Eap</UserMethod></Authentication>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
  </NativeProfile>
  <Route><Address>10.10.0.0</Address><PrefixSize>33</PrefixSize></Route>
</VPNProfile>"""


def lint(tmp_path: Path, text: str | bytes, name: str = "Deploy.ps1") -> list[Finding]:
    return lint_text(tmp_path, text, name, RULES, SELECT)


def located(findings: list[Finding], rule_id: str | None = None) -> list[tuple[str, int, int]]:
    return sorted(
        (f.rule_id, f.loc.line, f.loc.col)
        for f in findings
        if rule_id is None or f.rule_id == rule_id
    )


def test_single_quoted_literal_maps_doubled_quotes_back(tmp_path: Path) -> None:
    script = (
        "# Microsoft sample style\n$ProfileName = 'Contoso'\n$ProfileXML =\n'"
        + PROFILE_BODY
        + "'\n"
    )
    findings = lint(tmp_path, script)
    # line 5 holds "Contoso''s": the value 'yes' after it must still land on its own column
    assert located(findings) == [("AOV102", 5, 54), ("AOV102", 13, 50)]
    line5 = script.splitlines()[4]
    assert line5[53:56] == "yes"
    assert all(f.loc.path.endswith("Deploy.ps1") for f in findings)


def test_single_quoted_value_keeps_one_quote(tmp_path: Path) -> None:
    from aovpn_lint.load.powershell import load_script
    from aovpn_lint.model.positions import Source

    script = "$ProfileXML = '" + PROFILE_BODY + "'\n"
    documents, problems = load_script(script, Source("d.ps1", script))
    assert problems == []
    [profile] = [d for d in documents if d.kind == "profilexml"]
    assert profile.root is not None and profile.root.text_of("ProfileName") == "Contoso's VPN"
    assert profile.container is not None
    assert profile.container.description == "PowerShell single-quoted string at line 1"
    assert profile.source.text == script


def test_double_quoted_string_with_backticks_and_variables(tmp_path: Path) -> None:
    script = (
        "param([string]$Server)\n"
        '$ProfileXML = @("<VPNProfile>`r`n  <AlwaysOn>true</AlwaysOn>'
        "<DnsSuffix>`$corp</DnsSuffix>\n"
        "  <NativeProfile><Servers>$Server</Servers>"
        "<NativeProtocolType>IKEv2</NativeProtocolType>\n"
        "  <Authentication><UserMethod>Eap</UserMethod></Authentication>"
        "<RoutingPolicyType>Split</RoutingPolicyType>\n"
        '  </NativeProfile><TrustedNetworkDetection>""corp""</TrustedNetworkDetection>'
        '</VPNProfile>")\n'
    )
    findings = lint(tmp_path, script)
    # $Server is unknown (a note, not an empty-Servers error); 'Split' is located after `r`n
    assert located(findings) == [("AOV102", 4, 83), ("AOV603", 3, 27)]
    assert script.splitlines()[3][82:87] == "Split"
    assert script.splitlines()[2][26:33] == "$Server"
    note = next(f for f in findings if f.rule_id == "AOV603")
    assert "'$Server'" in note.message and note.loc.end_col == 34


@pytest.mark.parametrize("quote", ["'", '"'])
def test_here_strings(tmp_path: Path, quote: str) -> None:
    body = PROFILE_BODY.replace("''", "'")
    script = (
        f"$ProfileXML = @{quote}\n{body}\n{quote}@\n"
        "$ProfileXML = $ProfileXML -replace '<', '&lt;'\n"
    )
    findings = lint(tmp_path, script)
    assert located(findings) == [("AOV102", 3, 53), ("AOV102", 11, 50)]


def test_expandable_here_string_variables_are_notes_not_errors(tmp_path: Path) -> None:
    script = (
        '$ProfileXML = @"\n'
        "<VPNProfile>\n"
        "  <NativeProfile>\n"
        "    <Servers>$Servers</Servers>\n"
        "    <NativeProtocolType>$Protocol</NativeProtocolType>\n"
        "    <Authentication><UserMethod>Eap</UserMethod></Authentication>\n"
        "    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>\n"
        "    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>\n"
        "  </NativeProfile>\n"
        "  <Route><Address>10.10.0.0</Address><PrefixSize>16</PrefixSize></Route>\n"
        "</VPNProfile>\n"
        '"@\n'
    )
    findings = lint(tmp_path, script)
    # one note for the profile, at its first unknown value, naming both
    assert located(findings) == [("AOV603", 4, 14)]
    assert "'$Servers', '$Protocol' are only known" in findings[0].message
    assert all(f.severity.value == "note" for f in findings)


def test_utf16_script_with_bom_and_crlf_is_located_like_utf8(tmp_path: Path) -> None:
    script = "$ProfileXML =\r\n'" + PROFILE_BODY.replace("\n", "\r\n") + "'\r\n"
    utf8 = located(lint(tmp_path, script, "a.ps1"))
    utf16 = located(lint(tmp_path, codecs.BOM_UTF16_LE + script.encode("utf-16-le"), "b.ps1"))
    assert utf16 == utf8 == [("AOV102", 3, 54), ("AOV102", 11, 50)]


def test_concatenation_of_literals_and_variables(tmp_path: Path) -> None:
    script = (
        "$ProfileXML = '<VPNProfile><AlwaysOn>true</AlwaysOn>' + `\n"
        "    '<NativeProfile><Servers>' + $Servers + '</Servers>' +\n"
        "    '<NativeProtocolType>IKEv2</NativeProtocolType>"
        "<RoutingPolicyType>Force</RoutingPolicyType>' +\n"
        "    '<Authentication><UserMethod>Eap</UserMethod></Authentication>"
        "</NativeProfile></VPNProfile>'\n"
    )
    findings = lint(tmp_path, script)
    assert located(findings) == [("AOV102", 3, 71), ("AOV603", 2, 34)]
    assert script.splitlines()[2][70:75] == "Force"


def test_add_content_line_by_line_gets_one_note_and_no_guess(tmp_path: Path) -> None:
    script = (
        "$f = 'C:\\Temp\\p.xml'\n"
        "Add-Content -Path $f -Value '<VPNProfile>'\n"
        "Add-Content -Path $f -Value "
        "'<NativeProfile><Servers>vpn.contoso.com</Servers></NativeProfile>'\n"
        "Add-Content -Path $f -Value '</VPNProfile>'\n"
    )
    findings = lint(tmp_path, script)
    assert located(findings) == [("AOV603", 2, 29)]
    assert "Add-Content" in findings[0].message


def test_add_content_without_a_closing_literal_is_a_note_not_a_parse_error(tmp_path: Path) -> None:
    script = (
        "Add-Content -Path $f -Value '<VPNProfile>'\n"
        "Add-Content -Path $f -Value '<Route>'\n"
        "Set-Content -Path $g -Value '<AlwaysOn>true</AlwaysOn>'\n"
    )
    findings = lint(tmp_path, script)
    assert located(findings) == [("AOV603", 1, 29)]


def test_scripts_that_test_or_rewrite_a_profile_read_elsewhere_are_not_linted(
    tmp_path: Path,
) -> None:
    script = (
        "$ProfileXML = Get-Content -Path $xmlFilePath -Raw\n"
        "If ($ProfileXML -NotMatch '<VPNProfile>') {\n"
        "    Write-Warning 'The file has no <VPNProfile> element'\n"
        "}\n"
        "$ProfileXML = $ProfileXML -replace '<VPNProfile>', "
        "'<VPNProfile><ProfileName>x</ProfileName>'\n"
        'Write-Verbose "Loaded <VPNProfile> from $xmlFilePath"\n'
    )
    assert lint(tmp_path, script) == []


def test_a_truncated_profile_literal_is_still_a_parse_error(tmp_path: Path) -> None:
    script = "$ProfileXML = '<VPNProfile>\n  <NativeProfile><Servers>vpn.contoso.com</Servers>\n'\n"
    assert [f.rule_id for f in lint(tmp_path, script)] == ["AOV100"]


def test_xmlwriter_gets_a_note(tmp_path: Path) -> None:
    script = (
        "# $w.WriteStartElement('VPNProfile') in a comment does not count\n"
        "$w = [System.Xml.XmlWriter]::Create($sb)\n"
        '$w.WriteStartElement("VPNProfile")\n'
    )
    assert located(lint(tmp_path, script)) == [("AOV603", 3, 4)]


def test_broken_xml_in_a_literal_is_a_parse_error_inside_the_script(tmp_path: Path) -> None:
    script = (
        "Write-Host 'deploying'\n$ProfileXML = '<VPNProfile>\n  <NativeProfile>\n</VPNProfile>'\n"
    )
    findings = lint(tmp_path, script)
    assert [(f.rule_id, f.loc.line) for f in findings] == [("AOV100", 4)]


def test_markup_from_a_variable_is_a_note_not_a_parse_error(tmp_path: Path) -> None:
    script = '$ProfileXML = "<VPNProfile><$Tag>x</$Tag></VPNProfile>"\n'
    findings = lint(tmp_path, script)
    assert {f.rule_id for f in findings} == {"AOV603"}


def test_script_without_profilexml_is_clean(tmp_path: Path) -> None:
    script = "Get-VpnConnection | Where-Object Name -eq 'Contoso' # it's fine\n$s = \"a $b\"\n"
    assert lint(tmp_path, script) == []


def test_suppression_comment_inside_the_script(tmp_path: Path) -> None:
    script = (
        "$ProfileXML = @'\n<VPNProfile>\n  <NativeProfile>\n"
        "    <Servers>vpn.contoso.com</Servers>\n"
        "    <NativeProtocolType>IKEv2</NativeProtocolType>\n"
        "    <Authentication><UserMethod>Eap</UserMethod></Authentication>\n"
        "    <!-- aovpn-lint: disable=AOV302 reviewed -->\n"
        "    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>\n"
        "  </NativeProfile>\n"
        "  <Route><Address>10.1.0.0</Address><PrefixSize>16</PrefixSize></Route>\n"
        "</VPNProfile>\n'@\n"
    )
    findings = lint(tmp_path, script)
    assert [(f.rule_id, f.loc.line, f.suppression is not None) for f in findings] == [
        ("AOV302", 8, True)
    ]


def test_two_profiles_in_one_script(tmp_path: Path) -> None:
    user = PROFILE_BODY.replace("''", "'")
    device = user.replace("<AlwaysOn>yes</AlwaysOn>", "<DeviceTunnel>true</DeviceTunnel>")
    script = f"$User = @'\n{user}\n'@\n$Device = @'\n{device}\n'@\n"
    lines = [(f.rule_id, f.loc.line) for f in lint(tmp_path, script) if f.rule_id == "AOV102"]
    assert lines == [("AOV102", 3), ("AOV102", 11), ("AOV102", 24)]


def test_walk_lints_scripts_by_default(tmp_path: Path) -> None:
    (tmp_path / "Deploy.ps1").write_text("$ProfileXML = '<VPNProfile><Bogus/></VPNProfile>'\n")
    (tmp_path / "other.ps1").write_text("Write-Host 'hello'\n")
    result = run_cli("--no-config", *select_args(SELECT), "--format", "json", str(tmp_path))
    assert result.returncode == 1
    assert '"rule_id": "AOV101"' in result.stdout and '"files": 2' in result.stdout


def test_example_script_is_linted_in_place() -> None:
    from helpers import lint_path

    findings = lint_path(EXAMPLES / "scripts" / "Deploy-VpnProfile.ps1", RULES)
    assert findings == []  # its problems are cross-file ones (drift, client pool)


@pytest.mark.parametrize(
    "text",
    [
        '"' + "$( " * 200_000 + '"',  # unclosed sub-expressions
        "'<VPNProfile>' " * 100_000 + "'</VPNProfile>'",  # many fragments
        "$p = '<VPNProfile>' + " + "$a + 'x' + " * 60_000 + "'</VPNProfile>'",
        "@'x" * 300_000,  # here-string openers that are not
        "'" + "x''" * 300_000,  # an unterminated literal
    ],
    ids=["subexpressions", "fragments", "concatenation", "here-openers", "unterminated"],
)
def test_hostile_scripts_stay_linear_and_bounded(tmp_path: Path, text: str) -> None:
    import time

    from aovpn_lint.load.powershell import MAX_NOTES, MAX_PROFILES, load_script
    from aovpn_lint.model.positions import Source

    started = time.monotonic()
    documents, _problems = load_script(text, Source("h.ps1", text))
    assert time.monotonic() - started < 10
    assert len(documents) <= MAX_PROFILES + 1
    assert len(documents[0].payload.gaps) <= MAX_PROFILES * (MAX_NOTES + 2) + 1


# --- variables assigned once from a literal ------------------------------------------------------
def _profile_with(routing: str, prefix: str = "16", before: str = "", after: str = "") -> str:
    """A here-string profile whose RoutingPolicyType and PrefixSize are written as given."""
    return (
        before
        + '$ProfileXML = @"\n'
        + "<VPNProfile>\n"
        + "  <NativeProfile>\n"
        + "    <Servers>vpn.contoso.com</Servers>\n"
        + "    <NativeProtocolType>IKEv2</NativeProtocolType>\n"
        + "    <Authentication><UserMethod>Eap</UserMethod></Authentication>\n"
        + f"    <RoutingPolicyType>{routing}</RoutingPolicyType>\n"
        + "    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>\n"
        + "  </NativeProfile>\n"
        + f"  <Route><Address>10.10.0.0</Address><PrefixSize>{prefix}</PrefixSize></Route>\n"
        + "</VPNProfile>\n"
        + '"@\n'
        + after
    )


def _span(finding: Finding) -> tuple[int, int, int, int]:
    return (finding.loc.line, finding.loc.col, finding.loc.end_line, finding.loc.end_col)


@pytest.mark.parametrize(
    ("assignment", "use"),
    [
        ("$Routing = 'Split'", "$Routing"),
        ('$Routing = "Split"', "${Routing}"),
        ("$Routing = 'Split'", "$($Routing)"),
        ("$ROUTING = 'Split'", "$routing"),
        ("$script:Routing = 'Split'", "$Routing"),
        ("$Routing = 'Split'", "$global:Routing"),
        ("[string]$Routing = 'Split' # reviewed", "$Routing"),
        ("$Routing = 'Split';", "$Routing"),
    ],
)
def test_a_literal_variable_is_checked_at_its_literal(
    tmp_path: Path, assignment: str, use: str
) -> None:
    script = _profile_with(use, before=assignment + "\n")
    findings = lint(tmp_path, script)
    [invalid] = [f for f in findings if f.rule_id == "AOV102"]
    column = assignment.index("Split") + 1
    assert _span(invalid) == (1, column, 1, column + len("Split"))
    assert "'Split'" in invalid.message
    assert [f.rule_id for f in findings] == ["AOV102"]  # no note: nothing is unknown


def test_a_literal_number_and_true_are_checked_as_powershell_prints_them(tmp_path: Path) -> None:
    script = _profile_with(
        "SplitTunnel",
        "$Prefix",
        before="$Prefix = 33\n$AlwaysOn = $true\n",
    ).replace("<VPNProfile>\n", "<VPNProfile><AlwaysOn>$AlwaysOn</AlwaysOn>\n")
    findings = lint(tmp_path, script)
    spans = sorted(_span(f) for f in findings if f.rule_id == "AOV102")
    # 33 is out of range; $true prints as 'True', which Windows does not read as true
    assert spans == [(1, 11, 1, 13), (2, 13, 2, 18)]
    assert any("'True'" in f.message for f in findings)


def test_a_value_from_concatenation_maps_to_its_literal(tmp_path: Path) -> None:
    script = (
        "$Servers = 'vpn.contoso.com'\n"
        "$Prefix = '33'\n"
        "$ProfileXML = '<VPNProfile><NativeProfile><Servers>' + $Servers + '</Servers>' +\n"
        "    '<NativeProtocolType>IKEv2</NativeProtocolType>"
        "<Authentication><UserMethod>Eap</UserMethod></Authentication>"
        "<RoutingPolicyType>SplitTunnel</RoutingPolicyType>"
        "<DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute></NativeProfile>' +\n"
        "    '<Route><Address>10.10.0.0</Address><PrefixSize>' + $Prefix + '</PrefixSize></Route>"
        "</VPNProfile>'\n"
    )
    findings = lint(tmp_path, script)
    assert [(f.rule_id, _span(f)) for f in findings] == [("AOV102", (2, 12, 2, 14))]


def test_a_doubled_quote_in_the_literal_keeps_the_columns(tmp_path: Path) -> None:
    script = _profile_with("$Routing", before="$Note = 'it''s'; $Routing = 'Split'\n")
    [invalid] = [f for f in lint(tmp_path, script) if f.rule_id == "AOV102"]
    assert _span(invalid) == (1, 30, 1, 35)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("$Routing = 'Split'\n$Routing = 'ForceTunnel'\n", ""),  # assigned twice
        ("if ($Lab) { $Routing = 'Split' }\n", ""),  # in a branch, used outside it
        ("foreach ($Routing in 'Split', 'x') { }\n", ""),  # a loop variable
        ("$Routing = 'Split' -replace 'x', 'y'\n", ""),  # an expression
        ('$Routing = "Split$Suffix"\n', ""),  # expands a variable
        ("$Routing = Read-Host 'Routing'\n", ""),  # asked for
        ("[bool]$Routing = 'Split'\n", ""),  # converted by its type
        ("$Routing = 'Split'\n$Routing += 'Tunnel'\n", ""),  # changed later
        ("$Routing = 'Split'\n. .\\settings.ps1\n", ""),  # a dot-sourced script may set it
        ("$Routing = 'Split'\nSet-Variable -Name Routing -Value 'x'\n", ""),
        ("", "$Routing = 'Split'\n"),  # assigned after its use
        ("$env:Routing = 'Split'\n", ""),  # $env:Routing is an environment variable
        ("param([Parameter(Mandatory)][string]$Routing)\n", ""),  # a parameter without default
        ("$Routing = 016\n", ""),  # prints as 16, not as written
    ],
)
def test_a_variable_that_is_not_a_single_literal_stays_unknown(
    tmp_path: Path, before: str, after: str
) -> None:
    use = "$env:Routing" if before.startswith("$env:") else "$Routing"
    script = _profile_with(use, before=before, after=after)
    findings = lint(tmp_path, script)
    assert [f.rule_id for f in findings] == ["AOV603"]
    [note] = findings
    line = before.count("\n") + 7
    assert (note.loc.line, note.loc.col) == (line, 24)
    assert f"'{use}' is only known when the script runs" in note.message


def test_a_param_default_is_checked_and_the_note_says_so(tmp_path: Path) -> None:
    before = "param(\n    [string]$Routing = 'Split',\n    $Other\n)\n"
    findings = lint(tmp_path, _profile_with("$Routing", before=before))
    [invalid] = [f for f in findings if f.rule_id == "AOV102"]
    assert _span(invalid) == (2, 25, 2, 30)
    [note] = [f for f in findings if f.rule_id == "AOV603"]
    assert (note.loc.line, note.loc.col, note.loc.end_col) == (11, 24, 32)
    assert "'$Routing' was checked with the default value" in note.message
    assert "only known" not in note.message


def test_one_note_per_profile_lists_every_unknown_once(tmp_path: Path) -> None:
    script = (
        '$ProfileXML = "<VPNProfile><DnsSuffix>$Dns</DnsSuffix>'
        "<TrustedNetworkDetection>$Dns</TrustedNetworkDetection>"
        '<NativeProfile><Servers>$($Servers[0])</Servers></NativeProfile></VPNProfile>"\n'
    )
    [note] = lint(tmp_path, script)
    assert note.rule_id == "AOV603" and (note.loc.line, note.loc.col) == (1, 39)
    assert "'$Dns', '$($Servers[0])' are only known" in note.message


def test_a_variable_inside_a_function_resolves_within_it(tmp_path: Path) -> None:
    # a here-string's closing "@ starts its line, so the body is not indented
    script = "function Deploy {\n    $Routing = 'Split'\n" + _profile_with("$Routing") + "}\n"
    [invalid] = [f for f in lint(tmp_path, script) if f.rule_id == "AOV102"]
    assert _span(invalid) == (2, 17, 2, 22)


# --- strings that test or match a profile --------------------------------------------------------
@pytest.mark.parametrize(
    "test",
    [
        "if ($ProfileXML -match '<VPNProfile>') { }",
        "if ($ProfileXML -notmatch '<VPNProfile>.*</VPNProfile>') { throw 'no profile' }",
        "if ($ProfileXML -like '*<VPNProfile>*') { }",
        "if ($ProfileXML.Contains('<VPNProfile>')) { }",
        "$found = $ProfileXML | Select-String -Pattern '<VPNProfile>'",
        "$found = Select-String -Path $File -Pattern '<VPNProfile><NativeProfile>'",
        "if ([regex]::IsMatch($ProfileXML, '<VPNProfile>')) { }",
    ],
)
def test_a_pattern_is_not_a_profile_fragment(tmp_path: Path, test: str) -> None:
    body = PROFILE_BODY.replace("<AlwaysOn>yes</AlwaysOn>", "")
    script = f"$ProfileXML = '{body}'\n{test}\n"
    assert located(lint(tmp_path, script)) == [("AOV102", 10, 50)]  # the literal's PrefixSize


@pytest.mark.parametrize(
    ("text", "names", "reads"),
    [
        (  # deep blocks, many assignments, one variable used 20,000 times
            "{" * 50_000
            + "$x = 'a'\n" * 50_000
            + "}" * 50_000
            + '$p = "<VPNProfile>'
            + "$x" * 20_000
            + '</VPNProfile>"\n',
            ("$x",),
            0,
        ),
        ("Select-String " + "-a " * 100_000 + "'<VPNProfile><A/></VPNProfile>'", None, 0),
        ("# ProfileXML\n" + "gc .\\a.xml; " * 100_000, None, 10),
        ("$x = 1; " * 100_000 + '\n$p = "<VPNProfile>$x</VPNProfile>"', ("$x",), 0),
    ],
    ids=["blocks", "pattern-operands", "reads", "assignments"],
)
def test_hostile_variables_and_reads_stay_bounded(
    text: str, names: tuple[str, ...] | None, reads: int
) -> None:
    from aovpn_lint.load.powershell import load_script
    from aovpn_lint.model.positions import Source

    documents, _problems = load_script(text, Source("h.ps1", text))
    info = documents[0].payload
    assert len(info.reads) == reads  # at most MAX_READS
    if names is None:  # (a pattern's operator is looked for within 512 characters)
        assert len(documents) <= 2 and info.gaps == ()
    else:
        [gap] = info.gaps
        assert gap.names == names
