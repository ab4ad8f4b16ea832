"""Reads, leaks and CI logs: nothing outside the inputs is read, and nothing a user controls can
forge a CI log line or a code-scanning path.

Hostile inputs are made in tmp folders; reads outside the inputs are caught with the traps of
test_hostile.py (a secret file whose token must never appear in any output, a FIFO that notices
being opened).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from test_hostile import GOOD, Traps, clean, findings_of, run_guarded, wrap

from aovpn_lint.engine.suppress import Directives, Syntax, comment_spans
from aovpn_lint.model.findings import Finding, Related, Severity
from aovpn_lint.model.positions import Location
from aovpn_lint.report import Report, render
from aovpn_lint.report.limits import MAX_LOCATIONS, MAX_RESULTS, cap
from aovpn_lint.report.text import summary
from aovpn_lint.sanitize import log_safe, log_safe_json
from helpers import FIXTURES, lint_text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX FIFOs and file names")

BAD = (FIXTURES / "AOV302" / "bad.xml").read_text(encoding="utf-8")  # one AOV302, line 4


@pytest.fixture()
def traps(tmp_path: Path):
    trap = Traps(tmp_path)
    yield trap
    trap.close()
    trap.server.close()


# --- 1. DOCTYPE: the parser decides, and never opens anything -----------------------------------
def test_a_doctype_hidden_behind_a_pi_holding_a_comment_opener_opens_nothing(
    traps: Traps, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name, target in (("fifo", traps.fifo), ("secret", traps.secret)):
        (inputs / f"{name}.xml").write_text(
            f'<?x <!-- ?><!DOCTYPE VPNProfile SYSTEM "{target}">' + GOOD
        )
    result = run_guarded("--no-config", "--format", "json", "-j", "1", str(inputs), timeout=30)
    findings = findings_of(result)
    assert not traps.fifo_opened, "libxml2 opened the external DTD"
    assert traps.token not in result.stdout.decode() + result.stderr.decode()
    located = sorted((Path(f["path"]).name, f["rule_id"], f["line"], f["column"]) for f in findings)
    assert located == [("fifo.xml", "AOV100", 1, 12), ("secret.xml", "AOV100", 1, 12)]
    assert all("DOCTYPE" in f["message"] for f in findings)


@pytest.mark.parametrize(
    "markup",
    ["<?note <!DOCTYPE VPNProfile SYSTEM 'x.dtd'> ?>", "<![CDATA[<!DOCTYPE VPNProfile>]]>"],
    ids=["pi", "cdata"],
)
def test_doctype_text_inside_a_pi_or_cdata_is_data(markup: str, tmp_path: Path) -> None:
    text = GOOD.replace("<NativeProfile>", f"<NativeProfile>{markup}", 1)
    if "CDATA" in markup:  # CDATA is element content: give it an element of its own
        text = GOOD.replace("</VPNProfile>", f"<ProfileName>{markup}</ProfileName></VPNProfile>")
    findings = lint_text(tmp_path, text, select=["AOV100"])
    assert [f for f in findings if f.rule_id == "AOV100"] == []


def test_a_doctype_before_a_syntax_error_is_reported_as_the_doctype(tmp_path: Path) -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE VPNProfile [<!ENTITY x "y">]>\n<VPNProfile><a></b>'
    [finding] = lint_text(tmp_path, text, select=["AOV100"])
    assert "DOCTYPE" in finding.message and (finding.loc.line, finding.loc.col) == (2, 1)


# --- 2. paths a configuration names stay inside the repository ----------------------------------
def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "p.xml").write_text(BAD)
    return repo


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "pyproject", "subfolder"])
def test_a_configured_inventory_outside_the_repository_is_a_config_error(
    how: str, traps: Traps, tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    victim = tmp_path / "victim.yaml"
    victim.write_text(f"servers:\n  - name: {traps.token}\n    address: [{traps.token}\n")
    config, value = repo / ".aovpn-lint.yaml", "../victim.yaml"
    if how == "absolute":
        value = str(traps.secret)
    elif how == "symlink":
        (repo / "inventory.yaml").symlink_to(victim)
        value = "inventory.yaml"
    elif how == "subfolder":  # the git root, not the configuration's folder, is the boundary
        (repo / "sub").mkdir()
        config, value = repo / "sub" / ".aovpn-lint.yaml", "../../victim.yaml"
    if how == "pyproject":
        (repo / "pyproject.toml").write_text(f'[tool.aovpn-lint]\ninventory = "{value}"\n')
    else:
        config.write_text(f"inventory: {value}\n")
    result = run_guarded("--format", "json", "p.xml", cwd=config.parent)
    err = result.stderr.decode()
    assert result.returncode == 2 and result.stdout == b"", (result.returncode, err)
    assert traps.token not in err and "inside the repository" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_configured_inventory_inside_the_git_root_but_above_the_config_is_fine(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path)
    (repo / "inventory.yaml").write_text("servers: []\n")
    (repo / "sub").mkdir()
    (repo / "sub" / ".aovpn-lint.yaml").write_text("inventory: ../inventory.yaml\n")
    result = run_guarded("--format", "json", "../p.xml", cwd=repo / "sub")
    assert result.returncode in (0, 1), result.stderr.decode()


# --- 5. configuration errors are printable -------------------------------------------------------
def test_configuration_errors_escape_control_characters_of_the_file(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (repo / ".aovpn-lint.yaml").write_text(
        '"fail\\e]0;pwned\\a\\e[2J\\n::error title=Forged::x\\u2028y": warning\n'
    )
    result = run_guarded("p.xml", cwd=repo)
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1, err
    assert not any(c in err for c in "\x1b\x07\u2028")
    assert "unknown configuration key 'fail\\x1b]0;pwned\\x07\\x1b[2J ::error" in err


# --- 3. no stage reads through a link that leaves the tree ---------------------------------------
def test_sarif_fingerprints_never_read_through_a_link_out_of_the_tree(
    traps: Traps, tmp_path: Path
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "p.xml").write_text(BAD)
    (tree / "leak.xml").symlink_to(traps.secret)
    (tree / "fifo.xml").symlink_to(traps.fifo)
    result = run_guarded("--no-config", "--format", "sarif", "-j", "1", str(tree), timeout=30)
    out = clean(result)
    assert traps.token not in out + result.stderr.decode() and not traps.fifo_opened
    results = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1]: r
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert results["leak.xml"]["ruleId"] == results["fifo.xml"]["ruleId"] == "AOV100"
    assert "partialFingerprints" not in results["leak.xml"]  # nothing was read to hash
    assert "partialFingerprints" in results["p.xml"]


def test_reporters_hold_no_file_reads() -> None:
    """Reporters get everything from the run (Report); none opens or stats a file."""
    report_dir = Path(__file__).resolve().parent.parent / "aovpn_lint" / "report"
    for module in report_dir.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        for call in ("open(", "read_text(", "read_bytes(", "os.stat(", "scandir(", "realpath("):
            assert call not in source, (module.name, call)


# --- 4. no output line is a CI runner command ----------------------------------------------------
FORGED_NAME = "::error title=Forged,file=README.md,line=1::Approved.xml"
MARKERS = ("##[", "##vso[")


def _forged_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    text = BAD.replace("SplitTunnel</", "SplitTunnel ##[add-mask]secret ##VSO[task.complete]</")
    (tree / FORGED_NAME).write_text(text)
    (tree / "  ::warning::x.xml").write_text(text)
    return tree


def _assert_no_runner_command(out: str) -> None:
    for line in out.splitlines():
        assert not line.lstrip().startswith("::"), line
        assert not any(marker in line.lower() for marker in MARKERS), line


@pytest.mark.parametrize("fmt", ["text", "text-file", "json", "sarif"])
def test_no_output_line_is_a_runner_command(fmt: str, tmp_path: Path) -> None:
    tree = _forged_tree(tmp_path)
    args = ["--no-config", "--select", "AOV102", "-j", "1", "."]
    if fmt == "text-file":
        clean(run_guarded("-o", str(tmp_path / "out.txt"), *args, cwd=tree))
        out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    else:
        options = ("--format", fmt) if fmt != "text" else ()
        out = clean(run_guarded(*options, *args, cwd=tree))
    _assert_no_runner_command(out)
    if fmt == "json":  # the values are faithful: only their serialisation changed
        messages = [f["message"] for f in json.loads(out)["findings"]]
        assert all("##[add-mask]secret ##VSO[task.complete]" in m for m in messages)
        assert {Path(f["path"]).name for f in json.loads(out)["findings"]} == {
            FORGED_NAME,
            "  ::warning::x.xml",
        }
    if fmt.startswith("text"):
        assert "\\x3a:error title=Forged,file=README.md,line=1::Approved.xml:4:" in out
        assert "\\x23#[add-mask]secret \\x23#VSO[task.complete]" in out


def test_github_format_makes_only_its_own_commands(tmp_path: Path) -> None:
    tree = _forged_tree(tmp_path)
    (tree / "line\n::error file=forged.xml::injected.xml").write_text(BAD)
    out = clean(
        run_guarded("--no-config", "--select", "AOV102,AOV302", "--format", "github", str(tree))
    )
    lines = out.splitlines()
    assert len(lines) == 3 and all(
        line.startswith(("::error file=", "::warning file=")) for line in lines
    )
    for line in lines:
        props, _, data = line.partition("::")[2].partition("::")
        assert "\n" not in data and not any(m in data.lower() for m in MARKERS)
    assert "%3A%3Aerror title=Forged%2Cfile=README.md%2Cline=1%3A%3AApproved.xml" in out
    assert "line%0A%3A%3Aerror file=forged.xml%3A%3Ainjected.xml" in out  # the real name


def test_log_safe_and_log_safe_json() -> None:
    assert log_safe("::x") == "\\x3a:x" and log_safe("  :x") == "  \\x3ax"
    assert log_safe("\t::x") == " \\x3a:x" and log_safe("a::b") == "a::b"
    assert log_safe("##[group]x ##vso[a]") == "\\x23#[group]x \\x23#vso[a]"
    assert log_safe("# one ## two #[x") == "# one ## two #[x"
    document = json.dumps({"a": ["##[add-mask]x", "\\\\##vso[y]"]}, indent=2)
    assert json.loads(log_safe_json(document)) == json.loads(document)
    assert "##" not in log_safe_json(document)


# --- 8. URIs and code-host paths are made from the real file names -------------------------------
ODD_NAMES = {b"latin\xe9.xml": "latin%E9.xml", b"tab\there.xml": "tab%09here.xml"}


def _odd_repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for raw in ODD_NAMES:
        with open(os.path.join(os.fsencode(repo), raw), "wb") as handle:
            handle.write(BAD.encode())
    return repo


def test_sarif_uris_are_percent_encoded_from_the_real_names(tmp_path: Path) -> None:
    repo = _odd_repository(tmp_path)
    out = clean(
        run_guarded("--no-config", "--select", "AOV302", "--format", "sarif", ".", cwd=repo)
    )
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    )
    assert uris == sorted(ODD_NAMES.values())


def test_github_file_properties_are_the_real_names(tmp_path: Path) -> None:
    repo = _odd_repository(tmp_path)
    out = clean(
        run_guarded("--no-config", "--select", "AOV302", "--format", "github", ".", cwd=repo)
    )
    files = sorted(line.split("file=", 1)[1].split(",", 1)[0] for line in out.splitlines())
    # a name that is not UTF-8 cannot be written into a log line: its display name is used
    assert files == ["latin\\xe9.xml", "tab\there.xml"]


def test_text_and_json_keep_display_names(tmp_path: Path) -> None:
    repo = _odd_repository(tmp_path)
    out = clean(run_guarded("--no-config", "--select", "AOV302", ".", cwd=repo))
    assert "latin\\xe9.xml:4:" in out and "tab\\there.xml:4:" in out and "\t" not in out


# --- 6. only real comments are suppression directives --------------------------------------------
DISABLE_ALL = "aovpn-lint: disable-file=ALL"


def _rules_found(tmp_path: Path, name: str, content: str) -> dict[str, bool]:
    """rule id -> whether its finding was suppressed, for one file linted for AOV302."""
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = run_guarded(
        "--no-config", "--select", "AOV302", "--format", "json", name, cwd=tmp_path
    )
    findings = json.loads(result.stdout)["findings"]
    return {f["rule_id"]: f["suppression"] is not None for f in findings}


def _export(xml: str, description: str) -> str:
    suffix, content = wrap("json", xml)
    document = json.loads(content)
    document["description"] = description
    return json.dumps(document, indent=2)


@pytest.mark.parametrize(
    "description", [DISABLE_ALL, f"<!-- {DISABLE_ALL} -->"], ids=["text", "xml-comment-text"]
)
def test_a_directive_in_a_json_value_is_not_a_comment(description: str, tmp_path: Path) -> None:
    assert _rules_found(tmp_path, "export.json", _export(BAD, description)) == {"AOV302": False}


def test_an_xml_comment_inside_the_embedded_profile_of_an_export_still_counts(
    tmp_path: Path,
) -> None:
    xml = BAD.replace("<VPNProfile>", f"<VPNProfile><!-- {DISABLE_ALL} -->", 1)
    assert _rules_found(tmp_path, "export.json", _export(xml, "")) == {"AOV302": True}


@pytest.mark.parametrize(
    "xml",
    [
        BAD.replace("<Servers>vpn.example.com", f"<Servers>vpn.example.com {DISABLE_ALL}"),
        BAD.replace("<VPNProfile>", f'<VPNProfile note="{DISABLE_ALL}">'),
        BAD.replace("<VPNProfile>", f"<VPNProfile><?note <!-- {DISABLE_ALL} -->?>"),
        BAD.replace(
            "</VPNProfile>",
            f"<ProfileName><![CDATA[<!-- {DISABLE_ALL} -->]]></ProfileName></VPNProfile>",
        ),
    ],
    ids=["element-value", "attribute", "pi", "cdata"],
)
def test_a_directive_in_xml_data_is_not_a_comment(xml: str, tmp_path: Path) -> None:
    assert _rules_found(tmp_path, "p.xml", xml) == {"AOV302": False}


@pytest.mark.parametrize(
    ("line", "honoured"),
    [
        (f'$note = "{DISABLE_ALL}"', False),
        (f"$note = '{DISABLE_ALL}'", False),
        (f"# {DISABLE_ALL}", True),
        (f"<# {DISABLE_ALL} #>", True),
        (f"$x = 1  # {DISABLE_ALL}", True),
    ],
    ids=["double-quoted", "single-quoted", "line-comment", "block-comment", "trailing-comment"],
)
def test_powershell_directives_only_in_comments(line: str, honoured: bool, tmp_path: Path) -> None:
    suffix, script = wrap("ps1", BAD)
    assert _rules_found(tmp_path, "deploy.ps1", f"{line}\n{script}") == {"AOV302": honoured}


def test_yaml_directives_only_in_comments() -> None:
    text = (
        f'name: "{DISABLE_ALL}"\n'
        f"other: '# {DISABLE_ALL}'\n"
        f"notes: |\n  # {DISABLE_ALL}\n  more\n"
        "servers: [] # aovpn-lint: disable=AOV503 real comment\n"
    )
    directives = Directives(text, comment_spans(text, Syntax.YAML))
    assert directives.file_wide == [] and directives.match("AOV503", 6) is not None


def test_json_has_no_comments() -> None:
    text = json.dumps({"// aovpn-lint: disable-file=ALL": f"# {DISABLE_ALL}"})
    assert Directives(text, comment_spans(text, Syntax.JSON)).file_wide == []


# --- 7. one line model: only \n ends a line -----------------------------------------------------
def test_other_line_breaks_do_not_move_a_suppression(tmp_path: Path) -> None:
    suffix, script = wrap(
        "ps1",
        BAD.replace(
            "    <RoutingPolicyType>",
            "    <!-- aovpn-lint: disable=AOV302 -->\n    <RoutingPolicyType>",
        ),
    )
    script = "# vertical tab \x0b, file separator \x1c, line separator \u2028 here\n" + script
    (tmp_path / "deploy.ps1").write_text(script, encoding="utf-8")
    result = run_guarded(
        "--no-config", "--select", "AOV302", "--format", "json", "deploy.ps1", cwd=tmp_path
    )
    [finding] = json.loads(result.stdout)["findings"]
    lines = script.split("\n")
    assert "<RoutingPolicyType>" in lines[finding["line"] - 1]
    assert finding["suppression"] is not None
    assert f"(line {finding['line'] - 1})" in finding["suppression"]["justification"]


# --- 9. SARIF stays within what GitHub accepts ---------------------------------------------------
def _synthetic(rule_id: str, severity: Severity, line: int, related: int = 0) -> Finding:
    loc = Location("p.xml", line, 1, line, 2)
    return Finding(
        rule_id,
        "x",
        severity,
        "m",
        loc,
        related=tuple(Related(Location("q.xml", i + 1, 1), "r") for i in range(related)),
    )


def test_sarif_keeps_the_most_severe_25000_results_and_says_what_it_dropped(
    tmp_path: Path,
) -> None:
    notes = [_synthetic("AOV305", Severity.NOTE, i + 1) for i in range(MAX_RESULTS)]
    severe = [_synthetic("AOV301", Severity.ERROR, 1), _synthetic("AOV201", Severity.WARNING, 2)]
    findings = [*notes, *severe]
    report = Report(findings, [], 1, cwd=str(tmp_path), repo_root=str(tmp_path))
    run = json.loads(render("sarif", report))["runs"][0]
    levels = [r["level"] for r in run["results"]]
    assert len(levels) == MAX_RESULTS and levels.count("error") == levels.count("warning") == 1
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("2 results left out (2 notes): GitHub")
    summary_line = summary(report, cap(findings))
    assert summary_line.endswith(
        "SARIF: 2 results left out (2 notes): GitHub code scanning "
        "accepts at most 25,000 results per run, so the most severe are kept; the JSON output "
        "has them all."
    )


def test_sarif_keeps_at_most_1000_locations_per_result(tmp_path: Path) -> None:
    finding = _synthetic("AOV501", Severity.ERROR, 1, related=MAX_LOCATIONS + 50)
    report = Report([finding], [], 1, cwd=str(tmp_path), repo_root=str(tmp_path))
    [result] = json.loads(render("sarif", report))["runs"][0]["results"]
    assert len(result["locations"]) + len(result["relatedLocations"]) == MAX_LOCATIONS


def test_no_cap_below_the_limit(tmp_path: Path) -> None:
    findings = [_synthetic("AOV305", Severity.NOTE, 1)]
    assert cap(findings).dropped == {} and summary(Report(findings, [], 1), cap(findings)) == (
        "Found 1 problem (1 note) in 1 of 1 file."
    )
