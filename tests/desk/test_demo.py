"""The demo desk: built through the services, ranked as promised, rebuilt safely, never over a real desk."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from heartdesk.cli import app
from heartdesk.demo.desk import NotADemoDatabase, build_demo, load_plan
from heartdesk.desk import services as sv
from heartdesk.desk.schema import Agent, Csat, Customer, Incident, Message, Ticket, incident_tickets

from .helpers import counts

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_the_demo_desk_is_built_and_ranked(session: Session) -> None:
    summary = build_demo(session, now=NOW)
    assert summary.tickets >= 60 and summary.incidents == 5 and summary.agents == 8
    assert session.scalar(select(func.count()).select_from(Ticket)) == summary.tickets
    # Every message went through the engine.
    assert session.scalar(select(func.count()).select_from(Message).where(Message.analysis.is_(None))) == 0
    assert (session.scalar(select(func.count()).select_from(Csat)) or 0) >= 10
    # Each incident links tickets from several customers.
    per_incident = session.execute(
        select(incident_tickets.c.incident_id, func.count(func.distinct(Ticket.customer_id)))
        .join(Ticket, Ticket.id == incident_tickets.c.ticket_id)
        .group_by(incident_tickets.c.incident_id)
    ).all()
    assert len(per_incident) == 5 and all(n >= 4 for _, n in per_incident)
    # The enterprise customer whose business is down heads the queue, with its reasons.
    top = summary.top[0]
    assert top.external_id == "DEMO-002" and top.band == "P1"
    assert top.reasons[0].startswith("service down for this customer")
    assert any("enterprise customer" in r for r in top.reasons)
    page = sv.ranked_queue(session=session, now=NOW, limit=200)
    assert page.total == summary.open_tickets and [i.external_id for i in page.items[:5]] == [i.external_id for i in summary.top]
    # Timestamps are spread over the days before now, none in the future.
    times = session.scalars(select(Message.at)).all()
    assert max(times) <= NOW and (NOW - min(times)).days >= 5


def test_agent_habits_show_in_the_analysis(session: Session) -> None:
    build_demo(session, now=NOW)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for analysis, email in session.execute(select(Message.analysis, Agent.email).join(Agent, Agent.id == Message.agent_id)):
        for finding in (analysis or {}).get("findings", []):
            labels[email.split("@")[0]][finding["label"]] += 1
    assert labels["priya"]["passing_buck"] >= 5
    assert labels["greg"]["bare_policy"] >= 5
    assert labels["maya"]["empathy"] + labels["maya"]["apology"] >= 5
    assert labels["maya"]["passing_buck"] == labels["maya"]["bare_policy"] == 0


def test_rebuilding_replaces_the_demo(session: Session) -> None:
    build_demo(session, now=NOW)
    first = counts(session)
    again = build_demo(session, now=NOW)
    assert counts(session) == first
    assert session.scalar(select(func.count()).select_from(Incident)) == again.incidents == 5


def test_a_real_desk_is_never_overwritten(session: Session) -> None:
    sv.create_customer(session=session, external_id="acme", name="A real customer")
    before = counts(session)
    with pytest.raises(NotADemoDatabase) as caught:
        build_demo(session, now=NOW)
    assert caught.value.code == "E564" and "1 customers" in caught.value.message
    assert counts(session) == before
    assert session.scalar(select(Customer.external_id)) == "acme"


def test_a_bad_plan_writes_nothing(session: Session) -> None:
    plan = load_plan()
    plan["tickets"] = [*plan["tickets"][:3], {"id": "DEMO-X", "customer": "brightline", "opened": 1.0, "turns": ["nobody: hi"]}]
    with pytest.raises(ValueError, match=r"unknown agent .nobody."):
        build_demo(session, plan=plan, now=NOW)
    assert set(counts(session).values()) == {0}


def test_demo_command_builds_and_refuses(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    built = runner.invoke(app, ["demo", "--no-serve", "--database", url])
    assert built.exit_code == 0, built.output
    assert "65 tickets" in built.output and "1. DEMO-002  P1" in built.output
    assert runner.invoke(app, ["demo", "--no-serve", "--database", url]).exit_code == 0
    other = f"sqlite:///{tmp_path / 'real.db'}"
    from heartdesk.desk.db import Database
    from heartdesk.desk.schema import Base

    real = Database.from_url(other)
    Base.metadata.create_all(real.engine)
    with real.session() as s:
        sv.create_team(session=s, name="Our real team")
    real.dispose()
    refused = runner.invoke(app, ["demo", "--no-serve", "--database", other])
    assert refused.exit_code == 2 and "E564" in refused.output and "1 teams" in refused.output


def test_where_the_demo_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    from heartdesk.demo.cli import DEFAULT_DEMO_URL, demo_url

    monkeypatch.delenv("HEARTDESK_DATABASE_URL", raising=False)
    assert demo_url(None) == DEFAULT_DEMO_URL == "sqlite:///./heartdesk-demo.db"
    monkeypatch.setenv("HEARTDESK_DATABASE_URL", "sqlite:///elsewhere.db")
    assert demo_url(None) == "sqlite:///elsewhere.db"
    assert demo_url("postgresql+psycopg://u@h/demo") == "postgresql+psycopg://u@h/demo"
