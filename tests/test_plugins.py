"""Third-party rule packs register through the ``aovpn_lint`` entry-point group.

The main fixture builds a real (tiny) distribution, installs it with pip into a target directory,
and runs the installed console script with that directory on the import path. Its entry points
cover both forms: a rule module (``RULE``) and a pack module listing several rules (``RULES``).
Broken packs are written as bare ``.dist-info`` directories, which is all entry-point discovery
reads, so each case costs no build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hermetic import with_packs

from helpers import EXAMPLES, FIXTURES, ROOT, run_cli

DOCS = '''"""## What it does
{what}

## Why is this bad?
It is a test rule.

## Example
    anything

## Use instead
    nothing
"""
'''

NO_PPTP = (
    DOCS.format(what="Flags PPTP, which Acme's policy forbids.")
    + """
from aovpn_lint.api import Document, DocumentKind, RuleMeta, Severity, hookimpl

RULE = RuleMeta(id="ACME001", name="no-pptp", severity=Severity.ERROR,
                short="PPTP is forbidden by Acme policy", help_uri="https://acme.example/rules/ACME001",
                kinds=(DocumentKind.PROFILE,), doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document):
    node = document.profile.protocol_node
    if node is not None and node.text.upper() == "PPTP":
        yield RULE.finding(node.value_loc, "PPTP is forbidden; use IKEv2")
"""
)

CRASHER = (
    DOCS.format(what="Crashes.")
    + """
from aovpn_lint.api import RuleMeta, Severity, hookimpl

RULE = RuleMeta(id="ACME002", name="crasher", severity=Severity.WARNING, short="Always crashes",
                help_uri="https://acme.example/rules/ACME002", doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    raise KeyError("boom")
"""
)

# One entry point, several rules: the pack module lists them in RULES.
PACK = """
from acme_aovpn_rules import inventory_only, note_everywhere

RULES = (inventory_only, note_everywhere)
"""

INVENTORY_ONLY = (
    DOCS.format(what="Reads the deployment inventory only.")
    + """
from aovpn_lint.api import DocumentKind, Location, RuleMeta, Severity, hookimpl

RULE = RuleMeta(id="ACME010", name="inventory-only", severity=Severity.NOTE,
                short="Sees only inventories", help_uri="https://acme.example/rules/ACME010",
                kinds=(DocumentKind.INVENTORY,), doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    if document.kind != DocumentKind.INVENTORY:
        raise AssertionError(f"called on a {document.kind} document")
    yield RULE.finding(Location(document.path, 1, 1, 1, 2), "inventory seen")
"""
)

NOTE_EVERYWHERE = (
    DOCS.format(what="Notes every profile.")
    + """
from aovpn_lint.api import DocumentKind, Location, RuleMeta, Severity, hookimpl

RULE = RuleMeta(id="ACME011", name="note-everywhere", severity=Severity.NOTE,
                short="Notes every profile", help_uri="https://acme.example/rules/ACME011",
                kinds=(DocumentKind.PROFILE,), doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    yield RULE.finding(Location(document.path, 1, 1, 1, 2), "acme was here")
"""
)

ENTRY_POINTS = {
    "acme_no_pptp": "acme_aovpn_rules.no_pptp",
    "acme_crasher": "acme_aovpn_rules.crasher",
    "acme_pack": "acme_aovpn_rules.pack",
}


def _write_package(root: Path, package: str, modules: dict[str, str]) -> None:
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text("")
    for name, source in modules.items():
        (root / package / f"{name}.py").write_text(source)


def _bare_distribution(site: Path, name: str, entry_points: dict[str, str]) -> None:
    """A ``.dist-info`` with an entry-point table: what discovery reads of an installed pack."""
    dist = site / f"{name}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = [f"{key} = {value}" for key, value in entry_points.items()]
    (dist / "entry_points.txt").write_text("[aovpn_lint]\n" + "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("acme-src")
    _write_package(
        src,
        "acme_aovpn_rules",
        {
            "no_pptp": NO_PPTP,
            "crasher": CRASHER,
            "pack": PACK,
            "inventory_only": INVENTORY_ONLY,
            "note_everywhere": NOTE_EVERYWHERE,
        },
    )
    table = "\n".join(f'{key} = "{value}"' for key, value in ENTRY_POINTS.items())
    (src / "pyproject.toml").write_text(
        textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "acme-aovpn-rules"
        version = "1.0"

        [tool.setuptools]
        packages = ["acme_aovpn_rules"]

        [project.entry-points.aovpn_lint]
    """)
        + table
        + "\n"
    )
    target = tmp_path_factory.mktemp("site")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(target),
        str(src),
    ]
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


