"""Keeps the suite hermetic: it passes with a third-party rule pack installed beside it.

A test that is not about packs must not see a pack's rules or findings. In-process, tests build
``RuleSet(load_entry_points=False)`` and select the rules they are about with
``Config(select=...)``; the console script discovers packs itself, so for the whole session
its runs (and any ``RuleSet()`` left at its default) get the engine's switch that turns
entry-point loading off. Set in ``pytest_configure``, before collection, so that rule sets built
when a test module is imported obey it too. Tests about packs opt back in with
:func:`with_packs` (console script) or ``RuleSet(load_entry_points=True)`` (in-process).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aovpn_lint.engine.rules import DISABLE_AUTOLOAD

_saved: list[str | None] = []


def pytest_configure(config: pytest.Config) -> None:
    _saved.append(os.environ.get(DISABLE_AUTOLOAD))
    os.environ[DISABLE_AUTOLOAD] = "1"


def pytest_unconfigure(config: pytest.Config) -> None:
    previous = _saved.pop() if _saved else None
    if previous is None:
        os.environ.pop(DISABLE_AUTOLOAD, None)
    else:
        os.environ[DISABLE_AUTOLOAD] = previous


def with_packs(*sites: Path) -> dict[str, str]:
    """The environment for a console-script run that loads rule packs: those installed in
    ``sites`` (put first on the import path) and any installed in the environment."""
    path = [str(site) for site in sites]
    if os.environ.get("PYTHONPATH"):
        path.append(os.environ["PYTHONPATH"])
    return {"PYTHONPATH": os.pathsep.join(path), DISABLE_AUTOLOAD: ""}
