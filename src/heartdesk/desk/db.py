"""Engine and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL through psycopg.

SQLite needs two things SQLAlchemy leaves to the application. Foreign keys are
off unless each connection turns them on. And Python's sqlite3 driver starts
transactions lazily, which breaks savepoints and lets two writers read the same
row and then collide with "database is locked"; so the driver's own BEGIN is
switched off and we emit it, as ``BEGIN IMMEDIATE`` for services that write:
a second writer then waits (busy timeout) for the first to commit and reads the
new version, instead of failing half-way. Readers still never wait (WAL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from heartdesk.desk.settings import DeskSettings, load_settings

#: Execution option a writing service sets on its connection (see module docstring).
WRITE_OPTION = "heartdesk_write"
#: Key of the desk settings in ``Session.info``; services read limits from there.
SETTINGS_KEY = "heartdesk.settings"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str | None = None, *, settings: DeskSettings | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: the configured database), tuned for the desk."""
    settings = settings or load_settings()
    url = url or settings.database_url
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, echo=settings.sql_echo, **kwargs)
    engine = create_engine(url, echo=settings.sql_echo, **kwargs)
    database = make_url(url).database
    in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
    timeout_ms = settings.sqlite_busy_timeout_ms

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see below)
        cur = dbapi_connection.cursor()
        try:
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
            if not in_memory:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses at most the last commits
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Database:
    """An engine and its session factory. ``Database.from_settings()`` is what the CLI and API use."""

    def __init__(self, engine: Engine, *, settings: DeskSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or load_settings()
        # Services return ORM objects to callers (the API) after committing: keep them readable.
        self._factory = sessionmaker(engine, expire_on_commit=False, info={SETTINGS_KEY: self.settings})

    @classmethod
    def from_settings(cls, settings: DeskSettings | None = None, **engine_kwargs: Any) -> Database:
        settings = settings or load_settings()
        return cls(make_engine(settings.database_url, settings=settings, **engine_kwargs), settings=settings)

    @classmethod
    def from_url(cls, url: str, *, settings: DeskSettings | None = None, **engine_kwargs: Any) -> Database:
        settings = settings or load_settings(database_url=url)
        return cls(make_engine(url, settings=settings, **engine_kwargs), settings=settings)

    def new_session(self) -> Session:
        return self._factory()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._factory() as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()
