"""Automatic escalation rules: distress -> lead, business impact on a high tier -> manager, reach -> engineering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from heartdesk.desk import services as sv
from heartdesk.desk.db import Database
from heartdesk.desk.schema import Escalation, OutboxItem, Ticket

T0 = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
CALM = "Could you tell me where to change the billing address on my account?"


def _ticket(session: Session, ext: str, customer: str, text: str = CALM, *, tier: str = "standard", at: datetime = T0) -> int:
    return sv.create_ticket(
        session=session, external_id=ext, customer=sv.CustomerIn(external_id=customer, tier=tier), text=text, at=at
    ).id


def _set_triage(session: Session, ticket_id: int, **fields: Any) -> None:
    triage = dict(session.scalar(select(Ticket.triage).where(Ticket.id == ticket_id)) or {})
    triage.update(fields)
    session.execute(update(Ticket).where(Ticket.id == ticket_id).values(triage=triage))
    session.commit()


def _level(session: Session, ticket_id: int) -> str:
    session.rollback()
    level: str = session.scalars(select(Ticket.level).where(Ticket.id == ticket_id)).one()
    return level


def test_high_distress_unresolved_after_the_limit_goes_to_a_lead(session: Session) -> None:
    upset = _ticket(session, "U", "c1")
    calm = _ticket(session, "C", "c2")
    _set_triage(session, upset, distress_last=0.82)
    _set_triage(session, calm, distress_last=0.2)
    assert sv.run_escalation_rules(session=session, now=T0 + timedelta(hours=3)) == []  # not yet 4 hours
    made = sv.run_escalation_rules(session=session, now=T0 + timedelta(hours=5))
    assert [(m.rule, m.to_level, m.ticket_ids) for m in made] == [("distress", "lead", (upset,))]
    assert made[0].reason == ("rule distress: customer distress 0.82 (threshold 0.60) and unresolved after 5.0 h (limit 4 h)")
    assert _level(session, upset) == "lead" and _level(session, calm) == "agent"
    # Idempotent: a second run escalates nothing and writes no second row.
    assert sv.run_escalation_rules(session=session, now=T0 + timedelta(hours=9)) == []
    assert session.scalar(select(func.count()).select_from(Escalation)) == 1
    esc = session.scalars(select(Escalation)).one()
    assert (esc.rule, esc.from_level, esc.to_level) == ("distress", "agent", "lead")


def test_business_impact_from_a_high_tier_customer_goes_to_a_manager(session: Session) -> None:
    big = _ticket(session, "B", "big", tier="enterprise")
    small = _ticket(session, "S", "small", tier="standard")
    for t in (big, small):
        _set_triage(session, t, findings=[["business_impact", "we are losing sales every minute"]])
    made = sv.run_escalation_rules(session=session, now=T0 + timedelta(minutes=10))
    assert [(m.rule, m.to_level, m.ticket_ids) for m in made] == [("business_impact", "manager", (big,))]
    assert "enterprise customer" in made[0].reason and "“we are losing sales every minute”" in made[0].reason
    assert _level(session, big) == "manager" and _level(session, small) == "agent"
    assert sv.run_escalation_rules(session=session, now=T0 + timedelta(minutes=20)) == []


def test_a_ticket_already_past_the_rule_level_is_left_alone(session: Session) -> None:
    t = _ticket(session, "B", "big", tier="premium")
    _set_triage(session, t, findings=[["churn_threat", "we will cancel our contract"]], distress_last=0.9)
    sv.escalate(session=session, ticket_id=t, reason="customer asked for a manager", to_level="manager")
    assert sv.run_escalation_rules(session=session, now=T0 + timedelta(hours=8)) == []  # never down, never twice
    assert _level(session, t) == "manager"


def test_an_incident_reaching_k_customers_goes_to_engineering_with_its_summary(db: Database) -> None:
    settings = db.settings.model_copy(update={"rule_reach": 3})
    with Database(db.engine, settings=settings).session() as s:
        texts = [
            "The mobile app crashes on startup after the update, it closes immediately.",
            "Since the update the mobile app crashes as soon as I open it.",
            "App crashes on startup after updating, closes right away on my phone.",
        ]
        ids = [_ticket(s, f"A-{i}", f"c{i}", text, at=T0 + timedelta(minutes=i)) for i, text in enumerate(texts[:2])]
        assert sv.run_escalation_rules(session=s, now=T0 + timedelta(minutes=5)) == []  # reach 2 < 3
        ids.append(_ticket(s, "A-2", "c2", texts[2], at=T0 + timedelta(minutes=6)))
        made = sv.run_escalation_rules(session=s, now=T0 + timedelta(minutes=7))
        assert [(m.rule, m.to_level) for m in made] == [("reach", "engineering")]
        assert sorted(made[0].ticket_ids) == sorted(ids) and made[0].incident_id is not None
        assert made[0].reason == f"rule reach: incident {made[0].incident_id} affects 3 customers (threshold 3)"
        assert all(_level(s, t) == "engineering" for t in ids)
        item = s.scalars(select(OutboxItem)).one()
        assert item.payload["customers_affected"] == 3 and item.payload["escalation"]["by"] == "rule reach"
        assert sv.run_escalation_rules(session=s, now=T0 + timedelta(hours=1)) == []
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 1
