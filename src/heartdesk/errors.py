"""Numbered errors, so a message in a log can be looked up in docs/errors.md.

E0xx input and contract, E1xx detectors and pipeline, E2xx models, E3xx evaluation.
"""

from __future__ import annotations


class HeartdeskError(Exception):
    """Base of every error heartdesk raises on purpose. ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class InputError(HeartdeskError):
    """A conversation (or a line of a file) that does not follow the input contract."""

    def __init__(self, code: str, message: str, *, source: str | None = None, line: int | None = None) -> None:
        where = f"{source}:{line}: " if source is not None and line is not None else ""
        super().__init__(code, where + message)
        self.source = source
        self.line = line
