"""Measure aovpn-lint against its speed budget, each figure next to a floor from the same run.

    python benchmarks/run.py                  # full run (10,000-file corpora, 50 MB profile)
    python benchmarks/run.py --quick          # 1,000 files, 5 MB profile, 3 rounds: about a minute
    python benchmarks/run.py --json out.json  # also write every figure and sample as JSON
    python benchmarks/run.py --corpus DIR     # real ProfileXML files to replicate
                                              # (default: ../shared/corpus/real from the repository)

Install the linter as users get it (a regular, not an editable, install) in the environment whose
Python runs this script: the cold start depends on it. The linter is driven only through its
command line (`--no-config`, `--no-cache`, `-j`, `--max-file-size`, `--format json`); exit codes 0
and 1 count as success, anything else stops the benchmark. POSIX only (it uses os.wait4).

The budget; each line prints the linter's and its floor's median CPU time, wall time and peak RSS,
the ratio the budget is about, the budget, and PASS or FAIL:

  1   cold one-file lint: `aovpn-lint --no-config --no-cache one.xml` as a new process, against the
      import floor `python -c "import lxml.etree, pluggy"`. CPU time <= 1.3x.
  2   10,000 realistic profiles, `--no-cache -j 1`, against the parse floor on the same files.
      CPU time <= 3.0x. The corpus is replicated from the real public ProfileXML files in
      ../shared/corpus/real: every *.xml below it, copied in turn until there are 10,000, each
      copy made unique by a comment right after its <VPNProfile> start tag, written in the source
      file's own encoding and byte-order mark (some are UTF-16); nothing else changes.
  3   10,000 synthetic heavy profiles (1 to 200 routes each, log-uniform: about 28 routes and 3
      findings per profile; user and device, split and force tunnel, about 3% broken),
      `--no-cache -j 1`, against the parse floor on the same files. CPU time <= 4.5x.
  4   `-j 2` against `-j 1` on the 10,000 realistic profiles. Wall time <= 0.6x (this one
      depends on the machine having two free CPUs; their number is printed).
  5   peak memory flat in the number of files: peak RSS of `-j 1` on the 10,000 synthetic
      profiles against the first tenth of them (1,000). Peak RSS <= 1.25x.
  6a  one 50 MB profile (host routes, about 500,000), `-j 1` with `--max-file-size` raised,
      against the parse floor with huge_tree=True. CPU time <= 4x.
  6b  the same runs: peak RSS <= 2x.

The parse floor is one Python process that reads the bytes of every file, parses them with
`lxml.etree.fromstring` (a parser with resolve_entities=False and no_network=True) and iterates
over every element. Lint runs and floor runs are interleaved (floor, lint, floor, lint...) so that
the noise of a shared machine hits both alike, and every figure is a median over the rounds (5,
3 with --quick; the cold start gets more, as it is short). CPU time is user plus system time of
the whole process tree, and peak RSS the largest resident set in it (os.wait4's resource usage of
the command, which includes the descendants it waited for). Each command is started by a bare
Python runner rather than by this script: on Linux a child's ru_maxrss starts from the peak RSS
of the process that started it, and this script's imports alone would hide peaks below 20 MiB.
Without the realistic corpus, figures 2 and 4 are skipped.

Before measuring, every command runs once (to warm the page cache); the linter's warm-up runs use
`--format json`, and their reports are checked at the end: every file linted, no AOV000. The
output of every measured run is checked for AOV000 too: a crashed or timed-out rule would make the
linter look faster than it is. Only the standard library is used here; lxml is imported by the
floors only. Exit status: 0 if every figure passes, 1 if one fails or a check warns, 2 if the
benchmark could not run.
"""

from __future__ import annotations

import argparse
import codecs
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
REAL_CORPUS = REPOSITORY.parent / "shared" / "corpus" / "real"
REAL_CORPUS_SHOWN = "../shared/corpus/real"  # how the default corpus is named in messages
SEED = 10_000
FILES_PER_DIRECTORY = 500

