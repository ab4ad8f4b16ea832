"""What can stop, hang, slow down or lie about a run, and what the run does instead.

Hostile files that used to end the run (an unknown encoding, lone surrogates, an impossible
date), worker processes that die, signals, internal errors with broken streams, loaders that
were quadratic in their input, memory that grew without bound, and --output leftovers. Each
hostile input is made in a temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hermetic import with_packs

from aovpn_lint import cli
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import PARALLEL_MIN_FILES, lint_file
from aovpn_lint.load import dispatch
from aovpn_lint.read import Target
from helpers import FIXTURES, cli_executable, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals, limits, FIFOs")

BAD = (FIXTURES / "AOV302" / "bad.xml").read_text(encoding="utf-8")  # one AOV302 finding
SELECT = ("--select", "AOV302")
RULES = RuleSet(load_entry_points=False)
DIGITS = "9" * 5000
#: more files than the run lints in-process, so that -j 2 uses worker processes
MANY = PARALLEL_MIN_FILES + 6


def _lint(path: Path, **config: object) -> list:
    return list(lint_file(Target(str(path)), RULES, Config(**config), keep=False).findings)


def _corpus(root: Path, count: int = MANY) -> list[str]:
    names = [f"p{i:03d}.xml" for i in range(count)]
    for name in names:
        (root / name).write_text(BAD, encoding="utf-8")
    return names


def _json_run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> dict:
    result = subprocess.run(
        [cli_executable(), "--no-config", "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stderr)
    return json.loads(result.stdout)


def _by_file(document: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in document["findings"]:
        found.setdefault(Path(finding["path"]).name, []).append(finding)
    return found


# --- item 9: files that used to end the run ------------------------------------------------------
KILLERS = {
    "rot13.xml": b'<?xml version="1.0" encoding="rot13"?>\n<VPNProfile/>\n',
    "utf7.xml": b'<?xml version="1.0" encoding="utf-7"?>\n<VPNProfile>+2AA-</VPNProfile>\n',
    "surrogate.ps1": b'$p = "<VPNProfile><Servers>`u{d800}</Servers></VPNProfile>"\n',
    "surrogate.json": (
        b'{"omaSettings": [{"omaUri": "./User/Vendor/MSFT/VPNv2/x/ProfileXML", '
        b'"value": "<VPNProfile><Servers>\\ud800</Servers></VPNProfile>"}]}\n'
    ),
}
INVENTORY = (
    "servers:\n  - name: rras01\n    public-fqdn: vpn.contoso.com\n    description: 2024-02-30\n"
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_run_killers_are_findings_on_their_file_and_the_others_are_still_linted(
    tmp_path: Path, jobs: str
) -> None:
    names = _corpus(tmp_path)
    for name, data in KILLERS.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "aovpn-inventory.yaml").write_text(INVENTORY)
    document = _json_run(*SELECT, "-j", jobs, str(tmp_path))
    found = _by_file(document)
    for name in KILLERS:
        assert [f["rule_id"] for f in found[name]] == ["AOV100"], found.get(name)
    assert "unknown encoding 'rot13'" in found["rot13.xml"][0]["message"]
    assert "surrogate" in found["surrogate.ps1"][0]["message"]
    assert found["surrogate.ps1"][0]["column"] == 28  # at the `u{d800} escape
    assert "aovpn-inventory.yaml" not in found, "an impossible date is a plain value"
    assert all([f["rule_id"] for f in found[name]] == ["AOV302"] for name in names)
    assert document["files"] == len(names) + len(KILLERS) + 1


def test_a_crashing_loader_is_a_parse_problem_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_loader(text, source):
        raise IndexError("loader bug")

    monkeypatch.setitem(dispatch._LOADERS, dispatch.Format.POWERSHELL, broken_loader)
    path = tmp_path / "deploy.ps1"
    path.write_text("$x = 1\n")
    [finding] = _lint(path)
    assert finding.rule_id == "AOV100" and (finding.loc.line, finding.loc.col) == (1, 1)
    assert "broken_loader" in finding.message and "IndexError: loader bug" in finding.message
    assert "bug in aovpn-lint" in finding.message


def test_nothing_raises_out_of_lint_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args, **kwargs):
        raise RuntimeError("stage bug")

    monkeypatch.setattr("aovpn_lint.linter.apply_suppressions", crash)
    path = tmp_path / "p.xml"
    path.write_text(BAD)
    [finding] = _lint(path)
    assert (finding.rule_id, finding.subject, finding.loc.path) == ("AOV000", None, str(path))
    assert "RuntimeError: stage bug" in finding.message


# --- item 10: numbers of any length --------------------------------------------------------------
def test_5000_digit_numbers_are_invalid_values_not_internal_errors(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_text(
        "<VPNProfile><NativeProfile><Servers>vpn.contoso.com</Servers>"
        "<RoutingPolicyType>SplitTunnel</RoutingPolicyType></NativeProfile>"
        f"<Route><Address>10.0.0.0</Address><PrefixSize>{DIGITS}</PrefixSize>"
        f"<Metric>{DIGITS}</Metric></Route>"
        "<TrafficFilter><App><Id>%windir%\\x.exe</Id></App><Protocol>6</Protocol>"
        f"<LocalPortRanges>{DIGITS}</LocalPortRanges>"
        f"<RemotePortRanges>1-{DIGITS}</RemotePortRanges></TrafficFilter></VPNProfile>\n"
    )
    findings = _lint(path)
    assert not [f for f in findings if f.rule_id == "AOV000"], [f.message for f in findings]
    invalid = " ".join(f.message for f in findings if f.rule_id == "AOV102")
    for name in ("PrefixSize", "Metric", "LocalPortRanges", "RemotePortRanges"):
        assert name in invalid


def test_a_5000_digit_number_in_the_inventory_is_no_internal_error(tmp_path: Path) -> None:
    path = tmp_path / "aovpn-inventory.yaml"
    path.write_text(f"servers:\n  - name: {DIGITS}\n    public-fqdn: {DIGITS}\n")
    assert not [f for f in _lint(path) if f.rule_id in ("AOV000", "AOV100")]


# --- items 11 and 13: a worker that dies ---------------------------------------------------------
KILLER_PLUGIN = '''
"""## What it does
Ends its process on some files.

