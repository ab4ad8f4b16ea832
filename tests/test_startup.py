"""Start-up: a one-file run imports only what it uses, and rule discovery finds every rule."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLES

from aovpn_lint.engine.rules import _rule_module_names

# The heavy edges a plain ProfileXML run with text output has no use for: the YAML parser and the
# SARIF model are imported only by the formats that need them.
NOT_NEEDED = ("ruamel.yaml", "sarif_om")

# Reports what the run added to what the interpreter had loaded before it (a site hook may
# have loaded some of these already; that is not the run's doing).
SCRIPT = """
import json, sys
before = set(sys.modules)
from aovpn_lint.cli import main
try:
    main(["--no-config", "--quiet", sys.argv[1]])
except SystemExit:
    pass
print(json.dumps(sorted(set(sys.modules) - before)), file=sys.stderr)
"""


def test_one_file_run_imports_only_what_it_uses() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(EXAMPLES / "device-tunnel.xml")],
                            capture_output=True, text=True, check=True)
    loaded = set(json.loads(result.stderr.splitlines()[-1]))  # by the run
    assert "aovpn_lint.rules.aov101_unknown_element" in loaded  # the run did lint
    assert sorted(name for name in NOT_NEEDED if name in loaded) == []


def test_rule_discovery_lists_what_pkgutil_lists() -> None:
    package = importlib.import_module("aovpn_lint.rules")
    expected = sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                      if info.name.startswith("aov"))
    assert _rule_module_names(package.__path__) == expected
    assert len(expected) >= 30


def test_rule_discovery_matches_pkgutil_on_odd_entries(tmp_path: Path) -> None:
    for name in ("aov900_a.py", "aov901_b.pyc", "aov902.c.py", "notes_aov.py", "aov903.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "aov904_pkg").mkdir()
    (tmp_path / "aov904_pkg" / "__init__.py").write_text("")
    (tmp_path / "aov905_dir").mkdir()
    expected = sorted(info.name for info in pkgutil.iter_modules([str(tmp_path)])
                      if info.name.startswith("aov"))
    assert _rule_module_names([str(tmp_path)]) == expected
    assert _rule_module_names([str(tmp_path / "missing.zip")]) == []
