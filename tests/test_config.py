"""Configuration files (.aovpn-lint.yaml, [tool.aovpn-lint] in pyproject.toml) and the rules
that combine them with the command line; bad configuration is a located error, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aovpn_lint.cli import main
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.configfile import find_config
from aovpn_lint.load.yaml import load_yaml_located
from aovpn_lint.model.findings import Severity
from helpers import WARNINGS_PROFILE, WARNINGS_SELECT, lint_path, select_args

PROFILE = WARNINGS_PROFILE  # AOV201 line 4, AOV302 line 5, AOV306 line 9
#: the rules PROFILE is about: tests that do not configure the selection pass it on the command line
SELECT = select_args(WARNINGS_SELECT)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: discovery stops here
    (tmp_path / "p.xml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["-j", "1", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else {}), captured.err


def active(document: dict[str, Any]) -> dict[str, str]:
    return {f["rule_id"]: f["severity"] for f in document["findings"] if f["suppression"] is None}


def config_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, _doc, err = lint(capsys, *args, "p.xml")
    assert code == 2, err
    assert "Traceback" not in err
    return err.strip()


# --- the baseline --------------------------------------------------------------------------------
def test_without_configuration_all_rules_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document, _ = lint(capsys, "p.xml")
    assert code == 1
    found = active(document)
    assert {k: found.get(k) for k in WARNINGS_SELECT} == {
        "AOV201": "warning",
        "AOV302": "warning",
        "AOV306": "warning",
    }
    # no rule is left out: the run finds what every registered rule finds, at its default severity
    everything = {f.rule_id: f.severity.value for f in lint_path(project / "p.xml")}
    assert found == everything


# --- select, ignore and their precedence ---------------------------------------------------------
def test_yaml_select_ignore_and_longest_prefix_wins(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "select: [AOV3]\nignore: [AOV30]\nextend-select: [aov306]\n", encoding="utf-8"
    )
    _code, document, _ = lint(capsys, "p.xml")
    # AOV3 selected, AOV30 (longer) ignores AOV302, AOV306 (longer still) brings it back
    assert active(document) == {"AOV306": "warning"}


def test_command_line_select_replaces_the_file_selection(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "select: [AOV3]\nignore: [AOV201, AOV302]\n", encoding="utf-8"
    )
    _code, document, _ = lint(capsys, "--select", "AOV2", "p.xml")
    assert active(document) == {"AOV201": "warning"}
    # --ignore adds to the file's ignore list
    _code, document, _ = lint(capsys, "--ignore", "AOV306", "p.xml")
    assert active(document) == {}


def test_ids_may_be_a_comma_separated_string_in_any_case(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (a --select on the command line would replace the file's ignore list: select in the file)
    (project / ".aovpn-lint.yaml").write_text(
        "select: 'AOV201,aov302, AOV306'\nignore: 'aov201, AOV302'\n", encoding="utf-8"
    )
    _code, document, _ = lint(capsys, "p.xml")
    assert active(document) == {"AOV306": "warning"}


def test_parse_errors_cannot_be_deselected(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text("select: [AOV4]\n", encoding="utf-8")
    (project / "broken.xml").write_text("<VPNProfile><AlwaysOn>", encoding="utf-8")
    code, document, _ = lint(capsys, ".")
    assert code == 1 and active(document) == {"AOV100": "error"}


def test_config_is_enabled_unit() -> None:
    config = Config(select=("AOV3",), ignore=("AOV30",), extend_select=("AOV306",))
    assert [config.is_enabled(i) for i in ("AOV201", "AOV302", "AOV306", "AOV310", "AOV000")] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert not Config(ignore=("ALL",)).is_enabled("AOV301")
    assert Config(ignore=("ALL",), extend_select=("AOV301",)).is_enabled("AOV301")


# --- severity and fail-on ------------------------------------------------------------------------
def test_severity_overrides_by_id_and_prefix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "severity:\n  AOV3: note\n  AOV306: error\n  aov201: note\n", encoding="utf-8"
    )
    code, document, _ = lint(capsys, *SELECT, "p.xml")
    assert active(document) == {"AOV201": "note", "AOV302": "note", "AOV306": "error"}
    assert code == 1
    assert (
        Config(severity={"AOV3": Severity.NOTE}).severity_of("AOV201", Severity.ERROR)
        is Severity.ERROR
    )


def test_fail_on_from_the_file_and_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text("fail-on: error\n", encoding="utf-8")
    assert lint(capsys, *SELECT, "p.xml")[0] == 0  # only warnings
    assert lint(capsys, *SELECT, "--fail-on", "warning", "p.xml")[0] == 1  # the command line wins
    (project / ".aovpn-lint.yaml").write_text(
        "fail-on: error\nseverity: {AOV302: error}\n", encoding="utf-8"
    )
    assert lint(capsys, *SELECT, "p.xml")[0] == 1


# --- per-path ignores ----------------------------------------------------------------------------
def test_per_path_ignores_are_external_suppressions(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = project / "legacy" / "2019"
    legacy.mkdir(parents=True)
    (legacy / "old.xml").write_text(PROFILE, encoding="utf-8")
    (project / ".aovpn-lint.yaml").write_text(
        "per-path-ignores:\n  'legacy/**': [AOV2, AOV302]\n  '*.xml': [AOV306]\n", encoding="utf-8"
    )
    code, document, _ = lint(capsys, *SELECT, ".")
    by_path: dict[str, dict[str, Any]] = {}
    for finding in document["findings"]:
        by_path.setdefault(finding["path"], {})[finding["rule_id"]] = finding["suppression"]
    assert by_path["p.xml"]["AOV201"] is None and by_path["p.xml"]["AOV302"] is None
    assert by_path["p.xml"]["AOV306"] == {
        "kind": "external",
        "justification": "per-path ignore '*.xml' in .aovpn-lint.yaml",
    }
    old = by_path["legacy/2019/old.xml"]
    assert old["AOV201"]["kind"] == old["AOV302"]["kind"] == old["AOV306"]["kind"] == "external"
    assert old["AOV201"]["justification"].startswith("per-path ignore 'legacy/**'")
    assert code == 1  # p.xml still has active warnings


def test_per_path_globs_are_relative_to_the_config_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = project / "sites" / "berlin"
    site.mkdir(parents=True)
    (site / "user.xml").write_text(PROFILE, encoding="utf-8")
    (project / ".aovpn-lint.yaml").write_text(
        "per-path-ignores:\n  sites/berlin/: [ALL]\n", encoding="utf-8"
    )
    monkeypatch.chdir(site)  # linting from below the config file's folder
    code, document, _ = lint(capsys, *SELECT, "user.xml")
    assert code == 0 and document["summary"]["suppressed"] == 3


# --- discovery and pyproject.toml ----------------------------------------------------------------
def test_pyproject_tool_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.aovpn-lint]\nselect = ["AOV201", "AOV302", "AOV306"]\n'
        'ignore = ["AOV201"]\nfail-on = "error"\n\n'
        '[tool.aovpn-lint.severity]\nAOV306 = "error"\n',
        encoding="utf-8",
    )
    code, document, _ = lint(capsys, "p.xml")
    assert active(document) == {"AOV302": "warning", "AOV306": "error"}
    assert code == 1


def test_pyproject_without_our_table_is_not_a_config(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n", encoding="utf-8")
    assert find_config(str(project)) is None
    (project / "pyproject.toml").write_text(
        '[tool.aovpn-lint.severity]\nAOV201 = "note"\n', encoding="utf-8"
    )
    assert find_config(str(project)) == str(project / "pyproject.toml")


def test_discovery_walks_up_but_stops_at_the_repository_root(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    repo = outer / "repo"
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    (outer / ".aovpn-lint.yaml").write_text("ignore: [AOV201]\n", encoding="utf-8")
    (repo / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a worktree's .git file
    assert find_config(str(deep)) is None
    (repo / ".aovpn-lint.yml").write_text("ignore: [AOV201]\n", encoding="utf-8")
    assert find_config(str(deep)) == str(repo / ".aovpn-lint.yml")
    # the YAML file wins over pyproject.toml in the same folder
    (deep / "pyproject.toml").write_text('[tool.aovpn-lint]\nignore = ["AOV3"]\n', encoding="utf-8")
    assert find_config(str(deep)) == str(deep / "pyproject.toml")
    (deep / ".aovpn-lint.yaml").write_text("{}\n", encoding="utf-8")
    assert find_config(str(deep)) == str(deep / ".aovpn-lint.yaml")


def test_explicit_config_and_no_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".aovpn-lint.yaml").write_text("ignore: [AOV2, AOV3]\n", encoding="utf-8")
    (project / "strict.yaml").write_text("select: [AOV201]\n", encoding="utf-8")
    assert active(lint(capsys, "--config", "strict.yaml", "p.xml")[1]) == {"AOV201": "warning"}
    assert len(active(lint(capsys, "--no-config", *SELECT, "p.xml")[1])) == 3
    assert "configuration file 'missing.yaml' does not exist" in config_error(
        capsys, "--config", "missing.yaml"
    )


def test_empty_config_file_is_fine(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".aovpn-lint.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert len(active(lint(capsys, *SELECT, "p.xml")[1])) == 3


# --- bad configuration ---------------------------------------------------------------------------
def test_unknown_key_with_did_you_mean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "select: [AOV3]\n\n  # x\nfail_on: error\n", encoding="utf-8"
    )
    assert config_error(capsys) == (
        "aovpn-lint: .aovpn-lint.yaml:4:1: error: unknown configuration key 'fail_on'; "
        "did you mean 'fail-on'?"
    )


def test_unknown_key_without_a_close_match_lists_the_keys(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text("colour: blue\n", encoding="utf-8")
    err = config_error(capsys)
    assert err.startswith(
        "aovpn-lint: .aovpn-lint.yaml:1:1: error: unknown configuration key 'colour'; "
        "known keys: select,"
    )


def test_unknown_rule_id_with_did_you_mean_located_on_the_value(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "ignore:\n  - AOV201\n  - AOV3066\n", encoding="utf-8"
    )
    assert config_error(capsys) == (
        "aovpn-lint: .aovpn-lint.yaml:3:5: error: unknown rule id or prefix 'AOV3066'; "
        "did you mean 'AOV306'?"
    )


def test_a_letter_o_for_a_zero_in_the_file_is_read_as_the_id_it_means(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # difflib ties 'AOV3O2' between AOV302 and AOV312; the O-for-zero reading is exact
    (project / ".aovpn-lint.yaml").write_text(
        "select: [AOV201, AOV302, AOV306]\nignore:\n  - aov3o2\nseverity:\n  AOV2O1: error\n",
        encoding="utf-8",
    )
    code, document, err = lint(capsys, "p.xml")
    assert err.splitlines() == [
        "aovpn-lint: .aovpn-lint.yaml:3:5: warning: read 'AOV3O2' as 'AOV302' (a letter O for a "
        "zero)",
        "aovpn-lint: .aovpn-lint.yaml:5:3: warning: read 'AOV2O1' as 'AOV201' (a letter O for a "
        "zero)",
    ]
    assert active(document) == {"AOV201": "error", "AOV306": "warning"}
    assert code == 1


def test_every_configuration_error_is_reported_in_one_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "fail_on: error\n"
        "ignore: [AOV201, 302, 'AOV 3']\n"
        "severity:\n  AOV201: critical\n  AOV302: note\n"
        "max-file-size: -1\n"
        "respect-gitignore: maybe\n",
        encoding="utf-8",
    )
    lines = config_error(capsys, "--target-windows", "Vista").splitlines()
    assert lines == [
        "aovpn-lint: error: --target-windows: " + lines[0].split("--target-windows: ", 1)[1],
        "aovpn-lint: .aovpn-lint.yaml:1:1: error: unknown configuration key 'fail_on'; did you "
        "mean 'fail-on'?",
        "aovpn-lint: .aovpn-lint.yaml:2:18: error: 'ignore' must be a list of strings, not 302",
        "aovpn-lint: .aovpn-lint.yaml:2:23: error: 'AOV 3' is not a rule id or prefix (like "
        "'AOV301' or 'AOV3')",
        "aovpn-lint: .aovpn-lint.yaml:4:11: error: 'severity.AOV201': unknown severity "
        "'critical'; use note, warning or error",
        "aovpn-lint: .aovpn-lint.yaml:6:16: error: 'max-file-size' must be a positive number of "
        "bytes, not -1",
        "aovpn-lint: .aovpn-lint.yaml:7:20: error: 'respect-gitignore' must be true or false, "
        "not 'maybe'",
    ]


def test_unknown_ids_are_all_reported_in_one_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text(
        "ignore: [AOV2011]\nseverity:\n  AOV9: error\n", encoding="utf-8"
    )
    lines = config_error(capsys, "--extend-select", "AOV3066").splitlines()
    assert [line.split(": error: ")[0] for line in lines] == [
        "aovpn-lint",
        "aovpn-lint: .aovpn-lint.yaml:1:10",
        "aovpn-lint: .aovpn-lint.yaml:3:3",
    ]
    assert "'AOV3066'" in lines[0] and "'AOV2011'" in lines[1] and "'AOV9'" in lines[2]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("severity:\n  AOV3012: error\n", ".aovpn-lint.yaml:2:3"),
        ("per-path-ignores:\n  'legacy/*': [AOV2X1]\n", ".aovpn-lint.yaml:2:16"),
        ("extend-select: [AOV9]\n", ".aovpn-lint.yaml:1:17"),
    ],
)
def test_unknown_rule_ids_everywhere(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    (project / ".aovpn-lint.yaml").write_text(text, encoding="utf-8")
    err = config_error(capsys)
    assert err.startswith(f"aovpn-lint: {where}: error: unknown rule id or prefix"), err


def test_unknown_rule_id_on_the_command_line_names_the_option(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".aovpn-lint.yaml").write_text("ignore: [AOV201]\n", encoding="utf-8")
    assert config_error(capsys, "--ignore", "AOV3055") == (
        "aovpn-lint: error: --ignore: unknown rule id or prefix 'AOV3055'; did you mean 'AOV305'?"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "severity:\n  AOV201: critical\n",
            ".aovpn-lint.yaml:2:11: error: 'severity.AOV201': unknown severity "
            "'critical'; use note, warning or error",
        ),
        (
            "fail-on: fatal\n",
            ".aovpn-lint.yaml:1:10: error: 'fail-on': unknown severity 'fatal'; use note, "
            "warning or error",
        ),
        (
            "severity: [AOV201]\n",
            ".aovpn-lint.yaml:1:11: error: 'severity' must map rule ids to note, warning or error",
        ),
        (
            "ignore: [AOV201, 302]\n",
            ".aovpn-lint.yaml:1:18: error: 'ignore' must be a list of strings, not 302",
        ),
        (
            "ignore: {AOV201: true}\n",
            ".aovpn-lint.yaml:1:9: error: 'ignore' must be a list of strings",
        ),
        (
            "ignore: ['AOV 301']\n",
            ".aovpn-lint.yaml:1:10: error: 'AOV 301' is not a rule id or prefix (like "
            "'AOV301' or 'AOV3')",
        ),
        (
            "max-file-size: -5\n",
            ".aovpn-lint.yaml:1:16: error: 'max-file-size' must be a positive number of "
            "bytes, not -5",
        ),
        (
            "per-path-ignores: [a]\n",
            ".aovpn-lint.yaml:1:19: error: 'per-path-ignores' must map path globs to "
            "lists of rule ids",
        ),
        (
            "- AOV201\n",
            ".aovpn-lint.yaml:1:1: error: the configuration must be a mapping of keys to values",
        ),
        (
            "select: []\n",
            ".aovpn-lint.yaml:1:9: error: 'select' is empty, which would run no rule; list "
            "rule ids or prefixes, or remove the key to run every rule",
        ),
    ],
)
def test_bad_values_are_located(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (project / ".aovpn-lint.yaml").write_text(text, encoding="utf-8")
    assert config_error(capsys) == f"aovpn-lint: {message}"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("select: [AOV3\nignore: [AOV201]\n", ".aovpn-lint.yaml:2:"),
        ("select: [AOV3]\n  ignore: x\n", ".aovpn-lint.yaml:2:"),
        ("ignore: [AOV201]\nignore: [AOV302]\n", ".aovpn-lint.yaml:2:"),
        ("select: !!python/object/apply:os.system ['true']\n", ".aovpn-lint.yaml:1:"),
    ],
)
def test_bad_yaml_is_located_by_line(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    (project / ".aovpn-lint.yaml").write_text(text, encoding="utf-8")
    err = config_error(capsys)
    assert err.startswith(f"aovpn-lint: {where}"), err


def test_bad_toml_and_bad_keys_in_pyproject_are_located(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.aovpn-lint]\nignore = ["AOV201"\nselect = 1\n', encoding="utf-8"
    )
    err = config_error(capsys)
    assert err.startswith("aovpn-lint: pyproject.toml:3:") and "invalid TOML" in err, err
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.aovpn-lint]\nignore = ["AOV201"]\nfailon = "error"\n',
        encoding="utf-8",
    )
    assert config_error(capsys) == (
        "aovpn-lint: pyproject.toml:6:1: error: unknown configuration key 'failon'; "
        "did you mean 'fail-on'?"
    )
    (project / "pyproject.toml").write_text(
        '[tool.aovpn-lint]\nignore = ["AOV201"]\n\n'
        '[tool.aovpn-lint.severity]\nAOV301 = "warning"\nAOV3066 = "note"\n',
        encoding="utf-8",
    )
    assert config_error(capsys) == (
        "aovpn-lint: pyproject.toml:6:1: error: unknown rule id or prefix 'AOV3066'; "
        "did you mean 'AOV306'?"
    )


def test_config_that_is_not_utf8(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".aovpn-lint.yaml").write_bytes(b"ignore: [AOV201]\nselect: ['\xff']\n")
    assert config_error(capsys).startswith(
        "aovpn-lint: .aovpn-lint.yaml:2:1: error: the configuration is not valid UTF-8"
    )


# --- the YAML reader behind it -------------------------------------------------------------------
def test_yaml_reader_types_and_positions() -> None:
    data, keys, values = load_yaml_located("a: 0x10\nb:\n  - x\n  - true\nc: {d: 1}\n")
    assert data == {"a": 16, "b": ["x", True], "c": {"d": 1}}
    assert keys[("a",)] == (1, 1) and values[("a",)] == (1, 4)
    assert values[("b", 1)] == (4, 5)
    assert keys[("c", "d")] == (5, 5)


def test_exclude_globs_are_relative_to_the_config_file_not_the_current_folder(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("legacy/old.xml", "sub/legacy/kept.xml", "sub/new.xml"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(PROFILE, encoding="utf-8")
    (project / ".aovpn-lint.yaml").write_text(
        "exclude: [/legacy/, sub/new.xml]\n", encoding="utf-8"
    )
    monkeypatch.chdir(project / "sub")  # the file is found above; its globs stay anchored there
    code, document, err = lint(capsys, *SELECT, ".", "../legacy")
    assert err == ""
    assert {f["path"].replace("\\", "/") for f in document["findings"]} == {"legacy/kept.xml"}
    # --exclude on the command line is relative to the current folder
    code, document, err = lint(capsys, *SELECT, "--exclude", "legacy/", ".")
    assert document["findings"] == []
