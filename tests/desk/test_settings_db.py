from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from heartdesk.desk import Database
from heartdesk.desk import services as sv
from heartdesk.desk.errors import SettingsError
from heartdesk.desk.schema import Customer
from heartdesk.desk.settings import DEFAULT_DATABASE_URL, load_settings


def test_settings_come_from_the_environment() -> None:
    s = load_settings(
        {
            "HEARTDESK_DATABASE_URL": "postgresql+psycopg://u:p@db/desk",
            "HEARTDESK_MAX_MESSAGE_CHARS": "500",
            "HEARTDESK_SLA_HOURS": '{"blocked": 2}',
            "HEARTDESK_SQL_ECHO": "false",
        }
    )
    assert (s.database_url, s.max_message_chars, s.sql_echo) == ("postgresql+psycopg://u:p@db/desk", 500, False)
    assert s.sla_for("blocked") == 2 and s.sla_for("service_down") == 1 and s.sla_for(None) == 24
    assert load_settings({}).database_url == DEFAULT_DATABASE_URL


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({"HEARTDESK_ENV": "production"}, "E560"),  # implicit SQLite file in the working directory
        (
            {"HEARTDESK_ENV": "production", "HEARTDESK_DATABASE_URL": "postgresql+psycopg://h/d", "HEARTDESK_SQL_ECHO": "1"},
            "E561",
        ),
        ({"HEARTDESK_SLA_HOURS": "{not json"}, "E562"),
        ({"HEARTDESK_MAX_MESSAGE_CHARS": "0"}, "E563"),
        ({"HEARTDESK_ENV": "staging"}, "E563"),
    ],
)
def test_unsafe_or_malformed_settings_are_refused(env: dict[str, str], code: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert err.value.code == code


def test_production_with_an_explicit_database_is_fine() -> None:
    assert (
        load_settings({"HEARTDESK_ENV": "production", "HEARTDESK_DATABASE_URL": "postgresql+psycopg://h/d"}).env == "production"
    )


def test_foreign_keys_are_enforced(db: Database) -> None:
    with db.engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(
            text("INSERT INTO tickets (external_id, customer_id, status, channel, level, created_at, updated_at, version) "
                 "VALUES ('x', 999, 'new', 'email', 'agent', :t, :t, 1)"),
            {"t": datetime(2026, 1, 1)},
        )  # fmt: skip


def test_check_constraints_guard_the_statuses(db: Database, stub_engine: None) -> None:
    with db.session() as s:
        c = sv.create_customer(session=s, external_id="c")
        t = sv.create_ticket(session=s, external_id="T-1", customer_id=c.id, text="Hello there.")
        with pytest.raises(IntegrityError):
            s.execute(text("UPDATE tickets SET status = 'lost' WHERE id = :id"), {"id": t.id})
            s.flush()


def test_times_are_stored_in_utc_and_naive_ones_refused(db: Database) -> None:
    paris = timezone(timedelta(hours=1))
    with db.session() as s:
        c = sv.create_customer(session=s, external_id="c", since=datetime(2024, 5, 1, 10, 0, tzinfo=paris))
        s.expunge_all()
        got = s.get(Customer, c.id)
        assert got is not None and got.since == datetime(2024, 5, 1, 9, 0, tzinfo=UTC) and got.since.tzinfo is UTC
        got.since = datetime(2024, 5, 1, 9, 0)  # naive
        with pytest.raises(StatementError, match="naive datetime"):
            s.flush()


def test_ci_without_a_postgres_url_is_an_error_not_a_skip() -> None:
    from .conftest import PostgresServer

    server = PostgresServer({}, in_ci=True)
    assert server.url is None and server.error is not None
    assert "HEARTDESK_TEST_POSTGRES_URL is not set" in server.error
    given = PostgresServer({"HEARTDESK_TEST_POSTGRES_URL": "postgresql+psycopg://h/d"}, in_ci=True)
    assert (given.url, given.error, given.started_here) == ("postgresql+psycopg://h/d", None, False)