## Why is this bad?
Test plugin.

## Example
    x

## Use instead
    y
"""
import os
import signal
import time

from aovpn_lint.api import RuleMeta, Severity, hookimpl

RULE = RuleMeta(id="KILL001", name="killer", severity=Severity.WARNING, short="test plugin",
                doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    if document.path.endswith("kill-me.xml"):
        os.kill(os.getpid(), signal.SIGKILL)
    if document.path.endswith("exit-me.xml"):
        os._exit(0)
    time.sleep(float(os.environ.get("KILL001_SLEEP", "0")))
    return []
'''


@pytest.fixture(scope="module")
def killer_plugin(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("killer-site")
    (site / "killer_aovpn_rule.py").write_text(textwrap.dedent(KILLER_PLUGIN))
    dist = site / "killer_aovpn_rule-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: killer-aovpn-rule\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[aovpn_lint]\nkiller = killer_aovpn_rule\n")
    return with_packs(site)


def test_a_worker_that_dies_costs_its_file_one_internal_error(
    tmp_path: Path, killer_plugin: dict[str, str]
) -> None:
    names = _corpus(tmp_path)
    for name in ("kill-me.xml", "exit-me.xml"):
        (tmp_path / name).write_text(BAD)
    started = time.monotonic()
    document = _json_run(
        "--select", "AOV302,KILL", "-j", "2", str(tmp_path), env=killer_plugin, timeout=60
    )
    assert time.monotonic() - started < 60
    found = _by_file(document)
    [killed] = found["kill-me.xml"]
    assert killed["rule_id"] == "AOV000" and killed["line"] == 1
    assert "worker process" in killed["message"] and "SIGKILL" in killed["message"]
    assert "report" in killed["message"]
    # os._exit is refused while rules run: the rule's internal error, the file's other findings
    exited = {f["rule_id"]: f for f in found["exit-me.xml"]}
    assert sorted(exited) == ["AOV000", "AOV302"]
    assert "KILL001" in exited["AOV000"]["message"] and "os._exit(0)" in exited["AOV000"]["message"]
    assert all([f["rule_id"] for f in found[name]] == ["AOV302"] for name in names)
    paths = [f["path"] for f in document["findings"]]
    assert paths == sorted(paths), "results stay in input order"


def test_a_dead_worker_is_a_sarif_notification_that_names_no_rule(
    tmp_path: Path, killer_plugin: dict[str, str]
) -> None:
    _corpus(tmp_path)
    (tmp_path / "kill-me.xml").write_text(BAD)
    result = run_cli(
        "--no-config",
        "--select",
        "AOV302,KILL",
        "--format",
        "sarif",
        "-j",
        "2",
        str(tmp_path),
        env=killer_plugin,
    )
    assert result.returncode == 1, result.stderr
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    [dead] = [
        n
        for n in invocation.get("toolExecutionNotifications", [])
        if "kill-me.xml" in n["message"]["text"]
    ]
    assert "worker process" in dead["message"]["text"] and "associatedRule" not in dead


# --- item 12: signals ----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(
    "signum, group, code",
    [
        (signal.SIGINT, True, 130),  # Ctrl-C: the whole process group
        (signal.SIGTERM, False, 143),  # a supervisor stopping the run
        (signal.SIGTERM, True, 143),  # a CI runner cancelling the job
    ],
    ids=["sigint-group", "sigterm", "sigterm-group"],
)
def test_a_signal_stops_the_run_cleanly(
    tmp_path: Path, killer_plugin: dict[str, str], signum: int, group: bool, code: int
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    _corpus(tree)
    output = tmp_path / "report.json"
    process = subprocess.Popen(
        [
            cli_executable(),
            "--no-config",
            "--select",
            "AOV302,KILL",
            "--format",
            "json",
            "--output",
            str(output),
            "-j",
            "2",
            str(tree),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **killer_plugin, "KILL001_SLEEP": "0.1"},
    )
    time.sleep(1.5)  # the workers are linting
    if group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == code, (out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert signal.Signals(signum).name in err
    assert sorted(os.listdir(tmp_path)) == ["tree"], "no report and no temporary file"


# --- item 13: internal errors whatever the streams -----------------------------------------------
class _BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_an_internal_error_with_a_broken_stderr_exits_2_and_writes_the_sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self, targets):
        raise RuntimeError("pipeline bug")

    monkeypatch.setattr("aovpn_lint.cli.Linter.lint_targets", crash)
    monkeypatch.setattr(sys, "stderr", _BrokenStream())
    profile = tmp_path / "p.xml"
    profile.write_text(BAD)
    output = tmp_path / "out.sarif"
    code = cli.main(["--no-config", "--format", "sarif", "--output", str(output), str(profile)])
    assert code == 2
    log = json.loads(output.read_text())
    assert "pipeline bug" in json.dumps(log)


# --- item 14: linear loaders and a budget that covers loading ------------------------------------
CRAFTED = {
    # a `u{ without its brace, many times over, and one brace at the very end
    "unclosed-unicode.ps1": '$p = "<VPNProfile>' + "`u{" * 160_000 + '}"\n',
    # LocURI after LocURI with no Data: a pattern retried the rest of the file from each
    "many-locuris.xml": "<SyncML><SyncBody>"
    + "<Add><LocURI>./Vendor/MSFT/VPNv2/x/ProfileXML</LocURI></Add>" * 4_000
    + "</SyncBody></SyncML>",
    "many-keys.json": '{"@odata.type": "#microsoft.graph.windows10VpnConfiguration", '
    + ",".join(f'"k{i}": 0' for i in range(55_000))
    + "}",
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_inputs_load_in_linear_time(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(CRAFTED[name])
    started = time.monotonic()
    _lint(path, rule_timeout=0)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{name} ({path.stat().st_size:,} bytes) took {elapsed:.1f}s"


def test_a_load_past_the_time_budget_is_stopped_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless(text, source):
        deadline = time.monotonic() + 20  # gives up on its own, so a missing budget fails fast
        while time.monotonic() < deadline:
            pass
        return [], []

    monkeypatch.setitem(dispatch._LOADERS, dispatch.Format.POWERSHELL, endless)
    path = tmp_path / "deploy.ps1"
    path.write_text("$x = 1\n")
    started = time.monotonic()
    [finding] = _lint(path, rule_timeout=0.3)
    assert time.monotonic() - started < 5
    assert finding.rule_id == "AOV100" and "0.3-second budget" in finding.message


# --- item 15: memory -----------------------------------------------------------------------------
def _under_memory_limit(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return subprocess.run(
        [cli_executable(), "--no-config", "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limits,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, text",
    [
        # 9 MB of list items: ruamel built every one before the node budget was checked
        ("aovpn-inventory.yaml", "servers:\n" + "- a\n" * 2_300_000),
        # 2.8 MB of JSON values: 1.4 million located nodes
        (
            "export.json",
            '{"@odata.type": "#microsoft.graph.windows10VpnConfiguration", "x": ['
            + ",".join(["0"] * 1_400_000)
            + "]}",
        ),
    ],
    ids=["yaml", "json"],
)
def test_large_files_are_refused_within_a_memory_limit(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = _under_memory_limit(400 << 20, str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule_id"] == "AOV100" and "more than" in finding["message"]


# --- item 16: special files in a walked folder ---------------------------------------------------
def test_a_fifo_named_like_an_export_does_not_block_the_walk(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "export.json")
    (tmp_path / "p.xml").write_text(BAD)
    result = run_cli("--no-config", *SELECT, "--format", "json", str(tmp_path))  # 120 s timeout
    assert result.returncode == 1, result.stderr
    found = _by_file(json.loads(result.stdout))
    assert "not a regular file" in found["export.json"][0]["message"]
    assert [f["rule_id"] for f in found["p.xml"]] == ["AOV302"]


# --- item 18: --output leaves nothing behind -----------------------------------------------------
def test_a_failed_output_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    profile = tmp_path / "p.xml"
    profile.write_text(BAD)
    target = tmp_path / "report.json"
    target.mkdir()  # the report cannot replace a directory
    result = run_cli(
        "--no-config", *SELECT, "--format", "json", "--output", str(target), str(profile)
    )
    assert result.returncode == 2 and "cannot write report" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["p.xml", "report.json"]
    assert os.listdir(target) == []


def test_an_interrupted_output_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("aovpn_lint.cli.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cli._emit("report", str(tmp_path / "out.json"))
    assert os.listdir(tmp_path) == []
