"""The ranked queue and the list services, on SQLite and PostgreSQL (the ``session`` fixture runs both)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, null, select, update
from sqlalchemy.orm import Session

from heartdesk.desk import services as sv
from heartdesk.desk.errors import ValidationError
from heartdesk.desk.schema import Incident, Ticket, incident_tickets
from heartdesk.desk.services import queue
from heartdesk.desk.services.queue import message_triage
from heartdesk.triage import loads_policy

from .helpers import BROKEN, world

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=20)
MILD = "The logo on the invoice page looks a little blurry. Not urgent, just letting you know."
POINTS = re.compile(r"\([+-]\d+\)$")


def _points(reason: str) -> int:
    found = POINTS.search(reason)
    assert found is not None, reason
    return int(found.group(0)[1:-1])


def _incident(session: Session, title: str, ticket_ids: list[int]) -> int:
    incident = Incident(title=title, first_seen_at=T0)
    session.add(incident)
    session.flush()
    session.execute(insert(incident_tickets), [{"incident_id": incident.id, "ticket_id": t, "linked_at": T0} for t in ticket_ids])
    session.commit()
    return incident.id


def _mild_crowd(session: Session, n: int, *, severity: str | None = None) -> list[int]:
    ids = []
    for i in range(n):
        t = sv.create_ticket(
            session=session,
            external_id=f"M-{i}",
            customer=sv.CustomerIn(external_id=f"small-{i}", tier="standard", monthly_value=20),
            text=MILD,
            severity=severity,
            at=T0,
        )
        ids.append(t.id)
    return ids


def test_one_customer_whose_service_is_down_outranks_many_mildly_affected(session: Session) -> None:
    crowd = _mild_crowd(session, 8)
    _incident(session, "blurry logo", crowd)
    down = sv.create_ticket(
        session=session,
        external_id="DOWN",
        customer=sv.CustomerIn(external_id="shop", tier="standard", monthly_value=20),
        text=BROKEN,
        at=T0,
    )
    page = sv.ranked_queue(session=session, now=NOW)
    assert page.total == 9 and len(page.items) == 9
    first = page.items[0]
    assert (first.id, first.external_id, first.position, first.severity) == (down.id, "DOWN", 1, "service_down")
    assert first.waiting.startswith("first in the queue")
    # The crowd shares one incident: reach 8, and the reason says so with its points.
    crowd_item = page.items[1]
    assert crowd_item.reach == 8 and crowd_item.incident_id is not None
    assert any(r.startswith("8 customers report the same problem") for r in crowd_item.reasons)
    assert crowd_item.waiting == "number 2 in the queue, 1 ticket ahead: a customer whose service is down"
    assert page.items[-1].waiting == (
        "number 9 in the queue, 8 tickets ahead: a customer whose service is down, "
        f"7 customers affected by the same problem (incident {crowd_item.incident_id})"
    )
    # Every reason is human-readable and ends with its points; the points add up to the score.
    for item in page.items:
        assert item.reasons and all(POINTS.search(r) for r in item.reasons)
        assert sum(_points(r) for r in item.reasons) == item.score
        assert item.band in ("P1", "P2", "P3", "P4")
    assert first.reasons[0].startswith("service down for this customer")
    assert first.score > crowd_item.score and first.band <= crowd_item.band


def test_a_policy_that_weights_reach_more_reverses_it(session: Session) -> None:
    crowd = _mild_crowd(session, 16, severity="feedback")
    _incident(session, "blurry logo", crowd)
    sv.create_ticket(
        session=session,
        external_id="DOWN",
        customer=sv.CustomerIn(external_id="shop"),
        text=BROKEN,
        severity="service_down",
        at=T0,
    )
    assert sv.ranked_queue(session=session, now=NOW).items[0].external_id == "DOWN"
    crowdy = loads_policy("[reach]\nper_doubling = 40\ncap = 200\n")
    assert sv.ranked_queue(session=session, now=NOW, policy=crowdy).items[0].external_id != "DOWN"


def test_stored_findings_and_customer_value_show_in_the_reasons(session: Session) -> None:
    w = world(session)  # cust-1: enterprise, 1200 a month
    t = sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text=BROKEN, at=T0)
    [item] = sv.ranked_queue(session=session, now=NOW).items
    assert item.id == t.id and item.customer_external_id == "cust-1"
    assert any(r.startswith("enterprise customer (+") for r in item.reasons)
    assert any(r.startswith("monthly value 1,200 (+") for r in item.reasons)
    assert "“" in item.reasons[0]  # the customer's own words that gave the severity


def test_resolved_and_closed_tickets_leave_the_queue(session: Session) -> None:
    w = world(session)
    keep = sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text=MILD, at=T0)
    gone = sv.create_ticket(session=session, external_id="T-2", customer_id=w.customer, text=BROKEN, at=T0)
    sv.resolve(session=session, ticket_id=gone.id, by_agent_id=w.agent, logical_fix="restarted it", emotional_fix_kind="apology")
    page = sv.ranked_queue(session=session, now=NOW)
    assert [i.id for i in page.items] == [keep.id] and page.total == 1
    # T-1 is the customer's first ticket: no repeat-contact reason.
    assert not any("contacted us" in r for r in page.items[0].reasons)


def test_repeat_contact_counts_earlier_tickets(session: Session) -> None:
    w = world(session)
    for i in range(3):
        sv.create_ticket(session=session, external_id=f"T-{i}", customer_id=w.customer, text=MILD, at=T0 + timedelta(minutes=i))
    by_ext = {i.external_id: i for i in sv.ranked_queue(session=session, now=NOW).items}
    assert not any("contacted us" in r for r in by_ext["T-0"].reasons)
    assert any(r.startswith("contacted us 2 times before") for r in by_ext["T-2"].reasons)


def test_queue_pages_keep_the_rank_order(session: Session) -> None:
    _mild_crowd(session, 5)
    sv.create_ticket(session=session, external_id="DOWN", customer=sv.CustomerIn(external_id="shop"), text=BROKEN, at=T0)
    whole = sv.ranked_queue(session=session, now=NOW, limit=10)
    pages = [sv.ranked_queue(session=session, now=NOW, limit=2, offset=o) for o in (0, 2, 4)]
    assert [i.external_id for p in pages for i in p.items] == [i.external_id for i in whole.items]
    assert [i.position for p in pages for i in p.items] == list(range(1, 7))
    assert all(p.total == 6 and p.limit == 2 for p in pages)
    assert pages[2].items[-1].waiting == whole.items[-1].waiting
    assert sv.ranked_queue(session=session, now=NOW, offset=50).items == []
    with pytest.raises(ValidationError):
        sv.ranked_queue(session=session, limit=0)
    with pytest.raises(ValidationError):
        sv.ranked_queue(session=session, offset=-1)
    with pytest.raises(ValidationError):
        sv.ranked_queue(session=session, now=float("nan"))


def test_the_triage_summary_is_stored_on_write_and_ranks_as_the_rebuilt_one(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = sv.create_ticket(
        session=session,
        external_id="DOWN",
        customer=sv.CustomerIn(external_id="shop", tier="enterprise", monthly_value=900),
        text=BROKEN,
        at=T0,
    )
    mild = _mild_crowd(session, 3)
    sv.add_message(session=session, ticket_id=down.id, role="agent", text="Looking into it now.", at=T0 + timedelta(minutes=1))
    sv.add_message(
        session=session,
        ticket_id=mild[0],
        role="customer",
        text="Actually we can't log in at all now.",
        at=T0 + timedelta(minutes=2),
    )
    session.expire_all()
    for tid in [down.id, *mild]:
        t = sv.get_ticket(session=session, ticket_id=tid)
        expected = message_triage([(m.position, m.text, m.analysis) for m in t.messages if m.role == "customer"])
        assert t.triage == expected, "stored on create_ticket / add_message from the analysis just written"
    assert sv.get_ticket(session=session, ticket_id=mild[0]).triage != sv.get_ticket(session=session, ticket_id=mild[1]).triage

    # A severity set later (no new message) is read fresh, not from the stored summary.
    session.execute(update(Ticket).where(Ticket.id == mild[2]).values(severity="service_down"))
    session.commit()
    with monkeypatch.context() as m:
        m.setattr(queue, "_customer_turns", lambda *a: pytest.fail("read messages despite stored summaries"))
        stored = sv.ranked_queue(session=session, now=NOW)
    assert {i.external_id: i.severity for i in stored.items}["M-2"] == "service_down"

    # Rows without a summary (written before revision 0002) are built from their messages: same queue.
    session.execute(update(Ticket).values(triage=null()))  # SQL NULL, as the migration leaves old rows
    session.commit()
    assert all(t.triage is None for t in session.scalars(select(Ticket)))
    rebuilt = sv.ranked_queue(session=session, now=NOW)
    assert rebuilt == stored


def test_empty_queue(session: Session) -> None:
    page = sv.ranked_queue(session=session)
    assert (page.items, page.total, page.limit, page.offset) == ([], 0, 50, 0)


def test_list_customers_and_agents(session: Session) -> None:
    w = world(session)
    for i in range(4):
        sv.create_customer(session=session, external_id=f"c-{i}", tier="premium" if i % 2 else "standard")
    everyone = sv.list_customers(session=session, limit=10, offset=0)
    assert everyone.total == 5 and [c.external_id for c in everyone.items] == ["cust-1", "c-0", "c-1", "c-2", "c-3"]
    premium = sv.list_customers(session=session, limit=1, offset=1, tier="premium")
    assert premium.total == 2 and [c.external_id for c in premium.items] == ["c-3"]
    assert sv.list_customers(session=session, limit=5, offset=0, external_id="c-2").items[0].external_id == "c-2"
    agents = sv.list_agents(session=session, limit=10, offset=0)
    assert agents.total == 4 and [a.id for a in agents.items] == sorted([w.agent, w.other, w.lead, w.manager])
    assert {a.id for a in sv.list_agents(session=session, limit=10, offset=0, team_id=w.team).items} == {w.agent, w.other}
    assert [a.id for a in sv.list_agents(session=session, limit=10, offset=0, role="lead").items] == [w.lead]
    with pytest.raises(ValidationError):
        sv.list_agents(session=session, limit=10, offset=0, role="boss")
    with pytest.raises(ValidationError):
        sv.list_customers(session=session, limit=0, offset=0)
