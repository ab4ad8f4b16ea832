"""pytest wiring: the --update-snapshots option and shared fixtures."""

from __future__ import annotations

import pytest

from aovpn_lint.engine import RuleSet


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", help="rewrite tests/snapshots/")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return RuleSet()
