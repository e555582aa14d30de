"""The Alembic migrations build exactly the schema the ORM describes, on both backends, and the CLI runs them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from typer.testing import CliRunner

from heartdesk.cli import app
from heartdesk.desk import Database, migrate
from heartdesk.desk import services as sv
from heartdesk.desk.db import make_engine
from heartdesk.desk.schema import Base

from .conftest import drop_schema, schema_engine, settings_for

TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database with no tables at all: a SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
        engine = make_engine(url, settings=settings_for(url))
        yield engine
        engine.dispose()
        return
    pg_url: str = request.getfixturevalue("postgres_url")
    schema = f"hd_mig_{uuid.uuid4().hex[:10]}"
    engine = schema_engine(pg_url, schema)
    yield engine
    engine.dispose()
    drop_schema(pg_url, schema)


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(ctx, Base.metadata))


def test_upgrade_head_matches_the_orm_and_downgrade_removes_it(empty_engine: Engine) -> None:
    assert migrate.current(engine=empty_engine) is None
    migrate.upgrade(engine=empty_engine)
    assert migrate.current(engine=empty_engine) == migrate.head() == "0003"
    assert TABLES <= set(inspect(empty_engine).get_table_names())
    assert _diff(empty_engine) == []
    migrate.upgrade(engine=empty_engine)  # again: nothing to do, no error
    migrate.downgrade(engine=empty_engine, revision="base")
    assert migrate.current(engine=empty_engine) is None
    assert set(inspect(empty_engine).get_table_names()) & TABLES == set()
    migrate.upgrade(engine=empty_engine)  # and back up again
    assert _diff(empty_engine) == []


def test_services_work_on_a_migrated_database(empty_engine: Engine, stub_engine: None) -> None:
    migrate.upgrade(engine=empty_engine)
    db = Database(empty_engine, settings=settings_for(empty_engine.url.render_as_string(hide_password=False)))
    with db.session() as s:
        agent = sv.create_agent(session=s, name="Ana", email="ana@example.com", authority={"credit": 10})
        t = sv.create_ticket(session=s, external_id="T-1", customer=sv.CustomerIn(external_id="c"), text="Broken.")
        sv.assign(session=s, ticket_id=t.id, agent_id=agent.id)
        sv.resolve(
            session=s,
            ticket_id=t.id,
            by_agent_id=agent.id,
            logical_fix="Fixed.",
            emotional_fix_kind="credit",
            emotional_fix_value=10,
        )
        sv.record_csat(session=s, ticket_id=t.id, score=4)
        assert sv.get_ticket(session=s, ticket_id=t.id).csat[0].score == 4


def test_an_empty_diff_is_not_vacuous(empty_engine: Engine) -> None:
    # Guard for the test above: an empty database does differ from the ORM.
    assert len(_diff(empty_engine)) >= len(TABLES)


def test_cli_db_upgrade_on_a_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("HEARTDESK_DATABASE_URL", f"sqlite:///{path}")
    runner = CliRunner()
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "upgraded empty -> 0003" in first.output
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0 and "already at 0003" in again.output
    current = runner.invoke(app, ["db", "current"])
    assert current.exit_code == 0 and "0003 (head 0003: up to date)" in current.output
    engine = make_engine(f"sqlite:///{path}", settings=settings_for(f"sqlite:///{path}"))
    try:
        assert _diff(engine) == []
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
    refused = runner.invoke(app, ["db", "downgrade", "--revision", "base"])
    assert refused.exit_code == 2 and path.exists()
    down = runner.invoke(app, ["db", "downgrade", "--revision", "base", "--yes", "--url", f"sqlite:///{path}"])
    assert down.exit_code == 0 and "empty (base)" in down.output
