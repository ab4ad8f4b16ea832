"""pytest wiring: the --update-snapshots option and shared fixtures."""

from __future__ import annotations

import pytest

from aovpn_lint.engine.rules import RuleSet

pytest_plugins = ["hermetic"]  # the suite passes with a third-party rule pack installed


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", help="rewrite tests/snapshots/")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return RuleSet()


@pytest.fixture(autouse=True, scope="session")
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Runs of the console script cache results; keep that cache inside the test session."""
    import os

    os.environ["AOVPN_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("result-cache"))