def _pptp_profile(tmp_path: Path) -> Path:
    path = tmp_path / "pptp.xml"
    path.write_text((FIXTURES / "AOV302" / "bad.xml").read_text().replace(">IKEv2<", ">PPTP<"))
    return path


def test_installed_plugin_rules_are_listed_and_explained(plugin_path: Path) -> None:
    listing = run_cli("rules", "--format", "json", env=with_packs(plugin_path))
    ids = [rule["id"] for rule in json.loads(listing.stdout)]
    assert {"ACME001", "ACME002", "AOV301"} <= set(ids)
    assert "Flags PPTP" in run_cli("explain", "ACME001", env=with_packs(plugin_path)).stdout


def test_one_entry_point_exposes_several_rules(plugin_path: Path) -> None:
    listing = run_cli("rules", "--format", "json", env=with_packs(plugin_path))
    ids = [rule["id"] for rule in json.loads(listing.stdout)]
    assert {"ACME010", "ACME011"} <= set(ids), "both rules listed in the pack's RULES"
    assert (
        "Notes every profile" in run_cli("explain", "ACME011", env=with_packs(plugin_path)).stdout
    )


def test_plugin_rule_fires_and_a_crashing_plugin_is_isolated(
    plugin_path: Path, tmp_path: Path
) -> None:
    path = _pptp_profile(tmp_path)
    result = run_cli(
        "--no-config",
        "--format",
        "json",
        "--select",
        "AOV302,ACME",
        str(path),
        env=with_packs(plugin_path),
    )
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    by_rule = {f["rule_id"]: f for f in findings}
    assert (
        by_rule["ACME001"]["line"] == 5
        and by_rule["ACME001"]["message"] == "PPTP is forbidden; use IKEv2"
    )
    crash = [f for f in findings if f["rule_id"] == "AOV000"]
    assert (
        len(crash) == 1 and "ACME002" in crash[0]["message"] and "KeyError" in crash[0]["message"]
    )
    assert "AOV302" in by_rule, "built-in rules still ran next to the crashing plugin"


