"""Text output for people: colour, source lines, wrapping, statistics, --exit-zero, option typos.

A pipe keeps one plain line per finding (grep-able); a terminal or an explicit option gets the
rest. Hostile file content stays inert with colour on: no raw control character but our own
colour codes, no line that a CI runner would take for a command.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aovpn_lint.model.findings import Finding, Severity
from aovpn_lint.model.positions import Location
from aovpn_lint.report.terminal import Style, format_finding, statistics, wants_colour
from helpers import FIXTURES, run_cli

BAD = FIXTURES / "AOV301" / "bad.xml"  # two AOV301 errors, lines 8 and 12
CLI = ("--no-config", "--select", "AOV301")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("mode", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # empty: not set (no-color.org)
        ("auto", False, {"FORCE_COLOR": "0"}, True),  # any non-empty value (force-color.org)
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("auto", True, {"TERM": "dumb"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),  # the command line wins
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_when_to_colour(mode: str, tty: bool, env: dict[str, str], expected: bool) -> None:
    assert wants_colour(mode, _Stream(tty), env) is expected  # type: ignore[arg-type]


def test_a_pipe_gets_plain_single_lines() -> None:
    result = run_cli(*CLI, str(BAD), env={"NO_COLOR": "", "FORCE_COLOR": ""})
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert len(lines) == 3 and "\x1b" not in result.stdout
    assert lines[0].endswith("(force-tunnel-with-routes)") and ":8:3: AOV301 [error]" in lines[0]


def test_source_lines_and_colour_on_request() -> None:
    result = run_cli(*CLI, "--show-source", "--color", "always", str(BAD))
    plain = ANSI.sub("", result.stdout).splitlines()
    assert "\x1b[1;31mAOV301\x1b[0m" in result.stdout
    source = BAD.read_text(encoding="utf-8").splitlines()
    at = plain.index(next(line for line in plain if ":8:3: AOV301" in line))
    assert plain[at + 1] == "  |"
    assert plain[at + 2] == "8 | " + source[7]
    caret = plain[at + 3]
    assert caret.startswith("  | ") and caret.index("^") - 4 == 2  # column 3


def test_force_color_colours_a_pipe() -> None:
    result = run_cli(*CLI, str(BAD), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in result.stdout
    result = run_cli(*CLI, str(BAD), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def _finding(message: str, line: int = 1, col: int = 1, end_col: int = 0) -> Finding:
    return Finding(
        "AOV301",
        "force-tunnel-with-routes",
        Severity.ERROR,
        message,
        Location("p.xml", line, col, line, end_col),
    )


def test_the_span_is_underlined_under_its_columns_tabs_and_wide_characters_included() -> None:
    lines = ["\t<Servers>\u4e2d\u6587,vpn2</Servers>"]
    text = format_finding(_finding("m", 1, 13, 17), Style(show_source=True), lines)
    source, caret = text.splitlines()[2:4]
    assert source == "1 |  <Servers>\u4e2d\u6587,vpn2</Servers>"
    # the tab is one cell, each CJK character two: the caret sits under ',vpn'
    assert caret == "  | " + " " * (1 + len("<Servers>") + 4) + "^~~~"


def test_a_very_long_line_is_shown_as_a_window_around_the_column() -> None:
    line = "x" * 5000 + "<Bad>" + "y" * 5000
    text = format_finding(_finding("m", 1, 5001, 5006), Style(show_source=True, width=100), [line])
    source, caret = text.splitlines()[2:4]
    assert len(source) <= 100 and "<Bad>" in source and source.count("…") == 2
    assert source.index("<Bad>") == caret.index("^") and caret.endswith("^~~~~")


def test_long_messages_wrap_under_the_location_only_with_a_width() -> None:
    message = "word " * 60 + "end"
    finding = _finding(message)
    assert len(format_finding(finding).splitlines()) == 1
    wrapped = format_finding(finding, Style(width=80)).splitlines()
    assert len(wrapped) > 2 and all(len(line) <= 80 for line in wrapped)
    assert wrapped[0].startswith("p.xml:1:1: AOV301 [error] word")
    assert all(line.startswith("    word") or "end" in line for line in wrapped[1:])
    assert " ".join(line.strip() for line in wrapped).endswith("end (force-tunnel-with-routes)")


HOSTILE = "\x1b]0;owned\x07 ##[error]x ##vso[task.complete]y"


def test_hostile_content_stays_inert_with_colour_source_and_wrapping() -> None:
    style = Style(colour=True, show_source=True, width=60)
    starts_a_line = 0
    for words in range(15):  # some of these put '::error' at the start of a wrapped line
        message = "value " * words + "::error file=x::forged " + "##[error]no " * 3
        text = format_finding(_finding(message, 1, 1, 9), style, ["::error::" + HOSTILE, "x"])
        plain = ANSI.sub("", text)
        assert "\x1b" not in plain and "\x07" not in plain
        for line in plain.splitlines():
            assert not line.lstrip().startswith("::"), line
            assert "##[" not in line and "##vso[" not in line.lower(), line
            starts_a_line += line.lstrip().startswith("\\x3a:error")
    assert starts_a_line


def test_statistics_count_active_findings_per_rule() -> None:
    result = run_cli(*CLI, "--statistics", str(BAD))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "2  AOV301  [error]   force-tunnel-with-routes",
        "Found 2 problems (2 errors) in 1 of 1 file.",
    ]
    assert statistics(__import__("collections").Counter()) == ""


def test_exit_zero_keeps_the_findings_and_exits_0(tmp_path: Path) -> None:
    result = run_cli(*CLI, "--exit-zero", str(BAD))
    assert result.returncode == 0 and "AOV301" in result.stdout
    (tmp_path / ".aovpn-lint.yaml").write_text("fail-on: fatal\n", encoding="utf-8")
    broken = run_cli("--exit-zero", "--config", str(tmp_path / ".aovpn-lint.yaml"), str(BAD))
    assert broken.returncode == 2  # a run that could not happen is not a success


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("--fromat", "--format"),
        ("--fail_on", "--fail-on"),
        ("--no-cofig", "--no-config"),
        ("--statistic", "--statistics"),
        ("--exlude=x", "--exclude"),
    ],
)
def test_a_mistyped_option_names_the_closest_one(typo: str, suggestion: str) -> None:
    result = run_cli(typo, str(BAD))
    assert result.returncode == 2
    assert f"unknown option '{typo.split('=')[0]}'; did you mean '{suggestion}'?" in result.stderr


def test_options_are_not_abbreviated() -> None:
    # argparse would take '--form' for '--format' and '--no' for nothing the day an option
    # starting with it is added; aovpn-lint refuses and names the option
    result = run_cli("--form", "json", str(BAD))
    assert result.returncode == 2 and "did you mean '--format'" in result.stderr


def test_an_output_file_is_coloured_only_on_request(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    run_cli(*CLI, "--output", str(out), str(BAD), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "AOV301" in out.read_text() and "\x1b" not in out.read_text()
    run_cli(*CLI, "--color", "always", "--output", str(out), str(BAD))
    assert "\x1b[" in out.read_text()


SCRIPT = """# deploy the user tunnel
$ProfileXML = @'
<VPNProfile>
  <NativeProfile>
