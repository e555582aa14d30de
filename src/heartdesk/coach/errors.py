"""The coach's numbered errors (E700-E749, docs/errors.md)."""

from __future__ import annotations

from heartdesk.errors import HeartdeskError

#: Characters a draft may have (the HTTP API answers 413 E710 beyond this).
MAX_DRAFT_CHARS = 20_000


class CoachError(HeartdeskError):
    """Bad input to the coach: a phrase library, a draft, an authority or a queue context."""
