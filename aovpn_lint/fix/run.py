"""``--fix`` and ``--diff`` over the files of a run (the command line prints what this yields).

Files are fixed one after the other, each with the run's rules and configuration: a file is
read once, fixed in memory pass after pass (:func:`~aovpn_lint.fix.apply.fix_data`) and, with
``write``, written back. Fixes of the cross-file rules are not applied (none has one today).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.fix.apply import FixOutcome, WriteRefused, fix_data, write_fixed
from aovpn_lint.linter import lint_data
from aovpn_lint.load.dispatch import Format, format_for
from aovpn_lint.model.findings import Finding
from aovpn_lint.read import STDIN, Target, read_target


def fix_targets(
    targets: Sequence[Target],
    rules: RuleSet,
    config: Config,
    unsafe: bool,
    write: bool,
    root: str,
) -> Iterator[tuple[Target, FixOutcome, str | None]]:
    """(target, what fixing gave, why it was not fixed or written) for each readable file."""
    for target in targets:
        if target.error or target.path == STDIN:
            continue
        data = read_target(target, config)
        if isinstance(data, str):
            continue  # the lint that follows reports why it cannot be read
        fmt = target.fmt or format_for(target.name, explicit=True)
        outcome = fix_data(data, partial(_lint, target.name, fmt, rules, config), unsafe)
        problem = outcome.problem
        if write and outcome.changed and problem is None:
            try:
                write_fixed(target.path, data, outcome.data, root)
            except WriteRefused as exc:
                problem = str(exc)
            except OSError as exc:
                problem = f"it cannot be written: {exc.strerror or exc}"
        yield target, outcome, problem


def _lint(
    name: str, fmt: Format | None, rules: RuleSet, config: Config, content: bytes
) -> list[Finding]:
    return lint_data(content, name, fmt, rules, config)


def fix_summary(fixed: int, files: int, unsafe_left: int, diff: bool, unsafe: bool) -> str:
    """The line --fix and --diff end with."""
    verb = "Would fix" if diff else "Fixed"
    line = f"{verb} {fixed} finding{'' if fixed == 1 else 's'} in {files} file" + (
        "" if files == 1 else "s"
    )
    if unsafe_left and not unsafe:
        line += (
            f"; {unsafe_left} more fix{'' if unsafe_left == 1 else 'es'} "
            "available with --unsafe-fixes"
        )
    return line + "."
