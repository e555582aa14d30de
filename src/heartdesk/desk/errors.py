"""Domain errors of the desk, numbered E5xx so a log line can be looked up.

The HTTP layer maps each class to one status: NotFound 404, Conflict 409,
InvalidTransition 409, ValidationError 422, Forbidden 403. The services raise
them before anything is written, or inside a transaction that is then rolled
back, so an error never leaves a half-written ticket behind.

Codes: E500-E509 not found, E510-E519 conflicts, E520-E529 invalid transitions,
E530-E549 validation, E550-E559 authority, E560-E569 settings and database.
"""

from __future__ import annotations

from heartdesk.errors import HeartdeskError


class DeskError(HeartdeskError):
    """Base of the desk's errors; ``status`` is the HTTP status the API answers with."""

    status = 400


class NotFound(DeskError):
    status = 404


class Conflict(DeskError):
    """A duplicate id, or a change made by someone else since the caller read the record."""

    status = 409


class InvalidTransition(DeskError):
    """The ticket's status does not allow this (resolving a closed ticket, escalating past engineering)."""

    status = 409


class ValidationError(DeskError):
    status = 422

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(code, message)
        self.field = field


class Forbidden(DeskError):
    """The acting agent lacks the role or authority (a gesture above their limit)."""

    status = 403


class SettingsError(DeskError):
    """A setting that is missing, malformed or unsafe outside development."""

    status = 500
