"""A fresh desk database for every test, on SQLite and on PostgreSQL.

``db`` is parametrised over both backends, so each store test runs twice.
PostgreSQL comes from ``HEARTDESK_TEST_POSTGRES_URL`` (``source scripts/postgres.sh``
sets it). Without it: under CI (``CI=true``) the PostgreSQL tests fail, loudly;
on a developer machine the session starts a throw-away server with
scripts/postgres.sh (no install) and stops it at the end, and fails if it
cannot. ``HEARTDESK_TEST_BACKENDS=sqlite`` (refused under CI) leaves
PostgreSQL out of a local run.

Each test session works in its own PostgreSQL schema (tables created once,
emptied before each test), so sessions sharing a server do not collide.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.schema import Base
from heartdesk.desk.settings import DeskSettings, load_settings

REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _backends() -> list[str]:
    wanted = os.environ.get("HEARTDESK_TEST_BACKENDS", "").strip()
    if not wanted or IN_CI:
        return ["sqlite", "postgresql"]
    return [b.strip() for b in wanted.split(",") if b.strip()]


BACKENDS = _backends()


def settings_for(url: str, **overrides: Any) -> DeskSettings:
    """Settings that ignore the developer's own HEARTDESK_* variables."""
    return load_settings(environ={}, database_url=url, **overrides)


class PostgresServer:
    """The server URL for this session, started here when needed (see module docstring)."""

    def __init__(self, environ: Mapping[str, str] | None = None, *, in_ci: bool = IN_CI) -> None:
        environ = os.environ if environ is None else environ
        self.url: str | None = environ.get("HEARTDESK_TEST_POSTGRES_URL") or None
        self.started_here = False
        self.error: str | None = None
        if self.url:
            return
        if in_ci:
            self.error = (
                "HEARTDESK_TEST_POSTGRES_URL is not set, and CI must run the PostgreSQL tests: "
                "run the suite through scripts/test.sh, which sources scripts/postgres.sh"
            )
            return
        script = REPO / "scripts" / "postgres.sh"
        env = {**environ, "HEARTDESK_PG_NO_INSTALL": "1"}
        running = subprocess.run(["bash", str(script), "url"], capture_output=True, text=True, env=env)
        if running.returncode == 0:
            self.url = running.stdout.strip()
            return
        started = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True, env=env)
        if started.returncode != 0:
            self.error = (
                "no PostgreSQL for the tests: set HEARTDESK_TEST_POSTGRES_URL, or `source scripts/postgres.sh`, "
                f"or HEARTDESK_TEST_BACKENDS=sqlite to leave it out locally.\nscripts/postgres.sh said: {started.stderr.strip()}"
            )
            return
        self.url = started.stdout.strip().split("=", 1)[1]
        self.started_here = True

    def stop(self) -> None:
        if self.started_here:
            subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "stop"], capture_output=True, check=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


def schema_engine(url: str, schema: str) -> Engine:
    """An engine whose connections live in ``schema`` (created if missing)."""
    admin = make_engine(url, settings=settings_for(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    return make_engine(url, settings=settings_for(url), connect_args={"options": f"-csearch_path={schema}"})


def drop_schema(url: str, schema: str) -> None:
    admin = make_engine(url, settings=settings_for(url))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    if postgres_server.error is not None or postgres_server.url is None:
        pytest.fail(postgres_server.error or "no PostgreSQL", pytrace=False)
    return postgres_server.url


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    schema = f"hd_test_{uuid.uuid4().hex[:10]}"
    engine = schema_engine(postgres_url, schema)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    drop_schema(postgres_url, schema)


_TABLES = ", ".join(t.name for t in Base.metadata.sorted_tables)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty desk database with the current schema, on ``backend``."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'desk.db'}"
        settings = settings_for(url)
        database = Database(make_engine(url, settings=settings), settings=settings)
        Base.metadata.create_all(database.engine)
    else:
        engine: Engine = request.getfixturevalue("postgres_engine")
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
        database = Database(engine, settings=settings_for(engine.url.render_as_string(hide_password=False)))
    yield database
    if backend == "sqlite":
        database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Any]:
    with db.session() as s:
        yield s


@pytest.fixture
def stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the analysis with a trivial one, for tests about locking rather than analysis."""
    from heartdesk.desk.services import _ticket

    def plain(conversation: Any) -> list[dict[str, Any]]:
        return [{"index": i, "role": t.role, "tone": 0.0, "findings": []} for i, t in enumerate(conversation.turns)]

    monkeypatch.setattr(_ticket, "analyze_turns", plain)
