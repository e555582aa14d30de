"""Incidents: tickets from different customers about the same problem, grouped as they arrive.

A new ticket is matched (``create_ticket`` calls :func:`match_new_ticket` inside its own
transaction) against the tickets of unresolved incidents and against unlinked open tickets
of other customers opened within the window; the matching is
:mod:`heartdesk.incidents.grouping` (thresholds in docs/incidents.md and the settings).
Matching a ticket of an incident links the new ticket to it; matching an unlinked ticket
opens an incident holding both. Staff correct the grouping by hand: link, unlink, merge,
split. A ticket is in at most one unresolved incident, so its reach in the queue is never
counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from heartdesk.desk.errors import InvalidTransition, NotFound, ValidationError
from heartdesk.desk.schema import INCIDENT_STATUSES, Customer, Incident, Ticket, incident_tickets, utcnow
from heartdesk.desk.services import _incident_match as matching
from heartdesk.desk.services._base import choice, settings_of, unit
from heartdesk.desk.services._base import text as clean_text
from heartdesk.desk.services.people import page_bounds

#: Incidents that no longer take tickets.
CLOSED = matching.CLOSED_INCIDENT
OPEN_TICKETS = matching.OPEN


@dataclass(frozen=True, slots=True)
class MatchResult:
    """What matching did with a ticket: nothing, linked it to an incident, or opened one."""

    ticket_id: int
    incident_id: int | None
    created: bool
    matched_ticket_id: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class IncidentView:
    """An incident with its tickets (customer loaded) and what they add up to."""

    incident: Incident
    tickets: list[Ticket]
    #: Distinct customers among all linked tickets.
    customers_affected: int
    #: Distinct customers among the linked tickets still open: the reach triage uses.
    reach: int
    #: Customers affected per tier.
    tiers: dict[str, int]
    #: Why each ticket is in the incident (ticket id -> reason).
    reasons: dict[int, str | None]


@dataclass(frozen=True, slots=True)
class IncidentPage:
    items: list[IncidentView]
    total: int
    limit: int
    offset: int


def _title(ticket: Ticket, text: str) -> str:
    if ticket.subject:
        return ticket.subject[:300]
    first = " ".join(text.split())
    for stop in (". ", "! ", "? "):
        if stop in first:
            first = first.split(stop, 1)[0]
    return first if len(first) <= 120 else first[:119] + "…"


def _first_text(session: Session, ticket: Ticket) -> str:
    messages = ticket.messages
    if not messages:
        return ""
    first = messages[0]
    return matching.statement(first.text, first.analysis)


def _current_incident(session: Session, ticket_id: int) -> int | None:
    found: int | None = session.scalar(
        select(func.min(incident_tickets.c.incident_id))
        .join(Incident, Incident.id == incident_tickets.c.incident_id)
        .where(incident_tickets.c.ticket_id == ticket_id, Incident.status.not_in(CLOSED))
    )
    return found


def _link_rows(session: Session, incident_id: int, rows: Sequence[tuple[int, str | None]], at: datetime) -> None:
    if rows:
        session.execute(
            insert(incident_tickets),
            [{"incident_id": incident_id, "ticket_id": tid, "linked_at": at, "reason": why} for tid, why in rows],
        )


def _match(session: Session, ticket: Ticket) -> MatchResult:
    settings = settings_of(session)
    already = _current_incident(session, ticket.id)
    if already is not None:
        return MatchResult(ticket.id, already, False, None, "already in this incident")
    text = _first_text(session, ticket)
    if not text.strip():
        return MatchResult(ticket.id, None, False, None, None)
    cfg = matching.config(settings.incident_threshold, settings.incident_window_hours)
    found = matching.find(
        session, ticket_id=ticket.id, customer_id=ticket.customer_id, created_at=ticket.created_at, text=text, cfg=cfg
    )
    if found is None:
        return MatchResult(ticket.id, None, False, None, None)
    now = utcnow()
    if found.incident_id is not None:
        _link_rows(session, found.incident_id, [(ticket.id, found.reason)], now)
        return MatchResult(ticket.id, found.incident_id, False, found.ticket_id, found.reason)
    other = session.get(Ticket, found.ticket_id)
    assert other is not None  # find() checked it exists
    incident = Incident(
        title=_title(other, _first_text(session, other)),
        status="open",
        summary=f"grouped automatically: ticket {ticket.id} {found.reason}",
        first_seen_at=min(other.created_at, ticket.created_at),
        created_at=now,
    )
    session.add(incident)
    session.flush()
    _link_rows(
        session,
        incident.id,
        [(other.id, f"grouped with ticket {ticket.id} from another customer"), (ticket.id, found.reason)],
        now,
    )
    return MatchResult(ticket.id, incident.id, True, other.id, found.reason)


def match_new_ticket(session: Session, ticket: Ticket) -> MatchResult | None:
    """Match a ticket being created, inside the caller's transaction (no commit). Off with HEARTDESK_INCIDENT_AUTO_MATCH=0."""
    if not settings_of(session).incident_auto_match:
        return None
    session.flush()
    return _match(session, ticket)