IMPORT_FLOOR = "import lxml.etree, pluggy"
PARSE_FLOOR = """
import os
import sys

import lxml.etree as etree

huge_tree, target = sys.argv[1] == "huge", sys.argv[2]
paths = [target]
if os.path.isdir(target):
    paths = []
    for directory, subdirectories, names in os.walk(target):
        subdirectories.sort()
        for name in sorted(names):
            if name.endswith(".xml"):
                paths.append(os.path.join(directory, name))
parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=huge_tree)
for path in paths:
    with open(path, "rb") as file:
        data = file.read()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        continue
    for _ in root.iter():
        pass
"""

# Every command is started by this small runner, which reports the command's exit code, CPU time
# (user + system of its process tree), wall time and peak RSS. On Linux a child's ru_maxrss starts
# from the peak RSS of the process that started it, so the benchmark's own memory (10 MiB more
# than a bare Python, for its imports alone) would hide any peak below it; the runner is a bare
# Python (-I -S, the modules it needs are loaded at startup anyway) and starts the command with
# posix_spawn.
RUNNER = """
import os
import sys
import time

stdout, stderr, *command = sys.argv[1:]
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
redirect = [(os.POSIX_SPAWN_OPEN, 1, stdout, flags, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, stderr, flags, 0o644)]
started = time.perf_counter()
pid = os.posix_spawn(command[0], command, os.environ, file_actions=redirect)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
print(os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss)
"""


@dataclass(frozen=True)
class Settings:
    files: int  # files in the realistic and synthetic corpora (figure 5 also uses a tenth)
    big_bytes: int  # size of the one big profile of figure 6
    rounds: int  # interleaved floor/lint rounds per figure
    cold_rounds: int  # rounds for the cold start, which is short and noisier


FULL = Settings(files=10_000, big_bytes=50_000_000, rounds=5, cold_rounds=21)
QUICK = Settings(files=1_000, big_bytes=5_000_000, rounds=3, cold_rounds=9)


@dataclass(frozen=True)
class Sample:
    """One run of one command."""

    cpu: float  # user + system seconds of the process tree
    wall: float  # seconds
    peak_rss_kib: float  # largest resident set in the process tree


@dataclass
class Figure:
    """One line of the budget: the linter's runs against its floor's runs."""

    key: str
    name: str
    basis: str  # what the budget compares: "CPU", "wall" or "RSS"
    budget: float
    lint: list[Sample]
    floor: list[Sample]

    def ratio(self) -> float:
        return basis_value(medians(self.lint), self.basis) / basis_value(
            medians(self.floor), self.basis
        )

    def passed(self) -> bool:
        return self.ratio() <= self.budget


@dataclass(frozen=True)
class Skipped:
    """A figure that could not be measured."""

    key: str
    name: str
    reason: str


class BenchmarkError(Exception):
    """A command failed or an input is unusable: the benchmark cannot go on."""


@dataclass(frozen=True)
class Commands:
    """The command lines the figures are made of."""

    python: str
    lint: str

    def import_floor(self) -> list[str]:
        return [self.python, "-c", IMPORT_FLOOR]

    def parse_floor(self, target: Path, huge_tree: bool = False) -> list[str]:
        return [self.python, "-c", PARSE_FLOOR, "huge" if huge_tree else "normal", str(target)]

    def lint_files(
        self,
        target: Path,
        jobs: int | None = 1,
        max_file_size: int | None = None,
        json_report: bool = False,
    ) -> list[str]:
        command = [self.lint, "--no-config", "--no-cache"]
        if jobs is not None:
            command += ["-j", str(jobs)]
        if max_file_size is not None:
            command += ["--max-file-size", str(max_file_size)]
        if json_report:
            command += ["--format", "json"]
        return command + [str(target)]


