"""Output formats: a registry with one module and one entry per format.

Each reporter turns a finished run (:class:`Report`) into one string and reads nothing from
disk; only the command line prints. A reporter module is imported when its format is asked
for, so a text run never loads the SARIF model.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aovpn_lint.engine.accepted import Stale, is_baselined
from aovpn_lint.model.findings import Finding, RuleMeta, Severity

#: format name -> "module:function" of its reporter
REPORTERS = {
    "text": "aovpn_lint.report.text:render_text",
    "json": "aovpn_lint.report.jsonfmt:render_json",
    "sarif": "aovpn_lint.report.sarif:render_sarif",
    "github": "aovpn_lint.report.github:render_github",
    "azure": "aovpn_lint.report.azure:render_azure",
    "junit": "aovpn_lint.report.junit:render_junit",
    "gitlab": "aovpn_lint.report.gitlab:render_gitlab",
}
FORMATS = tuple(REPORTERS)
#: formats whose reporter needs each file's bytes (fingerprints)
NEEDS_TEXT = frozenset({"sarif", "gitlab"})


@dataclass
class Totals:
    """Counts of a run, kept as findings go past (a streamed run keeps nothing else)."""

    counts: Counter[Severity] = field(default_factory=Counter)
    paths: set[str] = field(default_factory=set)
    suppressed: int = 0
    #: active findings per (rule id, rule name, severity), for --statistics
    rules: Counter[tuple[str, str, Severity]] = field(default_factory=Counter)
    #: of the suppressed, how many a baseline accepted
    baselined: int = 0
    #: active findings with a fix that can be applied: safe ones, and unsafe ones
    fixable: int = 0
    unsafe_fixable: int = 0

    def add(self, findings: Sequence[Finding]) -> None:
        for finding in findings:
            if finding.suppression is not None:
                self.suppressed += 1
                self.baselined += is_baselined(finding)
                continue
            self.counts[finding.severity] += 1
            self.paths.add(finding.loc.path)
            self.rules[(finding.rule_id, finding.rule_name, finding.severity)] += 1
            if finding.fix is not None and finding.fix.applicable:
                if finding.fix.safe:
                    self.fixable += 1
                else:
                    self.unsafe_fixable += 1

    def fails(self, threshold: Severity) -> bool:
        return any(n and severity.rank >= threshold.rank for severity, n in self.counts.items())


@dataclass(frozen=True)
class Report:
    """Everything a reporter may need about a finished run.

    ``cwd`` is the folder the findings' paths are relative to and ``repo_root`` the repository
    root that SARIF and GitHub paths are relative to; ``contents`` maps a path to the file's
    bytes (for fingerprints and source lines: each reporter reads them as its consumer does);
    ``sarif_category`` is SARIF's runs[].automationDetails.id ("<category>/"). ``real_paths``
    maps a finding's path (the display name, escaped for people) to the file's real name, for
    URIs and code-host paths.
    """

    findings: Sequence[Finding]
    rules: Sequence[RuleMeta]
    files: int
    cwd: str = "."
    repo_root: str = "."
    version: str = ""
    command_line: str = ""
    sarif_category: str = "aovpn-lint/"
    contents: Mapping[str, bytes] = field(default_factory=dict)
    real_paths: Mapping[str, str] = field(default_factory=dict)
    #: the run's counts when the findings were streamed and not kept
    streamed: Totals | None = None
    #: the baseline file the run applied, and its entries that matched no finding any more
    baseline: str | None = None
    stale: Sequence[Stale] = ()

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    @property
    def totals(self) -> Totals:
        if self.streamed is not None:
            return self.streamed
        totals = Totals()
        totals.add(self.findings)
        return totals

    def counts(self) -> Counter[Severity]:
        """Active findings per severity."""
        return Counter(self.totals.counts)

    def files_with_findings(self) -> int:
        return len(self.totals.paths)


def reporter(fmt: str) -> Callable[[Report], str]:
    try:
        module_name, _, function = REPORTERS[fmt].partition(":")
    except KeyError:
        raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}") from None
    render_function: Callable[[Report], str] = getattr(
        importlib.import_module(module_name), function
    )
    return render_function


def render(fmt: str, report: Report) -> str:
    return reporter(fmt)(report)
