"""Record every finding aovpn-lint reports on the fixtures, the examples and a corpus folder.

Used before and after a change to the core: two snapshots are compared with ``diff`` (or with
``--compare OLD NEW``), and every difference must be a deliberate, listed one.

    python scripts/snapshot_findings.py > before.json
    python scripts/snapshot_findings.py --corpus ../shared/corpus/real > after.json
    python scripts/snapshot_findings.py --compare before.json after.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint(paths: list[Path], cwd: Path) -> list[dict[str, object]]:
    command = [
        sys.executable,
        "-m",
        "aovpn_lint",
        "--no-config",
        "--no-cache",
        "-j",
        "1",
        "--format",
        "json",
        "--fail-on",
        "error",
        *map(str, paths),
    ]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        return [{"internal_error": done.stderr.strip()[-500:]}]
    findings = json.loads(done.stdout)["findings"]
    keep = (
        "rule_id",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "related",
        "suppression",
    )
    return [{key: finding.get(key) for key in keep} for finding in findings]


def snapshot(corpus: Path | None) -> dict[str, object]:
    runs: dict[str, object] = {}
    fixtures = ROOT / "tests" / "fixtures"
    for folder in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            runs[str(file.relative_to(ROOT))] = _lint([file.relative_to(ROOT)], ROOT)
        runs[str(folder.relative_to(ROOT)) + "/"] = _lint([folder.relative_to(ROOT)], ROOT)
    runs["examples/"] = _lint([Path("examples")], ROOT)
    if corpus is not None:
        for file in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix != ".tsv"):
            runs["corpus:" + str(file.relative_to(corpus))] = _lint([file], corpus)
        runs["corpus:/"] = _lint([Path(".")], corpus)
    return runs


def compare(old_path: Path, new_path: Path) -> int:
    old = json.loads(old_path.read_text(encoding="utf-8"))
    new = json.loads(new_path.read_text(encoding="utf-8"))
    changed = 0
    for key in sorted(set(old) | set(new)):
        before = {json.dumps(f, sort_keys=True) for f in old.get(key, [])}
        after = {json.dumps(f, sort_keys=True) for f in new.get(key, [])}
        for line in sorted(before - after):
            print(f"{key}: - {line}")
            changed += 1
        for line in sorted(after - before):
            print(f"{key}: + {line}")
            changed += 1
    print(f"{changed} difference(s)", file=sys.stderr)
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a folder of real profiles to include")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    json.dump(snapshot(args.corpus), sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