@dataclass
class Results:
    """Everything the run found, in the order it was found."""

    figures: list[Figure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what the warm-up reports say
    warnings: list[str] = field(default_factory=list)
    reports: list[tuple[str, Path, int]] = field(default_factory=list)  # label, file, files


@dataclass(frozen=True)
class Bench:
    """What every measurement needs."""

    settings: Settings
    commands: Commands
    env: dict[str, str]
    scratch: Path  # the temporary folder: corpora, reports, and the working directory of runs


# --- synthetic corpus (the generator of the earlier benchmark, unchanged in its output) -----------
def synthetic_route(rng: random.Random, index: int) -> str:
    if rng.random() < 0.2:
        address, prefix = f"10.{index // 250 % 250}.{index % 250}.0", 24
    else:
        address, prefix = f"10.{index // 250 % 250}.{index % 250}.{rng.randrange(1, 254)}", 32
    exclusion = "<ExclusionRoute>true</ExclusionRoute>" if rng.random() < 0.05 else ""
    return (
        f"  <Route>\n    <Address>{address}</Address>\n"
        f"    <PrefixSize>{prefix}</PrefixSize>{exclusion}\n  </Route>\n"
    )


def profile(rng: random.Random, routes: int) -> str:
    device = rng.random() < 0.3
    force = rng.random() < 0.25
    policy = "ForceTunnel" if force else "SplitTunnel"
    auth = (
        "<MachineMethod>Certificate</MachineMethod>"
        if device
        else "<UserMethod>Eap</UserMethod><Eap><Configuration><EapHostConfig xmlns="
        '"http://www.microsoft.com/provisioning/EapHostConfig"><EapMethod><Type xmlns='
        '"http://www.microsoft.com/provisioning/EapCommon">13</Type></EapMethod>'
        "</EapHostConfig></Configuration></Eap>"
    )
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<VPNProfile>\n',
        f"  <DeviceTunnel>{'true' if device else 'false'}</DeviceTunnel>\n" if device else "",
        "  <AlwaysOn>true</AlwaysOn>\n  <RememberCredentials>true</RememberCredentials>\n",
        "  <DnsSuffix>corp.example.com</DnsSuffix>\n",
        "  <NativeProfile>\n    <Servers>vpn.example.com</Servers>\n",
        f"    <RoutingPolicyType>{policy}</RoutingPolicyType>\n",
        "    <NativeProtocolType>IKEv2</NativeProtocolType>\n",
        f"    <Authentication>{auth}</Authentication>\n",
        (
            "    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>\n"
            if not force
            else ""
        ),
        "  </NativeProfile>\n",
    ]
    if not force or rng.random() < 0.1:  # a few force-tunnel profiles wrongly carry routes
        parts.extend(synthetic_route(rng, i) for i in range(routes))
    if not device and rng.random() < 0.5:
        parts.append(
            "  <DomainNameInformation>\n    <DomainName>.corp.example.com</DomainName>\n"
            "    <DnsServers>10.0.0.53</DnsServers>\n  </DomainNameInformation>\n"
        )
    parts.append("</VPNProfile>\n")
    text = "".join(parts)
    if rng.random() < 0.03:  # broken: truncated, or a misspelt element
        if rng.random() < 0.5:
            text = text[: len(text) * 2 // 3]
        else:
            text = text.replace("AlwaysOn>", "AlwaysOnn>")
    return text


def log_uniform_routes(rng: random.Random) -> int:
    return int(math.exp(rng.uniform(0, math.log(200))))


def corpus_file(root: Path, index: int, name: str) -> Path:
    """Where file ``index`` of a corpus goes: folders of FILES_PER_DIRECTORY files."""
    directory = root / f"site{index // FILES_PER_DIRECTORY:03d}"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


def make_synthetic_corpus(root: Path, count: int, seed: int) -> Path:
    """``count`` synthetic profiles; the same seed gives the same first files at any count."""
    rng = random.Random(seed)
    for i in range(count):
        kind = "device" if i % 3 == 0 else "user"
        text = profile(rng, log_uniform_routes(rng))
        corpus_file(root, i, f"{kind}-{i:05d}.xml").write_text(text, encoding="utf-8")
    return root


# --- realistic corpus (replicated from real ProfileXML files) -------------------------------------
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
START_TAG = re.compile(r"<VPNProfile(\s[^>]*)?>")


@dataclass(frozen=True)
class RealProfile:
    """A real ProfileXML file, split where a unique comment can go."""

    name: str
    byte_order_mark: bytes
    encoding: str
    head: str  # the text up to and including the <VPNProfile> start tag
    tail: str  # the rest

    def copy(self, serial: int) -> bytes:
        text = f"{self.head}<!-- benchmark copy {serial} -->{self.tail}"
        return self.byte_order_mark + text.encode(self.encoding)


def split_byte_order_mark(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark a file starts with and its encoding (UTF-8 without one)."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return mark, encoding
    return b"", "utf-8"


def start_tag_end(text: str) -> int | None:
    """The offset just after the first <VPNProfile> start tag that is not inside a comment."""
    for match in START_TAG.finditer(text):
        inside_comment = text.rfind("<!--", 0, match.start()) > text.rfind("-->", 0, match.start())
        if not inside_comment:
            return match.end()
    return None


def read_real_profile(path: Path) -> RealProfile | None:
    data = path.read_bytes()
    mark, encoding = split_byte_order_mark(data)
    try:
        text = data[len(mark) :].decode(encoding)
    except UnicodeDecodeError:
        return None
    end = start_tag_end(text)
    if end is None:
        return None
    return RealProfile(path.name, mark, encoding, text[:end], text[end:])


def read_real_corpus(directory: Path) -> tuple[list[RealProfile], list[str]]:
    """The usable profiles below ``directory`` and the names of the files left out."""
    profiles, left_out = [], []
    for path in sorted(directory.rglob("*.xml")):
        real = read_real_profile(path)
        if real is None:
            left_out.append(str(path.relative_to(directory)))
        else:
            profiles.append(real)
    return profiles, left_out


def make_realistic_corpus(root: Path, profiles: list[RealProfile], count: int) -> Path:
    """``count`` copies cycling over ``profiles``, each one unique."""
    for i in range(count):
        real = profiles[i % len(profiles)]
        corpus_file(root, i, f"{i:05d}-{real.name}").write_bytes(real.copy(i))
    return root


# --- the big profile ------------------------------------------------------------------------------
BIG_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<VPNProfile>
  <AlwaysOn>true</AlwaysOn>
  <DnsSuffix>corp.example.com</DnsSuffix>
  <NativeProfile>
    <Servers>vpn.example.com</Servers>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication>
      <MachineMethod>Certificate</MachineMethod>
    </Authentication>
    <DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>
  </NativeProfile>
  <DeviceTunnel>true</DeviceTunnel>
"""
BIG_TAIL = "</VPNProfile>\n"


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("ascii")


def big_route(index: int) -> bytes:
    """A host route with an address of its own (10.0.0.0/8 holds 16 million)."""
    address = f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}"
    return crlf(
        f"    <Route>\n      <Address>{address}</Address>\n"
        f"      <PrefixSize>32</PrefixSize>\n    </Route>\n"
    )


def write_big_profile(path: Path, size: int) -> int:
    """One device-tunnel profile of about ``size`` bytes, CRLF; returns its number of routes."""
    routes = 0
    with path.open("wb") as file:
        written = file.write(crlf(BIG_HEAD)) + len(crlf(BIG_TAIL))
        while written < size:
            written += file.write(big_route(routes))
            routes += 1
        file.write(crlf(BIG_TAIL))
    return routes


# --- running and measuring ------------------------------------------------------------------------
def peak_rss_kib(ru_maxrss: int) -> float:
    """ru_maxrss in KiB: Linux reports KiB, macOS bytes."""
    return ru_maxrss / 1024 if sys.platform == "darwin" else float(ru_maxrss)


def run_once(
    command: list[str], env: dict[str, str], cwd: Path, stdout: Path | None = None
) -> Sample:
    """Run ``command`` to its end through RUNNER; its output goes to ``stdout`` (or nowhere)."""
    errors = cwd / "stderr.txt"
    runner = [sys.executable, "-I", "-S", "-c", RUNNER, str(stdout or os.devnull), str(errors)]
    finished = subprocess.run(
        runner + command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if finished.returncode != 0:
        raise BenchmarkError(f"cannot run {shlex.join(command)}\n{finished.stderr[-2000:]}")
    code, cpu, wall, maxrss = finished.stdout.split()
    if int(code) not in (0, 1):
        message = errors.read_text(errors="replace")[-2000:]
        raise BenchmarkError(f"exit code {code}: {shlex.join(command)}\n{message}")
    return Sample(cpu=float(cpu), wall=float(wall), peak_rss_kib=peak_rss_kib(int(maxrss)))


def count_lines_naming(output: Path, rule_id: str) -> int:
    with output.open(encoding="utf-8", errors="replace") as lines:
        return sum(rule_id in line for line in lines)


def interleave(
    bench: Bench, label: str, commands: dict[str, list[str]], rounds: int, warnings: list[str]
) -> dict[str, list[Sample]]:
    """Run each command once per round, in order, for ``rounds`` rounds.

    A run whose output names AOV000 (a rule crashed or timed out) did less than all of its work:
    that goes into ``warnings``.
    """
    output = bench.scratch / "stdout.txt"
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for round_number in range(1, rounds + 1):
        timings = []
        for name, command in commands.items():
            sample = run_once(command, bench.env, bench.scratch, stdout=output)
            samples[name].append(sample)
            timings.append(f"{name} {sample.wall:.2f} s")
            crashes = count_lines_naming(output, "AOV000")
            if crashes:
                warnings.append(
                    f"{label}, round {round_number}: {name} reported {crashes} "
                    "AOV000 (a rule crashed or timed out): it did less than its work"
                )
        progress(f"{label}, round {round_number}/{rounds}: {', '.join(timings)}")
    return samples


def medians(samples: list[Sample]) -> Sample:
    return Sample(
        cpu=statistics.median(s.cpu for s in samples),
        wall=statistics.median(s.wall for s in samples),
        peak_rss_kib=statistics.median(s.peak_rss_kib for s in samples),
    )


def basis_value(sample: Sample, basis: str) -> float:
    if basis == "CPU":
        return sample.cpu
    if basis == "wall":
        return sample.wall
    return sample.peak_rss_kib


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lint_executable() -> str:
    """The aovpn-lint next to this Python, else the one on PATH."""
    name = "aovpn-lint.exe" if os.name == "nt" else "aovpn-lint"
    script = Path(sys.executable).parent / name
    if script.exists():
        return str(script)
    found = shutil.which("aovpn-lint")
    if not found:
        raise BenchmarkError("aovpn-lint is not installed in this environment")
    return os.path.abspath(found)


def editable_install() -> bool:
    """Whether aovpn-lint is installed in editable mode (per its installation record)."""
    try:
        record = metadata.distribution("aovpn-lint").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return False
    if not record:
        return False
    return bool(json.loads(record).get("dir_info", {}).get("editable", False))


def child_environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users get cached bytecode from their install
    env.pop("PYTHONPYCACHEPREFIX", None)  # ... next to the installed modules
    # whatever the linter might cache stays in the scratch folder, not in the user's cache
    env["XDG_CACHE_HOME"] = str(scratch / "cache")
    env["AOVPN_LINT_CACHE_DIR"] = str(scratch / "cache" / "aovpn-lint")
    return env


# --- checking the linter's warm-up reports --------------------------------------------------------
def check_report(label: str, report: Path, expected_files: int) -> tuple[str, list[str]]:
    """A summary of one JSON report and the warnings it raises."""
    try:
        document = json.loads(report.read_bytes())
        files = int(document["files"])
        rule_ids = [finding["rule_id"] for finding in document["findings"]]
    except (ValueError, KeyError, TypeError) as error:
        return f"{label}: unreadable JSON report", [f"{label}: cannot read the report ({error})"]
    crashed = rule_ids.count("AOV000")
    summary = (
        f"{label}: linted {files:,} of {expected_files:,} files, {len(rule_ids):,} "
        f"findings ({len(rule_ids) / max(files, 1):.1f} per file), {crashed} AOV000"
    )
    warnings = []
    if files != expected_files:
        warnings.append(f"{label}: linted {files:,} files, expected {expected_files:,}")
    if crashed:
        warnings.append(
            f"{label}: {crashed} AOV000 findings (a rule crashed or timed out), "
            "so the linter did less than all of its work"
        )
    return summary, warnings


# --- output ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Machine:
    platform: str
    cpus: int | None
    usable_cpus: int | None
    python: str
    versions: dict[str, str]

    def describe(self) -> str:
        versions = ", ".join(f"{package} {version}" for package, version in self.versions.items())
        return (
            f"machine: {self.platform}, {self.cpus} CPUs ({self.usable_cpus} usable); "
            f"{self.python}; {versions}"
        )


def this_machine() -> Machine:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    versions = {}
    for package in ("aovpn-lint", "lxml", "pluggy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not found"
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return Machine(platform.platform(), os.cpu_count(), usable, python, versions)


def format_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def format_times(sample: Sample) -> str:
    return f"{format_seconds(sample.cpu)} / {format_seconds(sample.wall)}"


def format_rss(sample: Sample) -> str:
    return f"{sample.peak_rss_kib / 1024:.0f} MiB"


def print_table(figures: list[Figure], skipped: list[Skipped]) -> None:
    rows: list[Figure | Skipped] = sorted([*figures, *skipped], key=lambda row: row.key)
    width = max(len(row.name) for row in rows)
    print(
        f"{'':3} {'figure':<{width}}  {'linter CPU / wall':<19} {'peak RSS':>8}  "
        f"{'floor CPU / wall':<19} {'peak RSS':>8}  {'ratio':<10} {'budget':<8} result"
    )
    for line in rows:
        if isinstance(line, Skipped):
            print(f"{line.key:<3} {line.name:<{width}}  skipped: {line.reason}")
            continue
        lint, floor = medians(line.lint), medians(line.floor)
        ratio = f"{line.ratio():.2f} {line.basis}"
        print(
            f"{line.key:<3} {line.name:<{width}}  {format_times(lint):<19} "
            f"{format_rss(lint):>8}  {format_times(floor):<19} {format_rss(floor):>8}  "
            f"{ratio:<10} <= {line.budget:<5} {'PASS' if line.passed() else 'FAIL'}"
        )
    print(
        "floors: 1 the import floor; 2, 3 and 6 the parse floor; 4 the -j 1 runs; "
        "5 the runs on a tenth of the files"
    )


def figure_record(figure: Figure) -> dict[str, object]:
    lint, floor = medians(figure.lint), medians(figure.floor)
    return {
        "key": figure.key,
        "name": figure.name,
        "basis": figure.basis,
        "budget": figure.budget,
        "ratio": figure.ratio(),
        "passed": figure.passed(),
        "ratios": {
            basis: basis_value(lint, basis) / basis_value(floor, basis)
            for basis in ("CPU", "wall", "RSS")
        },
        "lint": {"median": asdict(lint), "runs": [asdict(s) for s in figure.lint]},
        "floor": {"median": asdict(floor), "runs": [asdict(s) for s in figure.floor]},
    }


def write_json(
    path: Path, about: Machine, settings: Settings, seconds: float, results: Results
) -> None:
    document = {
        "machine": asdict(about),
        "settings": asdict(settings),
        "seconds": seconds,
        "figures": [figure_record(figure) for figure in results.figures],
        "skipped": [asdict(line) for line in results.skipped],
        "checks": results.checks,
        "warnings": results.warnings,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


# --- the benchmark --------------------------------------------------------------------------------
def warm_up(bench: Bench, floors: list[list[str]], lint_json: list[str], report: Path) -> None:
    """Run each floor once and the linter once with its JSON report kept, to check at the end."""
    for command in floors:
        run_once(command, bench.env, bench.scratch)
    run_once(lint_json, bench.env, bench.scratch, stdout=report)


def measure_cold_start(bench: Bench, results: Results) -> None:
    """Figure 1."""
    one = make_synthetic_corpus(bench.scratch / "one", 1, SEED)
    one_file = next(one.rglob("*.xml"))
    floor = bench.commands.import_floor()
    report = bench.scratch / "one.json"
    warm_up(bench, [floor], bench.commands.lint_files(one_file, None, json_report=True), report)
    results.reports.append(("one file", report, 1))
    samples = interleave(
        bench,
        "1 cold start",
        {"floor": floor, "lint": bench.commands.lint_files(one_file, None)},
        bench.settings.cold_rounds,
        results.warnings,
    )
    results.figures.append(
        Figure("1", "cold one-file lint", "CPU", 1.3, samples["lint"], samples["floor"])
    )


def measure_realistic(bench: Bench, results: Results, corpus: Path, corpus_shown: str) -> None:
    """Figures 2 and 4, or why they are skipped."""
    files = bench.settings.files
    names = (f"{files:,} realistic files, -j 1", "-j 2 vs -j 1 wall")
    profiles, left_out = read_real_corpus(corpus) if corpus.is_dir() else ([], [])
    results.warnings.extend(
        f"{corpus_shown}: left out {name} (no <VPNProfile> start tag, "
        "or not UTF-8 or UTF-16 with a byte-order mark)"
        for name in left_out
    )
    if not profiles:
        reason = f"no real ProfileXML files in {corpus_shown} (see --corpus)"
        results.skipped.extend([Skipped("2", names[0], reason), Skipped("4", names[1], reason)])
        progress(f"{reason}: skipping figures 2 and 4")
        return
    progress(f"writing {files:,} realistic files from {len(profiles)} real profiles ...")
    realistic = make_realistic_corpus(bench.scratch / "realistic", profiles, files)
    floor = bench.commands.parse_floor(realistic)
    report = bench.scratch / "realistic.json"
    warm_up(bench, [floor], bench.commands.lint_files(realistic, json_report=True), report)
    results.reports.append(("realistic corpus", report, files))
    samples = interleave(
        bench,
        "2 and 4 realistic",
        {
            "floor": floor,
            "lint -j 1": bench.commands.lint_files(realistic, 1),
            "lint -j 2": bench.commands.lint_files(realistic, 2),
        },
        bench.settings.rounds,
        results.warnings,
    )
    results.figures.append(
        Figure("2", names[0], "CPU", 3.0, samples["lint -j 1"], samples["floor"])
    )
    results.figures.append(
        Figure("4", names[1], "wall", 0.6, samples["lint -j 2"], samples["lint -j 1"])
    )


def measure_synthetic(bench: Bench, results: Results) -> None:
    """Figures 3 and 5."""
    files, small = bench.settings.files, bench.settings.files // 10
    progress(f"writing {files:,} synthetic files ...")
    synthetic = make_synthetic_corpus(bench.scratch / "synthetic", files, SEED)
    synthetic_small = make_synthetic_corpus(bench.scratch / "synthetic-small", small, SEED)
    floor = bench.commands.parse_floor(synthetic)
    lint, lint_small = (
        bench.commands.lint_files(synthetic),
        bench.commands.lint_files(synthetic_small),
    )
    report = bench.scratch / "synthetic.json"
    warm_up(
        bench, [floor, lint_small], bench.commands.lint_files(synthetic, json_report=True), report
    )
    results.reports.append(("synthetic corpus", report, files))
    samples = interleave(
        bench,
        "3 and 5 synthetic",
        {"floor": floor, f"lint {files:,}": lint, f"lint {small:,}": lint_small},
        bench.settings.rounds,
        results.warnings,
    )
    results.figures.append(
        Figure(
            "3",
            f"{files:,} synthetic files, -j 1",
            "CPU",
            4.5,
            samples[f"lint {files:,}"],
            samples["floor"],
        )
    )
    results.figures.append(
        Figure(
            "5",
            f"peak RSS {files:,} vs {small:,} files",
            "RSS",
            1.25,
            samples[f"lint {files:,}"],
            samples[f"lint {small:,}"],
        )
    )


def measure_big_profile(bench: Bench, results: Results) -> None:
    """Figures 6a and 6b."""
    size = bench.settings.big_bytes
    progress(f"writing one profile of {size / 1_000_000:.0f} MB ...")
    big = bench.scratch / "big.xml"
    routes = write_big_profile(big, size)
    floor = bench.commands.parse_floor(big, huge_tree=True)
    report = bench.scratch / "big.json"
    warm_up(bench, [floor], bench.commands.lint_files(big, 1, 2 * size, json_report=True), report)
    results.reports.append((f"big profile ({routes:,} routes)", report, 1))
    samples = interleave(
        bench,
        "6 big profile",
        {"floor": floor, "lint": bench.commands.lint_files(big, 1, 2 * size)},
        bench.settings.rounds,
        results.warnings,
    )
    name = f"{size / 1_000_000:.0f} MB profile"
    results.figures.append(
        Figure("6a", f"{name}, CPU", "CPU", 4.0, samples["lint"], samples["floor"])
    )
    results.figures.append(
        Figure("6b", f"{name}, peak RSS", "RSS", 2.0, samples["lint"], samples["floor"])
    )


def check_reports(results: Results) -> None:
    """Read the warm-up reports, once every measurement is done."""
    for label, report, expected_files in results.reports:
        summary, warnings = check_report(label, report, expected_files)
        results.checks.append(summary)
        results.warnings.extend(warnings)


def measure_runner_floor(bench: Bench, results: Results) -> None:
    """The peak RSS of a bare Python started by RUNNER: no figure can read lower."""
    bare = run_once([bench.commands.python, "-I", "-S", "-c", "pass"], bench.env, bench.scratch)
    results.checks.append(
        f"a bare Python started through the runner: {format_rss(bare)} peak "
        "RSS (the lowest a figure can show)"
    )


def run_benchmark(settings: Settings, corpus: Path, corpus_shown: str, scratch: Path) -> Results:
    commands = Commands(python=sys.executable, lint=lint_executable())
    bench = Bench(settings, commands, child_environment(scratch), scratch)
    results = Results()
    measure_runner_floor(bench, results)
    measure_cold_start(bench, results)
    measure_realistic(bench, results, corpus, corpus_shown)
    measure_synthetic(bench, results)
    measure_big_profile(bench, results)
    check_reports(results)
    return results


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1,000-file corpora, a 5 MB profile, 3 rounds"
    )
    parser.add_argument("--rounds", type=int, help="rounds per figure (default: 5, 3 with --quick)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help=f"real ProfileXML files to replicate (default: {REAL_CORPUS_SHOWN})",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    args = parser.parse_args()
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    return args


def main() -> int:
    args = parse_arguments()
    settings = QUICK if args.quick else FULL
    if args.rounds is not None:
        settings = Settings(
            settings.files, settings.big_bytes, args.rounds, max(args.rounds, settings.cold_rounds)
        )
    corpus = args.corpus or REAL_CORPUS
    corpus_shown = str(args.corpus) if args.corpus else REAL_CORPUS_SHOWN
    if editable_install():
        progress(
            "warning: aovpn-lint is an editable install; measure the cold start on a "
            "regular one, as users get it"
        )

    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="aovpn-lint-bench-"))
    try:
        results = run_benchmark(settings, corpus, corpus_shown, scratch)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            progress(f"corpora kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.perf_counter() - started

    about = this_machine()
    print(f"\n{about.describe()}")
    print(
        f"medians over {settings.rounds} rounds per figure, {settings.cold_rounds} for the cold "
        "start; CPU = user + system time of the process tree\n"
    )
    print_table(results.figures, results.skipped)
    print()
    for line in results.checks:
        print(line)
    for line in results.warnings:
        print(f"warning: {line}")
    print(f"benchmark took {seconds:.0f} s")
    if args.json:
        write_json(args.json, about, settings, seconds, results)
    failed = any(not figure.passed() for figure in results.figures)
    return 1 if failed or results.warnings else 0


if __name__ == "__main__":
    sys.exit(main())
