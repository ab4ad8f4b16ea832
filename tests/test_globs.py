"""The glob dialect: gitignore semantics, and matching that a hostile pattern cannot stall."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aovpn_lint import globs
from aovpn_lint.globs import GlobSet, compile_pattern, matches

pathspec = pytest.importorskip("pathspec")

# Pieces that build patterns and paths. '[!...]' and '***' are left out of the comparison:
# the reference library lets a negated class or a run of three stars match '/', which git's
# own matcher does not (and neither does ours: see test_classes_and_stars_stay_in_a_folder).
PATTERN_PIECES = ["a", "b", "*", "?", "/", "**", "[ab]", "[a-c]", ".x", "!", "\\*", " "]
NAMES = ["a", "b", "ab", "ba", "a.x", "b.x", "aa", "x", "c", "*"]


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(PATTERN_PIECES), min_size=1, max_size=7).map("".join),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=4).map("/".join),
)
def test_agrees_with_a_reference_gitignore_matcher(pattern: str, path: str) -> None:
    if pattern.startswith("!") or "***" in pattern:
        return
    compiled = compile_pattern(pattern)
    ours = compiled is not None and compiled.matches(path)
    assert ours == pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(path)


def test_classes_and_stars_stay_in_a_folder() -> None:
    assert not matches("a[!x]b", "a/b")
    assert not matches("a***b", "a/b")
    assert matches("a***b", "axb")


def test_globs_of_the_documented_forms() -> None:
    assert matches("*.xml", "deep/down/p.xml")
    assert matches("build/", "build/x/p.xml") and not matches("build/", "build")
    assert matches("legacy/**", "legacy/a/b.xml") and not matches("legacy/**", "legacy")
    assert matches("/top.xml", "top.xml") and not matches("/top.xml", "sub/top.xml")
    assert matches("a/**/b.xml", "a/b.xml") and matches("a/**/b.xml", "a/x/y/b.xml")


def test_backslash_escapes_in_gitignore_lines_and_separates_in_configured_paths(tmp_path) -> None:
    escaped = compile_pattern("\\*.xml")
    assert escaped is not None and escaped.matches("*.xml") and not escaped.matches("p.xml")
    # configured paths are often written the Windows way
    inner = str(tmp_path / "inventory")
    assert GlobSet(("..\\profiles\\*.xml",), inner).matches(str(tmp_path / "profiles/p.xml"))
    assert compile_pattern("# a comment") is None and compile_pattern("   ") is None


def test_the_last_matching_pattern_decides(tmp_path) -> None:
    keep = GlobSet(("*.xml", "!keep.xml"), str(tmp_path))
    assert keep.matches(os.path.join(tmp_path, "drop.xml"))
    assert not keep.matches(os.path.join(tmp_path, "keep.xml"))
    again = GlobSet(("*.xml", "!keep.xml", "k*.xml"), str(tmp_path))
    assert again.matches(os.path.join(tmp_path, "keep.xml"))


def test_dot_dot_steps_move_the_base(tmp_path) -> None:
    inner = tmp_path / "inventory"
    assert GlobSet(("../profiles/*.xml",), str(inner)).matches(str(tmp_path / "profiles/p.xml"))
    assert not GlobSet(("../profiles/*.xml",), str(inner)).matches(str(inner / "profiles/p.xml"))


@pytest.mark.parametrize(
    ("pattern", "path"),
    [
        ("*a" * 40 + "*b", "a" * 250 + ".xml"),  # backtracking regexes take minutes on this
        ("**/" * 30 + "*a*a*a*a*a*a*b", "/".join(["a" * 40] * 30)),
        ("[a-z]*" * 50, "b" * 255),
    ],
)
def test_a_hostile_pattern_costs_at_most_pattern_by_path_steps(
    monkeypatch: pytest.MonkeyPatch, pattern: str, path: str
) -> None:
    steps = 0
    one_char = globs._match_char

    def counted(token, char):
        nonlocal steps
        steps += 1
        return one_char(token, char)

    monkeypatch.setattr(globs, "_match_char", counted)
    matches(pattern, path)
    names = path.count("/") + 1
    # every folder prefix is tried, and in each the two-pointer walk tests each character of a
    # name against each token at most once per step of the path
    bound = names * (pattern.count("/") + 1) * len(pattern) * len(path)
    assert 0 < steps <= bound
