"""aovpn-lint: a policy-as-code linter for Microsoft Always On VPN ProfileXML."""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

#: Marker for rule implementations, in this package and in third-party rule packs.
hookimpl = pluggy.HookimplMarker("aovpn_lint")

__all__ = ["__version__", "hookimpl"]
