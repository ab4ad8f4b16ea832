"""Configuration files: ``.aovpn-lint.yaml`` or ``[tool.aovpn-lint]`` in ``pyproject.toml``.

Discovered from the current directory upwards (stopping at a repository root); command-line
options override the file. Unknown keys, bad values and unknown rule ids are errors located in
the file, with a did-you-mean, all reported in one run. The JSON Schema in
``aovpn_lint/schemas/aovpn-lint.schema.json``
describes the same keys for editors.

    select: [AOV]             # rule ids or prefixes to run (default: all)
    extend-select: [ACME1]    # add to the selection
    ignore: [AOV305]          # rule ids or prefixes to skip
    fail-on: warning          # note | warning | error
    exclude: ["build/**"]     # globs of paths to skip
    per-path-ignores:         # glob (relative to this file) -> ids suppressed there
      "legacy/*.xml": [AOV302]
    severity:                 # per-rule (or per-prefix) severity overrides
      AOV201: error
    max-file-size: 10485760   # bytes
    inventory: aovpn-inventory.yaml
    respect-gitignore: true   # folder walks skip what .gitignore files ignore
    baseline: .aovpn-lint-baseline.json  # accepted findings (see engine/baseline.py)
    external: [ACME]          # ids of plugin packs not installed everywhere: comments naming
                              # them are not AOV001 where the pack is missing

On the command line, ``--select`` replaces the file's ``select``, ``extend-select`` and
``ignore`` (an explicit choice on the command line wins); ``--ignore``, ``--extend-select`` and
``--exclude`` add to the file's lists; ``--fail-on`` and ``--max-file-size`` replace its values.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from aovpn_lint.engine.config import DEFAULT_MAX_FILE_SIZE, Config
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.model.findings import Severity
from aovpn_lint.model.windows_builds import parse_target
from aovpn_lint.paths import repository_root
from aovpn_lint.sanitize import printable, printable_message

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

YAML_NAMES = (".aovpn-lint.yaml", ".aovpn-lint.yml")
TOOL_TABLE = "aovpn-lint"
KEYS = (
    "select",
    "extend-select",
    "ignore",
    "fail-on",
    "exclude",
    "per-path-ignores",
    "severity",
    "max-file-size",
    "inventory",
    "target-windows",
    "respect-gitignore",
    "baseline",
    "external",
)
_ID_LISTS = ("select", "extend-select", "ignore")
MAX_CONFIG_BYTES = 1 << 20

Position = tuple[int, int]
KeyPath = tuple[Any, ...]
#: keys whose value is a path the run reads (globs are only matched, never read)
PATH_KEYS = ("inventory", "baseline")


class ConfigError(AovpnLintError):
    """A configuration error. The message quotes the file's own content (keys, values, the YAML
    parser's view of it), so control characters, terminal escapes and line breaks are escaped
    as in finding messages: a configuration file cannot forge lines of the output."""

    def __init__(self, message: str, path: str | None = None, line: int = 0, col: int = 0) -> None:
        super().__init__(
            printable_message(message), None if path is None else printable(path), line, col
        )


class _Source:
    """Where configuration values came from, for located error messages."""

    def __init__(
        self,
        path: str,
        keys: dict[KeyPath, Position] | None = None,
        values: dict[KeyPath, Position] | None = None,
    ) -> None:
        self.path = path
        self.keys = keys or {}
        self.values = values or {}
        #: every error found so far: a run reports them all, not only the first
        self.problems: list[ConfigError] = []

    def key_at(self, *path: Any) -> Position:
        """The position of the key at ``path`` (or of its closest located parent)."""
        return self._lookup(self.keys, path)

    def value_at(self, *path: Any) -> Position:
        return self._lookup(self.values, path) if path in self.values else self.key_at(*path)

    @staticmethod
    def _lookup(table: dict[KeyPath, Position], path: KeyPath) -> Position:
        while path:
            if path in table:
                return table[path]
            path = path[:-1]
        return (0, 0)

    def error(self, message: str, position: Position = (0, 0)) -> ConfigError:
        return ConfigError(message, self.path, position[0], position[1])


class ConfigErrors(AovpnLintError):
    """Several configuration errors, reported together: one line each, in file order."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__(errors[0].message, errors[0].path, errors[0].line, errors[0].col)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def raise_all(problems: list[ConfigError]) -> None:
    """Raise the collected errors (one of them as itself), if any."""
    unique = list({str(p): p for p in problems}.values())
    unique.sort(key=lambda p: (p.path or "", p.line, p.col))
    if len(unique) == 1:
        raise unique[0]
    if unique:
        raise ConfigErrors(unique)


