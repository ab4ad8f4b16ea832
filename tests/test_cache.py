"""The result cache: same output warm as cold, and never a stale or forged result."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from aovpn_lint.cache import MIN_FILES, Cache
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import Linter
from helpers import EXAMPLES, FIXTURES, WARNINGS_PROFILE, run_cli

GOOD = (EXAMPLES / "user-tunnel-split.xml").read_text(encoding="utf-8")
RULES = RuleSet(load_entry_points=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory with enough profiles for the cache to be used: most clean, some not."""
    root = tmp_path / "profiles"
    root.mkdir()
    for i in range(MIN_FILES + 6):
        text = WARNINGS_PROFILE if i % 10 == 0 else GOOD
        (root / f"profile-{i:03}.xml").write_text(text, encoding="utf-8")
    return root


def _cli(project: Path, cache_dir: Path, *extra: str) -> tuple[int, str]:
    result = run_cli(
        "--format",
        "json",
        "-j",
        "1",
        "--cache-dir",
        str(cache_dir),
        *extra,
        str(project.name),
        cwd=project.parent,
    )
    return result.returncode, result.stdout


def _lint(project: Path, cache: Cache | None, config: Config | None = None, jobs: int = 1):
    cfg = config or Config()
    results = [
        r for r in Linter(cfg, RULES, jobs, cache).lint_paths([str(project)]) if r.path is not None
    ]
    return [(r.path, list(r.findings)) for r in results], [r.cached for r in results]


def _cache(tmp_path: Path, project: Path, config: Config | None = None) -> Cache:
    from aovpn_lint.cache import fingerprint

    return Cache.open(
        str(tmp_path / "cache"), str(project), fingerprint(config or Config(), RULES.code_files())
    )


