"""Loaders: one module per input format; they turn bytes into documents, never into findings."""
