"""The bridge to engineering: impact summaries in the outbox, delivered to a real local receiver that fails, then recovers."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from heartdesk.cli import app
from heartdesk.desk import Database
from heartdesk.desk import services as sv
from heartdesk.desk.errors import InvalidTransition, SettingsError
from heartdesk.desk.schema import Base, OutboxItem
from heartdesk.desk.services.outbox import backoff_seconds, deliver_forever
from heartdesk.desk.settings import load_settings

from .helpers import counts

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
SECRET = "s3cret"
OUTAGE = [
    "Checkout is down, every payment fails with error 502 and we are losing sales every minute.",
    "Payments fail with error 502 at checkout, our online store cannot take orders.",
    "Checkout payments failing, error 502, customers cannot pay us.",
]


class Receiver:
    """An HTTP receiver on a free loopback port: answers ``fail_with`` while set, else 204, and keeps what it got."""

    def __init__(self) -> None:
        self.fail_with: int | None = 500
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_with is not None:
                    self.send_response(receiver.fail_with)
                    self.end_headers()
                    return
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/heartdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        if not self.thread.is_alive():
            return
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _outage(session: Session, n: int = 3, *, tier: str = "enterprise") -> int:
    for i in range(n):
        sv.create_ticket(
            session=session,
            external_id=f"O-{i}",
            customer=sv.CustomerIn(external_id=f"shop-{i}", name=f"Shop {i}", tier=tier, monthly_value=100 * (i + 1)),
            text=OUTAGE[i % len(OUTAGE)],
            at=T0 + timedelta(minutes=i),
        )
    page = sv.list_incidents(session=session)
    assert page.total == 1
    return page.items[0].incident.id


def test_escalating_an_incident_writes_its_impact_summary_in_the_same_transaction(session: Session) -> None:
    incident = _outage(session)
    done = sv.escalate_incident(session=session, incident_id=incident, reason="checkout down for three merchants", at=T0)
    assert len(done.escalations) == 3 and all(e.to_level == "engineering" for e in done.escalations)
    payload = done.outbox_item.payload
    assert payload["kind"] == "impact_summary" and payload["incident"]["id"] == incident
    assert payload["customers_affected"] == 3 and payload["tiers"] == {"enterprise": 3}
    assert [c["id"] for c in payload["customers"]] == ["shop-2", "shop-1", "shop-0"]  # most valuable first
    assert payload["first_seen_at"] == T0.isoformat()
    assert [t["external_id"] for t in payload["linked_tickets"]] == ["O-0", "O-1", "O-2"]
    assert any(q["kind"] == "business_impact" and "losing sales" in q["quote"] for q in payload["business_impact_quotes"])
    assert payload["escalation"]["reason"] == "checkout down for three merchants"
    assert 0.0 <= payload["distress"]["mean"] <= payload["distress"]["max"] <= 1.0
    ticket = sv.get_ticket(session=session, external_id="O-1")
    assert ticket.level == "engineering" and ticket.status == "escalated"
    # Twice is refused, and writes nothing.
    before = counts(session)
    with pytest.raises(InvalidTransition) as err:
        sv.escalate_incident(session=session, incident_id=incident, reason="again")
    assert err.value.code == "E587" and counts(session) == before


def test_a_ticket_escalated_to_engineering_by_hand_brings_its_incident_summary_once(session: Session) -> None:
    incident = _outage(session)
    first = sv.get_ticket(session=session, external_id="O-0")
    sv.escalate(session=session, ticket_id=first.id, reason="merchant cannot take payments", to_level="engineering")
    items = session.scalars(select(OutboxItem)).all()
    assert len(items) == 1 and items[0].incident_id == incident and items[0].payload["customers_affected"] == 3
    second = sv.get_ticket(session=session, external_id="O-1")
    sv.escalate(session=session, ticket_id=second.id, reason="same outage", to_level="engineering")
    assert session.scalar(select(func.count()).select_from(OutboxItem)) == 1  # engineering already has it
    # A ticket in no incident gets a summary of its own.
    lone = sv.create_ticket(session=session, external_id="Q", customer=sv.CustomerIn(external_id="q"), text="How do I export?")
    sv.escalate(session=session, ticket_id=lone.id, reason="needs a developer", to_level="engineering")
    mine = session.scalars(select(OutboxItem).where(OutboxItem.ticket_id == lone.id)).one()
    assert (
        mine.incident_id is None and mine.payload["incident"] is None and mine.payload["linked_tickets"][0]["external_id"] == "Q"
    )


def test_delivery_retries_with_backoff_and_delivers_exactly_once_after_recovery(session: Session, receiver: Receiver) -> None:
    incident = _outage(session)
    sv.escalate_incident(session=session, incident_id=incident, reason="checkout down", at=T0)
    kw = {"session": session, "url": receiver.url, "secret": SECRET}
    down = sv.deliver_outbox(now=T0, **kw)  # type: ignore[arg-type]
    assert down.delivered == [] and len(down.failed) == 1 and down.failed[0][1] == "HTTP 500"
    item = session.scalars(select(OutboxItem)).one()
    session.refresh(item)
    assert (item.status, item.attempts, item.last_error) == ("pending", 1, "HTTP 500")
    assert item.next_attempt_at == T0 + timedelta(seconds=30)
    # Not due yet: nothing is attempted.
    assert sv.deliver_outbox(now=T0 + timedelta(seconds=10), **kw).failed == []  # type: ignore[arg-type]
    again = sv.deliver_outbox(now=T0 + timedelta(seconds=31), **kw)  # type: ignore[arg-type]
    assert len(again.failed) == 1
    session.refresh(item)
    assert item.attempts == 2 and item.next_attempt_at == T0 + timedelta(seconds=31 + 60)  # doubled
    receiver.fail_with = None  # the receiver recovers
    up = sv.deliver_outbox(now=T0 + timedelta(minutes=5), **kw)  # type: ignore[arg-type]
    assert up.delivered == [item.id] and up.failed == []
    assert sv.deliver_outbox(now=T0 + timedelta(hours=5), **kw).delivered == []  # type: ignore[arg-type]
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert json.loads(body)["incident"]["id"] == incident
    assert headers["x-heartdesk-delivery"] == str(item.id) and headers["x-heartdesk-attempt"] == "3"
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-heartdesk-signature"] == expected
    session.refresh(item)
    assert (item.status, item.last_error, item.delivered_at) == ("delivered", None, T0 + timedelta(minutes=5))


def test_an_unreachable_receiver_is_a_retry_not_a_loss(session: Session, receiver: Receiver) -> None:
    incident = _outage(session)
    sv.escalate_incident(session=session, incident_id=incident, reason="checkout down", at=T0)
    url = receiver.url
    receiver.close()  # nothing listens on the port now
    report = sv.deliver_outbox(session=session, url=url, now=T0)
    assert report.delivered == [] and len(report.failed) == 1
    item = session.scalars(select(OutboxItem)).one()
    assert item.status == "pending" and item.last_error
    listed = sv.list_outbox(session=session, status="pending")
    assert listed.total == 1 and sv.get_outbox_item(session=session, item_id=item.id).id == item.id


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_seconds(n, 30, 3600) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_delivery_without_a_webhook_is_a_settings_error(session: Session) -> None:
    with pytest.raises(SettingsError) as err:
        sv.deliver_outbox(session=session)
    assert err.value.code == "E589"


class _Reentrant:
    """A client that, while posting, runs a second deliverer on another session: it must find nothing to send."""

    def __init__(self, db: Database, url: str) -> None:
        self.db, self.url = db, url
        self.posted: list[int] = []
        self.second: list[int] = []

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        self.posted.append(int(headers["X-Heartdesk-Delivery"]))
        with self.db.session() as other:
            self.second = sv.deliver_outbox(session=other, url=self.url, now=T0 + timedelta(seconds=1)).delivered
        return 200


def test_a_claimed_item_is_not_sent_by_a_second_deliverer(db: Database) -> None:
    with db.session() as s:
        incident = _outage(s)
        sv.escalate_incident(session=s, incident_id=incident, reason="checkout down", at=T0)
        client = _Reentrant(db, "http://127.0.0.1:9/unused")
        report = sv.deliver_outbox(session=s, client=client, url=client.url, now=T0)
        assert len(report.delivered) == 1 and client.posted == report.delivered and client.second == []


def test_webhook_settings_from_the_environment() -> None:
    s = load_settings(
        {
            "HEARTDESK_ENGINEERING_WEBHOOK_URL": "https://eng.example.com/hook",
            "HEARTDESK_OUTBOX_BACKOFF_S": "5",
            "HEARTDESK_RULE_REACH": "3",
            "HEARTDESK_RULE_MANAGER_TIERS": "Gold, enterprise",
        }
    )
    assert (s.engineering_webhook_url, s.outbox_backoff_s, s.rule_reach) == ("https://eng.example.com/hook", 5.0, 3)
    assert s.rule_manager_tiers == ("gold", "enterprise")
    with pytest.raises(SettingsError) as not_http:
        load_settings({"HEARTDESK_ENGINEERING_WEBHOOK_URL": "file:///etc/passwd"})
    assert not_http.value.code == "E563"
    prod = {"HEARTDESK_ENV": "production", "HEARTDESK_DATABASE_URL": "postgresql+psycopg://h/d"}
    with pytest.raises(SettingsError) as unsigned:
        load_settings({**prod, "HEARTDESK_ENGINEERING_WEBHOOK_URL": "https://eng.example.com/hook"})
    assert unsigned.value.code == "E589"


def test_cli_rules_then_deliver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database.from_url(url, settings=load_settings(environ={}, database_url=url, rule_reach=3))
    Base.metadata.create_all(database.engine)
    with database.session() as s:
        _outage(s)
    database.dispose()
    monkeypatch.setenv("HEARTDESK_DATABASE_URL", url)
    monkeypatch.setenv("HEARTDESK_RULE_REACH", "3")
    runner = CliRunner()
    no_hook = runner.invoke(app, ["db", "deliver"])
    assert no_hook.exit_code == 2 and "E589" in no_hook.output
    ruled = runner.invoke(app, ["db", "rules"])
    assert ruled.exit_code == 0, ruled.output
    assert "-> engineering: rule reach: incident 1 affects 3 customers (threshold 3)" in ruled.output
    assert "1 escalation(s)" in ruled.output
    monkeypatch.setenv("HEARTDESK_ENGINEERING_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("HEARTDESK_OUTBOX_BACKOFF_S", "0.001")  # due again at once, for the test
    failed = runner.invoke(app, ["db", "deliver"])
    assert failed.exit_code == 0 and "delivered 0, failed 1" in failed.output and "HTTP 500" in failed.output
    receiver.fail_with = None
    assert "delivered 1, failed 0" in runner.invoke(app, ["db", "deliver"]).output
    assert "delivered 0, failed 0" in runner.invoke(app, ["db", "deliver"]).output
    assert len(receiver.received) == 1


class _StopAfterPost:
    def __init__(self, stop: threading.Event) -> None:
        self.stop, self.posted = stop, 0

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        self.posted += 1
        self.stop.set()  # the loop finishes its round, then sees the stop
        return 202


def test_the_delivery_loop_delivers_then_stops(db: Database) -> None:
    settings = db.settings.model_copy(update={"engineering_webhook_url": "http://127.0.0.1:9/hook"})
    database = Database(db.engine, settings=settings)
    with database.session() as s:
        incident = _outage(s)
        sv.escalate_incident(session=s, incident_id=incident, reason="checkout down", at=T0)
    stop = threading.Event()
    client = _StopAfterPost(stop)
    deliver_forever(database, interval_s=0.01, stop=stop, client=client)
    assert client.posted == 1
    with database.session() as s:
        assert s.scalars(select(OutboxItem.status)).all() == ["delivered"]
