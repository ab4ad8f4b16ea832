"""A rule or plugin that raises, hangs or returns garbage is reported once, as AOV000 naming the
rule and the file, and the run (and its JSON/SARIF document) still completes.

In-process tests register misbehaving rule modules on a RuleSet; the end-to-end tests install a
misbehaving plugin distribution (a dist-info directory with an ``aovpn_lint`` entry point) on
PYTHONPATH and run the console script, sequentially and with ``-j 2`` worker processes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest
from hermetic import with_packs

from aovpn_lint.api import Finding, Location, Related, RuleMeta, Severity, hookimpl
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.ids import INTERNAL_ERROR
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import lint_file
from aovpn_lint.read import Target
from helpers import FIXTURES, RULE_DOC, SARIF_SCHEMA, run_cli

PROFILE = FIXTURES / "AOV302" / "bad.xml"  # one AOV302 finding from the built-in rules
#: The test rules and one built-in witness that the other rules still ran; AOV000 always runs.
SELECT = ("TST", "AOV302")
HANG_SECONDS = 20.0  # hung rules give up on their own after this, so a missing budget fails fast
POSIX_TIMER = hasattr(signal, "setitimer")


def _rule_module(rule_id: str, body, spec: str = "aovpn_lint_check") -> types.ModuleType:
    module = types.ModuleType(f"test_rule_{rule_id.lower()}")
    module.__doc__ = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx"
    module.RULE = RuleMeta(
        rule_id, f"test-{rule_id.lower()}", Severity.WARNING, "test rule", RULE_DOC
    )
    module.check = hookimpl(specname=spec)(body)
    return module


def _ruleset(*modules: types.ModuleType) -> RuleSet:
    rules = RuleSet(load_entry_points=False)
    for module in modules:
        rules.register(module, "test")
    return rules


def _lint(rules: RuleSet, path: Path = PROFILE, timeout: float = 0.3) -> list[Finding]:
    config = Config(select=SELECT, rule_timeout=timeout)
    return list(lint_file(Target(str(path)), rules, config, keep=False).findings)


def _internal(findings: list[Finding], rule_id: str) -> list[Finding]:
    """The AOV000 findings about ``rule_id``, which they name in a field and in the message."""
    about = [f for f in findings if f.rule_id == INTERNAL_ERROR and f.subject == rule_id]
    assert all(rule_id in f.message and f.rule_name == "internal-error" for f in about)
    return about


# --- in-process: each kind of misbehaviour -------------------------------------------------------
def _busy(document):
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:
        pass
    yield from ()


def _busy_swallowing(document):
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:
        try:
            sum(range(1000))
        except Exception:  # a rule's own broad handler must not swallow the stop
            pass
    yield from ()


def _sleeping(document):
    time.sleep(HANG_SECONDS)
    return []


@pytest.mark.skipif(not POSIX_TIMER, reason="rules can only be interrupted where setitimer exists")
@pytest.mark.parametrize(
    "body", [_busy, _busy_swallowing, _sleeping], ids=["busy", "swallows", "sleeps"]
)
def test_a_hung_rule_is_stopped_at_its_budget_and_reported_once(body) -> None:
    rules = _ruleset(_rule_module("TST001", body))
    started = time.monotonic()
    findings = _lint(rules, timeout=0.3)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"the hung rule was not stopped (run took {elapsed:.1f}s)"
    [report] = _internal(findings, "TST001")
    assert report.loc.path == str(PROFILE) and report.loc.line == 1
    assert "0.3-second budget" in report.message and "stopped" in report.message
    assert [f.rule_id for f in findings if f.rule_id != "AOV000"] == ["AOV302"], "other rules ran"


@pytest.mark.skipif(not POSIX_TIMER, reason="rules can only be interrupted where setitimer exists")
def test_each_hung_rule_gets_its_own_budget_and_the_next_rules_still_run() -> None:
    rules = _ruleset(_rule_module("TST001", _busy), _rule_module("TST002", _sleeping))
    findings = _lint(rules, timeout=0.3)
    assert len(_internal(findings, "TST001")) == 1 and len(_internal(findings, "TST002")) == 1
    assert "AOV302" in {f.rule_id for f in findings}


def test_a_slow_rule_within_budget_is_not_reported() -> None:
    def slow(document):
        time.sleep(0.4)  # longer than one alarm period would be if the budget were per document
        return []

    rules = _ruleset(_rule_module("TST001", slow), _rule_module("TST002", slow))
    findings = _lint(rules, timeout=0.7)
    assert not [f for f in findings if f.rule_id == "AOV000"]


def test_where_rules_cannot_be_interrupted_an_overrun_is_still_measured_and_reported() -> None:
    def slow(document):
        time.sleep(0.5)
        yield RULE_TST.finding(Location(document.path, 2, 3, 2, 4), "slow but finished")

    RULE_TST = RuleMeta("TST003", "test-tst003", Severity.WARNING, "test rule", RULE_DOC)
    module = _rule_module("TST003", slow)
    module.RULE = RULE_TST
    rules = _ruleset(module)
    box: list[list[Finding]] = []
    worker = threading.Thread(target=lambda: box.append(_lint(rules, timeout=0.2)))
    worker.start()  # signals only reach the main thread: this path measures instead
    worker.join(30)
    [findings] = box
    [report] = _internal(findings, "TST003")
    assert "over its budget" in report.message
    assert any(f.message == "slow but finished" for f in findings), "its findings are kept"


@pytest.mark.skipif(not POSIX_TIMER, reason="needs setitimer")
def test_the_callers_alarm_handler_and_timer_are_restored() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        _lint(_ruleset(), timeout=5)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 1.5, "the caller's pending timer was lost"
        time.sleep(remaining + 0.2)
        assert fired == [signal.SIGALRM], "the caller's handler was not put back"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raises(document):
    raise RuntimeError("plugin bug")


def _exits(document):
    raise SystemExit(3)


def _ends_the_process(document):
    os._exit(0)


def _returns_int(document):
    return 42


def _yields_strings(document):
    yield "AOV999 something"


def _yields_zero_line(document):
    yield Finding("TST001", "x", Severity.ERROR, "bad", Location(document.path, 0, 1))


def _yields_bad_message(document):
    yield Finding("TST001", "x", Severity.ERROR, {"not": "text"}, Location(document.path, 1, 1))


def _yields_bad_severity(document):
    yield Finding("TST001", "x", "catastrophic", "msg", Location(document.path, 1, 1))


def _yields_string_line(document):
    yield Finding("TST001", "x", Severity.ERROR, "msg", Location(document.path, "3", 1))


def _yields_bad_related(document):
    yield Finding(
        "TST001",
        "x",
        Severity.ERROR,
        "msg",
        Location(document.path, 1, 1),
        related=(Related(Location(document.path, -1, 1), "there"), "garbage"),
    )


def _fails_midway(document):
    yield Finding("TST001", "x", Severity.ERROR, "first", Location(document.path, 1, 1))
    raise ValueError("half way")


GARBAGE = [
    _raises,
    _exits,
    _ends_the_process,
    _returns_int,
    _yields_strings,
    _yields_zero_line,
    _yields_bad_message,
    _yields_bad_severity,
    _yields_string_line,
    _yields_bad_related,
    _fails_midway,
]


@pytest.mark.parametrize("body", GARBAGE, ids=[g.__name__.strip("_") for g in GARBAGE])
def test_a_rule_that_raises_or_returns_garbage_is_one_internal_error(body) -> None:
    rules = _ruleset(_rule_module("TST001", body))
    findings = _lint(rules)
    [report] = _internal(findings, "TST001")
    assert report.loc.path == str(PROFILE) and report.loc.line == 1
    assert not [f for f in findings if f.rule_id == "TST001"], "no partial output of a broken rule"
    assert "AOV302" in {f.rule_id for f in findings}
    from aovpn_lint.report import Report, render

    document = json.loads(render("json", Report(findings, list(rules), 1)))
    assert document["summary"]["error"] >= 1


def test_a_rule_that_ends_the_process_is_refused_and_reported() -> None:
    rules = _ruleset(_rule_module("TST001", _ends_the_process))
    [report] = _internal(_lint(rules), "TST001")
    assert "os._exit(0)" in report.message
    assert os._exit is not None and os._exit.__module__ in ("posix", "nt"), "put back after"


def test_a_crashing_cross_file_rule_is_reported_once_for_the_project() -> None:
    from aovpn_lint.linter import lint_project

    def project(documents):
        raise KeyError("boom")

    rules = _ruleset(_rule_module("TST010", project, spec="aovpn_lint_check_project"))
    config = Config(select=SELECT)
    result = lint_file(Target(str(PROFILE)), rules, config, keep=True)
    findings = lint_project(result.documents, rules, config)
    assert [(f.rule_id, f.subject, f.loc.path) for f in findings] == [
        ("AOV000", "TST010", "<project>")
    ]
    assert "TST010" in findings[0].message and "KeyError" in findings[0].message


# --- end to end: a misbehaving plugin distribution, sequential and in -j workers ----------------
PLUGIN = '''
"""## What it does
{what}

