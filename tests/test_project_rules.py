"""Cross-file rules (AOV501, AOV502, AOV503, AOV601) on multi-file fixtures: exact locations in
both files, relatedLocations in SARIF, and the memory policy for retained documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import DEPLOYMENT_FOLDER_FILES, Linter
from aovpn_lint.model.findings import Finding
from helpers import EXAMPLES, FIXTURES, run_cli

PROJECT = FIXTURES / "project"
RULES = RuleSet(load_entry_points=False)
CROSS = ("AOV501", "AOV502", "AOV503", "AOV601")


def run(paths: list[str], config: Config | None = None, jobs: int = 1) -> tuple[list[Finding], int]:
    """Lint like the CLI does; returns the cross-file findings and how many documents were kept."""
    cfg = config or Config(select=CROSS)
    linter = Linter(cfg, RULES, jobs)
    cross = [f for r in linter.lint_paths(paths) if r.path is None for f in r.findings]
    return cross, linter.kept_documents


def rel(path: str) -> str:
    return Path(path).resolve().relative_to(PROJECT.resolve()).as_posix()


def summary(findings: list[Finding]) -> list[tuple[str, str, int, int, list[tuple[str, int, int]]]]:
    return [
        (
            f.rule_id,
            rel(f.loc.path),
            f.loc.line,
            f.loc.col,
            [(rel(r.loc.path), r.loc.line, r.loc.col) for r in f.related],
        )
        for f in findings
    ]


def test_inventory_rules_locate_both_files() -> None:
    findings, _ = run([str(PROJECT / "pools")])
    inventory = "pools/aovpn-inventory.yaml"
    assert summary(findings) == [
        # rras02's range overlaps rras01's /24
        ("AOV501", inventory, 10, 18, [(inventory, 6, 18)]),
        # rras03's second pool sits in rras02's internal subnet 10.2.0.0/24
        ("AOV501", inventory, 16, 9, [(inventory, 9, 23)]),
        ("AOV503", "pools/intune/template.json", 6, 83, [(inventory, 2, 1)]),
        ("AOV502", "pools/intune/template.json", 11, 5, [(inventory, 15, 9)]),
        ("AOV503", "pools/profiles/user.xml", 4, 42, [(inventory, 2, 1)]),
        ("AOV502", "pools/profiles/user.xml", 11, 3, [(inventory, 6, 18)]),
    ]
    messages = {f.rule_id: f.message for f in findings}
    assert "'vpn-test.contoso.com'" in messages["AOV503"]
    assert "'10.99.0.0/25'" in messages["AOV502"] and "'rras01'" in messages["AOV502"]


def test_pool_in_own_subnet_exclusion_routes_and_unlisted_profiles_are_fine() -> None:
    findings, _ = run([str(PROJECT / "pools")])
    paths = {rel(f.loc.path) for f in findings}
    assert "pools/other/lab.xml" not in paths  # not covered by the inventory's profiles
    assert "pools/profiles/emea.xml" not in paths  # 'VPN-EMEA.contoso.com.' is a known FQDN
    assert not any("rras04" in f.message for f in findings)  # pool from its own subnet
    assert not any("10.98.0.0/24" in f.message for f in findings if "user.xml" in f.loc.path)


def test_drift_reports_the_first_difference_in_both_files() -> None:
    findings, _ = run([str(PROJECT / "drift")])
    assert summary(findings) == [
        ("AOV601", "drift/Deploy-UserTunnel.ps1", 13, 19, [("drift/profile.xml", 11, 19)]),
    ]
    assert "'10.10.0.0' in the script but '10.30.0.0' in the file" in findings[0].message


def test_no_drift_when_only_whitespace_case_order_and_runtime_values_differ() -> None:
    findings, _ = run(
        [
            str(PROJECT / "drift" / "Deploy-DeviceTunnel.ps1"),
            str(PROJECT / "drift" / "device-tunnel.xml"),
        ]
    )
    assert findings == []


def test_drift_when_an_element_is_missing(tmp_path: Path) -> None:
    shutil.copy(PROJECT / "drift" / "Deploy-UserTunnel.ps1", tmp_path)
    text = (PROJECT / "drift" / "Deploy-UserTunnel.ps1").read_text()
    body = text[
        text.index("'<VPNProfile>") + 1 : text.index("</VPNProfile>'") + len("</VPNProfile>")
    ]
    (tmp_path / "profile.xml").write_text(body.replace("  <AlwaysOn>true</AlwaysOn>\n", ""))
    [finding] = run([str(tmp_path)])[0]
    assert (finding.rule_id, finding.loc.line, finding.loc.col) == ("AOV601", 5, 3)
    assert "<AlwaysOn>true</AlwaysOn> is only in the script" in finding.message
    assert [(r.loc.line, r.loc.col) for r in finding.related] == [(1, 1)]


def test_unrelated_profile_beside_a_script_is_not_compared(tmp_path: Path) -> None:
    shutil.copy(PROJECT / "drift" / "Deploy-UserTunnel.ps1", tmp_path)
    shutil.copy(PROJECT / "drift" / "device-tunnel.xml", tmp_path)  # a device tunnel: other profile
    assert run([str(tmp_path)])[0] == []


def test_sarif_carries_related_locations() -> None:
    result = run_cli(
        "--no-config",
        "--format",
        "sarif",
        "--select",
        "AOV5,AOV6",
        str(PROJECT / "pools"),
        str(PROJECT / "drift"),
    )
    assert result.returncode == 1, result.stderr
    results = json.loads(result.stdout)["runs"][0]["results"]
    by_rule: dict[str, list[dict[str, object]]] = {}
    for item in results:
        by_rule.setdefault(item["ruleId"], []).append(item)
    assert {"AOV501", "AOV502", "AOV503", "AOV601"} <= set(by_rule)
    drift = by_rule["AOV601"][0]
    [related] = drift["relatedLocations"]  # type: ignore[misc]
    physical = related["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("drift/profile.xml")
    assert physical["region"]["startLine"] == 11 and physical["region"]["startColumn"] == 19
    assert related["message"]["text"] == "the corresponding place in 'profile.xml'"
    overlap = by_rule["AOV501"][0]
    assert overlap["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 6  # type: ignore[index]


def test_inventory_option_with_any_name(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    shutil.copy(PROJECT / "pools" / "profiles" / "user.xml", tmp_path / "deploy" / "user.xml")
    (tmp_path / "sites.yml").write_text(
        "servers:\n  - name: rras01\n    public-fqdn: vpn.contoso.com\n"
        "    client-pool: 10.99.0.0/24\n"
    )
    result = run_cli(
        "--no-config", "--format", "json", "--inventory", "sites.yml", "deploy", cwd=tmp_path
    )
    found = sorted(
        (f["rule_id"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]
    )
    assert ("AOV502", "deploy/user.xml", 11) in found and ("AOV503", "deploy/user.xml", 4) in found
    missing = run_cli("--no-config", "--inventory", "nowhere.yaml", "deploy", cwd=tmp_path)
    assert "nowhere.yaml:1:1: AOV100" in missing.stdout


def test_a_collection_of_profiles_keeps_no_documents(tmp_path: Path) -> None:
    """A folder of many profiles is a collection, not one deployment: nothing is kept, so
    memory does not grow with the number of files; a small folder may be a deployment."""
    for i in range(DEPLOYMENT_FOLDER_FILES + 1):
        shutil.copy(PROJECT / "drift" / "profile.xml", tmp_path / f"p{i}.xml")
    assert run([str(tmp_path)]) == ([], 0)
    small = tmp_path / "small"
    small.mkdir()
    for i in range(2):
        shutil.copy(PROJECT / "drift" / "profile.xml", small / f"p{i}.xml")
    assert run([str(small)])[1] == 2


def test_plain_xml_runs_keep_only_what_a_script_needs(tmp_path: Path) -> None:
    shutil.copy(PROJECT / "drift" / "profile.xml", tmp_path / "p.xml")
    assert run([str(tmp_path)]) == ([], 0)
    (tmp_path / "sub").mkdir()
    shutil.copy(PROJECT / "drift" / "Deploy-UserTunnel.ps1", tmp_path / "sub")
    # the script's folder has no XML: only the script's own documents are kept
    assert run([str(tmp_path)])[1] == 2
    shutil.copy(PROJECT / "drift" / "profile.xml", tmp_path / "sub")
    findings, kept = run([str(tmp_path)])
    assert kept == 3 and [f.rule_id for f in findings] == ["AOV601"]


@pytest.mark.slow
def test_parallel_run_keeps_documents_across_processes(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "pools", tmp_path / "pools")
    for i in range(70):  # enough files for the process pool
        shutil.copy(
            PROJECT / "pools" / "profiles" / "emea.xml", tmp_path / "pools" / "other" / f"e{i}.xml"
        )
    serial, _ = run([str(tmp_path / "pools")], jobs=1)
    parallel, _ = run([str(tmp_path / "pools")], jobs=2)
    assert [(f.rule_id, f.loc) for f in parallel] == [(f.rule_id, f.loc) for f in serial]
    assert len(serial) == 6


def test_examples_show_every_cross_file_rule() -> None:
    findings, _ = run([str(EXAMPLES)])
    assert {f.rule_id for f in findings} == set(CROSS)
