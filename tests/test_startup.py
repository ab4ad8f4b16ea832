"""Start-up: a one-file run imports only what it uses, and rule discovery finds every rule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLES

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


def test_one_file_run_imports_only_what_it_uses(tmp_path: Path) -> None:
    # a copy alone in its folder: beside examples/, the run would read the inventory there (a
    # partner of a file named alone) and need the YAML parser for it
    (tmp_path / ".git").mkdir()
    shutil.copy(EXAMPLES / "device-tunnel.xml", tmp_path / "device-tunnel.xml")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "device-tunnel.xml")],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(result.stderr.splitlines()[-1]))  # by the run
    assert "aovpn_lint.rules.aov101_unknown_element" in loaded  # the run did lint
    assert sorted(name for name in NOT_NEEDED if name in loaded) == []
