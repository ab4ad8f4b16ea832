"""End-to-end tests of the installed ``aovpn-lint`` console script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import EXAMPLES, FIXTURES, run_cli, select_args

GOOD = FIXTURES / "AOV302" / "good.xml"  # clean for AOV302 (and AOV301, AOV304)
BAD = FIXTURES / "AOV301" / "bad.xml"  # two AOV301 errors, lines 8 and 12
#: these tests are about the command line, not about the catalogue: they run the rules their
#: fixtures are about, so that a new rule never changes their counts or exit codes
SELECT = ("AOV301", "AOV302", "AOV304")
CLI = ("--no-config", *select_args(SELECT))


def test_clean_file_exits_0_with_summary() -> None:
    result = run_cli(*CLI, str(GOOD))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No problems found in 1 file."
    assert result.stderr == ""


def test_findings_exit_1_with_located_lines() -> None:
    result = run_cli(*CLI, str(BAD))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        ":8:3: AOV301 [error] route 10.0.0.0/8 cannot be combined with ForceTunnel" in line
        and line.endswith("(force-tunnel-with-routes)")
        for line in lines
    )
    assert lines[-1].startswith("Found 2 problems (2 errors) in 1 of 1 file")


def test_fail_on_controls_the_exit_code(tmp_path: Path) -> None:
    note_only = FIXTURES / "AOV304" / "bad.xml"
    assert run_cli(*CLI, str(note_only)).returncode == 0  # default fail-on: warning
    assert run_cli(*CLI, "--fail-on", "note", str(note_only)).returncode == 1
    assert run_cli(*CLI, "--fail-on", "error", str(FIXTURES / "AOV302" / "bad.xml")).returncode == 0


def test_select_and_ignore_by_id_and_prefix() -> None:
    # device tunnel rules (AOV4) do not apply to this user tunnel
    result = run_cli("--no-config", "--select", "AOV4", str(BAD))
    assert result.returncode == 0 and "AOV301" not in result.stdout
    # an ignored prefix wins over a selected prefix of the same length; a longer selection
    # (AOV301) brings the rule back
    result = run_cli("--no-config", "--select", "AOV3,AOV4", "--ignore", "AOV3", str(BAD))
    assert result.returncode == 0 and "AOV3" not in result.stdout
    result = run_cli(
        "--no-config",
        "--select",
        "AOV3,AOV4",
        "--ignore",
        "AOV3",
        "--extend-select",
        "AOV301",
        str(BAD),
    )
    assert result.returncode == 1 and "AOV301" in result.stdout


def test_unknown_rule_id_is_a_usage_error_with_suggestion() -> None:
    result = run_cli("--no-config", "--select", "AOV3011", str(BAD))
    assert result.returncode == 2
    assert (
        "unknown rule id or prefix 'AOV3011'" in result.stderr
        and "did you mean 'AOV3" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_letter_o_for_a_zero_is_read_as_the_id_with_a_warning() -> None:
    # difflib alone ties 'AOV3O1' between AOV301 and AOV311: the O-for-zero reading wins
    result = run_cli("--no-config", "--select", "AOV3O1", str(BAD))
    assert result.returncode == 1
    assert result.stderr == (
        "aovpn-lint: warning: --select: read 'AOV3O1' as 'AOV301' (a letter O for a zero)\n"
    )
    assert "AOV301" in result.stdout


def test_directory_is_walked_recursively_and_skips_git(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    shutil.copy(BAD, tmp_path / "a" / "b" / "deep.xml")
    shutil.copy(BAD, tmp_path / ".git" / "ignored.xml")
    shutil.copy(GOOD, tmp_path / "good.xml")
    (tmp_path / "notes.txt").write_text("not a profile")
    result = run_cli(*CLI, str(tmp_path))
    assert result.returncode == 1
    assert "deep.xml" in result.stdout and "ignored.xml" not in result.stdout
    assert "in 1 of 2 files" in result.stdout.splitlines()[-1]


def test_exclude_glob(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    shutil.copy(BAD, tmp_path / "legacy" / "old.xml")
    shutil.copy(GOOD, tmp_path / "good.xml")
    result = run_cli(*CLI, "--exclude", "legacy", str(tmp_path))
    assert result.returncode == 0 and "old.xml" not in result.stdout


def test_broken_file_among_good_ones_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "a-good.xml")
    (tmp_path / "b-broken.xml").write_text("<VPNProfile>\n  <NativeProfile>\n</VPNProfile>\n")
    shutil.copy(BAD, tmp_path / "c-bad.xml")
    result = run_cli(*CLI, str(tmp_path))
    assert result.returncode == 1
    assert (
        "b-broken.xml:3:" in result.stdout and "AOV100 [error] not well-formed XML" in result.stdout
    )
    assert "c-bad.xml:8:3: AOV301" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_stdin_with_and_without_a_name() -> None:
    data = BAD.read_bytes()
    result = run_cli(*CLI, "-", stdin=data)
    assert result.returncode == 1 and "<stdin>:8:3: AOV301" in result.stdout
    result = run_cli(*CLI, "--stdin-filename", "profiles/user.xml", "-", stdin=data)
    assert "profiles/user.xml:8:3: AOV301" in result.stdout


def test_stdin_filename_picks_the_format_and_needs_a_dash(tmp_path: Path) -> None:
    script = "$ProfileXML = '" + BAD.read_text().replace("'", "''") + "'\n"
    result = run_cli(*CLI, "--stdin-filename", "Deploy.ps1", "-", stdin=script.encode())
    assert result.returncode == 1 and "Deploy.ps1:8:3: AOV301" in result.stdout
    result = run_cli(*CLI, "--stdin-filename", "x.xml", str(GOOD))
    assert result.returncode == 2 and "add '-' to the paths" in result.stderr


def test_missing_path_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    result = run_cli(*CLI, str(tmp_path / "nope.xml"))
    assert result.returncode == 1
    assert "nope.xml:1:1: AOV100 [error] no such file or directory" in result.stdout


def test_json_format_is_a_complete_document() -> None:
    result = run_cli(*CLI, "--format", "json", str(BAD), str(GOOD))
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["files"] == 2
    assert document["summary"]["error"] == 2
    first = document["findings"][0]
    assert {k: first[k] for k in ("rule_id", "line", "column", "severity")} == {
        "rule_id": "AOV301",
        "line": 8,
        "column": 3,
        "severity": "error",
    }
    assert first["related"][0]["line"] == 4


def test_output_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli(*CLI, "--format", "json", "--output", str(out), str(BAD))
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["summary"]["error"] == 2


def test_parallel_output_is_identical_to_sequential(tmp_path: Path) -> None:
    # every rule runs here on purpose: any rule's output must not depend on the worker count
    for i in range(80):
        shutil.copy(BAD if i % 3 else GOOD, tmp_path / f"p{i:03}.xml")
    seq = run_cli("--no-config", "-j", "1", "--format", "json", str(tmp_path))
    par = run_cli("--no-config", "-j", "2", "--format", "json", str(tmp_path))
    assert seq.returncode == par.returncode == 1
    assert seq.stdout == par.stdout


def test_parallel_run_over_scripts_and_exports_matches_sequential() -> None:
    # scripts and exports keep their documents for cross-file rules: workers must send them back
    seq = run_cli("--no-config", "-j", "1", "--format", "json", str(FIXTURES))
    par = run_cli("--no-config", "-j", "2", "--format", "json", str(FIXTURES))
    assert seq.returncode == par.returncode == 1, par.stderr
    assert json.loads(seq.stdout)["files"] >= 64, (
        "the fixture tree must be big enough to run in parallel"
    )
    assert seq.stdout == par.stdout


def test_rules_and_explain_and_version() -> None:
    listing = run_cli("rules")
    assert listing.returncode == 0 and "AOV301  force-tunnel-with-routes" in listing.stdout
    explain = run_cli("explain", "AOV301")
    assert explain.returncode == 0
    assert "## Why is this bad?" in explain.stdout and "ExclusionRoute" in explain.stdout
    assert run_cli("explain", "force-tunnel-with-routes").returncode == 0
    unknown = run_cli("explain", "AOV399")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("aovpn-lint ")


def test_a_command_after_options_is_a_clear_usage_error(tmp_path: Path) -> None:
    for args in (("--no-config", "explain", "AOV301"), ("--format", "json", "rules")):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert "is a command: put it first" in result.stderr
    (tmp_path / "rules").mkdir()
    shutil.copy(GOOD, tmp_path / "rules" / "p.xml")
    assert run_cli(*CLI, "-j", "1", "rules", cwd=tmp_path).returncode == 0  # a real path


def test_bad_usage_exits_2() -> None:
    assert run_cli("--format", "yaml", ".").returncode == 2
    assert run_cli("--jobs", "0", str(GOOD)).returncode == 2


def test_examples_directory_lints_as_the_readme_says() -> None:
    result = run_cli("--no-config", str(EXAMPLES))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name in ("user-tunnel-split.xml", "user-tunnel-force.xml", "device-tunnel.xml"):
        assert f"{name}:" not in result.stdout, f"clean example {name} has findings"
    for name in (
        "force-tunnel-with-routes.xml",
        "device-tunnel-misconfigured.xml",
        "split-tunnel-typos.xml",
        "not-well-formed.xml",
    ):
        assert f"{name}:" in result.stdout
