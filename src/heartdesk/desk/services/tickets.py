"""Tickets and their messages: create with the first message, add messages, read, list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from heartdesk.desk.errors import Conflict, InvalidTransition, NotFound, ValidationError
from heartdesk.desk.schema import MESSAGE_ROLES, SEVERITIES, TICKET_STATUSES, Customer, Message, Team, Ticket, utcnow
from heartdesk.desk.services._base import aware, choice, need, settings_of, token, unit
from heartdesk.desk.services._base import text as clean_text
from heartdesk.desk.services._ticket import load_for_change, store_analysis
from heartdesk.desk.services.incidents import match_new_ticket
from heartdesk.desk.services.people import CustomerIn, new_customer, require_agent


def _message_text(session: Session, value: str) -> str:
    limit = settings_of(session).max_message_chars
    if value is None or not value.strip():
        raise ValidationError("E530", "message text is required", field="text")
    if len(value) > limit:
        raise ValidationError("E531", f"message text is too long: {len(value)} characters, the limit is {limit}", field="text")
    return value  # kept as written: analysis offsets point into this exact text


def create_ticket(
    *,
    session: Session,
    external_id: str,
    text: str,
    customer_id: int | None = None,
    customer: CustomerIn | None = None,
    channel: str = "email",
    subject: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    team_id: int | None = None,
    author: str | None = None,
    at: datetime | None = None,
    sla_due_at: datetime | None = None,
) -> Ticket:
    """A ticket opened by the customer's first message, analysed and stored with it.

    Give either ``customer_id`` (an existing customer) or ``customer`` (found by
    external id, created when new). Everything is written in one transaction:
    a duplicate ticket id (Conflict E513) or a failing analysis leaves no customer
    and no ticket behind. ``sla_due_at`` defaults to ``at`` + the SLA hours of the
    severity (settings).
    """
    settings = settings_of(session)
    body = _message_text(session, text)
    ext = need(external_id, "external_id", limit=128)
    if (customer_id is None) == (customer is None):
        raise ValidationError("E541", "give exactly one of customer_id and customer", field="customer")
    fields = {
        "channel": token(channel, "channel"),
        "subject": _opt(subject, "subject", 500),
        "category": _opt(category, "category", 80),
        "severity": None if severity is None else choice(severity, "severity", SEVERITIES),
    }
    opened = aware(at, "at") or utcnow()
    due = aware(sla_due_at, "sla_due_at") or opened + timedelta(hours=settings.sla_for(fields["severity"]))
    with unit(session):
        if customer_id is not None:
            owner = session.get(Customer, customer_id)
            if owner is None:
                raise NotFound("E500", f"no customer {customer_id}")
        else:
            assert customer is not None
            owner = session.scalar(select(Customer).where(Customer.external_id == customer.external_id.strip()))
            if owner is None:
                owner = new_customer(session, customer)
                session.flush()  # the customer row exists from here; a later failure must take it back
        if session.scalar(select(Ticket.id).where(Ticket.external_id == ext)) is not None:
            raise Conflict("E513", f"a ticket with external id {ext!r} already exists")
        if team_id is not None and session.get(Team, team_id) is None:
            raise NotFound("E502", f"no team {team_id}")
        ticket = Ticket(
            external_id=ext, customer=owner, team_id=team_id, created_at=opened, updated_at=opened, sla_due_at=due, **fields
        )
        first = Message(position=0, role="customer", author=_opt(author, "author", 200) or owner.name, text=body, at=opened)
        ticket.messages.append(first)
        session.add(ticket)
        store_analysis(ticket, [first])
        session.flush()
        match_new_ticket(session, ticket)  # links it to an incident, in this same transaction
    return ticket


def _opt(value: str | None, field: str, limit: int) -> str | None:
    return clean_text(value, field, limit=limit, required=False)


def add_message(
    *,
    session: Session,
    ticket_id: int,
    role: str,
    text: str,
    author: str | None = None,
    agent_id: int | None = None,
    at: datetime | None = None,
    wait_for_customer: bool = False,
) -> Message:
    """Add a turn and re-analyse the conversation, updating every message whose analysis changed.

    A customer writing to a pending or resolved ticket opens it again; the first
    agent message sets ``first_response_at``; ``wait_for_customer`` puts the
    ticket in pending after an agent message. A closed ticket takes no messages
    (InvalidTransition E520): reopen it first.
    """
    body = _message_text(session, text)
    choice(role, "role", MESSAGE_ROLES)
    when = aware(at, "at") or utcnow()
    with unit(session):
        ticket = load_for_change(session, ticket_id)
        if ticket.status == "closed":
            raise InvalidTransition("E520", f"ticket {ticket_id} is closed: reopen it before adding a message")
        agent = require_agent(session, agent_id, "agent_id")
        # Read before changing anything: a lazy load after a change autoflushes, bumping the version twice.
        messages, customer_name = list(ticket.messages), ticket.customer.name
        if role == "customer":
            if agent is not None:
                raise ValidationError("E542", "a customer message has no agent_id", field="agent_id")
            if ticket.status in ("pending", "resolved"):
                ticket.status, ticket.resolved_at = "open", None
        else:
            if ticket.first_response_at is None:
                ticket.first_response_at = when
            if ticket.status == "new":
                ticket.status = "open"
            if wait_for_customer and ticket.status == "open":
                ticket.status = "pending"
        name = _opt(author, "author", 200) or (agent.name if agent is not None else None)
        if name is None and role == "customer":
            name = customer_name
        message = Message(position=len(messages), role=role, author=name, agent_id=agent_id, text=body, at=when)
        ticket.messages.append(message)
        ticket.updated_at = utcnow()
        store_analysis(ticket, [*messages, message])
        session.flush()
    return message


_FULL = (
    selectinload(Ticket.customer),
    selectinload(Ticket.assignee),
    selectinload(Ticket.team),
    selectinload(Ticket.messages),
    selectinload(Ticket.assignments),
    selectinload(Ticket.escalations),
    selectinload(Ticket.resolutions),
    selectinload(Ticket.csat),
    selectinload(Ticket.incidents),
)


def get_ticket(*, session: Session, ticket_id: int | None = None, external_id: str | None = None) -> Ticket:
    """A ticket with its customer, messages and full history loaded (usable after the session closes)."""
    if (ticket_id is None) == (external_id is None):
        raise ValidationError("E541", "give exactly one of ticket_id and external_id")
    where = Ticket.id == ticket_id if ticket_id is not None else Ticket.external_id == external_id
    with unit(session, write=False):
        found = session.scalars(
            select(Ticket).where(where).options(*_FULL).execution_options(populate_existing=True)
        ).one_or_none()
        if found is None:
            raise NotFound("E503", f"no ticket {ticket_id if ticket_id is not None else external_id!r}")
    return found


@dataclass(frozen=True, slots=True)
class TicketPage:
    items: list[Ticket]
    total: int
    limit: int
    offset: int


def list_tickets(
    *,
    session: Session,
    status: str | Sequence[str] | None = None,
    agent_id: int | None = None,
    customer_id: int | None = None,
    team_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    order: Literal["newest", "oldest"] = "newest",
) -> TicketPage:
    """A page of tickets matching every filter given, with the total count; customer and assignee loaded."""
    max_page = settings_of(session).max_page_size
    if not 1 <= limit <= max_page:
        raise ValidationError("E537", f"limit must be between 1 and {max_page}; got {limit}", field="limit")
    if offset < 0:
        raise ValidationError("E537", f"offset must be 0 or more; got {offset}", field="offset")
    statuses = [status] if isinstance(status, str) else list(status or [])
    for s in statuses:
        choice(s, "status", TICKET_STATUSES)
    query = select(Ticket)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if agent_id is not None:
        query = query.where(Ticket.assignee_id == agent_id)
    if customer_id is not None:
        query = query.where(Ticket.customer_id == customer_id)
    if team_id is not None:
        query = query.where(Ticket.team_id == team_id)
    ordering = (Ticket.created_at.desc(), Ticket.id.desc()) if order == "newest" else (Ticket.created_at, Ticket.id)
    with unit(session, write=False):
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(*ordering)
            .limit(limit)
            .offset(offset)
            .options(selectinload(Ticket.customer), selectinload(Ticket.assignee))
            .execution_options(populate_existing=True)
        ).all()
    return TicketPage(items=list(rows), total=total, limit=limit, offset=offset)