# --- discovery -----------------------------------------------------------------------------------
def find_config(start: str) -> str | None:
    """The nearest configuration file from ``start`` upwards, not above the repository root."""
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
        # .git is a folder in a clone and a file in a worktree or submodule
        if parent == directory or os.path.exists(os.path.join(directory, ".git")):
            return None
        directory = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError:
        return False
    if TOOL_TABLE.encode() not in data:
        return False
    try:
        return TOOL_TABLE in _parse_toml(data, path).get("tool", {})
    except AovpnLintError:
        # a broken pyproject.toml that mentions us: report it instead of silently skipping it
        return True


# --- reading -------------------------------------------------------------------------------------
def load_config_file(path: str, display: str | None = None) -> tuple[dict[str, Any], _Source]:
    """Read a configuration file into a plain dict plus key and value locations.

    ``display`` is the name errors use for the file (default: ``path``).
    """
    shown = display or path
    data = _read(path, shown)
    if path.endswith(".toml"):
        return _load_toml(data, shown)
    return _load_yaml(data, shown)


def _read(path: str, shown: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror or exc}", shown) from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"the configuration file is larger than {MAX_CONFIG_BYTES:,} bytes; "
            "is it the right file?",
            shown,
        )
    return data


def _load_yaml(raw: bytes, path: str) -> tuple[dict[str, Any], _Source]:
    from aovpn_lint.load.yaml import YamlProblem, load_yaml_located

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            "the configuration is not valid UTF-8; save it as UTF-8", path, line, 1
        ) from None
    try:
        data, keys, values = load_yaml_located(text)
    except YamlProblem as exc:
        raise ConfigError(exc.message, path, exc.line, exc.col) from None
    if data is None:
        return {}, _Source(path)
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping of keys to values", path, 1, 1)
    return data, _Source(path, keys, values)


# Patterns used only when there is a configuration file are left to re's own cache of compiled
# patterns, so a run without one does not compile them at start-up.
_TOML_POSITION = r"\(at line (\d+), column (\d+)\)"


