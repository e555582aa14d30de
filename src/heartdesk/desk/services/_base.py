"""What every service shares: the unit of work, settings and input checks.

A service call is one unit of work. On its own it commits when it succeeds and
rolls back when it fails, so an error never leaves half a ticket behind. Inside
``batch(session)`` (bulk loads, the demo, benchmarks) each call runs in a
SAVEPOINT instead: a failing call undoes only itself, and the batch commits once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from heartdesk.desk.db import SETTINGS_KEY, WRITE_OPTION
from heartdesk.desk.errors import Conflict, ValidationError
from heartdesk.desk.settings import DeskSettings, load_settings

_BATCH_KEY = "heartdesk.batch"
_TOKEN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@lru_cache(maxsize=1)
def _env_settings() -> DeskSettings:
    return load_settings()


def settings_of(session: Session) -> DeskSettings:
    found = session.info.get(SETTINGS_KEY)
    return found if isinstance(found, DeskSettings) else _env_settings()


def _translate(exc: Exception) -> Exception:
    """Database errors that mean 'someone else got there first' become Conflicts."""
    if isinstance(exc, StaleDataError):
        return Conflict("E514", "the ticket was changed by someone else meanwhile; reload it and try again")
    if isinstance(exc, IntegrityError):
        return Conflict("E519", f"conflicts with data written meanwhile: {str(exc.orig).splitlines()[0]}")
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
        return Conflict("E518", "the database is busy with another write; try again")
    return exc


@contextmanager
def unit(session: Session, *, write: bool = True) -> Iterator[None]:
    """Run the body as one unit of work (see module docstring)."""
    if session.info.get(_BATCH_KEY):
        try:
            with session.begin_nested():
                yield
        except (StaleDataError, IntegrityError, OperationalError) as exc:
            raise _translate(exc) from exc
        return
    if write and not session.in_transaction():
        # On SQLite this makes the transaction BEGIN IMMEDIATE (db.py): writers queue instead of colliding.
        session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield
        session.commit()
    except BaseException as exc:
        session.rollback()
        if isinstance(exc, StaleDataError | IntegrityError | OperationalError):
            raise _translate(exc) from exc
        raise


@contextmanager
def batch(session: Session) -> Iterator[Session]:
    """Many service calls, one transaction: each call is a savepoint, the whole commits at the end."""
    if session.info.get(_BATCH_KEY):
        yield session
        return
    if not session.in_transaction():
        session.connection(execution_options={WRITE_OPTION: True})
    session.info[_BATCH_KEY] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_BATCH_KEY, None)


def text(value: str | None, field: str, *, limit: int, required: bool = True, code: str = "E530") -> str | None:
    """Stripped text within ``limit`` characters; empty counts as missing."""
    if value is None or not value.strip():
        if required:
            raise ValidationError(code, f"{field} is required", field=field)
        return None
    if len(value) > limit:
        raise ValidationError("E531", f"{field} is too long: {len(value)} characters, the limit is {limit}", field=field)
    return value.strip()


def need(value: str | None, field: str, *, limit: int) -> str:
    got = text(value, field, limit=limit, required=True)
    assert got is not None  # text() raises for a missing required value
    return got


def choice(value: str, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationError("E532", f"{field} must be one of {', '.join(allowed)}; got {value!r}", field=field)
    return value


def token(value: str, field: str) -> str:
    """A short lower-case identifier (tier, gesture kind, channel)."""
    if not _TOKEN.match(value):
        raise ValidationError("E533", f"{field} must be a short lower-case word (a-z, 0-9, _); got {value!r}", field=field)
    return value


def aware(value: datetime | None, field: str) -> datetime | None:
    """Times must carry their zone: a naive one is ambiguous (server time? UTC?)."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValidationError("E535", f"{field} must be timezone-aware (UTC)", field=field)
    return value


def money(value: Decimal | float | int | str | None, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError("E534", f"{field} must be a number; got {value!r}", field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError("E534", f"{field} must be between 0 and 9,999,999,999.99; got {value}", field=field)
    return amount.quantize(Decimal("0.01"))
