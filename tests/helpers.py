"""Test helpers: lint in-process, run the installed console script, compare snapshots."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import lint_file
from aovpn_lint.model.findings import Finding
from aovpn_lint.read import Target

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOTS = ROOT / "tests" / "snapshots"
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "real"
#: the SARIF 2.1.0 schema, vendored (see tests/data/README.md): schema tests never skip
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
#: the smallest docstring a test rule needs (RuleMeta checks the four headings)
RULE_DOC = "## What it does\nx\n## Why is this bad?\nx\n## Example\n    x\n## Use instead\n    y\n"


def lint_path(
    path: str | Path,
    rules: RuleSet | None = None,
    config: Config | None = None,
    select: Iterable[str] = (),
) -> list[Finding]:
    """Lint one file in-process (default configuration unless ``config`` is given).

    ``select`` limits the run to those rule ids or prefixes (STYLE.md §3: a test that is not about
    one rule selects the rules it is about, so that a new rule never turns it red); AOV000 and
    AOV100 always run.
    """
    ruleset = rules or RuleSet()
    cfg = config or Config()
    if select:
        cfg = cfg.replace(select=tuple(select))
    return list(lint_file(Target(str(path)), ruleset, cfg, keep=False).findings)


def lint_text(
    tmp_path: Path,
    text: str | bytes,
    name: str = "profile.xml",
    rules: RuleSet | None = None,
    select: Iterable[str] = (),
) -> list[Finding]:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return lint_path(path, rules, select=select)


def select_args(select: Iterable[str]) -> tuple[str, str]:
    """The command-line form of a selection: ``("--select", "AOV201,AOV302")``."""
    return "--select", ",".join(select)


def cli_executable() -> str:
    """The installed console script (next to the running interpreter, else on PATH)."""
    candidate = Path(sys.executable).parent / (
        "aovpn-lint.exe" if os.name == "nt" else "aovpn-lint"
    )
    if candidate.exists():
        return str(candidate)
    found = shutil.which("aovpn-lint")
    if not found:
        pytest.fail("the aovpn-lint console script is not installed; run 'pip install -e .[test]'")
    return found


def run_cli(
    *args: str,
    cwd: str | Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [cli_executable(), *args],
        cwd=cwd,
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def check_snapshot(request: pytest.FixtureRequest, name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if request.config.getoption("--update-snapshots") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not request.config.getoption("--update-snapshots"):
            pytest.fail(f"snapshot {name} was missing and has been written; review and re-run")
        return
    assert actual == path.read_text(encoding="utf-8"), (
        f"snapshot {name} differs (run with --update-snapshots)"
    )


# A profile with three warnings: AOV201 on line 4 (Servers), AOV302 on line 5 (RoutingPolicyType),
# AOV306 on line 9 (Address). Configuration and suppression tests select (WARNINGS_SELECT) and
# silence them; other rules may find more in it, which is why they select.
WARNINGS_SELECT = ("AOV201", "AOV302", "AOV306")
WARNINGS_PROFILE = """<VPNProfile>
  <AlwaysOn>true</AlwaysOn>
  <NativeProfile>
    <Servers>vpn1.contoso.com,vpn2.contoso.com</Servers>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication><UserMethod>Eap</UserMethod></Authentication>
  </NativeProfile>
  <Route><Address>10.10.1.1</Address><PrefixSize>24</PrefixSize></Route>
</VPNProfile>
"""
