"""The ranked queue: every open ticket with its priority, its reasons and why it waits.

Triage (``heartdesk.triage``) is pure: it ranks :class:`~heartdesk.triage.TicketSummary`
objects. This module builds those summaries from what the desk stores — the
customer's tier and monthly value, the ticket's severity (or the one the customer's
words show), its created time, how often the customer contacted us before, the
incident it is linked to, and the distress and findings of the stored message
analyses (the output contract's turn objects) — then ranks them.

What comes from the messages (distress, findings with their quotes, the severity the
words show) is stored in ``tickets.triage`` when they are analysed
(:func:`message_triage`); the rest (tier, value, contacts, incident, a given severity)
can change without a new message and is read fresh. So ranking reads the open queue
in two flat queries (tickets with their customer and stored summary, the incident
links) and then does arithmetic: reasons are written only for the page asked for.
Tickets without a stored summary (written before revision 0002) have it built from
their stored message analyses, in one more query.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from heartdesk.desk.errors import ValidationError
from heartdesk.desk.schema import Customer, Incident, Message, Ticket, incident_tickets
from heartdesk.desk.services._base import unit
from heartdesk.desk.services.people import page_bounds
from heartdesk.model import NEGATIVE_EMOTIONS, PRESENT
from heartdesk.triage import Policy, Severity, TicketSummary, default_policy, normalize, rank, to_epoch
from heartdesk.triage.severity import SeverityRules, default_rules
from heartdesk.triage.summary import QUOTE_CHARS

#: Statuses of the tickets in the queue: everything not yet resolved or closed.
OPEN_STATUSES = ("new", "open", "pending", "escalated")

#: How the tickets ahead read in "waiting behind ...", most severe first.
WAITING_TEXT: Mapping[str, str] = {
    "service_down": "with a service outage",
    "blocked": "with a blocked customer",
    "degraded": "with something not working as it should",
    "question": "with a question",
    "feedback": "with feedback",
}


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
    #: Why it waits: its place and what outranks it.
    waiting: str
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


@cache
def _rules() -> SeverityRules:
    return default_rules()


def _quote(text: str, start: int, end: int) -> str:
    q = " ".join(text[start:end].split())
    return q if len(q) <= QUOTE_CHARS else q[: QUOTE_CHARS - 1] + "…"


def _distress(turn: Mapping[str, Any]) -> float | None:
    emotion = turn.get("emotion")
    if not isinstance(emotion, Mapping):
        return None
    scores = emotion.get("scores")
    if not isinstance(scores, Mapping):
        return None
    return float(sum(float(v) for k, v in scores.items() if k in NEGATIVE_EMOTIONS))


@dataclass(slots=True)
class _Row:
    id: int
    external_id: str
    customer_id: int
    customer_external_id: str
    tier: str | None
    monthly_value: float | None
    severity: str | None
    created_at: float
    contacts: int
    triage: Mapping[str, Any] | None = None
    incident_id: int | None = None


#: Version of the stored ``tickets.triage`` dict; a stored dict of another version is rebuilt on read.
TRIAGE_VERSION = 1


def message_triage(customer_turns: Sequence[tuple[int, str, Mapping[str, Any] | None]]) -> dict[str, Any]:
    """What the customer's messages say for triage, as stored in ``tickets.triage``.

    ``customer_turns`` are (position, text, analysis turn object). Mirrors
    :func:`heartdesk.triage.summarize` (which needs a live Analysis): distress from
    the first and last customer emotions, the first present occurrence of each
    finding label with its quote, and the severity detected from the words (kept
    even when the ticket has a severity, which can change without a new message).
    Everything else in a summary (tier, value, contacts, incident, the given
    severity) is read fresh when ranking.
    """
    distresses: list[float] = []
    found: dict[str, str] = {}
    for _, text, turn in customer_turns:
        if not isinstance(turn, Mapping):
            continue
        d = _distress(turn)
        if d is not None:
            distresses.append(d)
        for f in turn.get("findings") or ():
            label = f.get("label")
            if not isinstance(label, str) or label in found or float(f.get("confidence", 0.0)) < PRESENT:
                continue
            found[label] = _quote(text, int(f.get("start", 0)), int(f.get("end", 0)))
    detected = _rules().detect((index, text) for index, text, _ in customer_turns)
    evidence = ""
    if detected.turn is not None:
        text_of = {index: text for index, text, _ in customer_turns}
        evidence = _quote(text_of[detected.turn], detected.start, detected.end)
    return {
        "v": TRIAGE_VERSION,
        "distress_first": round(distresses[0], 3) if distresses else 0.0,
        "distress_last": round(distresses[-1], 3) if distresses else 0.0,
        "findings": [[label, quote] for label, quote in found.items()],
        "severity": detected.level,
        "severity_evidence": evidence,
    }


def _valid_triage(stored: object) -> bool:
    """A stored summary this version wrote (anything else is rebuilt from the messages)."""
    return isinstance(stored, dict) and stored.get("v") == TRIAGE_VERSION


def summary_from_triage(
    ticket_external_id: str,
    triage: Mapping[str, Any],
    *,
    severity: str | None = None,
    customer_id: str | None = None,
    tier: str | None = None,
    monthly_value: float | None = None,
    contacts: int = 0,
    created_at: float | None = None,
    incident: str | None = None,
) -> TicketSummary:
    """The triage summary from a :func:`message_triage` dict and the ticket's current fields.

    A given ``severity`` (the ticket's column) wins over the one detected from the words.
    """
    if severity is not None:
        level, evidence, given = normalize(severity), "", True
    else:
        level, evidence, given = normalize(triage["severity"]), str(triage["severity_evidence"]), False
    return TicketSummary(
        id=ticket_external_id,
        severity=level,
        severity_evidence=evidence,
        severity_given=given,
        incident=incident,
        customer_id=customer_id,
        tier=tier,
        monthly_value=monthly_value,
        contacts=contacts,
        created_at=created_at,
        distress_first=float(triage["distress_first"]),
        distress_last=float(triage["distress_last"]),
        findings=tuple((str(label), str(quote)) for label, quote in triage["findings"]),
    )


def summarize_stored(
    ticket_external_id: str,
    *,
    customer_turns: Sequence[tuple[int, str, Mapping[str, Any] | None]],
    severity: str | None = None,
    customer_id: str | None = None,
    tier: str | None = None,
    monthly_value: float | None = None,
    contacts: int = 0,
    created_at: float | None = None,
    incident: str | None = None,
) -> TicketSummary:
    """The triage summary of a stored ticket: ``customer_turns`` are (position, text, stored analysis).

    :func:`message_triage` then :func:`summary_from_triage`: the read-time fallback for
    tickets without a stored ``triage`` (rows written before revision 0002).
    """
    return summary_from_triage(
        ticket_external_id,
        message_triage(customer_turns),
        severity=severity,
        customer_id=customer_id,
        tier=tier,
        monthly_value=monthly_value,
        contacts=contacts,
        created_at=created_at,
        incident=incident,
    )


def _open_rows(session: Session) -> dict[int, _Row]:
    earlier = aliased(Ticket)
    contacts = (
        select(func.count(earlier.id))
        .where(earlier.customer_id == Ticket.customer_id, earlier.created_at < Ticket.created_at)
        .correlate(Ticket)
        .scalar_subquery()
    )
    query = (
        select(
            Ticket.id,
            Ticket.external_id,
            Ticket.customer_id,
            Customer.external_id,
            Customer.tier,
            Customer.monthly_value,
            Ticket.severity,
            Ticket.created_at,
            contacts,
            Ticket.triage,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.status.in_(OPEN_STATUSES))
    )
    rows: dict[int, _Row] = {}
    # Core rows from the session's connection: no ORM result processing for 10,000 plain tuples.
    for tid, ext, cid, cext, tier, value, severity, created, n, triage in session.connection().execute(query):
        rows[tid] = _Row(
            id=tid,
            external_id=ext,
            customer_id=cid,
            customer_external_id=cext,
            tier=(tier or "").strip().lower() or None,
            monthly_value=None if value is None else float(value),
            severity=severity,
            created_at=to_epoch(created),
            contacts=int(n or 0),
            triage=triage if _valid_triage(triage) else None,
        )
    return rows


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
    """Ticket id -> the (lowest-numbered) unresolved incident it is linked to."""
    query = (
        select(incident_tickets.c.ticket_id, func.min(incident_tickets.c.incident_id))
        .join(Incident, Incident.id == incident_tickets.c.incident_id)
        .join(Ticket, Ticket.id == incident_tickets.c.ticket_id)
        .where(Ticket.status.in_(OPEN_STATUSES), Incident.status != "resolved")
        .group_by(incident_tickets.c.ticket_id)
    )
    return {tid: iid for tid, iid in session.execute(query)}


def _plural(n: int) -> str:
    return "1 ticket" if n == 1 else f"{n} tickets"


def waiting_text(position: int, ahead: Mapping[str, int]) -> str:
    """Why the ticket at ``position`` (1-based) waits, from the severities of the tickets ahead of it."""
    if position == 1:
        return "first in the queue: nothing outranks it"
    n = position - 1
    groups = [(ahead[s], WAITING_TEXT[s]) for s in WAITING_TEXT if ahead.get(s)]
    if len(groups) == 1:
        behind = f"waiting behind {_plural(n)} {groups[0][1]}"
    else:
        behind = f"waiting behind {_plural(n)}: " + ", ".join(f"{k} {text}" for k, text in groups)
    return f"number {position} in the queue, {behind}"


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
        missing = [row.id for row in rows.values() if row.triage is None]
        turns = _customer_turns(session, missing) if missing else {}
        links = _incident_links(session) if rows else {}
    by_ext: dict[str, _Row] = {}
    summaries: list[TicketSummary] = []
    for row in rows.values():
        row.incident_id = links.get(row.id)
        by_ext[row.external_id] = row
        summaries.append(
            summary_from_triage(
                row.external_id,
                row.triage if row.triage is not None else message_triage(turns.get(row.id, [])),
                severity=row.severity,
                customer_id=str(row.customer_id),
                tier=row.tier,
                monthly_value=row.monthly_value,
                contacts=row.contacts,
                created_at=row.created_at,
                incident=None if row.incident_id is None else str(row.incident_id),
            )
        )
    ranked = rank(summaries, chosen, now=t_now)
    items: list[QueueItem] = []
    ahead: dict[str, int] = {}
    for i, r in enumerate(ranked[: offset + limit]):
        if i >= offset:
            row = by_ext[r.ticket.id]
            items.append(
                QueueItem(
                    id=row.id,
                    external_id=row.external_id,
                    position=i + 1,
                    band=r.priority.band,
                    score=r.priority.score,
                    reasons=r.priority.reasons,
                    waiting=waiting_text(i + 1, ahead),
                    severity=r.ticket.severity,
                    customer_external_id=row.customer_external_id,
                    incident_id=row.incident_id,
                    reach=r.reach,
                )
            )
        sev = r.ticket.severity
        ahead[sev] = ahead.get(sev, 0) + 1
    return QueuePage(items=items, total=len(ranked), limit=limit, offset=offset)
