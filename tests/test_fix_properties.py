"""Properties of --fix over every fixture, example and real-corpus file (the corpus is skipped
when absent), each also as UTF-16 with BOM, UTF-8 with BOM and with CRLF line ends:

- after fixing, no finding with a safe fix that could be applied is left;
- every byte outside the replaced ranges is the original byte, pass after pass;
- fixing the fixed bytes again changes nothing;
- ``--diff`` changes no file, ``--fix`` through the installed console script writes the same
  bytes as the in-process fixer.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.fix.apply import apply_fixes, choose, fix_data
from aovpn_lint.linter import lint_data
from aovpn_lint.load.dispatch import format_for
from aovpn_lint.load.text import decode, sniff_encoding
from aovpn_lint.model.findings import Finding
from helpers import CORPUS, EXAMPLES, FIXTURES, run_cli

RULES = RuleSet()
CONFIG = Config()


def _files() -> list[Path]:
    roots = [FIXTURES, EXAMPLES] + ([CORPUS] if CORPUS.is_dir() else [])
    found = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and format_for(path.name, explicit=True) is not None:
                found.append(path)
    return found


FILES = _files()


def _variants(data: bytes) -> dict[str, bytes]:
    """The file's bytes, and the same text as UTF-16 (BOM), UTF-8 with BOM and CRLF."""
    variants = {"as-is": data}
    try:
        text, _codec = decode(data)
    except Exception:
        return variants
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    variants["utf-16"] = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    variants["utf-8-bom"] = codecs.BOM_UTF8 + text.encode("utf-8")
    variants["crlf-utf-16"] = codecs.BOM_UTF16_LE + crlf.encode("utf-16-le")
    variants["crlf"] = crlf.encode("utf-8")
    return variants


def _lint(name: str) -> Callable[[bytes], list[Finding]]:
    fmt = format_for(name, explicit=True)

    def lint(content: bytes) -> list[Finding]:
        return lint_data(content, name, fmt, RULES, CONFIG)

    return lint


def _outside_kept(data: bytes, name: str) -> bytes:
    """Fix pass by pass, checking at each pass that the bytes between the replaced ranges are
    the original bytes; return the final bytes."""
    lint = _lint(name)
    text, codec = decode(data)
    bom = data[: sniff_encoding(data)[1]]
    for _ in range(10):
        fixes = choose(lint(bom + text.encode(codec)), unsafe=False)
        if not fixes:
            break
        fixed = apply_fixes(text, fixes)
        before, after = bom + text.encode(codec), bom + fixed.encode(codec)
        at_before = at_after = len(bom)
        previous = 0
        replacements = sorted((r for f in fixes for r in f.replacements), key=lambda r: r.start)
        for r in replacements:
            kept = len(text[previous : r.start].encode(codec))
            assert before[at_before : at_before + kept] == after[at_after : at_after + kept]
            at_before += kept + len(text[r.start : r.end].encode(codec))
            at_after += kept + len(r.text.encode(codec))
            previous = r.end
        assert before[at_before:] == after[at_after:]
        text = fixed
    return bom + text.encode(codec)


@pytest.mark.parametrize("path", FILES, ids=[str(p) for p in FILES])
def test_fix_properties(path: Path) -> None:
    for variant, data in _variants(path.read_bytes()).items():
        lint = _lint(path.name)
        outcome = fix_data(data, lint, unsafe=False)
        if outcome.problem is not None:
            assert outcome.data == data, variant
            continue
        left = [
            f
            for f in lint(outcome.data)
            if f.fix is not None and f.fix.applicable and f.fix.safe and f.suppression is None
        ]
        assert not left, f"{variant}: safe fixes left after --fix: {left}"
        if outcome.changed:
            assert _outside_kept(data, path.name) == outcome.data, variant
        again = fix_data(outcome.data, lint, unsafe=False)
        assert again.data == outcome.data, f"{variant}: fixing twice differs from once"
        unsafe = fix_data(outcome.data, lint, unsafe=True)
        twice = fix_data(unsafe.data, lint, unsafe=True)
        assert twice.data == unsafe.data, f"{variant}: unsafe fixing twice differs from once"


def test_the_population_has_fixes() -> None:
    """The properties above are not vacuous: many files have something to fix."""
    changed = 0
    for path in FILES:
        outcome = fix_data(path.read_bytes(), _lint(path.name), unsafe=True)
        changed += outcome.changed
    assert changed >= 20


def test_diff_changes_nothing_and_fix_writes_what_the_fixer_gives(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "fixes", tree)
    for path in list(tree.rglob("*.before.xml"))[:3]:  # a UTF-16 file and a CRLF file too
        text = path.read_text(encoding="utf-8")
        path.with_name("utf16-" + path.name).write_bytes(
            codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")
        )
    originals = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    diff = run_cli("--no-config", "-j", "1", "--diff", str(tree))
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/")
    assert {p: p.read_bytes() for p in originals} == originals
    expected = {
        p: fix_data(data, _lint(p.name), unsafe=False).data
        for p, data in originals.items()
        if format_for(p.name, explicit=True) is not None
    }
    fixed = run_cli("--no-config", "-j", "1", "--fix", str(tree))
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "Fixed " in fixed.stderr
    assert {p: p.read_bytes() for p in expected} == expected
    assert run_cli("--no-config", "-j", "1", "--diff", str(tree)).returncode == 0
