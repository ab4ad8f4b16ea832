"""The command line's options: the parser, and the checks argparse does not make (a command
after an option, an unknown or abbreviated option with a did-you-mean)."""

from __future__ import annotations

import argparse
import difflib
import os
from functools import lru_cache

from aovpn_lint import __version__
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.report import FORMATS
from aovpn_lint.sanitize import printable


@lru_cache(maxsize=1)
def option_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aovpn-lint",
        # no abbreviations: '--no' or '--fail' would change meaning as options are added
        allow_abbrev=False,
        description="Lint Always On VPN ProfileXML (files, scripts, exports) before deployment.",
        epilog="Other commands: 'aovpn-lint rules' lists the rules, "
        "'aovpn-lint explain AOV301' shows a rule's documentation.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories to lint ('-' reads stdin); default: .",
    )
    parser.add_argument("--format", "-f", choices=FORMATS, help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--sarif-category",
        metavar="CATEGORY",
        help="SARIF automationDetails.id, to tell uploads apart (default: aovpn-lint/)",
    )
    parser.add_argument(
        "--select", metavar="IDS", help="only run these rules (ids or prefixes, comma-separated)"
    )
    parser.add_argument("--extend-select", metavar="IDS", help="add rules to the selection")
    parser.add_argument("--ignore", metavar="IDS", help="skip these rules (ids or prefixes)")
    parser.add_argument(
        "--fail-on",
        choices=("note", "warning", "error"),
        help="lowest severity that fails the run (default: warning)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        default=[],
        help="skip paths matching GLOB (repeatable)",
    )
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: discover)")
    parser.add_argument("--no-config", action="store_true", help="ignore configuration files")
    parser.add_argument("--inventory", metavar="FILE", help="deployment inventory YAML")
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings that FILE does not list (written by --write-baseline)",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record this run's findings in FILE; later runs with --baseline FILE report "
        "only new ones",
    )
    parser.add_argument(
        "--target-windows",
        metavar="RELEASE",
        help="oldest Windows the profiles must work on: a release (1809, 21H2, "
        "22H2, 24H2) or a build number (19045, 26100); enables AOV107",
    )
    parser.add_argument(
        "--max-file-size",
        type=int,
        metavar="BYTES",
        help="skip files larger than this with a finding (default: 10 MiB)",
    )
    parser.add_argument(
        "--rule-timeout",
        type=float,
        metavar="SECONDS",
        help="stop a rule that runs longer than this on one file and report it "
        "as AOV000 (default: 10; 0 disables)",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="name to report for '-'; its suffix picks the format (.ps1, .json...)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="parallel processes (default: number of CPUs; 1 = sequential)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="lint every file even if its result is cached (runs of 64 files or "
        "more cache results per file in the user cache directory)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where results are cached (default: $AOVPN_LINT_CACHE_DIR, else the "
        "user cache directory)",
    )
    parser.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="folder walks skip what .gitignore files ignore (default: yes; files named on the "
        "command line are always linted)",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="treat files named on the command line as a folder walk does: skip those that "
        ".gitignore ignores and those with nothing of ours in them (the pre-commit hook sets it)",
    )
    parser.add_argument(
        "--color",
        "--colour",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR "
        "forces it), always or never",
    )
    parser.add_argument(
        "--show-source",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="text: show the source line and mark the span under each finding (default: on "
        "a terminal)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="text: print the number of findings per rule instead of the findings",
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings reach --fail-on (2 still means the run failed)",
    )
    parser.add_argument(
        "--fix", action="store_true", help="apply the safe fixes to the files, then report"
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff and change nothing (exit 1 if any)",
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, apply the unsafe fixes too (they may change meaning)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="text: print findings only")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--version", action="version", version=f"aovpn-lint {__version__}")
    return parser


def reject_misplaced_command(args_list: list[str]) -> None:
    """'aovpn-lint --no-config explain AOV301' would lint files named 'explain' and 'AOV301'."""
    takes_value = {
        option
        for action in option_parser()._actions
        if action.nargs != 0
        for option in action.option_strings
    }
    tokens = iter(args_list)
    for token in tokens:
        if token == "--":
            return
        if token.startswith("-"):
            if token in takes_value:
                next(tokens, None)
            continue
        if token in ("rules", "explain") and not os.path.exists(token):
            raise AovpnLintError(
                f"'{token}' is a command: put it first ('aovpn-lint {token} ...'); to lint a "
                f"path named '{token}', write './{token}'"
            )
        return


def reject_unknown_options(args_list: list[str]) -> None:
    """An unknown option is a usage error naming the closest known one ('--fromat' -> did you
    mean '--format'?). Abbreviations are not accepted: they would change meaning as options
    are added."""
    actions = option_parser()._option_string_actions
    takes_value = {option for option, action in actions.items() if action.nargs != 0}
    tokens = iter(args_list)
    for token in tokens:
        if token == "--":
            return
        if not token.startswith("-") or token == "-" or _is_number(token):
            continue
        option = token.split("=", 1)[0] if token.startswith("--") else token[:2]
        if option in actions:
            if option in takes_value and "=" not in token and len(token) == len(option):
                next(tokens, None)  # its value, which may start with '-'
            continue
        longs = sorted(o for o in actions if o.startswith("--"))
        close = difflib.get_close_matches(option, longs, n=1, cutoff=0.6)
        starts = [o for o in longs if o.startswith(option)] if option.startswith("--") else []
        if close:
            hint = f"; did you mean '{close[0]}'?"
        elif len(starts) == 1:
            hint = f"; did you mean '{starts[0]}'? (options cannot be abbreviated)"
        else:
            hint = "; 'aovpn-lint --help' lists the options"
        raise AovpnLintError(f"unknown option '{printable(option)}'{hint}")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
