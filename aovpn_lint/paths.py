"""Where the repository under review begins: every stage asks here, and nothing is read."""

from __future__ import annotations

import os


def git_root(directory: str) -> str | None:
    """The nearest folder at or above ``directory`` holding ``.git`` (a folder in a clone, a
    file in a worktree or submodule), or None outside any repository."""
    current = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def repository_root(directory: str) -> str:
    """The git root above ``directory``, else ``directory`` itself: the tree a run may read."""
    return git_root(directory) or os.path.abspath(directory)
