"""The desk's tables, as SQLAlchemy 2 typed ORM models.

Portable on purpose: strings with CHECK constraints instead of native enums
(adding a status is then a one-line migration on both servers), ``JSON`` for
analyses and authority limits, and one ``UTCDateTime`` type that stores UTC and
always hands back timezone-aware datetimes (SQLite keeps no zone of its own).
Constraint names follow a convention so Alembic can alter them on SQLite too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

TICKET_STATUSES = ("new", "open", "pending", "escalated", "resolved", "closed")
SEVERITIES = ("service_down", "blocked", "degraded", "question", "feedback")
AGENT_ROLES = ("agent", "lead", "manager", "admin")
#: The escalation path, in order.
LEVELS = ("agent", "lead", "manager", "engineering")
MESSAGE_ROLES = ("customer", "agent")
#: An incident's life: open when grouped, then the statuses engineering posts back; merged ones live on in another.
INCIDENT_STATUSES = ("open", "investigating", "identified", "monitoring", "resolved", "merged")
#: What engineering may post back (``POST /incidents/{id}/status``).
ENGINEERING_STATUSES = ("investigating", "identified", "monitoring", "resolved")
OUTBOX_STATUSES = ("pending", "delivered")
PROPOSED_KINDS = ("update", "resolution")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes in, UTC out; naive datetimes are refused (they are ambiguous)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    test = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {test}" if nullable else test


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), Decimal: Numeric(12, 2)}


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agents: Mapped[list[Agent]] = relationship(back_populates="team")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    #: Free text the team chooses (free, standard, premium, enterprise...); triage weights it by policy.
    tier: Mapped[str] = mapped_column(String(40), default="standard")
    monthly_value: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    #: Customer since (tenure); None when unknown.
    since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The contact history: every ticket this customer opened, oldest first.
    tickets: Mapped[list[Ticket]] = relationship(back_populates="customer", order_by="Ticket.id")

    __table_args__ = (CheckConstraint("monthly_value >= 0", name="monthly_value_not_negative"),)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="agent")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    #: The largest gesture of each kind the agent may give alone, e.g. {"credit": 25, "refund": 100}.
    authority: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="agents")

    __table_args__ = (CheckConstraint(_one_of("role", AGENT_ROLES), name="role"),)


incident_tickets = Table(
    "incident_tickets",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("linked_at", UTCDateTime(), nullable=False, default=utcnow),
    #: Why the ticket is in the incident: the matcher's reason, or "linked by hand" / "merged from incident 4".
    Column("reason", Text(), nullable=True),
)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True)
    subject: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    channel: Mapped[str] = mapped_column(String(40), default="email")
    category: Mapped[str | None] = mapped_column(String(80))
    severity: Mapped[str | None] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    #: Where on the escalation path the ticket is now (LEVELS).
    level: Mapped[str] = mapped_column(String(20), default="agent")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: When the first response is due (from severity and the SLA settings, or given).
    sla_due_at: Mapped[datetime | None]
    #: Optimistic concurrency: every UPDATE checks and bumps it, so a stale writer gets a Conflict.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: What the customer's messages say for triage, stored when they are analysed
    #: (heartdesk.desk.services.queue.message_triage): distress, findings with quotes,
    #: detected severity. NULL for rows written before revision 0002 (built on read then).
    triage: Mapped[dict[str, Any] | None]

    customer: Mapped[Customer] = relationship(back_populates="tickets")
    assignee: Mapped[Agent | None] = relationship(foreign_keys=[assignee_id])
    team: Mapped[Team | None] = relationship()
    messages: Mapped[list[Message]] = relationship(
        back_populates="ticket", order_by="Message.position", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(order_by="Assignment.id", cascade="all, delete-orphan")
    escalations: Mapped[list[Escalation]] = relationship(order_by="Escalation.id", cascade="all, delete-orphan")
    resolutions: Mapped[list[Resolution]] = relationship(order_by="Resolution.id", cascade="all, delete-orphan")
    csat: Mapped[list[Csat]] = relationship(order_by="Csat.id", cascade="all, delete-orphan")
    incidents: Mapped[list[Incident]] = relationship(secondary=incident_tickets, back_populates="tickets")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it as a plain dict)
    __table_args__ = (
        CheckConstraint(_one_of("status", TICKET_STATUSES), name="status"),
        CheckConstraint(_one_of("severity", SEVERITIES, nullable=True), name="severity"),
        CheckConstraint(_one_of("level", LEVELS), name="level"),
        Index("ix_tickets_status_created", "status", "created_at"),
    )


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    #: 0-based turn index in the conversation (the analysis contract's ``index``).
    position: Mapped[int]
    role: Mapped[str] = mapped_column(String(20))
    author: Mapped[str | None] = mapped_column(String(200))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The output contract's turn object for this message (heartdesk.analysis.contract).
    analysis: Mapped[dict[str, Any] | None]

    ticket: Mapped[Ticket] = relationship(back_populates="messages")

    __table_args__ = (
        UniqueConstraint("ticket_id", "position", name="uq_messages_ticket_position"),
        CheckConstraint(_one_of("role", MESSAGE_ROLES), name="role"),
    )


class Assignment(Base):
    """One (re)assignment, never updated: the ticket's assignment history."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    previous_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


