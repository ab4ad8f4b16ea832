"""What a code host accepts: GitHub code scanning rejects a SARIF run with more than 25,000
results, or a result with more than 1,000 locations (it shows the first 5,000 results, by
severity, and 100 locations). Shared by the SARIF reporter and the text summary; no
third-party imports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from aovpn_lint.model.findings import Finding, Severity

MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000
_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


@dataclass(frozen=True)
class Capped:
    """The findings kept (in their original order) and how many of each severity were not."""

    kept: list[Finding]
    dropped: Counter[Severity] = field(default_factory=Counter)

    def describe(self, limit: int = MAX_RESULTS) -> str:
        """'2,000 results left out (1,500 notes, 500 warnings): GitHub accepts at most ...'"""
        total = sum(self.dropped.values())
        parts = [
            f"{self.dropped[s]:,} {s.value}" + ("" if self.dropped[s] == 1 else "s")
            for s in _ORDER
            if self.dropped[s]
        ]
        return (
            f"{total:,} result{'' if total == 1 else 's'} left out ({', '.join(parts)}): GitHub "
            f"code scanning accepts at most {limit:,} results per run, so the most severe "
            "are kept; the JSON output has them all"
        )


def cap(findings: Sequence[Finding], limit: int = MAX_RESULTS) -> Capped:
    """At most ``limit`` findings: active before suppressed, then the most severe first."""
    if len(findings) <= limit:
        return Capped(list(findings))
    ranked = sorted(
        range(len(findings)),
        key=lambda i: (findings[i].suppression is not None, -findings[i].severity.rank, i),
    )
    keep = set(ranked[:limit])
    dropped = Counter(findings[i].severity for i in ranked[limit:])
    return Capped([f for i, f in enumerate(findings) if i in keep], dropped)
