"""Configuration files: ``.aovpn-lint.yaml`` or ``[tool.aovpn-lint]`` in ``pyproject.toml``.

Discovered from the current directory upwards (stopping at a repository root); command-line
options override the file. Unknown keys, bad values and unknown rule ids are errors located in
the file, with a did-you-mean.

    select: [AOV]             # rule ids or prefixes to run (default: all)
    extend-select: [ACME1]    # add to the selection
    ignore: [AOV305]          # rule ids or prefixes to skip
    fail-on: warning          # note | warning | error
    exclude: ["build/**"]     # globs of paths to skip
    per-path-ignores:         # glob -> ids suppressed there (reported as external suppressions)
      "legacy/*.xml": [AOV302]
    severity:                 # per-rule severity overrides
      AOV201: error
    max-file-size: 10485760   # bytes
    inventory: aovpn-inventory.yaml
"""

from __future__ import annotations

import argparse
import difflib
import os
from collections.abc import Iterable
from typing import Any

from aovpn_lint.config import DEFAULT_MAX_FILE_SIZE, Config
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.model import Severity

YAML_NAMES = (".aovpn-lint.yaml", ".aovpn-lint.yml")
KEYS = (
    "select", "extend-select", "ignore", "fail-on", "exclude", "per-path-ignores", "severity",
    "max-file-size", "inventory",
)


class _Source:
    """Where a configuration value came from, for located error messages."""

    def __init__(self, path: str, lines: dict[str, tuple[int, int]] | None = None) -> None:
        self.path = path
        self.lines = lines or {}

    def error(self, key: str, message: str) -> AovpnLintError:
        line, col = self.lines.get(key, (0, 0))
        return AovpnLintError(message, self.path, line, col)


def find_config(start: str) -> str | None:
    directory = os.path.abspath(start)
    while True:
        for name in YAML_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
        parent = os.path.dirname(directory)
        if parent == directory or os.path.isdir(os.path.join(directory, ".git")):
            return None
        directory = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"[tool.aovpn-lint]" in handle.read()
    except OSError:
        return False


def load_config_file(path: str) -> tuple[dict[str, Any], _Source]:
    """Read a configuration file into a plain dict plus key locations."""
    if path.endswith(".toml"):
        return _load_toml(path)
    return _load_yaml(path)


def _load_yaml(path: str) -> tuple[dict[str, Any], _Source]:
    from aovpn_lint.yamlsafe import YamlProblem, load_yaml_text

    try:
        with open(path, "rb") as handle:
            raw = handle.read(1 << 20)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AovpnLintError(f"cannot read configuration: {exc}", path) from exc
    try:
        data, lines = load_yaml_text(text)
    except YamlProblem as exc:
        raise AovpnLintError(exc.message, path, exc.line, exc.col) from None
    if data is None:
        return {}, _Source(path)
    if not isinstance(data, dict):
        raise AovpnLintError("the configuration must be a mapping of keys to values", path, 1, 1)
    return data, _Source(path, lines)


def _load_toml(path: str) -> tuple[dict[str, Any], _Source]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AovpnLintError(f"cannot read configuration: {exc}", path) from exc
    table = document.get("tool", {}).get("aovpn-lint", {})
    if not isinstance(table, dict):
        raise AovpnLintError("[tool.aovpn-lint] must be a table", path)
    return table, _Source(path + " [tool.aovpn-lint]")


def build_config(data: dict[str, Any], source: _Source) -> dict[str, Any]:
    """Validate the raw mapping and return keyword arguments for Config."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(KEYS)}"
            raise source.error(str(key), f"unknown configuration key '{key}'{hint}")
        out.update(_convert(key, value, source))
    return out


def _convert(key: str, value: Any, source: _Source) -> dict[str, Any]:
    if key in ("select", "extend-select", "ignore", "exclude"):
        return {key.replace("-", "_"): _strings(key, value, source)}
    if key == "fail-on":
        return {"fail_on": _severity(key, value, source)}
    if key == "severity":
        if not isinstance(value, dict):
            raise source.error(key, "'severity' must map rule ids to note, warning or error")
        return {"severity": {str(k).upper(): _severity(key, v, source) for k, v in value.items()}}
    if key == "per-path-ignores":
        if not isinstance(value, dict):
            raise source.error(key, "'per-path-ignores' must map path globs to lists of rule ids")
        pairs = tuple((str(glob), _strings(key, ids, source)) for glob, ids in value.items())
        return {"per_path_ignores": pairs}
    if key == "max-file-size":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise source.error(key, f"'max-file-size' must be a positive number of bytes, not {value!r}")
        return {"max_file_size": value}
    if not isinstance(value, str):  # inventory
        raise source.error(key, f"'{key}' must be a path")
    return {"inventory": value}


def _strings(key: str, value: Any, source: _Source) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise source.error(key, f"'{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _severity(key: str, value: Any, source: _Source) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as exc:
        raise source.error(key, f"'{key}': {exc}") from None


def _split(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


def resolve_config(args: argparse.Namespace) -> Config:
    """Configuration file (if any) overridden by command-line options."""
    values: dict[str, Any] = {}
    path = None
    if not args.no_config:
        path = args.config or find_config(os.getcwd())
        if args.config and not os.path.isfile(args.config):
            raise AovpnLintError(f"configuration file '{args.config}' does not exist")
        if path:
            data, source = load_config_file(path)
            values = build_config(data, source)
            values["source"] = os.path.relpath(path) if not os.path.isabs(args.config or "") else path
            if "inventory" in values:
                values["inventory"] = os.path.join(os.path.dirname(path), values["inventory"])
    if args.select is not None:
        values["select"] = _split(args.select)
    if args.extend_select:
        values["extend_select"] = values.get("extend_select", ()) + _split(args.extend_select)
    if args.ignore:
        values["ignore"] = values.get("ignore", ()) + _split(args.ignore)
    if args.fail_on:
        values["fail_on"] = Severity.parse(args.fail_on)
    if args.exclude:
        values["exclude"] = values.get("exclude", ()) + tuple(args.exclude)
    if args.max_file_size is not None:
        if args.max_file_size <= 0:
            raise AovpnLintError("--max-file-size must be a positive number of bytes")
        values["max_file_size"] = args.max_file_size
    if getattr(args, "inventory", None):
        values["inventory"] = args.inventory
    values.setdefault("max_file_size", DEFAULT_MAX_FILE_SIZE)
    return Config(**values)


def validate_ids(config: Config, known: Iterable[Any]) -> None:
    """Every id or prefix named in the configuration must match at least one rule."""
    ids = [meta.id for meta in known]
    named = [*config.select, *config.extend_select, *config.ignore, *config.severity]
    for _glob, group in config.per_path_ignores:
        named.extend(group)
    for item in named:
        if item == "ALL" or any(rule_id.startswith(item) for rule_id in ids):
            continue
        close = difflib.get_close_matches(item, ids, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "; run 'aovpn-lint rules' for the list"
        where = f" (in {config.source})" if config.source else ""
        raise AovpnLintError(f"unknown rule id or prefix '{item}'{where}{hint}")
