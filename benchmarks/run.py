"""Benchmark aovpn-lint against two floors measured on the same machine in the same run.

    python benchmarks/run.py            # full run (under 3 minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller corpora and fewer repeats, for a smoke test

Floors:
  import floor  `python -c "import lxml.etree, pluggy, ruamel.yaml"`, against a cold
                `aovpn-lint one.xml` (a new process each time);
  parse floor   one process that walks the corpus directory and parses every file with
                lxml, against `aovpn-lint DIR` with -j 1 and -j 2.

Every run lints from scratch (--no-cache) except the "re-run" line, which lints the largest
corpus again with the result cache filled by a first run, as CI re-runs and watch loops do.

Corpora are generated in a temporary directory: 1, 100, 1,000 and 10,000 ProfileXML files with
1 to 200 routes each (log-uniform), user and device tunnels, split and force tunnel, about 5%
broken (not well-formed or with rule violations). Every figure is the median of several runs;
peak RSS is the largest resident set of the measured process tree. Only the standard library and
the project's own dependencies are used.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {
    "cold": 1.3,      # cold one-file lint / import floor
    "seq": 2.5,       # 10,000 files, -j 1 / parse floor
    "par": 1.5,       # 10,000 files, -j 2 / parse floor (single process)
    "growth": 11.0,   # time for 10x files / time for 1x files
}
PARSE_FLOOR = r"""
import os, sys
import lxml.etree as etree
root = sys.argv[1]
paths = []
for directory, dirs, files in os.walk(root):
    dirs.sort()
    paths.extend(os.path.join(directory, f) for f in sorted(files) if f.endswith(".xml"))
parser = etree.XMLParser(resolve_entities=False, no_network=True)
for path in paths:
    try:
        etree.parse(path, parser)
    except etree.XMLSyntaxError:
        pass
