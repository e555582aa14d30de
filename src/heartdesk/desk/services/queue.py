"""The ranked queue: every open ticket with its priority, its reasons and why it waits.

Triage (``heartdesk.triage``) is pure: it ranks :class:`~heartdesk.triage.TicketSummary`
objects. The desk feeds it what it stores — the customer's tier and monthly value, the
ticket's severity (or the one the customer's words show), its created time, how often
the customer contacted us before, the incident it is linked to, and the summary of its
message analyses kept in ``tickets.triage`` (see ``_triage_store``).

Ranking 10,000 open tickets has a 200 ms budget, so the read is shaped for it: one
query of plain columns (the stored summary as text, decoded once per distinct text and
remembered; times as epoch seconds computed by the database), one for the history of
the customers waiting (earlier contacts are counted by binary search, not by a
subquery per ticket), one for incident links; then the scores of the whole queue are
computed column-wise (``_ranking``), and full priorities, reasons and the wait
explanation (``wait``) are built only for the page asked for.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from json import JSONDecoder
from json.scanner import make_scanner
from typing import Any

from sqlalchemy import Float, Integer, Text, cast, func, select
from sqlalchemy.orm import Session

from heartdesk.desk.errors import ValidationError
from heartdesk.desk.schema import TICKET_STATUSES, Customer, Incident, Message, Ticket, incident_tickets
from heartdesk.desk.services._base import unit
from heartdesk.desk.services._ranking import QueueColumns, score_columns
from heartdesk.desk.services._triage_store import (
    TRIAGE_VERSION,
    message_triage,
    summarize_stored,
    summary_from_triage,
    valid_triage,
)
from heartdesk.desk.services.people import page_bounds
from heartdesk.desk.services.wait import (
    RECENT_DAYS,
    Ahead,
    ResolutionTimes,
    ahead_kind,
    is_upset,
    wait_message,
    waiting_text,
)
from heartdesk.triage import Policy, Severity, default_policy, normalize, prioritize, to_epoch

__all__ = [
    "OPEN_STATUSES",
    "TRIAGE_VERSION",
    "QueueItem",
    "QueuePage",
    "message_triage",
    "ranked_queue",
    "summarize_stored",
    "summary_from_triage",
]

#: Statuses of the tickets in the queue: everything not yet resolved or closed.
OPEN_STATUSES = ("new", "open", "pending", "escalated")
#: Tickets that left the queue (their resolution times estimate the wait).
DONE_STATUSES = tuple(s for s in TICKET_STATUSES if s not in OPEN_STATUSES)
#: How far back a resolved ticket may have been opened to count in the estimate.
OPENED_WITHIN_DAYS = 90
#: Incidents that no longer give reach: resolved, or merged into another.
CLOSED_INCIDENTS = ("resolved", "merged")


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One open ticket in rank order."""

    id: int
    external_id: str
    #: 1-based place in the whole queue.
    position: int
    band: str
    score: int
    #: Heaviest first, each with its points: "service down for this customer (+40)".
    reasons: tuple[str, ...]
    #: Why it waits: its place and what is ahead of it, grouped by why they come first.
    waiting: str
    #: A message proposed to the customer about the wait (empathic, honest, names no one else).
    wait_message: str
    #: Minutes until it is likely resolved, from recent resolution times; None when that cannot be estimated.
    eta_minutes: int | None
    severity: Severity
    customer_external_id: str
    incident_id: int | None
    #: Customers affected by the same incident (this one included); 1 without an incident.
    reach: int


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class _Stored:
    """A stored triage summary, decoded, with what ranking reads from it pulled out once."""

    triage: dict[str, Any]
    labels: tuple[str, ...]
    severity: Severity
    distress_first: float
    distress_last: float

    @classmethod
    def of(cls, triage: dict[str, Any]) -> _Stored:
        return cls(
            triage=triage,
            labels=tuple(str(f[0]) for f in triage["findings"]),
            severity=_severity(triage["severity"]),
            distress_first=float(triage["distress_first"]),
            distress_last=float(triage["distress_last"]),
        )


# The stored summaries, decoded: raw JSON text -> _Stored, None when unusable (rebuilt from the messages).
# A queue is read again and again while few tickets change, so most reads decode nothing.
_DECODED: dict[str, _Stored | None] = {}
_DECODED_MAX = 30_000  # about 1.5 kB each: a big open queue, not the whole history
# The C scanner itself, without json.loads' per-call wrapping (a third of its cost on small texts).
_scan: Callable[[str, int], tuple[Any, int]] = make_scanner(JSONDecoder())  # type: ignore[arg-type]  # typeshed's stub is off
_SEVERITY: dict[str | None, Severity] = {}