def test_plugin_rules_can_be_ignored(plugin_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "clean.xml"
    path.write_bytes((FIXTURES / "AOV302" / "good.xml").read_bytes())
    result = run_cli("--no-config", "--ignore", "ACME002", str(path), env=with_packs(plugin_path))
    assert result.returncode == 0, result.stdout  # ACME011's note does not fail the run


def test_a_pack_rule_sees_only_the_kinds_it_declares(plugin_path: Path, tmp_path: Path) -> None:
    """ACME010 declares the inventory and raises on anything else; ACME011 declares profiles."""
    profile = _pptp_profile(tmp_path)
    inventory = EXAMPLES / "inventory" / "aovpn-inventory.yaml"
    result = run_cli(
        "--no-config",
        "--format",
        "json",
        "--select",
        "ACME010,ACME011",
        str(profile),
        str(inventory),
        env=with_packs(plugin_path),
    )
    findings = json.loads(result.stdout)["findings"]
    assert not [f for f in findings if f["rule_id"] == "AOV000"], "ACME010 was called on a profile"
    seen = sorted((f["rule_id"], Path(f["path"]).name) for f in findings)
    assert seen == [("ACME010", "aovpn-inventory.yaml"), ("ACME011", "pptp.xml")]


def test_a_pack_notes_every_profile(plugin_path: Path, tmp_path: Path) -> None:
    for name in ("a.xml", "b.xml", "c.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "AOV302" / "good.xml").read_bytes())
    result = run_cli(
        "--no-config",
        "--format",
        "json",
        "--select",
        "ACME011",
        str(tmp_path),
        env=with_packs(plugin_path),
    )
    assert result.returncode == 0, result.stderr
    notes = [(Path(f["path"]).name, f["severity"]) for f in json.loads(result.stdout)["findings"]]
    assert notes == [("a.xml", "note"), ("b.xml", "note"), ("c.xml", "note")]


# --- broken packs: a clear error naming the entry point, exit 2, never a traceback -------------
#: the four headings every rule's docstring has (RuleMeta checks them when it is created)
DOCSTRING = (
    '"""## What it does\nx\n## Why is this bad?\nx\n## Example\n x\n## Use instead\n y\n"""\n'
)
BROKEN = {
    "tryfirst": (
        DOCSTRING + "from aovpn_lint.api import RuleMeta, Severity, hookimpl\n"
        "RULE = RuleMeta('BRK001', 'eager', Severity.WARNING, 'x', __doc__)\n"
        "@hookimpl(specname='aovpn_lint_check', tryfirst=True)\n"
        "def check(document):\n    return []\n",
        ["BRK001", "tryfirst=True", "aovpn-lint calls each rule itself; remove tryfirst=True"],
    ),
    "import-error": (
        "import acme_module_that_does_not_exist\n",
        ["cannot load rule pack", "ModuleNotFoundError", "acme_module_that_does_not_exist"],
    ),
    "no-rule": (
        "VALUE = 1\n",
        ["neither RULE", "RULES"],
    ),
    "bad-id": (
        DOCSTRING + "from aovpn_lint.api import RuleMeta, Severity\n"
        "RULE = RuleMeta('acme-1', 'bad', Severity.WARNING, 'x', __doc__)\n",
        ["cannot load rule pack", "rule 'acme-1': the id must be letters followed by three digits"],
    ),
    "duplicate-id": (
        DOCSTRING + "from aovpn_lint.api import RuleMeta, Severity\n"
        "RULE = RuleMeta('AOV301', 'mine', Severity.WARNING, 'x', __doc__)\n",
        ["'AOV301'", "already used by builtin"],
    ),
    "rules-item-without-rule": (
        "import os\nRULES = [os]\n",
        ["item 1 of RULES", "has no RULE"],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_pack_is_a_clear_error_naming_its_entry_point(case: str, tmp_path: Path) -> None:
    source, fragments = BROKEN[case]
    _write_package(tmp_path, "broken_aovpn_rules", {"rule": source})
    _bare_distribution(tmp_path, "broken-aovpn-rules", {"broken": "broken_aovpn_rules.rule"})
    result = run_cli("--no-config", str(FIXTURES / "AOV302" / "good.xml"), env=with_packs(tmp_path))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert (
        "entry point 'broken = broken_aovpn_rules.rule' of broken-aovpn-rules 1.0" in result.stderr
    )
    for fragment in fragments:
        assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_autoload_switch_runs_without_a_broken_pack(tmp_path: Path) -> None:
    source, _ = BROKEN["import-error"]
    _write_package(tmp_path, "broken_aovpn_rules", {"rule": source})
    _bare_distribution(tmp_path, "broken-aovpn-rules", {"broken": "broken_aovpn_rules.rule"})
    env = with_packs(tmp_path)
    env["AOVPN_LINT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    result = run_cli("--no-config", str(FIXTURES / "AOV302" / "good.xml"), env=env)
    assert result.returncode == 0, result.stderr


# --- the suite itself is hermetic ----------------------------------------------------------------
@pytest.mark.slow
def test_the_suite_passes_with_a_pack_installed(plugin_path: Path) -> None:
    """With the Acme pack installed (a note on every profile, a rule that crashes on every file),
    every test that is not about packs still passes: none pins a pack's rules or findings."""
    env = dict(os.environ)
    env.update(with_packs(plugin_path))
    env.pop("AOVPN_LINT_DISABLE_PLUGIN_AUTOLOAD")  # the session's switch is the suite's own doing
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "from aovpn_lint.engine.rules import RuleSet;print('ACME011' in RuleSet().rules)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert check.stdout.strip() == "True", check.stderr  # the pack is really installed
    # the catalogue test reads data shared with other work, not the rules of this run
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-m",
            "not slow",
            "-x",
            "--deselect",
            "tests/test_rules.py::test_catalogue_ids_are_implemented",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
