"""The JSON Schema of .aovpn-lint.yaml that ships with the package agrees with the loader: every
configuration the documentation shows validates and loads, and the schema refuses bad
configurations the loader refuses."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aovpn_lint.engine import configfile
from aovpn_lint.engine.configfile import ConfigError, _load_yaml, build_config, raise_all
from helpers import ROOT


def _schema() -> dict[str, Any]:
    text = resources.files("aovpn_lint").joinpath("schemas/aovpn-lint.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


SCHEMA = _schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def _loader_accepts(text: str) -> bool:
    try:
        data, source = _load_yaml(text.encode("utf-8"), ".aovpn-lint.yaml")
        values = build_config(data, source)
        raise_all(source.problems)
    except ConfigError:
        return False
    # whether an id names a rule of the catalogue or of a plugin pack is not the schema's
    # business: build the configuration, do not check the ids against the rules
    values.pop("origins")
    configfile.Config(**values)
    return True


_README_CONFIG = re.compile(
    r"```yaml\n((?:# yaml-language-server[^\n]*\n)?# \.aovpn-lint\.yaml.*?)```", re.S
)


def _documented_configs() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = _README_CONFIG.findall(readme)
    example = re.search(r"\n\n((?:    [^\n]*\n)+)", configfile.__doc__ or "")
    assert example is not None
    return [*blocks, "\n".join(line[4:] for line in example.group(1).splitlines())]


def test_the_readme_and_the_module_show_configurations() -> None:
    assert len(_documented_configs()) >= 2


@pytest.mark.parametrize("text", _documented_configs())
def test_every_documented_configuration_validates_and_loads(text: str) -> None:
    from aovpn_lint.load.yaml import load_yaml_located

    data = load_yaml_located(text)[0]
    VALIDATOR.validate(data)
    assert _loader_accepts(text)


BAD = [
    "fail_on: error\n",
    "fail-on: fatal\n",
    "severity:\n  AOV201: critical\n",
    "severity: [AOV201]\n",
    "severity:\n  'AOV 2': error\n",
    "ignore: [AOV201, 302]\n",
    "ignore: {AOV201: true}\n",
    "ignore: ['AOV 301']\n",
    "select: []\n",
    "extend-select: 'AOV1, AO V2'\n",
    "max-file-size: -5\n",
    "max-file-size: 1.5\n",
    "max-file-size: true\n",
    "per-path-ignores: [a]\n",
    "per-path-ignores:\n  'lab/': [3]\n",
    "inventory: ''\n",
    "inventory: [a.yaml]\n",
    "respect-gitignore: maybe\n",
    "- AOV201\n",
]


@pytest.mark.parametrize("text", BAD)
def test_the_schema_refuses_what_the_loader_refuses(text: str) -> None:
    from aovpn_lint.load.yaml import load_yaml_located

    assert not _loader_accepts(text)
    assert not VALIDATOR.is_valid(load_yaml_located(text)[0])


GOOD = [
    "",
    "select: AOV3, aov4\nignore: ['AOV305', '']\n",
    "fail-on: ERROR\nseverity:\n  aov2: Note\n",
    "exclude: build/**\nrespect-gitignore: false\n",
    "target-windows: 19045\n",
    "target-windows: 10-22H2\n",
]


@pytest.mark.parametrize("text", GOOD)
def test_the_schema_accepts_what_the_loader_accepts(text: str) -> None:
    from aovpn_lint.load.yaml import load_yaml_located

    assert _loader_accepts(text)
    assert VALIDATOR.is_valid(load_yaml_located(text)[0])


def test_the_schema_names_every_configuration_key() -> None:
    assert sorted(SCHEMA["properties"]) == sorted(configfile.KEYS)


def test_the_schema_is_in_the_installed_package() -> None:
    installed = Path(str(resources.files("aovpn_lint"))) / "schemas" / "aovpn-lint.schema.json"
    assert installed.is_file()