class Escalation(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    from_level: Mapped[str] = mapped_column(String(20))
    to_level: Mapped[str] = mapped_column(String(20))
    from_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    to_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    #: The automatic rule that made this escalation (None: by hand); keeps the rules idempotent.
    rule: Mapped[str | None] = mapped_column(String(40))
    #: The incident escalated with the ticket, when the escalation was made for a whole incident.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)

    __table_args__ = (
        CheckConstraint(_one_of("from_level", LEVELS), name="from_level"),
        CheckConstraint(_one_of("to_level", LEVELS), name="to_level"),
    )


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The last status message engineering posted back, and when.
    status_message: Mapped[str | None] = mapped_column(Text)
    status_at: Mapped[datetime | None]
    #: When the incident went to engineering (by hand or by rule); set once.
    escalated_at: Mapped[datetime | None]
    #: The incident this one was merged into (status "merged").
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))

    tickets: Mapped[list[Ticket]] = relationship(secondary=incident_tickets, back_populates="incidents", order_by="Ticket.id")

    __table_args__ = (CheckConstraint(_one_of("status", INCIDENT_STATUSES), name="status"),)


class IncidentUpdate(Base):
    """A status engineering posted back, kept in order (the incident keeps only the last)."""

    __tablename__ = "incident_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint(_one_of("status", INCIDENT_STATUSES), name="status"),)


class ProposedMessage(Base):
    """A message proposed to a ticket's customer after an incident update; an agent reviews and sends it."""

    __tablename__ = "proposed_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("incident_updates.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint(_one_of("kind", PROPOSED_KINDS), name="kind"),)


class OutboxItem(Base):
    """A payload for engineering's webhook, written in the transaction that produced it, delivered later.

    Delivery claims an item by moving ``next_attempt_at`` forward, posts it, then records the
    result; a failure keeps it pending with an exponential backoff, so nothing is lost while the
    receiver is down.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(_one_of("status", OUTBOX_STATUSES), name="status"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )


class Resolution(Base):
    """How a ticket was resolved: the logical fix and the emotional one (apology, credit...)."""

    __tablename__ = "resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    logical_fix: Mapped[str] = mapped_column(Text)
    emotional_fix_kind: Mapped[str] = mapped_column(String(40))
    #: Amount of a gesture (credit 25), checked against the resolving agent's authority; None for an apology.
    emotional_fix_value: Mapped[Decimal | None]
    emotional_fix_note: Mapped[str | None] = mapped_column(Text)
    by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Csat(Base):
    __tablename__ = "csat"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    #: The resolution this rating is about: one rating per resolution.
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id", ondelete="SET NULL"), unique=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),)