"""
IMPORT_FLOOR = "import lxml.etree, pluggy, ruamel.yaml"
ROUTE_FILES = 200  # files in the two corpora that compare 10 and 100 routes per profile


# --- corpus ---------------------------------------------------------------------------------------
def _route(rng: random.Random, index: int) -> str:
    if rng.random() < 0.2:
        address, prefix = f"10.{index // 250 % 250}.{index % 250}.0", 24
    else:
        address, prefix = f"10.{index // 250 % 250}.{index % 250}.{rng.randrange(1, 254)}", 32
    exclusion = "<ExclusionRoute>true</ExclusionRoute>" if rng.random() < 0.05 else ""
    return f"  <Route>\n    <Address>{address}</Address>\n    <PrefixSize>{prefix}</PrefixSize>{exclusion}\n  </Route>\n"


def profile(rng: random.Random, routes: int) -> str:
    device = rng.random() < 0.3
    force = rng.random() < 0.25
    policy = "ForceTunnel" if force else "SplitTunnel"
    auth = ("<MachineMethod>Certificate</MachineMethod>" if device else
            "<UserMethod>Eap</UserMethod><Eap><Configuration><EapHostConfig xmlns="
            "\"http://www.microsoft.com/provisioning/EapHostConfig\"><EapMethod><Type xmlns="
            "\"http://www.microsoft.com/provisioning/EapCommon\">13</Type></EapMethod>"
            "</EapHostConfig></Configuration></Eap>")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<VPNProfile>\n',
        f"  <DeviceTunnel>{'true' if device else 'false'}</DeviceTunnel>\n" if device else "",
        "  <AlwaysOn>true</AlwaysOn>\n  <RememberCredentials>true</RememberCredentials>\n",
        "  <DnsSuffix>corp.example.com</DnsSuffix>\n",
        "  <NativeProfile>\n    <Servers>vpn.example.com</Servers>\n",
        f"    <RoutingPolicyType>{policy}</RoutingPolicyType>\n",
        "    <NativeProtocolType>IKEv2</NativeProtocolType>\n",
        f"    <Authentication>{auth}</Authentication>\n",
        "    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>\n" if not force else "",
        "  </NativeProfile>\n",
    ]
    if not force or rng.random() < 0.1:  # a few force-tunnel profiles wrongly carry routes
        parts.extend(_route(rng, i) for i in range(routes))
    if not device and rng.random() < 0.5:
        parts.append("  <DomainNameInformation>\n    <DomainName>.corp.example.com</DomainName>\n"
                     "    <DnsServers>10.0.0.53</DnsServers>\n  </DomainNameInformation>\n")
    parts.append("</VPNProfile>\n")
    text = "".join(parts)
    if rng.random() < 0.03:  # broken: truncated, or a misspelt element
        text = text[: len(text) * 2 // 3] if rng.random() < 0.5 else text.replace("AlwaysOn>", "AlwaysOnn>")
    return text


def routes_for(rng: random.Random, fixed: int | None) -> int:
    return fixed if fixed is not None else int(math.exp(rng.uniform(0, math.log(200))))


def make_corpus(root: Path, count: int, seed: int, routes: int | None = None) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True)
    per_dir = 500
    for i in range(count):
        directory = root / f"site{i // per_dir:03d}"
        if i % per_dir == 0:
            directory.mkdir()
        kind = "device" if i % 3 == 0 else "user"
        (directory / f"{kind}-{i:05d}.xml").write_text(profile(rng, routes_for(rng, routes)), encoding="utf-8")
    return root


# --- measuring ------------------------------------------------------------------------------------
def measure(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one run of ``command`` and its children."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{errors}")
    return elapsed, usage.ru_maxrss


def median_of(command: list[str], env: dict[str, str], repeats: int) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(repeats):
        elapsed, peak = measure(command, env)
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def paired(a: list[str], b: list[str], env: dict[str, str], repeats: int) -> tuple[tuple[float, int], tuple[float, int]]:
    """Interleave the runs of two commands so that machine noise hits both alike."""
    ta, tb, pa, pb = [], [], [], []
    for _ in range(repeats):
        t, p = measure(a, env)
        ta.append(t)
        pa.append(p)
        t, p = measure(b, env)
        tb.append(t)
        pb.append(p)
    return (statistics.median(ta), max(pa)), (statistics.median(tb), max(pb))


def lint_command() -> list[str]:
    script = Path(sys.executable).parent / ("aovpn-lint.exe" if os.name == "nt" else "aovpn-lint")
    if script.exists():
        return [str(script)]
    found = shutil.which("aovpn-lint")
    if not found:
        raise SystemExit("aovpn-lint is not installed in this environment; run 'pip install -e .'")
    return [found]


def bench_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what users get: cached bytecode
    env["PYTHONPYCACHEPREFIX"] = str(cache)   # ... kept out of the source tree
    env["AOVPN_LINT_CACHE_DIR"] = str(cache.parent / "results")  # never the user's cache
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpora, fewer repeats")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    args = parser.parse_args()
    big = 2000 if args.quick else 10_000
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="aovpn-lint-bench-"))
    env = bench_env(tmp / "pycache")
    # every figure but the re-run one lints from scratch: the result cache stays out of it
    cached_lint = lint_command()
    lint = cached_lint + ["--no-cache"]
    py = [sys.executable]
    results: list[tuple[str, str, str, str]] = []
    checks: list[tuple[str, float, float]] = []
    try:
        print(f"generating corpora in {tmp} ...", flush=True)
        corpora = {n: make_corpus(tmp / f"n{n}", n, seed=n) for n in (1, 100, 1000, big)}
        routes10 = make_corpus(tmp / "r10", ROUTE_FILES, seed=7, routes=10)
        routes100 = make_corpus(tmp / "r100", ROUTE_FILES, seed=7, routes=100)
        one = next(corpora[1].rglob("*.xml"))
        for warm in (py + ["-c", IMPORT_FLOOR], lint + ["--no-config", str(one)],
                     lint + ["--no-config", "-j", "2", str(corpora[100])]):
            measure(warm, env)  # compile bytecode, fill the page cache

        # (a) cold start
        (floor, floor_rss), (cold, cold_rss) = paired(
            py + ["-c", IMPORT_FLOOR], lint + ["--no-config", str(one)], env, 5 if args.quick else 15)
        results.append(("import floor", "1", f"{floor * 1000:.0f} ms", f"{floor_rss / 1024:.0f} MiB"))
        results.append(("aovpn-lint one.xml (cold)", "1", f"{cold * 1000:.0f} ms  ({cold / floor:.2f}x floor)",
                        f"{cold_rss / 1024:.0f} MiB"))
        checks.append(("cold one-file lint / import floor", cold / floor, TARGETS["cold"]))

        # (b) throughput
        seq: dict[int, float] = {}
        rss: dict[int, int] = {}
        for n in (100, 1000, big):
            # the largest corpus dominates the run time: one run of each lint mode (the floor
            # still gets three); the smaller ones get the median of three
            repeats = 1 if n == big else 3
            directory = str(corpora[n])
            pfloor, pfloor_rss = median_of(py + ["-c", PARSE_FLOOR, directory], env, 3)
            t1, rss1 = median_of(lint + ["--no-config", "-j", "1", directory], env, repeats)
            seq[n], rss[n] = t1, rss1
            results.append((f"parse floor, {n:,} files", f"{n:,}", f"{pfloor:.2f} s  ({n / pfloor:,.0f} files/s)",
                            f"{pfloor_rss / 1024:.0f} MiB"))
            results.append((f"aovpn-lint -j 1, {n:,} files", f"{n:,}",
                            f"{t1:.2f} s  ({n / t1:,.0f} files/s, {t1 / pfloor:.2f}x floor)",
                            f"{rss1 / 1024:.0f} MiB"))
            if n == big:
                t2, rss2 = median_of(lint + ["--no-config", "-j", "2", directory], env, repeats)
                results.append((f"aovpn-lint -j 2, {n:,} files", f"{n:,}",
                                f"{t2:.2f} s  ({n / t2:,.0f} files/s, {t2 / pfloor:.2f}x floor)",
                                f"{rss2 / 1024:.0f} MiB"))
                checks.append((f"{n:,} files -j 1 / parse floor", t1 / pfloor, TARGETS["seq"]))
                checks.append((f"{n:,} files -j 2 / parse floor", t2 / pfloor, TARGETS["par"]))
                # a re-run over unchanged files (CI re-runs, a watch loop): answered by the cache
                cached = cached_lint + ["--no-config", "-j", "1", directory]
                measure(cached, env)  # fills the cache
                tw, rssw = median_of(cached, env, 3)
                results.append((f"aovpn-lint -j 1, {n:,} files, re-run", f"{n:,}",
                                f"{tw:.2f} s  ({n / tw:,.0f} files/s, {tw / pfloor:.2f}x floor)",
                                f"{rssw / 1024:.0f} MiB"))
                checks.append((f"{n:,} files re-run with the result cache, -j 1 / parse floor",
                               tw / pfloor, TARGETS["seq"]))
        factor = big / 1000
        checks.append((f"growth, 1,000 -> {big:,} files (time ratio for {factor:g}x files)",
                       seq[big] / seq[1000], round(TARGETS["growth"] / 10 * factor, 2)))
        checks.append((f"peak RSS {big:,} files / 1,000 files", rss[big] / rss[1000], 1.25))

        r10, _ = median_of(lint + ["--no-config", "-j", "1", str(routes10)], env, 3)
        r100, _ = median_of(lint + ["--no-config", "-j", "1", str(routes100)], env, 3)
        results.append((f"aovpn-lint -j 1, {ROUTE_FILES} files x 10 routes", "", f"{r10:.2f} s", ""))
        results.append((f"aovpn-lint -j 1, {ROUTE_FILES} files x 100 routes", "", f"{r100:.2f} s", ""))
        checks.append(("growth, 10 -> 100 routes per profile (time ratio)", r100 / r10, TARGETS["growth"]))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()}; "
          f"Python {platform.python_version()}")
    width = max(len(r[0]) for r in results)
    print(f"{'run':<{width}}  {'time (median)':<44} peak RSS")
    for name, _n, timing, peak in results:
        print(f"{name:<{width}}  {timing:<44} {peak}")
    print()
    failed = 0
    for name, value, target in checks:
        ok = value <= target
        failed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {name}: {value:.2f} (target <= {target})")
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
