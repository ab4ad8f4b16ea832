"""The built-in rules of aovpn-lint, one rule per module (installed as ``aovpn_lint.rules``)."""