def _parse_toml(raw: bytes, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError("the file is not valid UTF-8; save it as UTF-8", path) from None
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        match = re.search(_TOML_POSITION, text)
        line, col = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        message = re.sub(_TOML_POSITION, "", text).strip()
        raise ConfigError(f"invalid TOML: {message}", path, line, col) from None


def _load_toml(raw: bytes, path: str) -> tuple[dict[str, Any], _Source]:
    document = _parse_toml(raw, path)
    table = document.get("tool", {}).get(TOOL_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[tool.{TOOL_TABLE}] must be a table", path)
    keys = _toml_key_lines(raw.decode("utf-8-sig", errors="replace"), table)
    return table, _Source(path, keys)


_TOML_HEADER = r"^\s*\[\s*([^\]\[]+?)\s*\]\s*(#.*)?$"
_TOML_KEY = r"""^(\s*)("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*="""


def _toml_key_lines(text: str, table: dict[str, Any]) -> dict[KeyPath, Position]:
    """Where the keys of [tool.aovpn-lint] (and its sub-tables) are written.

    tomllib reports no positions, so the lines are found by reading the file's table headers
    and ``key =`` lines: enough to point an error at the right line.
    """
    prefix = f"tool.{TOOL_TABLE}"
    positions: dict[KeyPath, Position] = {}
    current: KeyPath | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(_TOML_HEADER, line)
        if header:
            name = header.group(1).replace('"', "").replace("'", "").replace(" ", "")
            if name == prefix:
                current = ()
            elif name.startswith(prefix + "."):
                current = tuple(name[len(prefix) + 1 :].split("."))
                positions.setdefault(current, (number, line.index("[") + 1))
            else:
                current = None
            continue
        key = re.match(_TOML_KEY, line)
        if key and current is not None:
            name = key.group(2).strip("\"'")
            path = (
                (*current, *name.split(".")) if key.group(2)[0] not in "\"'" else (*current, name)
            )
            positions.setdefault(path, (number, len(key.group(1)) + 1))
    return positions


# --- validation ----------------------------------------------------------------------------------
def build_config(data: dict[str, Any], source: _Source) -> dict[str, Any]:
    """Validate the raw mapping and return keyword arguments for Config."""
    out: dict[str, Any] = {"origins": {}}
    for key, value in data.items():
        if key not in KEYS:
            import difflib  # only a misspelt key or id needs it

            close = difflib.get_close_matches(str(key).replace("_", "-"), KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(KEYS)}"
            source.problems.append(
                source.error(f"unknown configuration key '{key}'{hint}", source.key_at(key))
            )
            continue
        try:
            out.update(_convert(key, value, source, out["origins"]))
        except ConfigError as exc:  # the next key may hold another mistake: report both
            source.problems.append(exc)
    return out


def _convert(key: str, value: Any, source: _Source, origins: dict[str, Any]) -> dict[str, Any]:
    if key in _ID_LISTS:
        ids = _ids(value, source, (key,), origins)
        if key == "select" and not ids:
            raise source.error(
                "'select' is empty, which would run no rule; list rule ids or "
                "prefixes, or remove the key to run every rule",
                source.value_at(key),
            )
        return {key.replace("-", "_"): ids}
    if key == "exclude":
        return {"exclude": _strings(value, source, (key,))}
    if key == "external":  # not checked against the installed rules: that is its point
        return {"external": _ids(value, source, (key,), {})}
    if key == "fail-on":
        return {"fail_on": _severity(value, source, (key,))}
    if key == "severity":
        if not isinstance(value, dict):
            raise source.error(
                "'severity' must map rule ids to note, warning or error", source.value_at(key)
            )
        overrides = {}
        for rule_id, level in value.items():
            try:
                normal = _id(rule_id, source, (key, rule_id))
                origins.setdefault(normal, (source.path, *source.key_at(key, rule_id)))
                overrides[normal] = _severity(level, source, (key, rule_id))
            except ConfigError as exc:
                source.problems.append(exc)
        return {"severity": overrides}
    if key == "per-path-ignores":
        if not isinstance(value, dict):
            raise source.error(
                "'per-path-ignores' must map path globs to lists of rule ids", source.value_at(key)
            )
        pairs = []
        for glob, ids in value.items():
            if not str(glob).strip():
                source.problems.append(
                    source.error(
                        "'per-path-ignores' has an empty path glob", source.key_at(key, glob)
                    )
                )
                continue
            try:
                pairs.append((str(glob).strip(), _ids(ids, source, (key, glob), origins)))
            except ConfigError as exc:
                source.problems.append(exc)
        return {"per_path_ignores": tuple(pairs)}
    if key == "max-file-size":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise source.error(
                f"'max-file-size' must be a positive number of bytes, not {value!r}",
                source.value_at(key),
            )
        return {"max_file_size": value}
    if key == "respect-gitignore":
        if not isinstance(value, bool):
            raise source.error(
                f"'respect-gitignore' must be true or false, not {value!r}", source.value_at(key)
            )
        return {"respect_gitignore": value}
    if key == "target-windows":
        try:
            return {"target_windows": parse_target(value)}
        except (TypeError, ValueError) as exc:
            raise source.error(f"'target-windows': {exc}", source.value_at(key)) from None
    if not isinstance(value, str) or not value.strip():  # inventory, baseline
        raise source.error(f"'{key}' must be a path to a file", source.value_at(key))
    return {key: value}


def _strings(value: Any, source: _Source, path: KeyPath) -> tuple[str, ...]:
    return tuple(item for _index, item in _indexed_strings(value, source, path))


def _indexed_strings(value: Any, source: _Source, path: KeyPath) -> list[tuple[int, str]]:
    """The non-empty strings of a list (or a comma-separated string), with their indexes in
    the list (for locations); an item that is no string is an error, the others still count."""
    name = path[0]
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise source.error(f"'{name}' must be a list of strings", source.value_at(*path))
    out = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            source.problems.append(
                source.error(
                    f"'{name}' must be a list of strings, not {item!r}",
                    source.value_at(*path, index),
                )
            )
            continue
        if item.strip():
            out.append((index, item.strip()))
    return out


def _ids(value: Any, source: _Source, path: KeyPath, origins: dict[str, Any]) -> tuple[str, ...]:
    items = _indexed_strings(value, source, path)
    out = []
    for index, item in items:
        try:
            normal = _id(item, source, (*path, index))
        except ConfigError as exc:
            source.problems.append(exc)
            continue
        where = source.value_at(*path, index) if isinstance(value, list) else source.value_at(*path)
        origins.setdefault(normal, (source.path, *where))
        out.append(normal)
    return tuple(out)


_ID_SHAPE = r"^[A-Z][A-Z0-9]*$"


def _id(item: Any, source: _Source, path: KeyPath) -> str:
    text = str(item).strip().upper()
    if not re.match(_ID_SHAPE, text):
        raise source.error(
            f"'{item}' is not a rule id or prefix (like 'AOV301' or 'AOV3')", source.value_at(*path)
        )
    return text


def _severity(value: Any, source: _Source, path: KeyPath) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as exc:
        raise source.error(f"'{'.'.join(map(str, path))}': {exc}", source.value_at(*path)) from None


# --- command line --------------------------------------------------------------------------------
def _split(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


def resolve_config(args: argparse.Namespace) -> Config:
    """Configuration file (if any) overridden by command-line options."""
    values: dict[str, Any] = {"origins": {}}
    problems: list[ConfigError] = []
    config_arg = getattr(args, "config", None)
    if not getattr(args, "no_config", False):
        if config_arg and not os.path.isfile(config_arg):
            raise ConfigError(f"configuration file '{config_arg}' does not exist")
        path = config_arg or find_config(os.getcwd())
        if path:
            shown = config_arg or _relative(path)
            data, source = load_config_file(path, shown)
            values = build_config(data, source)
            values["source"] = shown
            values["base_dir"] = os.path.dirname(os.path.abspath(path))
            for key in PATH_KEYS:
                if key in values:
                    try:
                        values[key] = _path_inside(values[key], path, source, key)
                    except ConfigError as exc:
                        problems.append(exc)
            problems.extend(source.problems)
    origins: dict[str, Any] = values["origins"]
    if args.select is not None:
        # an explicit --select starts from scratch: the file's selection no longer applies
        for key in ("select", "extend_select", "ignore"):
            values.pop(key, None)
        values["select"] = _cli_ids(args.select, "--select", origins)
    if args.extend_select:
        extra = _cli_ids(args.extend_select, "--extend-select", origins)
        values["extend_select"] = values.get("extend_select", ()) + extra
    if args.ignore:
        values["ignore"] = values.get("ignore", ()) + _cli_ids(args.ignore, "--ignore", origins)
    if args.fail_on:
        values["fail_on"] = Severity.parse(args.fail_on)
    if args.exclude:  # relative to the current folder, not the configuration file's
        values["extend_exclude"] = tuple(args.exclude)
    if getattr(args, "target_windows", None):
        try:
            values["target_windows"] = parse_target(args.target_windows)
        except ValueError as exc:
            problems.append(ConfigError(f"--target-windows: {exc}"))
    if args.max_file_size is not None:
        if args.max_file_size <= 0:
            problems.append(ConfigError("--max-file-size must be a positive number of bytes"))
        values["max_file_size"] = args.max_file_size
    if getattr(args, "inventory", None):
        values["inventory"] = args.inventory
    if getattr(args, "respect_gitignore", None) is not None:
        values["respect_gitignore"] = args.respect_gitignore
    if getattr(args, "baseline", None):
        values["baseline"] = args.baseline
    if getattr(args, "force_exclude", False):
        values["force_exclude"] = True
    raise_all(problems)
    values.setdefault("max_file_size", DEFAULT_MAX_FILE_SIZE)
    return Config(**values)


def _path_inside(value: str, config_path: str, source: _Source, key: str) -> str:
    """``value`` (relative to the configuration file) joined to its folder, when it stays inside
    the repository: the configuration file's folder, or the nearest folder above it holding
    ``.git``. A configuration comes with the pull request that changes it, so a path leading
    out of the checkout (``../x``, an absolute path, a symbolic link) would let it make the run
    read, and quote, files of the CI machine. The target is never opened here."""
    joined = os.path.join(os.path.dirname(config_path), value)
    root = repository_root(os.path.dirname(os.path.abspath(config_path)))
    real_root = os.path.realpath(root)
    real = os.path.realpath(joined)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise source.error(
            f"'{key}' must name a file inside the repository ('{_relative(root)}'), and "
            f"'{value}' leads outside it (through '..', an absolute path or a symbolic link); "
            f"name it with --{key} on the command line if that is intended",
            source.value_at(key),
        )
    return joined


def _cli_ids(text: str, option: str, origins: dict[str, Any]) -> tuple[str, ...]:
    ids = _split(text)
    for item in ids:
        origins[item] = (option, 0, 0)
    return ids


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
