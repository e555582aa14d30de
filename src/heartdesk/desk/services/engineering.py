"""The bridge to engineering: impact summaries out, status updates back.

Escalating to engineering writes an *impact summary* to the outbox in the same
transaction: the incident, the customers affected with their tiers and distress, the
customers' own words about business impact and churn, when it was first seen and every
linked ticket. That holds however the escalation happens: for a whole incident
(:func:`escalate_incident`, by hand or by the reach rule) or for one ticket through
``workflow.escalate(to_level="engineering")``, which a flush hook catches so the
workflow code needs no change. One summary per incident: a ticket escalated later in an
incident engineering already has adds none.

Engineering posts statuses back (:func:`post_status`); each one is kept, and every linked
ticket gets a proposed message for its customer in the desk's voice: acknowledge, say what
is happening, say when the next update comes. Resolving proposes a resolution message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from heartdesk.desk.errors import InvalidTransition, NotFound
from heartdesk.desk.schema import (
    ENGINEERING_STATUSES,
    LEVELS,
    Escalation,
    Incident,
    IncidentUpdate,
    OutboxItem,
    ProposedMessage,
    Ticket,
    incident_tickets,
    utcnow,
)
from heartdesk.desk.services import outbox
from heartdesk.desk.services._base import aware, choice, need, unit
from heartdesk.desk.services.incidents import CLOSED, OPEN_TICKETS, load_incident
from heartdesk.desk.services.people import require_agent

SUMMARY_KIND = "impact_summary"
SUMMARY_VERSION = 1
#: Findings quoted in a summary: what the customers say it costs them.
IMPACT_LABELS = ("business_impact", "churn_threat")
#: When the proposed update promises the next one.
NEXT_UPDATE = "within the next two hours"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def impact_summary(session: Session, *, incident: Incident | None, tickets: list[Ticket], reason: str, by: str) -> dict[str, Any]:
    """The JSON engineering receives (see docs/desk-incidents.md for the fields)."""
    customers: dict[int, dict[str, Any]] = {}
    quotes: list[dict[str, str]] = []
    distresses: list[float] = []
    for t in tickets:
        c = t.customer
        triage = t.triage if isinstance(t.triage, dict) else {}
        distress = float(triage.get("distress_last", 0.0))
        distresses.append(distress)
        entry = customers.setdefault(
            c.id,
            {"id": c.external_id, "name": c.name, "tier": c.tier, "monthly_value": float(c.monthly_value), "distress": 0.0,
             "tickets": []},
        )  # fmt: skip
        entry["distress"] = round(max(entry["distress"], distress), 3)
        entry["tickets"].append(t.external_id)
        for label, quote in triage.get("findings") or ():
            if label in IMPACT_LABELS:
                quotes.append({"customer": c.external_id, "ticket": t.external_id, "kind": str(label), "quote": str(quote)})
    tiers: dict[str, int] = {}
    for entry in customers.values():
        tiers[entry["tier"]] = tiers.get(entry["tier"], 0) + 1
    first_seen = min([t.created_at for t in tickets] + ([incident.first_seen_at] if incident else []), default=None)
    return {
        "kind": SUMMARY_KIND,
        "version": SUMMARY_VERSION,
        "incident": None
        if incident is None
        else {"id": incident.id, "title": incident.title, "status": incident.status, "summary": incident.summary},
        "customers_affected": len(customers),
        "tiers": dict(sorted(tiers.items())),
        "customers": sorted(customers.values(), key=lambda e: (-e["monthly_value"], e["id"])),
        "distress": {
            "max": round(max(distresses, default=0.0), 3),
            "mean": round(sum(distresses) / len(distresses), 3) if distresses else 0.0,
        },
        "business_impact_quotes": quotes,
        "first_seen_at": _iso(first_seen),
        "linked_tickets": [
            {
                "id": t.id,
                "external_id": t.external_id,
                "customer": t.customer.external_id,
                "status": t.status,
                "severity": t.severity,
                "level": t.level,
                "created_at": _iso(t.created_at),
            }
            for t in tickets
        ],
        "escalation": {"reason": reason, "by": by, "at": _iso(utcnow())},
    }


def _incident_tickets(session: Session, incident_id: int, *, lock: bool = False) -> list[Ticket]:
    query = (
        select(Ticket)
        .join(incident_tickets, incident_tickets.c.ticket_id == Ticket.id)
        .where(incident_tickets.c.incident_id == incident_id)
        .order_by(Ticket.id)
        .options(selectinload(Ticket.customer))
    )
    # Locked (in id order, like every ticket change) when the tickets are about to move up the path.
    return list(session.scalars(query.with_for_update(of=Ticket) if lock else query))


@dataclass(frozen=True, slots=True)
class EngineeringEscalation:
    incident: Incident
    escalations: list[Escalation]
    outbox_item: OutboxItem


def escalate_incident_in(
    session: Session, incident: Incident, *, reason: str, by_agent_id: int | None, rule: str | None, now: datetime
) -> EngineeringEscalation:
    """Escalate every open ticket of a locked incident to engineering and enqueue its summary (no commit)."""
    if incident.escalated_at is not None:
        raise InvalidTransition("E587", f"incident {incident.id} went to engineering at {incident.escalated_at.isoformat()}")
    tickets = _incident_tickets(session, incident.id, lock=True)
    open_ones = [t for t in tickets if t.status in OPEN_TICKETS]
    if not open_ones:
        raise InvalidTransition("E588", f"incident {incident.id} has no open tickets to escalate")
    rows = []
    for t in open_ones:
        if t.level == LEVELS[-1]:
            continue
        rows.append(
            Escalation(
                ticket_id=t.id, from_level=t.level, to_level=LEVELS[-1], from_agent_id=t.assignee_id, by_agent_id=by_agent_id,
                at=now, reason=reason, rule=rule, incident_id=incident.id,
            )
        )  # fmt: skip
        t.level, t.status, t.updated_at = LEVELS[-1], "escalated", now
    session.add_all(rows)
    incident.escalated_at = now
    by = f"rule {rule}" if rule else (f"agent {by_agent_id}" if by_agent_id is not None else "desk")
    payload = impact_summary(session, incident=incident, tickets=tickets, reason=reason, by=by)
    item = outbox.enqueue(session, kind=SUMMARY_KIND, payload=payload, incident_id=incident.id, at=now)
    session.flush()
    return EngineeringEscalation(incident, rows, item)


def escalate_incident(
    *, session: Session, incident_id: int, reason: str, by_agent_id: int | None = None, at: datetime | None = None
) -> EngineeringEscalation:
    """Send an incident to engineering by hand: its open tickets move to the engineering level, its summary to the outbox."""
    why = need(reason, "reason", limit=2000)
    now = aware(at, "at") or utcnow()
    with unit(session):
        incident = load_incident(session, incident_id, lock=True)
        if incident.status in CLOSED:
            raise InvalidTransition("E580", f"incident {incident_id} is {incident.status}: it takes no changes")
        require_agent(session, by_agent_id, "by_agent_id")
        done = escalate_incident_in(session, incident, reason=why, by_agent_id=by_agent_id, rule=None, now=now)
    return done


def current_impact(*, session: Session, incident_id: int) -> dict[str, Any]:
    """The impact summary as it stands now (what an escalation would send)."""
    with unit(session, write=False):
        incident = load_incident(session, incident_id)
        tickets = _incident_tickets(session, incident_id)
        return impact_summary(session, incident=incident, tickets=tickets, reason="current impact (not an escalation)", by="desk")


@event.listens_for(Session, "before_flush")
def _summary_for_ticket_escalations(session: Session, _context: Any, _instances: Any) -> None:
    """A ticket escalated to engineering one at a time (workflow.escalate) gets its summary too."""
    new = [o for o in session.new if isinstance(o, Escalation) and o.to_level == LEVELS[-1] and o.incident_id is None]
    if not new:
        return
    with session.no_autoflush:
        for esc in new:
            incident_id = session.scalar(
                select(incident_tickets.c.incident_id)
                .join(Incident, Incident.id == incident_tickets.c.incident_id)
                .where(incident_tickets.c.ticket_id == esc.ticket_id, Incident.status.not_in(CLOSED))
                .order_by(incident_tickets.c.incident_id)
                .limit(1)
            )
            by = f"rule {esc.rule}" if esc.rule else (f"agent {esc.by_agent_id}" if esc.by_agent_id is not None else "desk")
            if incident_id is None:
                ticket = session.get(Ticket, esc.ticket_id)
                if ticket is not None:
                    payload = impact_summary(session, incident=None, tickets=[ticket], reason=esc.reason, by=by)
                    outbox.enqueue(session, kind=SUMMARY_KIND, payload=payload, ticket_id=ticket.id, at=esc.at)
                continue
            esc.incident_id = incident_id
            incident = session.get(Incident, incident_id)
            if incident is None or incident.escalated_at is not None:
                continue  # engineering already has this incident
            incident.escalated_at = esc.at or utcnow()
            payload = impact_summary(
                session, incident=incident, tickets=_incident_tickets(session, incident_id), reason=esc.reason, by=by
            )
            outbox.enqueue(
                session, kind=SUMMARY_KIND, payload=payload, incident_id=incident_id, ticket_id=esc.ticket_id, at=esc.at
            )


def proposed_text(status: str, *, name: str, title: str, message: str) -> str:
    """The message proposed to a customer of the incident: acknowledge, what is happening, the next update."""
    hello = f"Hi {name}," if name else "Hello,"
    problem = f"the problem you reported (“{title}”)"
    note = f" Our engineers' latest note: “{message.strip()}”" if message.strip() else ""
    if status == "resolved":
        return (
            f"{hello} good news: {problem} is fixed.{note} Thank you for your patience while it was broken — I know it "
            "got in the way of your work, and I'm sorry it did. If anything still doesn't look right on your side, just "
            "reply here and I'll pick it up straight away."
        )
    happening = {
        "investigating": "Our engineers are investigating it right now",
        "identified": "Our engineers have found the cause and are working on a fix",
        "monitoring": "A fix is in place and our engineers are watching to make sure it holds",
    }[status]
    return (
        f"{hello} I know {problem} is getting in the way of your work, and I'm sorry — you're not alone with it. "
        f"{happening}.{note} I'll write again as soon as there is news, and {NEXT_UPDATE} at the latest."
    )


@dataclass(frozen=True, slots=True)
class StatusResult:
    incident: Incident
    update: IncidentUpdate
    proposed: list[ProposedMessage]


def post_status(*, session: Session, incident_id: int, status: str, message: str, at: datetime | None = None) -> StatusResult:
    """Record engineering's status on the incident and propose a message for every linked ticket's customer.

    A resolved or merged incident takes no more statuses (E586).
    """
    choice(status, "status", ENGINEERING_STATUSES)
    note = need(message, "message", limit=5000)
    now = aware(at, "at") or utcnow()
    with unit(session):
        incident = load_incident(session, incident_id, lock=True)
        if incident.status in CLOSED:
            raise InvalidTransition("E586", f"incident {incident_id} is {incident.status}: it takes no more statuses")
        update = IncidentUpdate(incident_id=incident.id, status=status, message=note, at=now)
        session.add(update)
        incident.status, incident.status_message, incident.status_at = status, note, now
        if status == "resolved":
            incident.resolved_at = now
        session.flush()
        kind = "resolution" if status == "resolved" else "update"
        proposed = [
            ProposedMessage(
                ticket_id=t.id, incident_id=incident.id, update_id=update.id, kind=kind, created_at=now,
                text=proposed_text(status, name=t.customer.name, title=incident.title, message=note),
            )
            for t in _incident_tickets(session, incident.id)
            if t.status != "closed"
        ]  # fmt: skip
        session.add_all(proposed)
        session.flush()
    return StatusResult(incident, update, proposed)


def incident_updates(*, session: Session, incident_id: int) -> tuple[list[IncidentUpdate], list[ProposedMessage]]:
    """The statuses posted back, oldest first, and every message proposed for the incident's tickets."""
    with unit(session, write=False):
        load_incident(session, incident_id)
        updates = session.scalars(
            select(IncidentUpdate).where(IncidentUpdate.incident_id == incident_id).order_by(IncidentUpdate.id)
        )
        proposed = session.scalars(
            select(ProposedMessage).where(ProposedMessage.incident_id == incident_id).order_by(ProposedMessage.id)
        )
        return list(updates), list(proposed)


def ticket_proposals(*, session: Session, ticket_id: int) -> list[ProposedMessage]:
    """The messages proposed to one ticket's customer, oldest first."""
    with unit(session, write=False):
        if session.get(Ticket, ticket_id) is None:
            raise NotFound("E503", f"no ticket {ticket_id}")
        return list(
            session.scalars(select(ProposedMessage).where(ProposedMessage.ticket_id == ticket_id).order_by(ProposedMessage.id))
        )