\t<Servers>vpn1.contoso.com,vpn2.contoso.com</Servers>
  </NativeProfile>
</VPNProfile>
'@
"""


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Deploy.ps1", SCRIPT.encode("utf-8")),
        ("Deploy-utf16.ps1", b"\xff\xfe" + SCRIPT.replace("\n", "\r\n").encode("utf-16-le")),
    ],
)
def test_the_source_line_is_the_line_of_the_file_the_user_edits(
    tmp_path: Path, name: str, data: bytes
) -> None:
    (tmp_path / name).write_bytes(data)
    result = run_cli("--no-config", "--select", "AOV201", "--show-source", str(tmp_path / name))
    lines = result.stdout.splitlines()
    assert ":5:11: AOV201" in lines[0], result.stdout
    # the script's own line 5 (its tab shown as one space), the caret under the servers
    assert lines[2] == "5 |  <Servers>vpn1.contoso.com,vpn2.contoso.com</Servers>"
    assert lines[3] == "  | " + " " * 10 + "^" + "~" * (
        len("vpn1.contoso.com,vpn2.contoso.com") - 1
    )


def test_explain_reads_a_letter_o_for_a_zero_and_suggests_names() -> None:
    assert run_cli("explain", "aov3o1").stdout.startswith("AOV301 force-tunnel-with-routes")
    result = run_cli("explain", "force-tunel-with-routes")
    assert result.returncode == 2 and "did you mean 'force-tunnel-with-routes'" in result.stderr
