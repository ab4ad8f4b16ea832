"""What a loader hands to the rules: typed documents, each with a payload of its own kind."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from aovpn_lint.model.facts import Facts
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.model.profile import Profile, build_profile
from aovpn_lint.model.tree import Node


class DocumentKind(str, enum.Enum):
    """What a loaded document is; a rule declares the kinds it checks in ``RuleMeta.kinds``."""

    #: a VPNProfile (a file of its own, or embedded in a script, an export or SyncML)
    PROFILE = "profilexml"
    #: Intune's VPN template (Graph ``windows10VpnConfiguration``)
    INTUNE_TEMPLATE = "intune-vpn-template"
    #: the deployment inventory (YAML)
    INVENTORY = "inventory"
    #: a PowerShell script, as a whole (its embedded profiles are PROFILE documents)
    SCRIPT = "powershell"
    #: XML that holds no VPNProfile (its root element only)
    XML = "xml"
    #: a file that could not be read or parsed, with its problems
    BROKEN = "broken"


class Carrier(str, enum.Enum):
    """The kind of file an embedded profile travels in."""

    POWERSHELL = "powershell"
    INTUNE = "intune"
    SYNCML = "syncml"
    MARKDOWN = "markdown"
    DSC = "dsc"  # a Microsoft365DSC configuration (.ps1)


@dataclass(frozen=True, slots=True)
class Container:
    """Where an embedded profile sits in its file: ``description`` is for people (``PowerShell
    single-quoted string at line 3``), ``oma_uri`` the OMA-URI it is delivered to, if any, and
    ``oma_uri_loc`` where that OMA-URI is written."""

    carrier: Carrier
    description: str
    oma_uri: str | None = None
    literal_line: int = 0
    oma_uri_loc: Location | None = None


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A file (or an embedded profile) that cannot be decoded or parsed, and where."""

    loc: Location
    message: str


class GapKind(enum.Enum):
    """Why part of a script's ProfileXML cannot be checked statically."""

    RUNTIME_VALUE = "runtime-value"  # variables or expressions inside the literal (one per profile)
    #: no longer produced (RUNTIME_VALUE counts them all); kept for the API's stability
    MORE_RUNTIME_VALUES = "more-runtime-values"
    NOT_WELL_FORMED_WITHOUT_VALUES = "not-well-formed-without-values"
    WRITTEN_PIECEWISE = "written-piecewise"  # Add-Content line by line
    BUILT_BY_API = "built-by-api"  # XmlWriter / XmlDocument calls
    TOO_MANY_PROFILES = "too-many-profiles"
    DSC_VALUE = "dsc-value"  # a DSC property set from a variable or expression
    DSC_STATEMENT = "dsc-statement"  # a statement in a DSC resource block that sets no property


@dataclass(frozen=True, slots=True)
class ScriptGap:
    """One place where a script's profile is only known when the script runs.

    ``detail`` is the writer or API name (WRITTEN_PIECEWISE, BUILT_BY_API), the literal kind
    (NOT_WELL_FORMED_WITHOUT_VALUES), or empty; ``names`` the run-time values involved, as
    written, and ``count`` how many there are in all (RUNTIME_VALUE, NOT_WELL_FORMED_WITHOUT_VALUES:
    ``names`` holds the first ones) or the profile limit (TOO_MANY_PROFILES). ``defaults`` are
    the ``param()`` variables whose default value was checked (RUNTIME_VALUE). For a
    Microsoft365DSC property (DSC_VALUE) ``detail`` is the expression and ``names`` the property,
    or ``count`` the values past the note limit; for DSC_STATEMENT ``detail`` is the statement.
    """

    kind: GapKind
    loc: Location
    detail: str = ""
    names: tuple[str, ...] = ()
    count: int = 0
    defaults: tuple[str, ...] = ()


class ReadStatus(enum.Enum):
    """Whether the file a script reads its ProfileXML from can be linted with it."""

    FOUND = "found"  # a file inside the linted tree
    MISSING = "missing"  # no such file (inside the tree)
    OUTSIDE = "outside"  # an absolute path or one leading out of the tree: never read


@dataclass(frozen=True, slots=True)
class ScriptRead:
    """A file a deployment script reads its ProfileXML from (``Get-Content .\\profile.xml``).

    ``written`` is the path as the script writes it, ``path`` the file it names relative to the
    script's folder, joined to the script's path the way the run names files (empty when
    OUTSIDE), and ``loc`` where the path is written.
    """

    written: str
    path: str
    loc: Location
    status: ReadStatus


@dataclass(frozen=True, slots=True)
class ScriptInfo:
    """Payload of a SCRIPT document: what cannot be checked, how many profiles it embeds and
    the files it reads its ProfileXML from."""

    gaps: tuple[ScriptGap, ...]
    profiles: int
    reads: tuple[ScriptRead, ...] = ()


@dataclass(frozen=True, slots=True)
class IntuneTemplate:
    """Payload of an INTUNE_TEMPLATE document: the values the rules compare across files."""

    name: str
    servers: tuple[tuple[str, Location], ...]
    routes: tuple[tuple[str, Location], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Document:
    """A loaded file, or a profile embedded in one, ready for the rules.

    ``source`` is the text of the file the user edits (suppression comments, fingerprints);
    ``payload`` is typed by ``kind``: :class:`ScriptInfo`, :class:`IntuneTemplate`, the
    inventory, a tuple of :class:`ParseProblem` for BROKEN, or None. The typed profile and the
    schema facts are pure functions of the tree, computed once and kept in ``_views``.
    """

    path: str
    kind: DocumentKind
    root: Node | None
    source: Source
    container: Container | None = None
    payload: Any = None
    unresolved: tuple[Node, ...] = ()
    _views: dict[str, Any] = field(default_factory=dict, repr=False)

    def build_views(self) -> None:
        """Compute the typed views of a PROFILE document now (they are cached)."""
        if self.kind is DocumentKind.PROFILE and self.root is not None:
            self.profile  # noqa: B018 (computed and cached)
            self.facts  # noqa: B018

    @property
    def profile(self) -> Profile:
        """The typed view of a PROFILE document."""
        view = self._views.get("profile")
        if view is None:
            if self.root is None:
                raise ValueError(f"{self.path}: document has no root element")
            view = self._views["profile"] = build_profile(self.root)
        return view

    @property
    def facts(self) -> Facts:
        """What the schema rules report from, found in one walk of the profile."""
        view = self._views.get("facts")
        if view is None:
            if self.root is None:
                raise ValueError(f"{self.path}: document has no root element")
            view = self._views["facts"] = Facts(self.root)
        return view
