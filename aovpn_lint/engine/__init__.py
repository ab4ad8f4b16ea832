"""The rule engine: discovery, hookspecs, isolation, configuration and suppressions."""
