"""What a regular install ships: every package of the source tree, and the schema."""

from __future__ import annotations

import sys

from helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_every_package_folder_is_declared() -> None:
    """An editable install finds any folder; a wheel (pre-commit, pipx, the action) ships only
    the packages pyproject.toml lists, so a new folder that is not listed breaks those installs."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    declared = set(setuptools["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "aovpn_lint").rglob("__init__.py")
    }
    assert on_disk <= declared, sorted(on_disk - declared)
    assert setuptools["package-dir"]["aovpn_lint.rules"] == "rules"
    assert (ROOT / "rules" / "__init__.py").is_file()
