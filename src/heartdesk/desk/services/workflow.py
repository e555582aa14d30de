"""What happens to a ticket: assignment, escalation, resolution, reopening, closing, CSAT.

Every change loads the ticket locked (``load_for_change``) and bumps its
version, and every step is kept as a row (assignments, escalations,
resolutions, csat) rather than overwritten, so the history can be replayed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from heartdesk.desk.errors import Conflict, Forbidden, InvalidTransition, ValidationError
from heartdesk.desk.schema import LEVELS, Agent, Assignment, Csat, Escalation, Resolution, Ticket, utcnow
from heartdesk.desk.services._base import aware, money, need, text, token, unit
from heartdesk.desk.services._ticket import load_for_change
from heartdesk.desk.services.people import require_agent

#: Who may take a ticket at each escalation level (engineering is a team outside the desk: anyone may coordinate).
LEVEL_ROLES: dict[str, tuple[str, ...]] = {
    "agent": ("agent", "lead", "manager", "admin"),
    "lead": ("lead", "manager", "admin"),
    "manager": ("manager", "admin"),
    "engineering": ("agent", "lead", "manager", "admin"),
}
_DONE = ("resolved", "closed")


def _active(session: Session, agent_id: int, field: str) -> Agent:
    agent = require_agent(session, agent_id, field)
    assert agent is not None
    if not agent.active:
        raise ValidationError("E540", f"agent {agent_id} is inactive", field=field)
    return agent


def _hand_over(session: Session, ticket: Ticket, agent: Agent, *, by: int | None, reason: str | None) -> Assignment:
    row = Assignment(ticket_id=ticket.id, agent_id=agent.id, previous_agent_id=ticket.assignee_id, by_agent_id=by, reason=reason)
    session.add(row)
    ticket.assignee_id = agent.id
    ticket.updated_at = utcnow()
    return row


def assign(
    *,
    session: Session,
    ticket_id: int,
    agent_id: int,
    by_agent_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Assignment:
    """Give an unassigned ticket to an agent (a new ticket becomes open). Already assigned -> E521: use reassign."""
    why = text(reason, "reason", limit=2000, required=False)
    with unit(session):
        ticket = load_for_change(session, ticket_id, expected_version=expected_version)
        if ticket.status == "closed":
            raise InvalidTransition("E520", f"ticket {ticket_id} is closed")
        if ticket.assignee_id is not None:
            raise InvalidTransition(
                "E521", f"ticket {ticket_id} is already assigned to agent {ticket.assignee_id}: reassign it, with a reason"
            )
        agent = _active(session, agent_id, "agent_id")
        require_agent(session, by_agent_id, "by_agent_id")
        row = _hand_over(session, ticket, agent, by=by_agent_id, reason=why)
        if ticket.status == "new":
            ticket.status = "open"
        session.flush()
    return row


def reassign(
    *,
    session: Session,
    ticket_id: int,
    agent_id: int,
    reason: str,
    by_agent_id: int | None = None,
    expected_version: int | None = None,
) -> Assignment:
    """Move an assigned ticket to another agent; the reason is required and kept with the history."""
    why = need(reason, "reason", limit=2000)
    with unit(session):
        ticket = load_for_change(session, ticket_id, expected_version=expected_version)
        if ticket.status == "closed":
            raise InvalidTransition("E520", f"ticket {ticket_id} is closed")
        if ticket.assignee_id is None:
            raise InvalidTransition("E522", f"ticket {ticket_id} is not assigned: assign it")
        if ticket.assignee_id == agent_id:
            raise InvalidTransition("E522", f"ticket {ticket_id} is already assigned to agent {agent_id}")
        agent = _active(session, agent_id, "agent_id")
        require_agent(session, by_agent_id, "by_agent_id")
        row = _hand_over(session, ticket, agent, by=by_agent_id, reason=why)
        session.flush()
    return row


def escalate(
    *,
    session: Session,
    ticket_id: int,
    reason: str,
    to_level: str | None = None,
    to_agent_id: int | None = None,
    by_agent_id: int | None = None,
    expected_version: int | None = None,
) -> Escalation:
    """Move the ticket up the path agent -> lead -> manager -> engineering (default: the next level).

    Levels may be skipped (a service-down ticket can go straight to engineering)
    but never go down. ``to_agent_id`` hands the ticket to someone whose role fits
    the level, recorded as a reassignment too.
    """
    why = need(reason, "reason", limit=2000)
    with unit(session):
        ticket = load_for_change(session, ticket_id, expected_version=expected_version)
        if ticket.status in _DONE:
            raise InvalidTransition("E523", f"ticket {ticket_id} is {ticket.status}: reopen it before escalating")
        here = LEVELS.index(ticket.level)
        if to_level is None:
            if here == len(LEVELS) - 1:
                raise InvalidTransition("E524", f"ticket {ticket_id} is already with engineering, the end of the path")
            target = LEVELS[here + 1]
        else:
            if to_level not in LEVELS:
                raise ValidationError(
                    "E532", f"to_level must be one of {', '.join(LEVELS[1:])}; got {to_level!r}", field="to_level"
                )
            target = to_level
            if LEVELS.index(target) <= here:
                raise InvalidTransition("E525", f"ticket {ticket_id} is at {ticket.level}: escalation goes up, not to {target}")
        require_agent(session, by_agent_id, "by_agent_id")
        row = Escalation(
            ticket_id=ticket.id, from_level=ticket.level, to_level=target, from_agent_id=ticket.assignee_id,
            to_agent_id=to_agent_id, by_agent_id=by_agent_id, reason=why,
        )  # fmt: skip
        if to_agent_id is not None:
            agent = _active(session, to_agent_id, "to_agent_id")
            if agent.role not in LEVEL_ROLES[target]:
                raise ValidationError(
                    "E538",
                    f"agent {to_agent_id} is a {agent.role}; {target} needs one of {', '.join(LEVEL_ROLES[target])}",
                    field="to_agent_id",
                )
            if agent.id != ticket.assignee_id:
                _hand_over(session, ticket, agent, by=by_agent_id, reason=f"escalated to {target}: {why}")
        session.add(row)
        ticket.level, ticket.status, ticket.updated_at = target, "escalated", utcnow()
        session.flush()
    return row


def resolve(
    *,
    session: Session,
    ticket_id: int,
    by_agent_id: int,
    logical_fix: str,
    emotional_fix_kind: str,
    emotional_fix_value: Decimal | float | int | str | None = None,
    emotional_fix_note: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Resolution:
    """Resolve with the logical fix (what was done) and the emotional one (apology, credit 25...).

    A gesture with a value must be within the resolving agent's authority for that
    kind (``agent.authority``), else Forbidden E550: a lead has to give it.
    Resolving a resolved or closed ticket -> InvalidTransition E526.
    """
    fix = need(logical_fix, "logical_fix", limit=20_000)
    kind = token(emotional_fix_kind, "emotional_fix_kind")
    value = money(emotional_fix_value, "emotional_fix_value")
    note = text(emotional_fix_note, "emotional_fix_note", limit=2000, required=False)
    when = aware(at, "at") or utcnow()
    with unit(session):
        ticket = load_for_change(session, ticket_id, expected_version=expected_version)
        if ticket.status in _DONE:
            raise InvalidTransition("E526", f"ticket {ticket_id} is already {ticket.status}")
        agent = _active(session, by_agent_id, "by_agent_id")
        if value is not None:
            limit = agent.authority.get(kind)
            if limit is None or value > Decimal(str(limit)):
                allowed = "no authority" if limit is None else f"authority up to {limit}"
                raise Forbidden("E550", f"agent {agent.id} has {allowed} for {kind}; {value} needs a lead's approval")
        row = Resolution(
            ticket_id=ticket.id, logical_fix=fix, emotional_fix_kind=kind, emotional_fix_value=value,
            emotional_fix_note=note, by_agent_id=agent.id, at=when,
        )  # fmt: skip
        session.add(row)
        ticket.status, ticket.resolved_at, ticket.updated_at = "resolved", when, utcnow()
        session.flush()
    return row


def reopen(*, session: Session, ticket_id: int, expected_version: int | None = None) -> Ticket:
    """A resolved or closed ticket back to open (E527 otherwise). Its resolutions stay in the history."""
    with unit(session):
        ticket = load_for_change(session, ticket_id, expected_version=expected_version)
        if ticket.status not in _DONE:
            raise InvalidTransition("E527", f"ticket {ticket_id} is {ticket.status}, not resolved or closed")
        ticket.status, ticket.resolved_at, ticket.closed_at, ticket.updated_at = "open", None, None, utcnow()
        session.flush()
    return ticket


def close(*, session: Session, ticket_id: int, expected_version: int | None = None) -> Ticket:
    """Close a ticket from any other status (duplicates and spam need no resolution). Closed -> E528."""
    with unit(session):
        ticket = load_for_change(session, ticket_id, expected_version=expected_version)
        if ticket.status == "closed":
            raise InvalidTransition("E528", f"ticket {ticket_id} is already closed")
        ticket.status, ticket.closed_at, ticket.updated_at = "closed", utcnow(), utcnow()
        session.flush()
    return ticket


def record_csat(*, session: Session, ticket_id: int, score: int, comment: str | None = None, at: datetime | None = None) -> Csat:
    """The customer's rating (1-5) after a resolution; one per resolution (Conflict E516 for a second)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError("E539", f"score must be a whole number from 1 to 5; got {score!r}", field="score")
    remark = text(comment, "comment", limit=5000, required=False)
    when = aware(at, "at") or utcnow()
    with unit(session):
        ticket = load_for_change(session, ticket_id)
        last = session.scalar(
            select(Resolution.id).where(Resolution.ticket_id == ticket.id).order_by(Resolution.id.desc()).limit(1)
        )
        if ticket.status not in _DONE or last is None:
            raise InvalidTransition("E529", f"ticket {ticket_id} is {ticket.status} without a resolution: CSAT comes after one")
        if session.scalar(select(Csat.id).where(Csat.resolution_id == last)) is not None:
            raise Conflict("E516", f"ticket {ticket_id} already has a CSAT score for its last resolution")
        row = Csat(ticket_id=ticket.id, resolution_id=last, score=score, comment=remark, at=when)
        session.add(row)
        session.flush()
    return row
