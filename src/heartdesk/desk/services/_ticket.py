"""Loading a ticket for change, and analysing its conversation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heartdesk._lru import LRU
from heartdesk.desk.errors import Conflict, NotFound
from heartdesk.desk.schema import Message, Ticket
from heartdesk.model import Analysis, Conversation, Turn


def load_for_change(session: Session, ticket_id: int, *, expected_version: int | None = None) -> Ticket:
    """The ticket's current row, locked until commit (FOR UPDATE on PostgreSQL; SQLite already holds the write lock).

    The lock makes concurrent writers queue, so each reads what the previous one
    wrote (no lost update). ``expected_version`` is the version the caller showed
    its user: if the ticket moved on since, the change is refused (Conflict E515).
    """
    found = session.scalars(
        select(Ticket).where(Ticket.id == ticket_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise NotFound("E503", f"no ticket {ticket_id}")
    if expected_version is not None and found.version != expected_version:
        raise Conflict(
            "E515",
            f"ticket {ticket_id} is at version {found.version}, not {expected_version}: someone changed it; reload and retry",
        )
    return found


def conversation_of(ticket: Ticket, messages: list[Message]) -> Conversation:
    customer = ticket.customer
    return Conversation(
        id=ticket.external_id,
        turns=tuple(
            Turn(role="customer" if m.role == "customer" else "agent", text=m.text, at=m.at, author=m.author) for m in messages
        ),
        channel=ticket.channel,
        customer={"id": customer.external_id, "tier": customer.tier, "monthly_value": float(customer.monthly_value)},
    )


def _key(conversation: Conversation, n: int) -> tuple[object, ...]:
    return (conversation.id, conversation.channel, tuple((t.role, t.text, t.at, t.end, t.author) for t in conversation.turns[:n]))


#: The analyses of the conversations this process analysed last, by their turns. An agent's reply
#: extends the conversation by one turn, and the turns before it read the same as they did
#: (``Pipeline.extend``): with the previous analysis at hand only the reply is analysed, not the
#: whole conversation again. A customer message, or a conversation this process has not seen
#: (another worker wrote it, or a restart), is analysed whole.
_recent: LRU[tuple[object, ...], Analysis] = LRU(2048)


def analyze_turns(conversation: Conversation) -> list[dict[str, Any]]:
    """The output contract's turn objects for every message (a seam the tests replace to simulate failures)."""
    from heartdesk.analysis.contract import analysis_to_dict
    from heartdesk.signals.pipeline import default_pipeline

    pipeline = default_pipeline()
    n = len(conversation.turns)
    prefix = _recent.get(_key(conversation, n - 1)) if n > 1 and conversation.turns[-1].role == "agent" else None
    analysis = pipeline.extend(prefix, conversation.turns[-1]) if prefix is not None else pipeline.analyze(conversation)
    _recent.put(_key(conversation, n), analysis)
    turns: list[dict[str, Any]] = analysis_to_dict(analysis)["turns"]
    return turns


def store_analysis(ticket: Ticket, messages: list[Message]) -> None:
    """(Re-)analyse the whole conversation: findings that depend on earlier turns change as it grows."""
    turns = analyze_turns(conversation_of(ticket, messages))
    for message, turn in zip(messages, turns, strict=True):
        if message.analysis != turn:
            message.analysis = turn
    store_triage(ticket, messages, turns)


def store_triage(ticket: Ticket, messages: list[Message], turns: list[dict[str, Any]]) -> None:
    """Write the ticket's triage summary (what its customer messages say) from the fresh analysis."""
    from heartdesk.desk.services.queue import message_triage

    triage = message_triage([(m.position, m.text, t) for m, t in zip(messages, turns, strict=True) if m.role == "customer"])
    if ticket.triage != triage:
        ticket.triage = triage
