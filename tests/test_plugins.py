"""Third-party rule packs register through the ``aovpn_lint`` entry-point group.

The test builds a real (tiny) distribution, installs it with pip into a target directory, and
runs the installed console script with that directory on the import path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import FIXTURES, run_cli

PLUGIN = '''
"""## What it does
Flags PPTP, which Acme's policy forbids.

## Why is this bad?
PPTP is broken cryptography.

## Example
    <NativeProtocolType>PPTP</NativeProtocolType>

## Use instead
    <NativeProtocolType>IKEv2</NativeProtocolType>
"""
from aovpn_lint import hookimpl
from aovpn_lint.api import RuleMeta, Severity

RULE = RuleMeta(id="ACME001", name="no-pptp", severity=Severity.ERROR,
                short="PPTP is forbidden by Acme policy", help_uri="https://acme.example/rules/ACME001", doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    if document.kind != "profilexml":
        return
    node = document.profile.protocol_node
    if node is not None and node.text.upper() == "PPTP":
        yield RULE.finding(node.value_loc, "PPTP is forbidden; use IKEv2")
'''

CRASHER = '''
"""## What it does
Crashes.

## Why is this bad?
It is a test.

## Example
    anything

## Use instead
    nothing
"""
from aovpn_lint import hookimpl
from aovpn_lint.api import RuleMeta, Severity

RULE = RuleMeta(id="ACME002", name="crasher", severity=Severity.WARNING, short="Always crashes",
                help_uri="https://acme.example/rules/ACME002", doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    raise KeyError("boom")
'''


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("acme-src")
    package = src / "acme_aovpn_rules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "no_pptp.py").write_text(PLUGIN)
    (package / "crasher.py").write_text(CRASHER)
    (src / "pyproject.toml").write_text(textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "acme-aovpn-rules"
        version = "1.0"

        [project.entry-points.aovpn_lint]
        acme_no_pptp = "acme_aovpn_rules.no_pptp"
        acme_crasher = "acme_aovpn_rules.crasher"

        [tool.setuptools]
        packages = ["acme_aovpn_rules"]
    """))
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(src)]
    try:  # build offline when the running environment can; otherwise pip fetches setuptools
        import setuptools
        import wheel  # noqa: F401

        if int(setuptools.__version__.split(".")[0]) >= 61:
            command.insert(-1, "--no-build-isolation")
    except ImportError:
        pass
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert list(target.glob("acme_aovpn_rules-1.0.dist-info/entry_points.txt"))
    return target


def _env(plugin_path: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(plugin_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_installed_plugin_rules_are_listed_and_explained(plugin_path: Path) -> None:
    listing = run_cli("rules", "--format", "json", env=_env(plugin_path))
    ids = [rule["id"] for rule in json.loads(listing.stdout)]
    assert "ACME001" in ids and "AOV301" in ids
    assert "Flags PPTP" in run_cli("explain", "ACME001", env=_env(plugin_path)).stdout


def test_plugin_rule_fires_and_a_crashing_plugin_is_isolated(plugin_path: Path, tmp_path: Path) -> None:
    profile = (FIXTURES / "AOV302" / "bad.xml").read_text().replace(">IKEv2<", ">PPTP<")
    path = tmp_path / "pptp.xml"
    path.write_text(profile)
    result = run_cli("--no-config", "--format", "json", str(path), env=_env(plugin_path))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    by_rule = {f["rule_id"]: f for f in findings}
    assert by_rule["ACME001"]["line"] == 5 and by_rule["ACME001"]["message"] == "PPTP is forbidden; use IKEv2"
    crash = [f for f in findings if f["rule_id"] == "AOV000"]
    assert len(crash) == 1 and "ACME002" in crash[0]["message"] and "KeyError" in crash[0]["message"]
    assert "AOV302" in by_rule, "built-in rules still ran next to the crashing plugin"


def test_plugin_rules_can_be_ignored(plugin_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "clean.xml"
    path.write_bytes((FIXTURES / "AOV302" / "good.xml").read_bytes())
    result = run_cli("--no-config", "--ignore", "ACME002", str(path), env=_env(plugin_path))
    assert result.returncode == 0, result.stdout
