"""The hooks a rule can implement. Rules in this package and third-party rule packs share them.

A rule is a module (or any object) with a ``RULE`` attribute (a :class:`~aovpn_lint.api.RuleMeta`)
and one hook implementation marked with :data:`aovpn_lint.api.hookimpl`. Pluggy passes arguments
by name, so an implementation asks only for the arguments it uses.

Third-party packs register under the ``aovpn_lint`` entry-point group. An entry point names a
rule module, or a module whose ``RULES`` lists many rule modules::

    [project.entry-points.aovpn_lint]
    acme_no_pptp = "acme_aovpn_rules.no_pptp"      # a module with RULE
    acme = "acme_aovpn_rules"                      # a package whose __init__ sets RULES = [...]

The engine calls each implementation itself (to isolate crashes and time each rule), so
pluggy's ordering and wrapper options (``tryfirst``, ``trylast``, ``wrapper``, ``hookwrapper``,
``optionalhook``) mean nothing here and are refused when the rule is registered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pluggy

from aovpn_lint.engine.config import Config
from aovpn_lint.model.document import Document
from aovpn_lint.model.findings import Finding

hookspec = pluggy.HookspecMarker("aovpn_lint")


@hookspec
def aovpn_lint_check(document: Document, config: Config) -> Iterable[Finding] | None:
    """Check one loaded document and yield findings.

    Called once per document (a ProfileXML file, a profile embedded in a script or export, a
    YAML inventory...) whose ``document.kind`` is one of the rule's ``RULE.kinds`` (every kind
    when ``kinds`` is empty); ``document.profile`` is the typed view of a ProfileXML document.
    Rules must not do I/O.
    """


@hookspec
def aovpn_lint_check_project(
    documents: Sequence[Document], config: Config
) -> Iterable[Finding] | None:
    """Check all loaded documents together (cross-file rules) and yield findings.

    Called once per run, after every document has been loaded, with every retained document
    whatever ``RULE.kinds`` says: a cross-file rule picks the documents it compares.
    """
