"""Findings and the metadata of the rules that produce them."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

from aovpn_lint.model.document import DocumentKind
from aovpn_lint.model.positions import Location, Source


class Severity(str, enum.Enum):
    """How bad a finding is; ordered note < warning < error."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown severity '{text}'; use note, warning or error") from None


_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a finding (SARIF relatedLocations)."""

    loc: Location
    message: str


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is not counted: ``kind`` is ``inSource`` (a comment) or ``external``."""

    kind: str
    justification: str


class Fixability(str, enum.Enum):
    """Whether a rule can repair what it reports: never, always safely, or only when asked
    (``--unsafe-fixes``: the fix may change what the profile means)."""

    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``start``..``end`` (end exclusive) of ``source``'s loaded text with ``text``.

    Rules write edits in the coordinates of the text they read (a node's ``span`` and its
    ``source``), never in the carrier's: the engine maps them into the file the user edits and
    escapes ``text`` for that carrier (a PowerShell literal, a JSON string, SyncML ``<Data>``).
    """

    source: Source
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Replacement:
    """A resolved edit: ``start``..``end`` of the file's decoded text becomes ``text``, already
    escaped for its carrier; ``region`` is that range as a location (SARIF ``deletedRegion``)."""

    start: int
    end: int
    text: str
    region: Location


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical repair of one finding: its edits are applied together or not at all.

    A rule gives ``description``, ``edits`` and ``safe``. Before the finding leaves the engine
    the edits are resolved into ``replacements`` in the file's own text (and dropped), or the
    fix is ``blocked`` with the reason it cannot be written in this file (a base64 value, a
    run-time variable): a resolved fix holds plain values only, for worker pipes and the cache.
    """

    description: str
    edits: tuple[Edit, ...] = ()
    safe: bool = True
    replacements: tuple[Replacement, ...] = ()
    blocked: str | None = None

    @property
    def applicable(self) -> bool:
        """True when the fix is resolved and can be written into the file."""
        return self.blocked is None and bool(self.replacements)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which rule, how bad, what to do, and exactly where.

    ``subject`` names the rule a finding is about when that is not the reporting rule: the rule
    that crashed, for an internal error.
    """

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    loc: Location
    related: tuple[Related, ...] = ()
    suppression: Suppression | None = None
    subject: str | None = None
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.path, self.loc.line, self.loc.col, self.rule_id, self.message)

    def replace(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]


class RuleMetaError(ValueError):
    """A rule's metadata breaks the catalogue's conventions (raised when the rule is imported)."""


RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,9}\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOC_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")
PRECISIONS = ("very-high", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's identity and documentation, checked when the rule module is imported.

    ``doc`` is the rule module's docstring (pass ``doc=__doc__``) with the four headings of
    :data:`DOC_HEADINGS`. ``documented`` is True when the rule rests on a statement in
    Microsoft's documentation, and ``sources`` then says which. ``kinds`` are the document
    kinds the engine calls the rule on (empty: every kind).
    """

    id: str
    name: str
    severity: Severity
    short: str
    doc: str
    help_uri: str = "https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp"
    tags: tuple[str, ...] = ("profilexml",)
    precision: str = "high"
    documented: bool = False
    sources: tuple[str, ...] = ()
    kinds: tuple[DocumentKind, ...] = (DocumentKind.PROFILE,)
    fixable: Fixability = Fixability.NONE

    def __post_init__(self) -> None:
        problem = _meta_problem(self)
        if problem is not None:
            raise RuleMetaError(f"rule '{self.id}': {problem}")
        object.__setattr__(self, "doc", self.doc.strip())  # normalised once, at import

    def finding(
        self,
        loc: Location,
        message: str,
        related: tuple[Related, ...] = (),
        severity: Severity | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        return Finding(
            self.id, self.name, severity or self.severity, message, loc, related, fix=fix
        )


def _meta_problem(meta: RuleMeta) -> str | None:
    if not isinstance(meta.id, str) or not RULE_ID.match(meta.id):
        return "the id must be letters followed by three digits, e.g. ACME001"
    if not isinstance(meta.name, str) or not _NAME.match(meta.name):
        return f"the name '{meta.name}' must be kebab-case, e.g. force-tunnel-with-routes"
    if not isinstance(meta.severity, Severity):
        return "the severity must be a Severity"
    if not meta.short or meta.short.endswith("."):
        return "the short description must be one line without a final period"
    if not meta.help_uri.startswith("https://"):
        return "help_uri must be an https:// address"
    if not meta.tags or not all(isinstance(tag, str) and _NAME.match(tag) for tag in meta.tags):
        return "tags must be a non-empty tuple of kebab-case words"
    if meta.precision not in PRECISIONS:
        return f"precision must be one of {', '.join(PRECISIONS)}"
    if not all(isinstance(kind, DocumentKind) for kind in meta.kinds):
        return "kinds must be DocumentKind values"
    if not isinstance(meta.fixable, Fixability):
        return "fixable must be a Fixability"
    if meta.documented and not meta.sources:
        return "a rule marked documented must cite its sources"
    missing = [heading for heading in DOC_HEADINGS if heading not in (meta.doc or "")]
    if missing:
        return f"the docstring lacks {', '.join(repr(h) for h in missing)} (pass doc=__doc__)"
    return None
