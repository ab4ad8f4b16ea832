"""Command line: ``aovpn-lint [check] PATH...``, ``aovpn-lint rules``, ``aovpn-lint explain ID``.

The only module that prints or exits. Exit codes: 0 no finding at or above ``--fail-on``,
1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from aovpn_lint import __version__
from aovpn_lint.atomicwrite import write_file
from aovpn_lint.cache import MIN_FILES, Cache, default_dir, fingerprint
from aovpn_lint.engine.accepted import Entry, Stale
from aovpn_lint.engine.baseline import attach_baseline, unknown_rule_entries
from aovpn_lint.engine.baseline import write_baseline as save_baseline
from aovpn_lint.engine.config import Config
from aovpn_lint.engine.configfile import resolve_config
from aovpn_lint.engine.idcheck import validate_ids
from aovpn_lint.engine.ids import letter_o_for_zero, suggest_id
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.errors import AovpnLintError
from aovpn_lint.fix.apply import fix_data, unified_diff
from aovpn_lint.fix.run import fix_summary, fix_targets
from aovpn_lint.linter import Linter, lint_data
from aovpn_lint.load.dispatch import format_for
from aovpn_lint.load.text import display_text
from aovpn_lint.model.findings import Finding, Fixability, RuleMeta
from aovpn_lint.options import option_parser, reject_misplaced_command, reject_unknown_options
from aovpn_lint.read import STDIN, Target, read_target
from aovpn_lint.report import NEEDS_TEXT, Report, Totals, render
from aovpn_lint.report.repopath import repository_root
from aovpn_lint.report.terminal import (
    Style,
    is_terminal,
    statistics,
    terminal_width,
    wants_colour,
)
from aovpn_lint.report.terminal import format_finding as format_styled
from aovpn_lint.report.text import summary
from aovpn_lint.sanitize import log_safe, printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Terminated(BaseException):
    """Raised in the main thread when the run is asked to stop (SIGTERM).

    A ``BaseException``, like KeyboardInterrupt for SIGINT, so that neither the rule isolation
    nor a loader's last-resort handler takes it for a crash.
    """


#: exit codes of a run stopped by a signal, as shells report them (128 + the signal number)
EXIT_SIGINT, EXIT_SIGTERM = 130, 143


def main(argv: Sequence[str] | None = None) -> int:
    previous = _catch_sigterm()
    try:
        code = _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    _flush_streams()
    return code


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    args: argparse.Namespace | None = None
    try:
        if args_list and args_list[0] in ("rules", "explain"):
            return _meta_command(args_list)
        if args_list and args_list[0] == "check":
            args_list = args_list[1:]
        reject_misplaced_command(args_list)
        reject_unknown_options(args_list)
        args = option_parser().parse_args(args_list)
        return _check(args)
    except AovpnLintError as exc:
        _sarif_failure(args, str(exc))  # the report first: the error line may fail to print
        for line in str(exc).splitlines():  # several configuration errors: one line each
            _say(f"aovpn-lint: {line}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say("aovpn-lint: stopped by SIGINT before the run finished; no report was written")
        return EXIT_SIGINT
    except Terminated:
        _say("aovpn-lint: stopped by SIGTERM before the run finished; no report was written")
        return EXIT_SIGTERM
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # last resort: never a bare traceback for users
        if debug:
            raise
        _sarif_failure(args, f"internal error: {type(exc).__name__}: {exc}")
        _say(
            f"aovpn-lint: internal error: {type(exc).__name__}: {exc}\n"
            "Run again with --debug for a traceback, and please report it."
        )
        return EXIT_ERROR


def _catch_sigterm() -> signal.Handlers | None:
    """Turn SIGTERM into :class:`Terminated` for this run, so that it ends like Ctrl-C: workers
    stopped, no half-written report, one line and exit code 143. Returns the previous handler
    (None when signals cannot be handled here: not the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    try:
        return signal.signal(signal.SIGTERM, stop)  # type: ignore[return-value]
    except (ValueError, OSError):
        return None


def _say(line: str) -> None:
    """Print a line to stderr; a closed or broken stderr must not change the exit code."""
    try:
        if sys.stderr is not None:
            print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _flush_streams() -> None:
    """Flush stdout and stderr now, so that a reader that went away (a closed pipe) is noticed
    here rather than at interpreter exit, which would print a warning and exit with 120."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            try:  # later writes and the final flush go nowhere instead of failing again
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)
            except (OSError, ValueError):
                pass


def _sarif_failure(args: argparse.Namespace | None, message: str) -> None:
    """With --format sarif, a failed run still leaves a valid SARIF document saying so."""
    if args is None or getattr(args, "format", None) != "sarif":
        return
    from aovpn_lint.report.sarif import render_failure  # the SARIF model: a heavy edge

    cwd = os.getcwd()
    try:
        _emit(
            render_failure(
                message,
                __version__,
                args.sarif_category or "aovpn-lint/",
                root=cwd,
                repo_root=repository_root(cwd),
            ),
            args.output,
        )
    except Exception:  # the report cannot be written either: the error line says why
        return


def _open_cache(
    args: argparse.Namespace, config: Config, rules: RuleSet, targets: Sequence[Target]
) -> Cache | None:
    """The result cache of this project, for runs large enough to gain from it."""
    if args.no_cache or len(targets) < MIN_FILES or config.accepted is not None:
        return None  # a baselined result depends on more than the file and the configuration
    key = fingerprint(config, rules.code_files())
    return Cache.open(args.cache_dir or default_dir(), os.getcwd(), key)


def _check(args: argparse.Namespace) -> int:
    config = resolve_config(args)
    if args.rule_timeout is not None:
        if not args.rule_timeout >= 0:
            raise AovpnLintError("--rule-timeout must be 0 (no limit) or a number of seconds")
        config = config.replace(rule_timeout=args.rule_timeout)
    rules = RuleSet()
    config, warnings = validate_ids(config, rules)
    for warning in warnings:
        _say(f"aovpn-lint: {warning}")
    config = attach_baseline(config, args.write_baseline, os.getcwd())
    paths = args.paths or ["."]
    if args.stdin_filename and "-" not in paths:
        raise AovpnLintError("--stdin-filename names what is read from stdin; add '-' to the paths")
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise AovpnLintError(f"--jobs must be 1 or more, not {jobs}")
    fmt = args.format or "text"
    style = _text_style(args) if fmt == "text" else None
    linter = Linter(
        config,
        rules,
        jobs,
        keep_text=fmt in NEEDS_TEXT or (style is not None and style.show_source),
        stdin_name=args.stdin_filename,
    )
    targets = linter.targets(paths)
    refused = False
    if args.fix or args.diff:
        if args.fix and args.diff:
            raise AovpnLintError("--fix writes the fixes and --diff only shows them; pick one")
        if any(t.path == STDIN for t in targets):
            return _fix_stdin(args, linter, targets)
        changed, refused = _fix_files(args, linter, targets)
        if args.diff:
            return EXIT_FINDINGS if changed else EXIT_OK
    linter.cache = _open_cache(args, config, rules, targets)
    # Streamed text needs only the totals: findings are printed and dropped, so memory does not
    # grow with the number of files. The other formats render the whole run at the end.
    stream = fmt == "text" and not args.output
    totals = Totals()
    findings: list[Finding] = []
    contents: dict[str, bytes] = {}
    text_parts: list[str] = []
    sources = _Sources(config, {t.name: t for t in targets})
    keys: list[Entry] = []
    stale: list[Stale] = []
    for result in linter.lint_targets(targets):
        keys.extend(result.baseline_keys)
        stale.extend(result.stale)
        totals.add(result.findings)
        if style is not None:
            if not args.statistics:
                chunk = _text_chunk(result.findings, style, sources, result.path, result.data)
                if stream and chunk:
                    print(chunk)
                elif chunk:
                    text_parts.append(chunk + "\n")
            continue
        findings.extend(result.findings)
        if result.data is not None and result.path is not None:
            contents[result.path] = result.data
    if linter.cache is not None:
        linter.cache.save()
    if args.write_baseline:
        save_baseline(args.write_baseline, keys)
        _say(f"aovpn-lint: wrote {len(keys)} findings to the baseline '{args.write_baseline}'")
    elif config.accepted is not None:
        stale.extend(unknown_rule_entries(config.accepted, (m.id for m in rules)))
    cwd = os.getcwd()
    report = Report(
        findings,
        list(rules),
        len(targets),
        cwd=cwd,
        repo_root=repository_root(cwd),
        version=__version__,
        command_line=" ".join(["aovpn-lint", *sys.argv[1:]]),
        sarif_category=args.sarif_category or "aovpn-lint/",
        contents=contents,
        real_paths={t.name: t.display or t.path for t in targets},
        streamed=totals if style is not None else None,
        baseline=config.accepted.source if config.accepted is not None else None,
        stale=tuple(stale),
    )
    if style is None:
        _emit(render(fmt, report), args.output)
    else:
        tail = statistics(totals.rules, style) if args.statistics else ""
        if not args.quiet:
            tail += summary(report) + "\n"
        if stream:
            sys.stdout.write(tail)
        else:
            _emit("".join(text_parts) + tail, args.output)
    if refused:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if totals.fails(config.fail_on) else EXIT_OK


def _fix_files(
    args: argparse.Namespace, linter: Linter, targets: Sequence[Target]
) -> tuple[bool, bool]:
    """--fix (write) or --diff (print); return (anything changed, any write refused)."""
    changed = refused = False
    fixed = files = unsafe_left = 0
    for target, outcome, problem in fix_targets(
        targets, linter.rules, linter.config, args.unsafe_fixes, args.fix, os.getcwd()
    ):
        unsafe_left += outcome.unsafe_left
        if problem is not None:
            refused = True
            _say(f"aovpn-lint: {log_safe(target.name)}: not fixed: {problem}")
            continue
        if outcome.changed:
            changed = True
            fixed, files = fixed + outcome.applied, files + 1
            if args.diff:
                sys.stdout.write(unified_diff(target.name, outcome.before, outcome.after))
    _say(fix_summary(fixed, files, unsafe_left, args.diff, args.unsafe_fixes))
    return changed, refused


def _fix_stdin(args: argparse.Namespace, linter: Linter, targets: Sequence[Target]) -> int:
    """Standard input: --fix prints the fixed text to stdout (nothing else), --diff the diff;
    the findings left are counted on stderr."""
    if len(targets) != 1:
        raise AovpnLintError("--fix and --diff read '-' only on its own; name no other path")
    target = targets[0]
    data = read_target(target, linter.config)
    if isinstance(data, str):
        raise AovpnLintError(f"cannot read standard input: {data}")
    fmt = target.fmt or format_for(target.name, explicit=True)

    def lint(content: bytes) -> list[Finding]:
        return lint_data(content, target.name, fmt, linter.rules, linter.config)

    outcome = fix_data(data, lint, args.unsafe_fixes)
    if args.diff:
        sys.stdout.write(unified_diff(target.name, outcome.before, outcome.after))
    else:
        sys.stdout.buffer.write(outcome.data)
    if outcome.problem is not None:
        _say(f"aovpn-lint: {log_safe(target.name)}: not fixed: {outcome.problem}")
    _say(
        fix_summary(
            outcome.applied, int(outcome.changed), outcome.unsafe_left, args.diff, args.unsafe_fixes
        )
    )
    if outcome.problem is not None:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if outcome.changed else EXIT_OK
    totals = Totals()
    totals.add(lint(outcome.data))
    return EXIT_FINDINGS if totals.fails(linter.config.fail_on) else EXIT_OK


def _text_style(args: argparse.Namespace) -> Style:
    """Colour, source lines and wrapping for text output: for a person at a terminal by
    default; a pipe or an --output file gets plain lines unless asked."""
    to_terminal = not args.output and is_terminal(sys.stdout)
    show = args.show_source if args.show_source is not None else to_terminal
    # a report file is coloured only on request: FORCE_COLOR, often set for CI logs, must not
    # put escape codes into files that other tools read
    colour = args.color == "always" if args.output else wants_colour(args.color, sys.stdout)
    return Style(
        colour=colour,
        show_source=show,
        width=terminal_width(sys.stdout) if to_terminal else None,
    )


class _Sources:
    """The lines of the files findings point into, for source lines under findings: from the
    bytes the run read, else (a cross-file finding on a file linted earlier) read again as
    the run reads files, limits included. The last file is remembered."""

    def __init__(self, config: Config, targets: dict[str, Target]) -> None:
        self.config = config
        self.targets = targets
        self.last: tuple[str, list[str] | None] | None = None

    def lines(self, path: str, data: bytes | None) -> list[str] | None:
        if self.last is not None and self.last[0] == path:
            return self.last[1]
        if data is None and path in self.targets and self.targets[path].path != "-":
            read = read_target(self.targets[path], self.config)
            data = read if isinstance(read, bytes) else None
        lines = display_text(data).split("\n") if data is not None else None
        self.last = (path, lines)
        return lines


def _text_chunk(
    findings: Sequence[Finding],
    style: Style,
    sources: _Sources,
    path: str | None,
    data: bytes | None,
) -> str:
    out = []
    for finding in findings:
        if finding.suppression is not None:
            continue
        lines = None
        if style.show_source:
            own = data if finding.loc.path == path else None
            lines = sources.lines(finding.loc.path, own)
        out.append(format_styled(finding, style, lines))
    return "\n".join(out)


def _emit(text: str, output: str | None) -> None:
    if not output or output == "-":
        sys.stdout.write(text)
        return
    sys.stdout.flush()  # '-o /dev/stdout' writes to the descriptor itself
    try:
        write_file(output, text.encode("utf-8"))
    except OSError as exc:
        message = f"cannot write report to '{output}': {exc.strerror or exc}"
        raise AovpnLintError(message) from exc


def _meta_command(argv: list[str]) -> int:
    command, rest = argv[0], argv[1:]
    rules = RuleSet()
    if command == "rules":
        parser = argparse.ArgumentParser(
            prog="aovpn-lint rules", description="List the rules.", allow_abbrev=False
        )
        parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
        args = parser.parse_args(rest)
        sys.stdout.write(_rules_listing(rules, args.format))
        return EXIT_OK
    parser = argparse.ArgumentParser(
        prog="aovpn-lint explain", description="Show a rule's docs.", allow_abbrev=False
    )
    parser.add_argument("rule", metavar="ID_OR_NAME")
    args = parser.parse_args(rest)
    meta = _find_rule(rules, args.rule)
    sys.stdout.write(explain_text(meta))
    return EXIT_OK


def _find_rule(rules: RuleSet, key: str) -> RuleMeta:
    wanted = key.strip()
    ids = [m.id for m in rules]
    zero = letter_o_for_zero(wanted, ids)  # 'AOV3O1' is AOV301 typed with a letter O
    for meta in rules:
        if meta.id in (wanted.upper(), zero) or meta.name == wanted.lower():
            return meta
    close = suggest_id(wanted, ids) or next(
        iter(difflib.get_close_matches(wanted.lower(), [m.name for m in rules], 1, 0.6)), None
    )
    hint = f"; did you mean '{close}'?" if close else "; run 'aovpn-lint rules' for the list"
    raise AovpnLintError(f"unknown rule '{printable(key)}'{hint}")


def explain_text(meta: RuleMeta) -> str:
    head = f"{meta.id} {meta.name} ({meta.severity.value})"
    lines = [head, "=" * len(head), "", meta.short, "", meta.doc.strip(), ""]
    if meta.sources:
        lines += ["## Sources", *[f"- {s}" for s in meta.sources], ""]
    if meta.fixable is not Fixability.NONE:
        how = "safe: --fix" if meta.fixable is Fixability.SAFE else "unsafe: --fix --unsafe-fixes"
        lines += [f"Fixable ({how}).", ""]
    lines.append(f"More: {meta.help_uri}")
    return "\n".join(lines) + "\n"


def _rules_listing(rules: RuleSet, fmt: str) -> str:
    metas = list(rules)
    if fmt == "json":
        return (
            json.dumps(
                [
                    {
                        "id": m.id,
                        "name": m.name,
                        "severity": m.severity.value,
                        "summary": m.short,
                        "documented": m.documented,
                        "fixable": m.fixable.value,
                        "tags": list(m.tags),
                    }
                    for m in metas
                ],
                indent=2,
            )
            + "\n"
        )
    if fmt == "markdown":
        out = [
            "| id | name | severity | what it finds | rests on Microsoft docs | fix |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {m.id} | {m.name} | {m.severity.value} | {m.short} | "
            f"{'yes' if m.documented else ''} | {_FIX_WORDS[m.fixable]} |"
            for m in metas
        ]
        return "\n".join(out) + "\n"
    width = max(len(m.name) for m in metas)
    return "".join(
        f"{m.id}  {m.name:<{width}}  {m.severity.value:<7}  {_FIX_WORDS[m.fixable]:<11}  "
        f"{m.short}\n"
        for m in metas
    )


#: how the rule listings show a rule's fix
_FIX_WORDS = {Fixability.NONE: "", Fixability.SAFE: "fix", Fixability.UNSAFE: "unsafe fix"}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
