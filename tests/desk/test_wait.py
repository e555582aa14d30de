"""The queue's column-wise scoring equals triage's, and the wait is explained honestly."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from heartdesk.demo.desk import build_demo
from heartdesk.desk import services as sv
from heartdesk.desk.schema import Incident, Ticket, incident_tickets
from heartdesk.desk.services._ranking import QueueColumns, score_columns
from heartdesk.desk.services.queue import OPEN_STATUSES, summary_from_triage
from heartdesk.desk.services.wait import Ahead, ResolutionTimes, about, wait_message, waiting_text
from heartdesk.triage import (
    SEVERITIES,
    TicketSummary,
    default_policy,
    loads_policy,
    prioritize,
    rank,
    reach_by_incident,
    to_epoch,
)

NOW = 1_800_000_000.0
DEMO_NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _random_queue(seed: int, n: int) -> tuple[QueueColumns, list[TicketSummary]]:
    rnd = random.Random(seed)
    cols = QueueColumns([], [], [], [], [], [], [], [], [], [])
    summaries = []
    incidents = {f"inc-{k}": rnd.randint(1, 40) for k in range(6)}
    for i in range(n):
        incident = rnd.choice([None, None, *incidents])
        reach = incidents[incident] if incident else 1
        labels = tuple(rnd.sample(["business_impact", "churn_threat", "escalation_request", "complaint"], rnd.randint(0, 3)))
        # Distress on a 1/24 grid puts many points exactly on .5: the rounding must agree there too.
        first, last = rnd.randint(0, 24) / 24, rnd.randint(0, 24) / 24
        tier = rnd.choice([None, "enterprise", "business", "standard", "free", "unknown"])
        value = rnd.choice([None, 0.0, 100.0, 99.99, 1000.0, rnd.uniform(0, 50_000)])
        severity = rnd.choice(SEVERITIES)
        # Created on whole minutes, often exactly at an SLA boundary, with ties for the order.
        created = NOW - 60 * rnd.choice([0, 15, 30, 60, 120, 240, 480, 720, 1440, 2880, rnd.randint(0, 10_000)])
        contacts = rnd.randint(0, 5)
        ext = f"T-{rnd.randint(0, n // 2)}-{i}"
        for column, v in zip(
            (cols.ids, cols.severity, cols.reach, cols.labels, cols.distress_first, cols.distress_last),
            (ext, severity, reach, labels, first, last),
            strict=True,
        ):
            column.append(v)  # type: ignore[attr-defined]
        cols.tier.append(tier)
        cols.value.append(value)
        cols.contacts.append(contacts)
        cols.created.append(created)
        summaries.append(
            TicketSummary(
                id=ext,
                severity=severity,
                incident=incident,
                affected=reach if incident else None,
                customer_id=ext,
                tier=tier,
                monthly_value=value,
                contacts=contacts,
                created_at=created,
                distress_first=first,
                distress_last=last,
                findings=tuple((label, "quote") for label in labels),
            )
        )
    # Reach as triage.rank counts it: distinct customers per incident, or the stated figure if larger.
    counted = reach_by_incident(summaries)
    cols.reach = [counted[s.incident] if s.incident else 1 for s in summaries]
    return cols, summaries


def test_column_scores_and_order_equal_triage_rank() -> None:
    crowdy = loads_policy("[reach]\nper_doubling = 40\ncap = 200\n[distress]\nlevel = 30\nrising = 18\n")
    for seed, policy in ((1, default_policy()), (2, default_policy()), (3, crowdy)):
        cols, summaries = _random_queue(seed, 600)
        scored = score_columns(cols, policy, NOW)
        for i, summary in enumerate(summaries):
            assert scored.score[i] == prioritize(summary, policy, now=NOW, reach=cols.reach[i]).score, summary
        expected = [r.ticket.id for r in rank(summaries, policy, now=NOW)]
        assert [cols.ids[i] for i in scored.order] == expected


def test_the_demo_queue_ranks_as_triage_does(session: Session) -> None:
    """The whole desk path (columns, contacts, reach) against summaries built here the slow, obvious way."""
    build_demo(session, now=DEMO_NOW)
    tickets = session.scalars(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))).all()
    every = session.scalars(select(Ticket)).all()
    links = dict(
        session.execute(
            select(incident_tickets.c.ticket_id, incident_tickets.c.incident_id)
            .join(Incident, Incident.id == incident_tickets.c.incident_id)
            .where(Incident.status != "resolved")
        ).all()
    )
    summaries = [
        summary_from_triage(
            t.external_id,
            t.triage or {},
            severity=t.severity,
            customer_id=str(t.customer_id),
            tier=t.customer.tier,
            monthly_value=float(t.customer.monthly_value),
            created_at=to_epoch(t.created_at),
            contacts=sum(1 for o in every if o.customer_id == t.customer_id and o.created_at < t.created_at),
            incident=str(links[t.id]) if t.id in links else None,
        )
        for t in tickets
    ]
    expected = rank(summaries, default_policy(), now=DEMO_NOW)
    page = sv.ranked_queue(session=session, now=DEMO_NOW, limit=200)
    assert [i.external_id for i in page.items] == [r.ticket.id for r in expected]
    assert [(i.score, i.band, i.reasons, i.reach) for i in page.items] == [
        (r.priority.score, r.priority.band, r.priority.reasons, r.reach) for r in expected
    ]


def test_every_queued_ticket_explains_its_wait(session: Session) -> None:
    build_demo(session, now=DEMO_NOW)
    page = sv.ranked_queue(session=session, now=DEMO_NOW, limit=200)
    first, second = page.items[0], page.items[1]
    assert first.external_id == "DEMO-002" and first.waiting == "first in the queue: nothing outranks it"
    assert first.wait_message.startswith("I'm so sorry your service is down")
    assert "top of our queue" in first.wait_message
    assert second.waiting.startswith("number 2 in the queue, 1 ticket ahead: a customer whose service is down")
    for item in page.items:
        assert item.wait_message.endswith("I'll update you as soon as there is news.")
        assert "DEMO-" not in item.wait_message and "(incident " not in item.wait_message  # names no one else
        if item.reach > 1:
            assert f"it affects {item.reach} customers" in item.wait_message
        if item.eta_minutes is not None:
            assert "we expect to resolve yours within about" in item.wait_message
    # The demo resolved enough tickets in the last days for some estimates, and some tickets waited longer than usual.
    assert any(i.eta_minutes is not None for i in page.items)
    assert any("longer than usual" in i.wait_message for i in page.items)
    later = page.items[10]
    assert later.waiting.startswith("number 11 in the queue, 10 tickets ahead: a customer whose service is down, ")
    assert "(incident " in later.waiting


def test_eta_comes_from_recent_resolutions_only(session: Session) -> None:
    w_customer = sv.create_customer(session=session, external_id="c-1")
    agent = sv.create_agent(session=session, name="Ana", email="ana@example.com")
    t0 = DEMO_NOW - timedelta(days=3)
    for k in range(5):  # five questions resolved in 2 hours each, three days ago
        t = sv.create_ticket(
            session=session,
            external_id=f"Q-{k}",
            customer_id=w_customer.id,
            text="How do I add a user?",
            severity="question",
            at=t0,
        )
        sv.resolve(
            session=session,
            ticket_id=t.id,
            by_agent_id=agent.id,
            logical_fix="explained",
            emotional_fix_kind="none",
            at=t0 + timedelta(hours=2),
        )
    asked = sv.create_ticket(
        session=session,
        external_id="Q-new",
        customer_id=w_customer.id,
        text="Where is the invite button?",
        severity="question",
        at=DEMO_NOW - timedelta(minutes=30),
    )
    [item] = sv.ranked_queue(session=session, now=DEMO_NOW).items
    assert item.id == asked.id and item.eta_minutes == 90
    assert "within about 2 hours" in item.wait_message
    # A month later those resolutions are too old to say anything.
    [stale] = sv.ranked_queue(session=session, now=DEMO_NOW + timedelta(days=30)).items
    assert stale.eta_minutes is None and "I can't give you a reliable time yet." in stale.wait_message


def test_resolution_times_need_enough_samples() -> None:
    few = ResolutionTimes.from_samples([("question", 3600.0)] * 4)
    assert few.samples == 4 and few.eta_minutes("question", 0) == (None, False)
    mixed = ResolutionTimes.from_samples([("question", 3600.0)] * 5 + [("blocked", 600.0)] * 2 + [("question", 60.0)] * 2)
    assert mixed.eta_minutes("question", 600) == (50, False)  # median of 7 questions: 3600 s
    assert mixed.eta_minutes("blocked", 0) == (None, False)  # questions say nothing about blocked customers
    assert mixed.eta_minutes("question", 7200) == (None, True)


def test_waiting_text_and_message_wording() -> None:
    ahead = Ahead()
    ahead.add("down", customer="a", incident=None, severity="service_down")
    ahead.add("degraded", customer="b", incident=7, severity="service_down")
    ahead.add("degraded", customer="c", incident=7, severity="service_down")
    ahead.add("question", customer="d", incident=None, severity="question")
    assert waiting_text(5, ahead) == (
        "number 5 in the queue, 4 tickets ahead: a customer whose service is down, "
        "2 customers affected by an outage (incident 7), a question"
    )
    message = wait_message(position=5, ahead=ahead, severity="question", reach=1, upset=False, eta_minutes=130, late=False)
    assert message.startswith("Thank you for your patience")
    assert "There are 4 requests ahead of yours, including customers whose service is down," in message
    assert "within about 3 hours" in message
    upset = wait_message(position=2, ahead=ahead, severity="degraded", reach=1, upset=True, eta_minutes=None, late=True)
    assert "I can hear how frustrating" in upset and "longer than usual" in upset
    assert [about(m) for m in (3, 25, 59, 61, 600, 3000)] == [
        "about 5 minutes", "about 25 minutes", "about an hour", "about 2 hours", "about 10 hours", "about 3 days",
    ]  # fmt: skip


def test_the_message_says_what_is_ahead_truthfully() -> None:
    one_down = Ahead()
    one_down.add("down", customer="a", incident=None, severity="service_down")
    said = wait_message(position=2, ahead=one_down, severity="question", reach=1, upset=False, eta_minutes=None, late=False)
    assert "There is 1 request ahead of yours, including a customer whose service is down," in said
    blocked = Ahead()
    blocked.add("blocked", customer="b", incident=None, severity="blocked")
    said = wait_message(position=2, ahead=blocked, severity="question", reach=1, upset=False, eta_minutes=None, late=False)
    assert "including more urgent ones," in said
    calm = Ahead()
    calm.add("question", customer="c", incident=None, severity="question")
    said = wait_message(position=2, ahead=calm, severity="question", reach=1, upset=False, eta_minutes=None, late=False)
    assert "There is 1 request ahead of yours and we handle the most urgent first." in said
    assert waiting_text(1, Ahead()) == "first in the queue: nothing outranks it"
