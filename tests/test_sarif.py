"""SARIF 2.1.0 output: schema validity (examples, real corpus, snapshot), what GitHub code scanning
reads, URIs, fingerprints, suppressions, failures, and the lazy import of sarif-om."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aovpn_lint.cli import main
from aovpn_lint.model.findings import Finding, RuleMeta, Severity
from aovpn_lint.model.positions import Location
from aovpn_lint.report import Report
from aovpn_lint.report.sarif import automation_id, line_hashes, render_failure, render_sarif
from helpers import CORPUS, EXAMPLES, ROOT, RULE_DOC, SARIF_SCHEMA, check_snapshot, run_cli

SPLIT_BAD = """<VPNProfile>
  <AlwaysOn>true</AlwaysOn>
  <NativeProfile>
    <Servers>vpn.contoso.com</Servers>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication><UserMethod>Eap</UserMethod></Authentication>
  </NativeProfile>
  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
</VPNProfile>
"""


# --- helpers -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid(validator: Any, document: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def sarif_of(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """Run the CLI in-process with --format sarif; return (exit code, document)."""
    code = main(["--no-config", "-j", "1", "--format", "sarif", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document["runs"][0]["results"]


def walk(value: Any, path: str = "") -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}/{key}", key, item
            yield from walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}/{i}")


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.is_file())


# --- schema validity -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_every_example_validates(
    validator: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    code, document = sarif_of(capsys, str(path.relative_to(ROOT)))
    assert code in (0, 1)
    assert_valid(validator, document)
    assert document["version"] == "2.1.0"
    for result in results(document):
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri == {
            "uri": path.relative_to(ROOT).as_posix().replace(" ", "%20"),
            "uriBaseId": "%SRCROOT%",
        }


def test_examples_folder_validates_and_reports_the_broken_ones(
    validator: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, document = sarif_of(capsys, "examples")
    assert code == 1
    assert_valid(validator, document)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(document)
    }
    assert {f"examples/broken/{p.name}" for p in (EXAMPLES / "broken").glob("*.xml")} <= uris


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is not available here")
def test_real_corpus_validates(validator: Any) -> None:
    # files outside the repository get absolute file:// URIs; paths with spaces are encoded
    result = run_cli("--no-config", "-j", "1", "--format", "sarif", str(CORPUS), cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert_valid(validator, document)
    assert results(document), "the real corpus has known findings"
    for item in results(document):
        artifact = item["locations"][0]["physicalLocation"]["artifactLocation"]
        assert " " not in artifact["uri"]
        assert artifact["uri"].startswith(("file:///", "../")) or "uriBaseId" in artifact


def test_snapshot_of_the_broken_examples(validator: Any, request: pytest.FixtureRequest) -> None:
    result = run_cli("--no-config", "-j", "1", "--format", "sarif", "examples/broken", cwd=ROOT)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert_valid(validator, document)
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "<version>"
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///<root>/"
    run["invocations"][0]["workingDirectory"]["uri"] = "file:///<root>/"
    run["invocations"][0]["commandLine"] = "<command line>"
    # keep only the rules the results use (re-indexed), so that adding a rule elsewhere in the
    # catalogue does not rewrite this snapshot
    used = sorted({r["ruleId"] for r in run["results"]})
    driver["rules"] = [rule for rule in driver["rules"] if rule["id"] in used]
    for item in run["results"]:
        item["ruleIndex"] = used.index(item["ruleId"])
    for note in run["invocations"][0].get("toolExecutionNotifications", []):
        note["descriptor"]["index"] = used.index(note["descriptor"]["id"])
    assert_valid(validator, document)
    check_snapshot(
        request, "examples-broken.sarif", json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    )


# --- what GitHub code scanning reads -------------------------------------------------------------
def test_run_has_everything_code_scanning_reads(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _code, document = sarif_of(capsys, "examples/broken")
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    from aovpn_lint import __version__

    assert driver["name"] == "aovpn-lint"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["automationDetails"] == {"id": "aovpn-lint/"}
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    assert run["invocations"][0]["executionSuccessful"] is True
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(ids) and "AOV301" in ids and "AOV000" in ids
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert "## Why is this bad?" in rule["help"]["text"]
        assert "## Why is this bad?" in rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        props = rule["properties"]
        assert props["tags"] and props["precision"] in ("very-high", "high", "medium", "low")
        assert props["problem.severity"] in ("error", "warning", "recommendation")
    severities = {r["id"]: r["properties"]["problem.severity"] for r in driver["rules"]}
    assert severities["AOV301"] == "error" and severities["AOV302"] == "warning"
    assert severities["AOV305"] == "recommendation"
    for result in results(document):
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert (region["endLine"], region["endColumn"]) > (
            region["startLine"],
            region["startColumn"],
        )
        assert re.fullmatch(
            r"[0-9a-f]{1,16}:\d+", result["partialFingerprints"]["primaryLocationLineHash"]
        )


def test_related_locations_and_regions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _code, document = sarif_of(capsys, "examples/broken/force-tunnel-with-routes.xml")
    (aov301,) = [r for r in results(document) if r["ruleId"] == "AOV301"]
    assert aov301["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 13,
        "startColumn": 3,
        "endLine": 13,
        "endColumn": 9,
    }
    (related,) = aov301["relatedLocations"]
    assert related["id"] == 1 and related["message"]["text"] == "ForceTunnel is set here"
    assert related["physicalLocation"]["region"]["startLine"] == 6


def test_no_placeholder_defaults_leak(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _code, document = sarif_of(capsys, "examples")
    for path, key, value in walk(document):
        assert value != -1 and value != -1.0, f"{path} is a placeholder"
        assert value is not None, f"{path} is null"
        assert key not in ("charOffset", "byteOffset", "rank", "kind") or "suppressions" in path


def test_result_level_is_written_even_when_it_is_the_sarif_default() -> None:
    # AOV301 is an error by default; a configuration lowered it to warning. Without an explicit
    # level a consumer would fall back to the rule's default (error).
    meta = RuleMeta("AOV301", "force-tunnel-with-routes", Severity.ERROR, "short", doc=RULE_DOC)
    finding = Finding("AOV301", meta.name, Severity.WARNING, "msg", Location("<stdin>", 1, 1, 1, 2))
    document = json.loads(render_sarif(Report([finding], [meta], 1)))
    (result,) = results(document)
    assert result["level"] == "warning" and result["ruleIndex"] == 0
    assert "locations" not in result  # '<stdin>' is not a file


def test_sarif_category_option(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _code, document = sarif_of(
        capsys, "--sarif-category", "vpn/profiles", "examples/device-tunnel.xml"
    )
    assert document["runs"][0]["automationDetails"] == {"id": "vpn/profiles"}
    assert automation_id("vpn-profiles") == "vpn-profiles/"
    assert automation_id("") == "aovpn-lint/"


# --- URIs ----------------------------------------------------------------------------------------
def test_uris_relative_to_repository_root_with_spaces_and_non_ascii(
    validator: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    folder = repo / "site profiles" / "Zürich"
    folder.mkdir(parents=True)
    (repo / ".git").mkdir()
    (folder / "user tunnel #1.xml").write_text(SPLIT_BAD, encoding="utf-8")
    monkeypatch.chdir(repo / "site profiles")  # run from a subfolder: URIs stay repo-relative
    _code, document = sarif_of(capsys, "Zürich")
    assert_valid(validator, document)
    artifact = results(document)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {
        "uri": "site%20profiles/Z%C3%BCrich/user%20tunnel%20%231.xml",
        "uriBaseId": "%SRCROOT%",
    }
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.as_uri() + "/"
    from urllib.parse import unquote

    assert (repo / unquote(artifact["uri"])).is_file()


def test_file_outside_the_repository_gets_an_absolute_uri(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    outside = tmp_path / "elsewhere dir" / "p.xml"
    outside.parent.mkdir()
    outside.write_text(SPLIT_BAD, encoding="utf-8")
    monkeypatch.chdir(repo)
    _code, document = sarif_of(capsys, str(outside))
    artifact = results(document)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": outside.as_uri()}
    assert "%20" in artifact["uri"]


# --- fingerprints --------------------------------------------------------------------------------
#: Expected values from the upload action's own unit tests (codeql-action src/fingerprints.test.ts).
ACTION_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *[
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ],
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            "a7f2ff13bc495cf2:1",
            "a7f2ff13bc495cf2:2",
            "a7f2ff13bc495cf2:3",
            "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5",
            "a7f2ff13bc495cf2:6",
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ACTION_VECTORS)
def test_line_hash_matches_the_upload_action(text: str, expected: list[str]) -> None:
    hashes = line_hashes(text)
    assert [hashes[n] for n in range(1, len(hashes) + 1)] == expected


def _fingerprints(capsys: pytest.CaptureFixture[str], name: str) -> dict[str, tuple[int, str]]:
    _code, document = sarif_of(capsys, name)
    return {
        r["ruleId"]: (
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["partialFingerprints"]["primaryLocationLineHash"],
        )
        for r in results(document)
    }


def test_fingerprints_survive_blank_lines_inserted_above(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "p.xml"
    path.write_text(SPLIT_BAD, encoding="utf-8")
    before = _fingerprints(capsys, "p.xml")
    assert "AOV302" in before
    lines = SPLIT_BAD.splitlines(keepends=True)
    path.write_text(lines[0] + "\n\n   \n" + "".join(lines[1:]), encoding="utf-8")
    after = _fingerprints(capsys, "p.xml")
    assert after.keys() == before.keys()
    for rule_id, (line, fingerprint) in before.items():
        assert after[rule_id] == (line + 3, fingerprint), rule_id
    # same content with Windows line endings: same fingerprints
    path.write_bytes(path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert _fingerprints(capsys, "p.xml") == after
    # editing the flagged line itself changes its fingerprint
    path.write_text(SPLIT_BAD.replace("SplitTunnel", "splittunnel"), encoding="utf-8")
    changed = _fingerprints(capsys, "p.xml")
    assert changed["AOV302"][1] != before["AOV302"][1]


# --- suppressions, parse errors, failures --------------------------------------------------------
def test_suppressed_findings_are_reported_as_suppressions(
    validator: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    text = SPLIT_BAD.replace(
        "    <RoutingPolicyType>",
        "    <!-- aovpn-lint: disable=AOV302 split by design, see CHG-42 -->\n"
        "    <RoutingPolicyType>",
    )
    (tmp_path / "legacy").mkdir()
    (tmp_path / "p.xml").write_text(text, encoding="utf-8")
    (tmp_path / "legacy" / "old.xml").write_text(SPLIT_BAD, encoding="utf-8")
    (tmp_path / ".aovpn-lint.yaml").write_text(
        "per-path-ignores:\n  'legacy/*.xml': [AOV302]\n", encoding="utf-8"
    )
    # only the rule this test suppresses runs: what other rules find in SPLIT_BAD is not its subject
    code = main(["-j", "1", "--select", "AOV302", "--format", "sarif", "."])
    document = json.loads(capsys.readouterr().out)
    assert_valid(validator, document)
    assert code == 0  # everything left is suppressed
    by_file = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in results(document)
        if r["ruleId"] == "AOV302"
    }
    assert set(by_file) == {"p.xml", "legacy/old.xml"}
    (in_source,) = by_file["p.xml"]["suppressions"]
    assert in_source["kind"] == "inSource" and in_source["status"] == "accepted"
    assert "split by design, see CHG-42" in in_source["justification"]
    (external,) = by_file["legacy/old.xml"]["suppressions"]
    assert external["kind"] == "external"
    assert external["justification"] == "per-path ignore 'legacy/*.xml' in .aovpn-lint.yaml"


def test_parse_error_is_a_result_and_a_notification(
    validator: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, document = sarif_of(capsys, "examples/broken/not-well-formed.xml")
    assert code == 1
    assert_valid(validator, document)
    (result,) = results(document)
    assert result["ruleId"] == "AOV100" and result["level"] == "error"
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"]["id"] == "AOV100"
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 5


def test_crashed_rule_is_a_notification_naming_the_rule(validator: Any) -> None:
    crash = RuleMeta("AOV000", "internal-error", Severity.ERROR, "crash", doc=RULE_DOC)
    victim = RuleMeta("AOV301", "force-tunnel-with-routes", Severity.ERROR, "ft", doc=RULE_DOC)
    finding = Finding(
        "AOV000",
        "internal-error",
        Severity.ERROR,
        "rule AOV301 (force-tunnel-with-routes) crashed on this file: KeyError: 'x'",
        Location("p.xml", 1, 1, 1, 1),
        subject="AOV301",
    )
    document = json.loads(render_sarif(Report([finding], [crash, victim], 1)))
    assert_valid(validator, document)
    (note,) = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["associatedRule"] == {"id": "AOV301", "index": 1}
    assert document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
        "endLine": 1,
        "endColumn": 2,
    }


def test_bad_finding_becomes_a_notification_not_a_broken_document(validator: Any) -> None:
    meta = RuleMeta("AOV301", "force-tunnel-with-routes", Severity.ERROR, "ft", doc=RULE_DOC)
    good = Finding("AOV301", meta.name, Severity.ERROR, "ok", Location("p.xml", 2, 1, 2, 3))
    odd = Finding("AOV301", meta.name, "fatal", "odd", Location("p.xml", 1, 1))  # type: ignore[arg-type]
    document = json.loads(render_sarif(Report([odd, good], [meta], 1)))
    assert_valid(validator, document)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "could not be written" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert [r["message"]["text"] for r in results(document)] == ["ok"]


def test_configuration_error_still_writes_a_valid_sarif_file(
    validator: Any, tmp_path: Path
) -> None:
    (tmp_path / ".aovpn-lint.yaml").write_text("ignore: [AOV3012]\n", encoding="utf-8")
    (tmp_path / "p.xml").write_text(SPLIT_BAD, encoding="utf-8")
    out = tmp_path / "out" / "results.sarif"
    out.parent.mkdir()
    result = run_cli("--format", "sarif", "--output", str(out), ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "AOV3012" in result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(validator, document)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert (
        "unknown rule id or prefix 'AOV3012'"
        in invocation["toolExecutionNotifications"][0]["message"]["text"]
    )
    assert document["runs"][0]["results"] == []


def test_render_failure_alone_validates(validator: Any) -> None:
    assert_valid(validator, json.loads(render_failure("boom", "1.2.3")))


# --- cost ----------------------------------------------------------------------------------------
_PROBE = (
    "import sys\n"
    "from aovpn_lint.cli import main\n"
    "rc = main(['--no-config', '-j', '1', *sys.argv[1:]])\n"
    "print('SARIF_OM_LOADED' if any(m == 'sarif_om' or m.startswith('sarif_om.') "
    "for m in sys.modules) else 'CLEAN')\n"
    "print('REPORTER_LOADED' if 'aovpn_lint.report.sarif' in sys.modules else 'REPORTER_CLEAN')\n"
)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", ["CLEAN", "REPORTER_CLEAN"]),
        ("json", ["CLEAN", "REPORTER_CLEAN"]),
        ("github", ["CLEAN", "REPORTER_CLEAN"]),
        ("sarif", ["SARIF_OM_LOADED", "REPORTER_LOADED"]),
    ],
)
def test_only_the_sarif_format_imports_sarif_om(fmt: str, expected: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--format", fmt, str(EXAMPLES / "broken")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[-2:] == expected, result.stderr


# --- the documented workflow ---------------------------------------------------------------------
def test_documented_workflow_uploads_even_when_there_are_findings() -> None:
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe", pure=True).load(
        (ROOT / "docs" / "github-code-scanning.yml").read_text("utf-8")
    )
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    (lint,) = [s for s in steps if "aovpn-lint --format sarif" in s.get("run", "")]
    assert lint["continue-on-error"] is True and "--output aovpn-lint.sarif" in lint["run"]
    (upload,) = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@v4")
    ]
    assert upload["with"] == {"sarif_file": "aovpn-lint.sarif", "category": "aovpn-lint"}
    assert "always()" in upload["if"]
    assert steps.index(lint) < steps.index(upload)
    assert any("pip install" in s.get("run", "") for s in steps[: steps.index(lint)])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/github-code-scanning.yml" in readme
