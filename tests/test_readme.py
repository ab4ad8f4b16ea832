"""The README stays true: its rule table matches the registered rules, its commands exist."""

from __future__ import annotations

import re

from helpers import ROOT, run_cli


def test_readme_rule_table_is_generated_from_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- rules-table:[^\n]*-->\n(.*?)<!-- /rules-table -->", readme, re.S)
    assert match, "README lacks the rules-table markers"
    generated = run_cli("rules", "--format", "markdown").stdout
    assert match.group(1) == generated, (
        "README rule table is stale: paste `aovpn-lint rules --format markdown`"
    )


def test_readme_starts_with_install_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None
    commands = block.group(1).strip().splitlines()
    assert commands[0] == "pip install . && aovpn-lint examples/"
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci and '".[test]"' in commands[1] and '".[test]"' in ci