def test_a_warm_run_prints_exactly_what_a_cold_run_prints(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = _cli(project, cache_dir, "--no-cache")
    assert not cache_dir.exists()  # --no-cache neither reads nor writes
    first = _cli(project, cache_dir)
    (stored,) = cache_dir.iterdir()
    second = _cli(project, cache_dir)
    assert cold == first == second
    assert cold[0] == 1 and json.loads(cold[1])  # the run has findings to remember
    assert stored.stat().st_size > 0


def test_results_come_from_the_cache_only_for_unchanged_bytes(
    project: Path, tmp_path: Path
) -> None:
    cold, _ = _lint(project, None)
    cache = _cache(tmp_path, project)
    assert _lint(project, cache) == (cold, [False] * len(cold))
    cache.save()
    edited = project / "profile-001.xml"
    edited.write_text(WARNINGS_PROFILE, encoding="utf-8")
    warm = _cache(tmp_path, project)
    results, cached = _lint(project, warm)
    changed = [path for (path, _), hit in zip(results, cached) if not hit]
    assert changed == [str(edited)]
    assert dict(results)[str(edited)]  # linted again: now it has findings


def test_another_configuration_or_changed_rule_code_starts_afresh(
    project: Path, tmp_path: Path
) -> None:
    cache = _cache(tmp_path, project)
    _lint(project, cache)
    cache.save()
    other = Config(ignore=("AOV201",))
    assert _cache(tmp_path, project, other).entries == {}
    assert _cache(tmp_path, project).entries  # the original configuration still finds it
    rule_file = min(RULES.code_files())
    info = os.stat(rule_file)
    try:
        os.utime(rule_file, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert _cache(tmp_path, project).entries == {}
    finally:
        os.utime(rule_file, ns=(info.st_atime_ns, info.st_mtime_ns))


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all {",
        json.dumps({"format": 1, "key": "forged", "files": {}}),
        "[1, 2, 3]",
    ],
)
def test_a_damaged_or_foreign_cache_file_is_ignored(
    project: Path, tmp_path: Path, damage: str
) -> None:
    cache_dir = tmp_path / "cache"
    baseline = _cli(project, cache_dir, "--no-cache")
    _cli(project, cache_dir)
    (stored,) = cache_dir.iterdir()
    stored.write_text(damage, encoding="utf-8")
    assert _cli(project, cache_dir) == baseline


@pytest.mark.parametrize(
    "forged",
    [
        '[{"id":7,"name":[],"message":null,"severity":"x","loc":[]}]',
        '[{"id":"AOV101","name":"x","severity":"error","message":"m","loc":["f.xml",1,1,1,2],'
        '"suppression":["inSource"]}]',
        '{"not": "a list"}',
        "[[1, 2]]",
        "truncated [",
    ],
)
def test_a_forged_or_damaged_entry_is_ignored(project: Path, tmp_path: Path, forged: str) -> None:
    cold, _ = _lint(project, None)
    cache = _cache(tmp_path, project)
    _lint(project, cache)
    cache.save()
    header, first, *rest = Path(cache.path).read_text(encoding="utf-8").splitlines()
    file_digest, name, _findings = first.split("\t", 2)
    lines = [header, f"{file_digest}\t{name}\t{forged}", *rest]
    Path(cache.path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    results, cached = _lint(project, _cache(tmp_path, project))
    assert results == cold
    assert dict(zip([p for p, _ in results], cached))[json.loads(name)] is False
    assert cached.count(False) == 1


def test_a_cache_line_cut_short_drops_the_cache_not_the_run(project: Path, tmp_path: Path) -> None:
    cache = _cache(tmp_path, project)
    _lint(project, cache)
    cache.save()
    text = Path(cache.path).read_text(encoding="utf-8")
    Path(cache.path).write_text(text[: len(text) // 2].rsplit("\t", 1)[0], encoding="utf-8")
    assert _cache(tmp_path, project).entries == {}


def test_parallel_runs_use_and_fill_the_same_cache(project: Path, tmp_path: Path) -> None:
    cold, _ = _lint(project, None)
    cache = _cache(tmp_path, project)
    assert _lint(project, cache, jobs=2)[0] == cold
    cache.save()
    warm = _cache(tmp_path, project)
    assert _lint(project, warm, jobs=2) == (cold, [True] * len(cold))
    # the workers' hits count as seen here, where the cache is saved (and trimmed)
    assert warm.seen == {path for path, _ in cold}


def test_small_runs_and_crashed_rules_are_not_cached(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    one = project / "profile-000.xml"
    run_cli("--cache-dir", str(cache_dir), str(one))
    assert not cache_dir.exists()
    from aovpn_lint.model.findings import Finding, Severity
    from aovpn_lint.model.positions import Location

    cache = _cache(tmp_path, project)
    crash = Finding("AOV000", "internal-error", Severity.ERROR, "rule crashed", Location("x", 1, 1))
    cache.put("x.xml", "digest", [crash])
    assert cache.get("x.xml", "digest") is None


def test_documents_for_cross_file_rules_are_never_taken_from_the_cache(tmp_path: Path) -> None:
    project = tmp_path / "pools"
    shutil.copytree(FIXTURES / "project" / "pools", project)
    for i in range(MIN_FILES):
        (project / f"extra-{i:03}.xml").write_text(GOOD, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    baseline = _cli(project, cache_dir, "--no-cache")
    # the profiles' servers and routes are checked against the inventory (AOV502, AOV503)
    assert {"AOV502", "AOV503"} <= {f["rule_id"] for f in json.loads(baseline[1])["findings"]}
    assert _cli(project, cache_dir) == baseline
    assert _cli(project, cache_dir) == baseline


def test_the_cache_watches_a_plugin_s_rule_module_and_the_helpers_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "acmepack"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "util.py").write_text("LIMIT = 3\n", encoding="utf-8")
    (package / "impl.py").write_text(
        "from aovpn_lint import hookimpl\n"
        "@hookimpl(specname='aovpn_lint_check')\n"
        "def check(document):\n    return []\n",
        encoding="utf-8",
    )
    (package / "rule.py").write_text(
        '"""## What it does\nx\n## Why is this bad?\nx\n## Example\n x\n## Use instead\n y\n"""\n'
        "from aovpn_lint.api import RuleMeta, Severity\n"
        "from acmepack.impl import check\n"
        "RULE = RuleMeta(id='ACME001', name='acme', severity=Severity.WARNING, short='x',"
        " help_uri='https://example.com', doc=__doc__)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    rules = RuleSet(load_entry_points=False)
    rules.register(importlib.import_module("acmepack.rule"), "test")
    files = {Path(f).name for f in rules.code_files() if Path(f).parent == package}
    assert files == {"__init__.py", "impl.py", "rule.py", "util.py"}
