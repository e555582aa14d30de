"""Automatic escalation rules, so management hears before things blow up.

Three rules, each with its thresholds in the settings (defaults in docs/desk-incidents.md):

* ``distress``: a ticket still at the agent level whose customer's latest message shows
  distress >= ``rule_distress`` and that is unresolved ``rule_distress_hours`` after it was
  opened goes to a lead;
* ``business_impact``: a ticket below the manager level from a customer of a
  ``rule_manager_tiers`` tier whose messages show business impact or a churn threat goes to
  a manager;
* ``reach``: an unresolved incident that engineering does not have yet, whose open tickets
  come from ``rule_reach`` or more customers, goes to engineering (every open ticket, and
  its impact summary to the outbox).

:func:`run_escalation_rules` applies them in one transaction. It is idempotent: escalation
only goes up, so a ticket already at (or past) a rule's level is left alone, and a rule
never fires twice for the same ticket or incident. Every escalation's reason names the
rule and its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from heartdesk.desk.schema import LEVELS, Customer, Escalation, Incident, Ticket, incident_tickets, utcnow
from heartdesk.desk.services._base import aware, settings_of, unit
from heartdesk.desk.services.engineering import escalate_incident_in
from heartdesk.desk.services.incidents import CLOSED, OPEN_TICKETS

RULES = ("distress", "business_impact", "reach")


@dataclass(frozen=True, slots=True)
class RuleEscalation:
    """One escalation a rule made: a ticket (distress, business_impact) or an incident (reach)."""

    rule: str
    to_level: str
    reason: str
    ticket_ids: tuple[int, ...]
    incident_id: int | None = None


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"


def _fired(session: Session, rule: str) -> set[int]:
    return set(session.scalars(select(Escalation.ticket_id).where(Escalation.rule == rule)))


def _raise(session: Session, ticket: Ticket, *, to_level: str, rule: str, reason: str, now: datetime) -> None:
    session.add(
        Escalation(
            ticket_id=ticket.id, from_level=ticket.level, to_level=to_level, from_agent_id=ticket.assignee_id,
            at=now, reason=reason, rule=rule,
        )
    )  # fmt: skip
    ticket.level, ticket.status, ticket.updated_at = to_level, "escalated", now


def _distress(session: Session, now: datetime) -> list[RuleEscalation]:
    settings = settings_of(session)
    limit = timedelta(hours=settings.rule_distress_hours)
    fired = _fired(session, "distress")
    out = []
    candidates = session.scalars(
        select(Ticket)
        .where(Ticket.status.in_(OPEN_TICKETS), Ticket.level == "agent", Ticket.created_at <= now - limit)
        .order_by(Ticket.id)
        .with_for_update()
    ).all()
    for t in candidates:
        distress = float((t.triage or {}).get("distress_last", 0.0))
        if t.id in fired or distress < settings.rule_distress:
            continue
        reason = (
            f"rule distress: customer distress {distress:.2f} (threshold {settings.rule_distress:.2f}) "
            f"and unresolved after {_hours(now - t.created_at)} (limit {settings.rule_distress_hours:g} h)"
        )
        _raise(session, t, to_level="lead", rule="distress", reason=reason, now=now)
        out.append(RuleEscalation("distress", "lead", reason, (t.id,)))
    return out


def _business(session: Session, now: datetime) -> list[RuleEscalation]:
    settings = settings_of(session)
    tiers = tuple(settings.rule_manager_tiers)
    if not tiers:
        return []
    fired = _fired(session, "business_impact")
    below = LEVELS[: LEVELS.index("manager")]
    candidates = session.scalars(
        select(Ticket)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.status.in_(OPEN_TICKETS), Ticket.level.in_(below), Customer.tier.in_(tiers))
        .order_by(Ticket.id)
        .options(selectinload(Ticket.customer))
        .with_for_update(of=Ticket)
    ).all()
    out = []
    for t in candidates:
        findings = [(str(label), str(quote)) for label, quote in (t.triage or {}).get("findings") or ()]
        said = [(label, quote) for label, quote in findings if label in ("business_impact", "churn_threat")]
        if t.id in fired or not said:
            continue
        words = "; ".join(f"{label.replace('_', ' ')} “{quote}”" for label, quote in said)
        reason = f"rule business_impact: {t.customer.tier} customer (tiers {', '.join(tiers)}) — {words}"
        _raise(session, t, to_level="manager", rule="business_impact", reason=reason, now=now)
        out.append(RuleEscalation("business_impact", "manager", reason, (t.id,)))
    return out


def _reach(session: Session, now: datetime) -> list[RuleEscalation]:
    settings = settings_of(session)
    rows = session.execute(
        select(Incident.id, Ticket.customer_id)
        .join(incident_tickets, incident_tickets.c.incident_id == Incident.id)
        .join(Ticket, Ticket.id == incident_tickets.c.ticket_id)
        .where(Incident.status.not_in(CLOSED), Incident.escalated_at.is_(None), Ticket.status.in_(OPEN_TICKETS))
    ).all()
    reach: dict[int, set[int]] = {}
    for iid, cid in rows:
        reach.setdefault(iid, set()).add(cid)
    out = []
    for iid in sorted(i for i, cs in reach.items() if len(cs) >= settings.rule_reach):
        incident = session.scalars(select(Incident).where(Incident.id == iid).with_for_update()).one()
        n = len(reach[iid])
        reason = f"rule reach: incident {iid} affects {n} customers (threshold {settings.rule_reach})"
        done = escalate_incident_in(session, incident, reason=reason, by_agent_id=None, rule="reach", now=now)
        out.append(RuleEscalation("reach", LEVELS[-1], reason, tuple(e.ticket_id for e in done.escalations), iid))
    return out


def run_escalation_rules(*, session: Session, now: datetime | None = None) -> list[RuleEscalation]:
    """Apply every rule once, in one transaction; return what was escalated (nothing when run again)."""
    at = aware(now, "now") or utcnow()
    with unit(session):
        # Highest level first: a ticket the reach rule sends to engineering is then past the other rules.
        made = _reach(session, at)
        session.flush()
        made += _business(session, at)
        session.flush()
        made += _distress(session, at)
        session.flush()
    return made
