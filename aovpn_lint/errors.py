"""Exceptions. Bad *input files* become findings; these are for usage and configuration errors."""

from __future__ import annotations


class AovpnLintError(Exception):
    """A usage or configuration problem; the CLI prints it as ``path:line:col: error: message``."""

    def __init__(self, message: str, path: str | None = None, line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.col = col

    def __str__(self) -> str:
        if self.path is None:
            return f"error: {self.message}"
        if self.line:
            return f"{self.path}:{self.line}:{max(self.col, 1)}: error: {self.message}"
        return f"{self.path}: error: {self.message}"


class DecodeProblem(Exception):
    """A file's bytes cannot be decoded; carries the byte offset of the fault."""

    def __init__(
        self,
        message: str,
        byte_offset: int,
        prefix: bytes = b"",
        codec: str = "utf-8",
        skip: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.byte_offset = byte_offset
        self.prefix = prefix
        self.codec = codec
        self.skip = skip

    def line_col(self) -> tuple[int, int]:
        """Line and column of the fault, counted in the part that did decode."""
        text = self.prefix[self.skip :].decode(self.codec, errors="replace")
        line = text.count("\n") + 1
        col = len(text) - (text.rfind("\n") + 1) + 1
        return line, col