def match_ticket(*, session: Session, ticket_id: int) -> MatchResult:
    """Match an existing ticket now (whatever the auto-match setting): link it, open an incident, or nothing."""
    with unit(session):
        ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).one_or_none()
        if ticket is None:
            raise NotFound("E503", f"no ticket {ticket_id}")
        result = _match(session, ticket)
    return result


def load_incident(session: Session, incident_id: int, *, lock: bool = False) -> Incident:
    query = select(Incident).where(Incident.id == incident_id).execution_options(populate_existing=True)
    found = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if found is None:
        raise NotFound("E504", f"no incident {incident_id}")
    return found


def _open_for_change(session: Session, incident_id: int) -> Incident:
    incident = load_incident(session, incident_id, lock=True)
    if incident.status in CLOSED:
        where = f" into incident {incident.merged_into_id}" if incident.merged_into_id else ""
        raise InvalidTransition("E580", f"incident {incident_id} is {incident.status}{where}: it takes no changes")
    return incident


def _members(session: Session, incident_id: int) -> dict[int, str | None]:
    rows = session.execute(
        select(incident_tickets.c.ticket_id, incident_tickets.c.reason).where(incident_tickets.c.incident_id == incident_id)
    )
    return {tid: why for tid, why in rows}


def _views(session: Session, incidents: Sequence[Incident]) -> list[IncidentView]:
    ids = [i.id for i in incidents]
    links: dict[int, dict[int, str | None]] = {i: {} for i in ids}
    if ids:
        for iid, tid, why in session.execute(
            select(incident_tickets.c.incident_id, incident_tickets.c.ticket_id, incident_tickets.c.reason).where(
                incident_tickets.c.incident_id.in_(ids)
            )
        ):
            links[iid][tid] = why
    wanted = sorted({t for m in links.values() for t in m})
    tickets = {
        t.id: t
        for t in session.scalars(
            select(Ticket).where(Ticket.id.in_(wanted)).options(selectinload(Ticket.customer), selectinload(Ticket.messages))
        )
    }
    out = []
    for incident in incidents:
        mine = [tickets[t] for t in sorted(links[incident.id]) if t in tickets]
        customers: dict[int, Customer] = {t.customer_id: t.customer for t in mine}
        tiers: dict[str, int] = {}
        for c in customers.values():
            tiers[c.tier] = tiers.get(c.tier, 0) + 1
        reach = len({t.customer_id for t in mine if t.status in OPEN_TICKETS})
        out.append(IncidentView(incident, mine, len(customers), reach, tiers, links[incident.id]))
    return out


def get_incident(*, session: Session, incident_id: int) -> IncidentView:
    """The incident with its tickets, customers affected, their tiers and reach."""
    with unit(session, write=False):
        return _views(session, [load_incident(session, incident_id)])[0]


def list_incidents(
    *, session: Session, status: str | Sequence[str] | None = None, limit: int = 50, offset: int = 0
) -> IncidentPage:
    """A page of incidents, newest first, with the total matching the status filter."""
    page_bounds(session, limit, offset)
    statuses = [status] if isinstance(status, str) else list(status or [])
    for s in statuses:
        choice(s, "status", INCIDENT_STATUSES)
    query = select(Incident)
    if statuses:
        query = query.where(Incident.status.in_(statuses))
    with unit(session, write=False):
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(Incident.created_at.desc(), Incident.id.desc())
            .limit(limit)
            .offset(offset)
            .execution_options(populate_existing=True)
        ).all()
        items = _views(session, list(rows))
    return IncidentPage(items, total, limit, offset)


