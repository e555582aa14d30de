"""Request and response models of the HTTP API.

Requests forbid unknown fields: a misspelt ``custmer_id`` must be an error, not a
silently ignored key that turns into a ticket without its customer. They check only
the shape (types, required fields); the desk's services own every rule about values
(lengths, allowed statuses, money, time zones), so the API and the Python API can
never disagree and each rule lives once. Responses are read from the ORM rows.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------------------------------------------------------------- people
class CustomerCreate(RequestModel):
    external_id: str = Field(description="Your id for the customer (unique).")
    name: str | None = None
    email: str | None = None
    tier: str = Field("standard", description="A short lower-case word: free, standard, premium, enterprise...")
    monthly_value: Decimal = Field(Decimal("0"), description="What the customer pays per month.")
    since: datetime | None = Field(None, description="Customer since (timezone-aware).")


class CustomerOut(ResponseModel):
    id: int
    external_id: str
    name: str
    email: str | None
    tier: str
    monthly_value: Decimal
    since: datetime | None
    created_at: datetime


class AgentCreate(RequestModel):
    name: str
    email: str
    role: str = Field("agent", description="agent, lead, manager or admin.")
    team_id: int | None = None
    authority: dict[str, Decimal] | None = Field(
        None, description='Largest gesture of each kind the agent may give alone, e.g. {"credit": 25}.'
    )


class AgentOut(ResponseModel):
    id: int
    name: str
    email: str
    role: str
    team_id: int | None
    authority: dict[str, float]
    active: bool
    created_at: datetime


# ---------------------------------------------------------------- tickets
class TicketCreate(RequestModel):
    """A ticket and its first (customer) message. Give ``customer_id`` or ``customer``, not both."""

    external_id: str = Field(description="Your id for the ticket (unique).")
    text: str = Field(description="The customer's first message.")
    customer_id: int | None = None
    customer: CustomerCreate | None = Field(None, description="Found by external id, created when new.")
    channel: str = "email"
    subject: str | None = None
    category: str | None = None
    severity: str | None = Field(None, description="service_down, blocked, degraded, question or feedback.")
    team_id: int | None = None
    author: str | None = None
    at: datetime | None = None
    sla_due_at: datetime | None = None


class MessageCreate(RequestModel):
    role: str = Field(description="customer or agent.")
    text: str
    author: str | None = None
    agent_id: int | None = None
    at: datetime | None = None
    wait_for_customer: bool = Field(False, description="After an agent message, put the ticket in pending.")


class AssignRequest(RequestModel):
    agent_id: int
    by_agent_id: int | None = None
    reason: str | None = None
    expected_version: int | None = Field(None, description="The version the caller saw; a newer one -> 409 E515.")


class ReassignRequest(RequestModel):
    agent_id: int
    reason: str
    by_agent_id: int | None = None
    expected_version: int | None = None


class EscalateRequest(RequestModel):
    reason: str
    to_level: str | None = Field(None, description="lead, manager or engineering (default: the next level).")
    to_agent_id: int | None = None
    by_agent_id: int | None = None
    expected_version: int | None = None


class ResolveRequest(RequestModel):
    by_agent_id: int
    logical_fix: str = Field(description="What was done about the problem.")
    emotional_fix_kind: str = Field(description="What was done for the person: apology, credit, refund...")
    emotional_fix_value: Decimal | None = None
    emotional_fix_note: str | None = None
    at: datetime | None = None
    expected_version: int | None = None


class VersionRequest(RequestModel):
    """An optional body for changes that need no input (close, reopen)."""

    expected_version: int | None = None


class CsatCreate(RequestModel):
    score: int = Field(description="1 to 5.")
    comment: str | None = None
    at: datetime | None = None


class MessageOut(ResponseModel):
    id: int
    position: int
    role: str
    author: str | None
    agent_id: int | None
    text: str
    at: datetime
    analysis: dict[str, Any] | None = Field(description="The analysis contract's turn object for this message.")


class AssignmentOut(ResponseModel):
    id: int
    ticket_id: int
    agent_id: int | None
    previous_agent_id: int | None
    by_agent_id: int | None
    at: datetime
    reason: str | None


class EscalationOut(ResponseModel):
    id: int
    ticket_id: int
    from_level: str
    to_level: str
    from_agent_id: int | None
    to_agent_id: int | None
    by_agent_id: int | None
    at: datetime
    reason: str


class ResolutionOut(ResponseModel):
    id: int
    ticket_id: int
    logical_fix: str
    emotional_fix_kind: str
    emotional_fix_value: Decimal | None
    emotional_fix_note: str | None
    by_agent_id: int | None
    at: datetime


class CsatOut(ResponseModel):
    id: int
    ticket_id: int
    resolution_id: int | None
    score: int
    comment: str | None
    at: datetime


class TicketOut(ResponseModel):
    """A ticket without its conversation (lists)."""

    id: int
    external_id: str
    customer_id: int
    subject: str | None
    status: str
    channel: str
    category: str | None
    severity: str | None
    assignee_id: int | None
    team_id: int | None
    level: str
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    sla_due_at: datetime | None
    version: int = Field(description="Send it back as expected_version to refuse changes made meanwhile.")


class TicketDetail(TicketOut):
    """A ticket with its conversation (each message with its analysis) and its history."""

    customer: CustomerOut
    messages: list[MessageOut]
    assignments: list[AssignmentOut]
    escalations: list[EscalationOut]
    resolutions: list[ResolutionOut]
    csat: list[CsatOut]


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int = Field(description="How many tickets match the filters, over all pages.")
    limit: int
    offset: int


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code, listed in docs/errors.md.")
    message: str
    field: str | None = Field(None, description="The input field to blame, when there is one.")


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: ErrorDetail