## Why is this bad?
Test plugin.

## Example
    x

## Use instead
    y
"""
import time
from aovpn_lint.api import Finding, Location, RuleMeta, Severity, hookimpl

RULE = RuleMeta(id="{rule_id}", name="{name}", severity=Severity.WARNING, short="test plugin",
                doc=__doc__)


@hookimpl(specname="aovpn_lint_check")
def check(document):
    if "{trigger}" not in document.path:
        return
{body}
'''

BODIES = {
    "EVIL001": (
        "hang",
        "hangs",
        "    deadline = time.monotonic() + 30\n"
        "    while time.monotonic() < deadline:\n        pass\n    yield from ()",
    ),
    "EVIL002": (
        "garbage",
        "garbage",
        "    yield Finding('EVIL002', 'g', 'nope', 7, Location(1, 2, 3))",
    ),
    "EVIL003": ("raiser", "crash", "    raise MemoryError('pretend')\n    yield"),
    "EVIL004": ("quitter", "quits", "    import os\n    os._exit(0)\n    yield"),
}


@pytest.fixture(scope="module")
def evil_plugin(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("evil-site")
    package = site / "evil_aovpn_rules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    lines = []
    for rule_id, (name, trigger, body) in BODIES.items():
        source = PLUGIN.format(what=name, rule_id=rule_id, name=name, trigger=trigger, body=body)
        (package / f"{name}.py").write_text(textwrap.dedent(source))
        lines.append(f"evil_{name} = evil_aovpn_rules.{name}")
    dist = site / "evil_aovpn_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-aovpn-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[aovpn_lint]\n" + "\n".join(lines) + "\n")
    return with_packs(site)


def _corpus(root: Path, count: int = 70) -> list[str]:
    """Enough files for the worker pool to be used; a few trigger each evil rule."""
    text = PROFILE.read_text()
    names = []
    for i in range(count):
        tag = {3: "hangs", 40: "hangs", 10: "garbage", 50: "crash", 20: "quits"}.get(i, "ok")
        name = f"p{i:03d}-{tag}.xml"
        (root / name).write_text(text)
        names.append(name)
    return names


@pytest.mark.slow
@pytest.mark.skipif(not POSIX_TIMER, reason="needs setitimer to stop the hung plugin")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_misbehaving_plugins_are_isolated_and_json_stays_complete(
    evil_plugin: dict[str, str], tmp_path: Path, jobs: str
) -> None:
    names = _corpus(tmp_path)
    started = time.monotonic()
    result = run_cli(
        "--no-config",
        "--format",
        "json",
        "--rule-timeout",
        "0.5",
        "-j",
        jobs,
        str(tmp_path),
        env=evil_plugin,
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert document["files"] == len(names)
    internal = [
        (Path(f["path"]).name, f["message"].split()[1])
        for f in document["findings"]
        if f["rule_id"] == "AOV000"
    ]
    assert sorted(internal) == sorted(
        [
            ("p003-hangs.xml", "EVIL001"),
            ("p040-hangs.xml", "EVIL001"),
            ("p010-garbage.xml", "EVIL002"),
            ("p050-crash.xml", "EVIL003"),
            ("p020-quits.xml", "EVIL004"),
        ]
    )
    per_file = {Path(f["path"]).name for f in document["findings"] if f["rule_id"] == "AOV302"}
    assert per_file == set(names), "every file still got the built-in rules' findings"


@pytest.mark.slow
@pytest.mark.skipif(not POSIX_TIMER, reason="needs setitimer to stop the hung plugin")
def test_output_is_identical_with_and_without_workers(
    evil_plugin: dict[str, str], tmp_path: Path
) -> None:
    _corpus(tmp_path)
    args = ("--no-config", "--format", "json", "--rule-timeout", "0.5", str(tmp_path))
    one = run_cli(*args, "-j", "1", env=evil_plugin)
    two = run_cli(*args, "-j", "2", env=evil_plugin)
    strip = lambda out: [f for f in json.loads(out)["findings"]]  # noqa: E731
    first, second = strip(one.stdout), strip(two.stdout)
    for finding in first + second:  # the measured seconds may differ; nothing else may
        finding["message"] = finding["message"].split(" ran past ")[0]
    assert first == second


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("aovpn_lint.report.sarif") is None,
    reason="the SARIF reporter is not part of this build yet",
)
def test_sarif_stays_valid_with_misbehaving_plugins(
    evil_plugin: dict[str, str], tmp_path: Path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for name in ("a-garbage.xml", "b-crash.xml", "c-ok.xml"):
        (tmp_path / name).write_text(PROFILE.read_text())
    result = run_cli("--no-config", "--format", "sarif", str(tmp_path), env=evil_plugin)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    results = log["runs"][0]["results"]
    assert sum(1 for r in results if r["ruleId"] == "AOV000") == 2


@pytest.mark.parametrize("value", ["-1", "nan", "soon"])
def test_rule_timeout_must_be_a_number_of_seconds(value: str) -> None:
    result = run_cli("--no-config", "--rule-timeout", value, str(PROFILE))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "rule-timeout" in result.stderr


def test_rule_timeout_zero_disables_the_budget() -> None:
    def slow(document):
        time.sleep(0.3)
        return []

    assert not _internal(_lint(_ruleset(_rule_module("TST001", slow)), timeout=0), "TST001")
    assert _internal(_lint(_ruleset(_rule_module("TST001", slow)), timeout=0.1), "TST001")
