"""The ranked queue: open tickets in the order to work them, each with its reasons and why it waits."""

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
    waiting: str = Field(description="Why it waits: its place and what outranks it.")
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