def link_ticket(*, session: Session, incident_id: int, ticket_id: int, reason: str | None = None) -> IncidentView:
    """Put a ticket in an unresolved incident by hand. A ticket already in an unresolved incident -> E582."""
    why = clean_text(reason, "reason", limit=2000, required=False) or "linked by hand"
    with unit(session):
        _open_for_change(session, incident_id)
        # The ticket row is locked too: two links of one ticket to two incidents queue, and the second sees the first.
        if session.scalars(select(Ticket.id).where(Ticket.id == ticket_id).with_for_update()).one_or_none() is None:
            raise NotFound("E503", f"no ticket {ticket_id}")
        current = _current_incident(session, ticket_id)
        if current is not None:
            raise InvalidTransition(
                "E582", f"ticket {ticket_id} is already in incident {current}: unlink it there first, or merge the incidents"
            )
        _link_rows(session, incident_id, [(ticket_id, why)], utcnow())
        view = _views(session, [load_incident(session, incident_id)])[0]
    return view


def unlink_ticket(*, session: Session, incident_id: int, ticket_id: int) -> IncidentView:
    """Take a ticket out of an unresolved incident (E581 if it is not in it)."""
    with unit(session):
        _open_for_change(session, incident_id)
        if ticket_id not in _members(session, incident_id):
            raise InvalidTransition("E581", f"ticket {ticket_id} is not in incident {incident_id}")
        session.execute(
            delete(incident_tickets).where(
                incident_tickets.c.incident_id == incident_id, incident_tickets.c.ticket_id == ticket_id
            )
        )
        view = _views(session, [load_incident(session, incident_id)])[0]
    return view


def merge_incidents(*, session: Session, into_id: int, from_ids: Sequence[int]) -> IncidentView:
    """Move every ticket of ``from_ids`` into ``into_id``; the others become "merged" (kept, pointing at it)."""
    sources = list(from_ids)
    if not sources:
        raise ValidationError("E583", "give at least one incident to merge", field="from")
    if len(set(sources)) != len(sources) or into_id in sources:
        raise ValidationError("E583", "the incidents to merge must be distinct and not the target itself", field="from")
    now = utcnow()
    with unit(session):
        # Lock in id order so two merges touching the same incidents queue instead of deadlocking.
        locked = {i: _open_for_change(session, i) for i in sorted([into_id, *sources])}
        target = locked[into_id]
        have = _members(session, into_id)
        for sid in sources:
            source = locked[sid]
            moved = [t for t in sorted(_members(session, sid)) if t not in have]
            _link_rows(session, into_id, [(t, f"merged from incident {sid}") for t in moved], now)
            have.update(dict.fromkeys(moved))
            session.execute(delete(incident_tickets).where(incident_tickets.c.incident_id == sid))
            source.status, source.merged_into_id = "merged", into_id
            target.first_seen_at = min(target.first_seen_at, source.first_seen_at)
            if source.escalated_at is not None and (target.escalated_at is None or source.escalated_at < target.escalated_at):
                target.escalated_at = source.escalated_at
        session.flush()
        view = _views(session, [target])[0]
    return view


def split_incident(*, session: Session, incident_id: int, ticket_ids: Sequence[int], title: str | None = None) -> IncidentView:
    """Move the given tickets of an incident to a new incident (the one returned); at least one must stay."""
    moving = list(ticket_ids)
    if not moving or len(set(moving)) != len(moving):
        raise ValidationError("E584", "give one or more distinct ticket ids to move", field="ticket_ids")
    name = clean_text(title, "title", limit=300, required=False)
    now = utcnow()
    with unit(session):
        source = _open_for_change(session, incident_id)
        members = _members(session, incident_id)
        strangers = [t for t in moving if t not in members]
        if strangers:
            raise InvalidTransition("E581", f"tickets {strangers} are not in incident {incident_id}")
        if len(moving) == len(members):
            raise InvalidTransition("E585", f"splitting every ticket out would leave incident {incident_id} empty")
        first = session.scalars(select(Ticket).where(Ticket.id.in_(moving)).options(selectinload(Ticket.messages))).all()
        earliest = min(first, key=lambda t: (t.created_at, t.id))
        new = Incident(
            title=name or _title(earliest, _first_text(session, earliest)),
            status="open",
            summary=f"split from incident {incident_id}",
            first_seen_at=earliest.created_at,
            created_at=now,
        )
        session.add(new)
        session.flush()
        session.execute(
            delete(incident_tickets).where(
                incident_tickets.c.incident_id == incident_id, incident_tickets.c.ticket_id.in_(moving)
            )
        )
        _link_rows(session, new.id, [(t, f"split from incident {incident_id}") for t in sorted(moving)], now)
        rest = session.scalar(
            select(func.min(Ticket.created_at))
            .join(incident_tickets, incident_tickets.c.ticket_id == Ticket.id)
            .where(incident_tickets.c.incident_id == incident_id)
        )
        if rest is not None:
            source.first_seen_at = rest
        session.flush()
        view = _views(session, [new])[0]
    return view
