"""The ranked queue: open tickets in the order to work them, each with its reasons, why it waits and what to tell the customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from heartdesk.desk import services
from heartdesk.web.deps import SessionDep
from heartdesk.web.schemas import ErrorOut

_ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (422,)}

router = APIRouter(prefix="/queue", tags=["queue"], responses=_ERRORS)


class QueueItemOut(BaseModel):
    id: int
    external_id: str
    position: int = Field(description="1-based place in the whole queue.")
    band: str = Field(description="P1 (first) .. P4.")
    score: int
    reasons: list[str] = Field(description='Heaviest first, each with its points: "service down for this customer (+40)".')
    waiting: str = Field(
        description="Why it waits: its place and what is ahead, grouped by why they come first "
        '("number 4 in the queue, 3 tickets ahead: a customer whose service is down, '
        '2 customers affected by an outage (incident 2)").'
    )
    wait_message: str = Field(
        description="A message proposed to the customer about the wait: empathic, truthful, naming no one else, "
        "with an estimated time only when recent resolutions of the same severity allow one."
    )
    eta_minutes: int | None = Field(
        description="Minutes until it is likely resolved (median of recent resolutions of the same severity, "
        "minus the time already waited); null when that cannot be estimated."
    )
    severity: str
    customer_external_id: str
    incident_id: int | None
    reach: int = Field(description="Customers affected by the same incident, this one included.")


class QueuePageOut(BaseModel):
    items: list[QueueItemOut]
    total: int = Field(description="Open tickets in the queue, over all pages.")
    limit: int
    offset: int


@router.get("")
def ranked_queue(
    session: SessionDep,
    limit: Annotated[int, Query(description="Page size (at most HEARTDESK_MAX_PAGE_SIZE).")] = 50,
    offset: int = 0,
) -> QueuePageOut:
    """The open tickets (new, open, pending, escalated) in rank order under the default triage policy."""
    page = services.ranked_queue(session=session, limit=limit, offset=offset)
    return QueuePageOut(
        items=[
            QueueItemOut(
                id=i.id,
                external_id=i.external_id,
                position=i.position,
                band=i.band,
                score=i.score,
                reasons=list(i.reasons),
                waiting=i.waiting,
                wait_message=i.wait_message,
                eta_minutes=i.eta_minutes,
                severity=i.severity,
                customer_external_id=i.customer_external_id,
                incident_id=i.incident_id,
                reach=i.reach,
            )
            for i in page.items
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )
