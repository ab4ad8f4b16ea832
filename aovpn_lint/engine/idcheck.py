"""The rule ids a configuration names, checked against the installed rules: a letter O typed
for a zero is read as the id it means (with a warning), every other unknown id is an error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.configfile import ConfigError, raise_all
from aovpn_lint.engine.ids import letter_o_for_zero, suggest_id
from aovpn_lint.sanitize import printable, printable_message


def validate_ids(config: Config, known: Iterable[Any]) -> tuple[Config, list[str]]:
    """Every id or prefix named in the configuration must match at least one rule.

    An id typed with a letter O for a zero ('AOV3O2') is read as the id it means, with a
    warning (returned, for the caller to print) naming where it was written; every other
    unknown id is an error, all of them reported together.
    """
    ids = [meta.id for meta in known]
    problems: list[ConfigError] = []
    warnings: list[str] = []
    renamed: dict[str, str] = {}
    for item in _named_ids(config):
        if item in renamed or item == "ALL" or any(rule_id.startswith(item) for rule_id in ids):
            continue
        where, line, col = config.origins.get(item, (config.source, 0, 0))
        zero = letter_o_for_zero(item, ids)
        if zero is not None:
            renamed[item] = zero
            warnings.append(
                _warning(f"read '{item}' as '{zero}' (a letter O for a zero)", where, line, col)
            )
            continue
        close = suggest_id(item, ids)
        hint = f"; did you mean '{close}'?" if close else "; run 'aovpn-lint rules' for the list"
        message = f"unknown rule id or prefix '{item}'{hint}"
        if where and where.startswith("--"):
            problems.append(ConfigError(f"{where}: {message}"))
        else:
            problems.append(ConfigError(message, where, line, col))
    raise_all(problems)
    return (_renamed(config, renamed) if renamed else config), warnings


def _warning(message: str, where: str | None, line: int, col: int) -> str:
    """A warning line located as errors are (``path:line:col: warning: ...``)."""
    message = printable_message(message)
    if where is None:
        return f"warning: {message}"
    if where.startswith("--"):
        return f"warning: {where}: {message}"
    if line:
        return f"{printable(where)}:{line}:{max(col, 1)}: warning: {message}"
    return f"{printable(where)}: warning: {message}"


def _named_ids(config: Config) -> list[str]:
    named = [*config.select, *config.extend_select, *config.ignore, *config.severity]
    for _glob, group in config.per_path_ignores:
        named.extend(group)
    return named


def _renamed(config: Config, renamed: dict[str, str]) -> Config:
    def fix(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(renamed.get(i, i) for i in ids)

    return config.replace(
        select=fix(config.select),
        extend_select=fix(config.extend_select),
        ignore=fix(config.ignore),
        severity={renamed.get(k, k): v for k, v in config.severity.items()},
        per_path_ignores=tuple((glob, fix(group)) for glob, group in config.per_path_ignores),
    )
