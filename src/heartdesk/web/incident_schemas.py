"""Request and response models of the incident routes (same conventions as web/schemas.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from heartdesk.desk.services import IncidentView
from heartdesk.web.schemas import EscalationOut, RequestModel, ResponseModel


class MergeRequest(RequestModel):
    from_: list[int] = Field(alias="from", description="Incidents whose tickets move into this one.")


class SplitRequest(RequestModel):
    ticket_ids: list[int] = Field(description="Tickets of this incident that move to a new incident.")
    title: str | None = None


class LinkRequest(RequestModel):
    ticket_id: int
    reason: str | None = None


class StatusRequest(RequestModel):
    status: str = Field(description="investigating, identified, monitoring or resolved.")
    message: str = Field(description="What engineering says; quoted in the message proposed to each customer.")
    at: datetime | None = None


class IncidentEscalateRequest(RequestModel):
    reason: str
    by_agent_id: int | None = None
    at: datetime | None = None


class IncidentTicketOut(BaseModel):
    id: int
    external_id: str
    status: str
    level: str
    severity: str | None
    created_at: datetime
    customer_id: int
    customer_external_id: str
    tier: str
    reason: str | None = Field(description="Why the ticket is in the incident.")


class IncidentOut(ResponseModel):
    id: int
    title: str
    status: str
    summary: str | None
    first_seen_at: datetime
    resolved_at: datetime | None
    created_at: datetime
    status_message: str | None
    status_at: datetime | None
    escalated_at: datetime | None
    merged_into_id: int | None


class IncidentDetail(IncidentOut):
    customers_affected: int
    reach: int = Field(description="Customers with an open ticket in the incident: what triage counts.")
    tiers: dict[str, int]
    tickets: list[IncidentTicketOut]


class IncidentPageOut(BaseModel):
    items: list[IncidentDetail]
    total: int
    limit: int
    offset: int


class IncidentUpdateOut(ResponseModel):
    id: int
    incident_id: int
    status: str
    message: str
    at: datetime


class ProposedMessageOut(ResponseModel):
    id: int
    ticket_id: int
    incident_id: int | None
    update_id: int | None
    kind: str = Field(description="update or resolution.")
    text: str
    created_at: datetime


class StatusOut(BaseModel):
    incident: IncidentOut
    update: IncidentUpdateOut
    proposed: list[ProposedMessageOut]


class UpdatesOut(BaseModel):
    updates: list[IncidentUpdateOut]
    proposed: list[ProposedMessageOut]


class OutboxItemOut(ResponseModel):
    id: int
    kind: str
    incident_id: int | None
    ticket_id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class OutboxPageOut(BaseModel):
    items: list[OutboxItemOut]
    total: int
    limit: int
    offset: int


class EngineeringOut(BaseModel):
    incident: IncidentOut
    escalations: list[EscalationOut]
    outbox_item: OutboxItemOut


def detail(view: IncidentView) -> IncidentDetail:
    base = IncidentOut.model_validate(view.incident).model_dump()
    return IncidentDetail(
        **base,
        customers_affected=view.customers_affected,
        reach=view.reach,
        tiers=view.tiers,
        tickets=[
            IncidentTicketOut(
                id=t.id,
                external_id=t.external_id,
                status=t.status,
                level=t.level,
                severity=t.severity,
                created_at=t.created_at,
                customer_id=t.customer_id,
                customer_external_id=t.customer.external_id,
                tier=t.customer.tier,
                reason=view.reasons.get(t.id),
            )
            for t in view.tickets
        ],
    )
