"""``python -m aovpn_lint``: the same as the ``aovpn-lint`` command."""

from aovpn_lint.cli import main

raise SystemExit(main())