def _decode(raw: object) -> _Stored | None:
    if isinstance(raw, dict):  # a driver that decodes JSON itself
        return _Stored.of(raw) if valid_triage(raw) else None
    if not isinstance(raw, str):
        return None
    if raw in _DECODED:
        return _DECODED[raw]
    try:
        value, _ = _scan(raw, 0)
    except (StopIteration, ValueError):
        value = None
    got = _Stored.of(value) if valid_triage(value) else None
    if len(_DECODED) >= _DECODED_MAX:
        _DECODED.clear()
    _DECODED[raw] = got
    return got


def _severity(value: str | None) -> Severity:
    found = _SEVERITY.get(value)
    if found is None:
        found = _SEVERITY[value] = normalize(value)
    return found


def _epoch_sql(session: Session, column: Any) -> Any:
    """Epoch seconds computed by the database (10,000 datetimes parsed in Python cost more than the query)."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps naive UTC text, "YYYY-MM-DD HH:MM:SS.ffffff". Whole microseconds divided once, as
        # datetime.timestamp() does: the same float to the bit (julianday() is off by up to ~40 us, which
        # moves a ticket waiting exactly 7 hours across an SLA rounding boundary).
        micros = cast(func.strftime("%s", column), Integer) * 1_000_000 + cast(func.substr(column, 21, 6), Integer)
        return micros / 1_000_000.0
    return cast(func.extract("epoch", column), Float)


def _open_rows(session: Session) -> Sequence[Any]:
    """(id, external id, customer id, customer external id, tier, value, severity, created, triage) per open ticket."""
    query = (
        select(
            Ticket.id,
            Ticket.external_id,
            Ticket.customer_id,
            Customer.external_id,
            Customer.tier,
            cast(Customer.monthly_value, Float),
            Ticket.severity,
            _epoch_sql(session, Ticket.created_at),
            cast(Ticket.triage, Text),
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.status.in_(OPEN_STATUSES))
    )
    # Core rows from the session's connection: no ORM result processing for 10,000 plain tuples.
    return session.connection().execute(query).all()


def _contacts(session: Session, rows: Sequence[Any]) -> list[int]:
    """How many tickets each open ticket's customer opened strictly before it (the repeat-contact count).

    One read of the *other* tickets of customers with something open (their history),
    then a binary search per open ticket: a correlated count per ticket cost more than
    the whole rest of the queue.
    """
    waiting_customers = select(Ticket.customer_id).where(Ticket.status.in_(OPEN_STATUSES))
    history = select(Ticket.customer_id, _epoch_sql(session, Ticket.created_at)).where(
        Ticket.status.not_in(OPEN_STATUSES), Ticket.customer_id.in_(waiting_customers)
    )
    opened: dict[int, list[float]] = {}
    for cid, created in session.connection().execute(history):
        opened.setdefault(cid, []).append(float(created))
    for row in rows:
        opened.setdefault(row[2], []).append(float(row[7]))
    for times in opened.values():
        times.sort()
    return [bisect_left(opened[row[2]], float(row[7])) for row in rows]


def _customer_turns(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[tuple[int, str, Mapping[str, Any] | None]]]:
    """The customer turns of the given open tickets (those without a stored triage summary)."""
    wanted = set(ticket_ids)
    query = (
        select(Message.ticket_id, Message.position, Message.text, Message.analysis)
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(Ticket.status.in_(OPEN_STATUSES), Message.role == "customer")
        .order_by(Message.ticket_id, Message.position)
    )
    if len(wanted) <= 500:  # a few stragglers: only theirs; many (an unmigrated desk): one pass over all
        query = query.where(Message.ticket_id.in_(sorted(wanted)))
    turns: dict[int, list[tuple[int, str, Mapping[str, Any] | None]]] = {}
    for tid, position, text, analysis in session.execute(query):
        if tid in wanted:
            turns.setdefault(tid, []).append((position, text, analysis))
    return turns


def _incident_links(session: Session) -> dict[int, int]:
    """Ticket id -> the (lowest-numbered) unresolved incident it is linked to.

    Links of every ticket, open or not (the caller looks up open ones): joining the
    tickets to filter them costs more than the few extra links of closed tickets.
    """
    query = (
        select(incident_tickets.c.ticket_id, incident_tickets.c.incident_id)
        .join(Incident, Incident.id == incident_tickets.c.incident_id)
        .where(Incident.status.not_in(CLOSED_INCIDENTS))
    )
    links: dict[int, int] = {}
    for tid, iid in session.connection().execute(query):
        if tid not in links or iid < links[tid]:
            links[tid] = iid
    return links


def _recent_resolutions(session: Session, now: float) -> ResolutionTimes:
    """How long the tickets resolved in the last RECENT_DAYS days took, by severity.

    Only tickets opened in the last OPENED_WITHIN_DAYS days are read: that bound lets the
    (status, created_at) index find them without reading a desk's whole history (there is
    no index on resolved_at), and leaves out only the rare ticket that took months.
    """
    end = datetime.fromtimestamp(now, UTC)
    query = select(
        Ticket.severity,
        cast(Ticket.triage, Text),
        _epoch_sql(session, Ticket.created_at),
        _epoch_sql(session, Ticket.resolved_at),
    ).where(
        Ticket.status.in_(DONE_STATUSES),
        Ticket.created_at > end - timedelta(days=OPENED_WITHIN_DAYS),
        Ticket.resolved_at > end - timedelta(days=RECENT_DAYS),
        Ticket.resolved_at <= end,
    )
    samples = []
    for severity, raw, created, resolved in session.connection().execute(query):
        if severity is not None:
            level = _severity(severity)
        else:
            decoded = _decode(raw)
            level = decoded.severity if decoded is not None else _severity(None)
        samples.append((level, float(resolved) - float(created)))
    return ResolutionTimes.from_samples(samples)


def ranked_queue(
    *,
    session: Session,
    policy: Policy | None = None,
    now: float | datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> QueuePage:
    """The open tickets (new, open, pending, escalated) in rank order, a page at a time.

    ``policy`` defaults to the shipped one, ``now`` to the clock (epoch seconds or an
    aware datetime). Reach is the number of distinct customers whose open tickets are
    linked to the same unresolved incident. Ties go to the longest-waiting ticket.
    """
    page_bounds(session, limit, offset)
    chosen = policy if policy is not None else default_policy()
    t_now = time.time() if now is None else (to_epoch(now) if isinstance(now, datetime) else float(now))
    if not math.isfinite(t_now):
        raise ValidationError("E535", f"now must be a finite time; got {now!r}", field="now")
    with unit(session, write=False):
        rows = _open_rows(session)
        decoded = [_decode(row[8]) for row in rows]
        contacts = _contacts(session, rows) if rows else []
        missing = [row[0] for row, d in zip(rows, decoded, strict=True) if d is None]
        turns = _customer_turns(session, missing) if missing else {}
        links = _incident_links(session) if rows else {}
        recent = _recent_resolutions(session, t_now) if len(rows) > offset else None
    stored = [
        d if d is not None else _Stored.of(message_triage(turns.get(row[0], []))) for row, d in zip(rows, decoded, strict=True)
    ]
    tiers = {t: (t or "").strip().lower() or None for t in {row[4] for row in rows}}
    customers: dict[int, set[int]] = {}
    for row in rows:
        incident = links.get(row[0])
        if incident is not None:
            customers.setdefault(incident, set()).add(row[2])
    reach = {incident: len(ids) for incident, ids in customers.items()}
    # Column by column: list comprehensions cost a fraction of one loop appending to ten lists.
    cols = QueueColumns(
        ids=[row[1] for row in rows],
        severity=[_severity(row[6]) if row[6] is not None else d.severity for row, d in zip(rows, stored, strict=True)],
        reach=[reach.get(links.get(row[0], -1), 1) for row in rows],
        labels=[d.labels for d in stored],
        distress_first=[d.distress_first for d in stored],
        distress_last=[d.distress_last for d in stored],
        tier=[tiers[row[4]] for row in rows],
        value=[None if row[5] is None else float(row[5]) for row in rows],
        contacts=contacts,
        created=[float(row[7]) for row in rows],
    )
    scored = score_columns(cols, chosen, t_now)
    items: list[QueueItem] = []
    ahead = Ahead()
    for place, i in enumerate(scored.order[: offset + limit].tolist()):
        row, severity, r = rows[i], cols.severity[i], cols.reach[i]
        incident = links.get(row[0])
        if place >= offset:
            assert recent is not None
            summary = summary_from_triage(
                row[1], stored[i].triage, severity=row[6], customer_id=str(row[2]), tier=cols.tier[i],
                monthly_value=cols.value[i], contacts=cols.contacts[i], created_at=cols.created[i],
                incident=None if incident is None else str(incident),
            )  # fmt: skip
            priority = prioritize(summary, chosen, now=t_now, reach=r)
            eta, late = recent.eta_minutes(severity, t_now - cols.created[i])
            items.append(
                QueueItem(
                    id=row[0],
                    external_id=row[1],
                    position=place + 1,
                    band=priority.band,
                    score=priority.score,
                    reasons=priority.reasons,
                    waiting=waiting_text(place + 1, ahead),
                    wait_message=wait_message(
                        position=place + 1,
                        ahead=ahead,
                        severity=severity,
                        reach=r,
                        upset=is_upset(cols.distress_first[i], cols.distress_last[i], cols.labels[i]),
                        eta_minutes=eta,
                        late=late,
                    ),
                    eta_minutes=eta,
                    severity=severity,
                    customer_external_id=row[3],
                    incident_id=incident,
                    reach=r,
                )
            )
        kind = ahead_kind(severity, overdue=bool(scored.overdue[i]), business="business_impact" in cols.labels[i])
        ahead.add(kind, customer=str(row[2]), incident=incident if r > 1 else None, severity=severity)
    return QueuePage(items=items, total=len(rows), limit=limit, offset=offset)
