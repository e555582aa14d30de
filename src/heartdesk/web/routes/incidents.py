"""Incidents: read, correct the grouping by hand, escalate to engineering, take status back; and the outbox.

Each route is one service call (one transaction): a refused change writes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from heartdesk.desk import services
from heartdesk.web.deps import SessionDep
from heartdesk.web.incident_schemas import (
    EngineeringOut,
    IncidentDetail,
    IncidentEscalateRequest,
    IncidentOut,
    IncidentPageOut,
    IncidentUpdateOut,
    LinkRequest,
    MergeRequest,
    OutboxItemOut,
    OutboxPageOut,
    ProposedMessageOut,
    SplitRequest,
    StatusOut,
    StatusRequest,
    UpdatesOut,
    detail,
)
from heartdesk.web.schemas import ErrorOut, EscalationOut

_ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (404, 409, 413, 422)}

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=_ERRORS)
outbox_router = APIRouter(prefix="/outbox", tags=["outbox"], responses=_ERRORS)


@router.get("")
def list_incidents(
    session: SessionDep,
    status: Annotated[list[str] | None, Query(description="Repeat for several: ?status=open&status=investigating.")] = None,
    limit: Annotated[int, Query(description="Page size (at most HEARTDESK_MAX_PAGE_SIZE).")] = 50,
    offset: int = 0,
) -> IncidentPageOut:
    """A page of incidents, newest first, each with its tickets, customers affected, tiers and reach."""
    page = services.list_incidents(session=session, status=status, limit=limit, offset=offset)
    return IncidentPageOut(items=[detail(v) for v in page.items], total=page.total, limit=page.limit, offset=page.offset)


@router.get("/{incident_id}")
def get_incident(incident_id: int, session: SessionDep) -> IncidentDetail:
    """The incident with its tickets (and why each is in it), customers affected, tiers and reach. Unknown -> 404 E504."""
    return detail(services.get_incident(session=session, incident_id=incident_id))


@router.post("/{incident_id}/merge")
def merge(incident_id: int, body: MergeRequest, session: SessionDep) -> IncidentDetail:
    """Move every ticket of the ``from`` incidents into this one; they become "merged"."""
    return detail(services.merge_incidents(session=session, into_id=incident_id, from_ids=body.from_))


@router.post("/{incident_id}/split", status_code=status.HTTP_201_CREATED)
def split(incident_id: int, body: SplitRequest, session: SessionDep) -> IncidentDetail:
    """Move the given tickets to a new incident (returned); at least one must stay (409 E585)."""
    return detail(services.split_incident(session=session, incident_id=incident_id, ticket_ids=body.ticket_ids, title=body.title))


@router.post("/{incident_id}/tickets")
def link(incident_id: int, body: LinkRequest, session: SessionDep) -> IncidentDetail:
    """Put a ticket in the incident by hand (a ticket already in an unresolved incident -> 409 E582)."""
    return detail(services.link_ticket(session=session, incident_id=incident_id, ticket_id=body.ticket_id, reason=body.reason))


@router.delete("/{incident_id}/tickets/{ticket_id}")
def unlink(incident_id: int, ticket_id: int, session: SessionDep) -> IncidentDetail:
    """Take a ticket out of the incident (409 E581 if it is not in it)."""
    return detail(services.unlink_ticket(session=session, incident_id=incident_id, ticket_id=ticket_id))


@router.post("/{incident_id}/status", status_code=status.HTTP_201_CREATED)
def post_status(incident_id: int, body: StatusRequest, session: SessionDep) -> StatusOut:
    """Engineering's status back: kept on the incident, and a proposed message for every linked ticket's customer."""
    done = services.post_status(session=session, incident_id=incident_id, **body.model_dump())
    return StatusOut(
        incident=IncidentOut.model_validate(done.incident),
        update=IncidentUpdateOut.model_validate(done.update),
        proposed=[ProposedMessageOut.model_validate(p) for p in done.proposed],
    )


@router.get("/{incident_id}/updates")
def updates(incident_id: int, session: SessionDep) -> UpdatesOut:
    """Every status posted back, oldest first, and every message proposed to the incident's customers."""
    posted, proposed = services.incident_updates(session=session, incident_id=incident_id)
    return UpdatesOut(
        updates=[IncidentUpdateOut.model_validate(u) for u in posted],
        proposed=[ProposedMessageOut.model_validate(p) for p in proposed],
    )


@router.get("/{incident_id}/impact")
def impact(incident_id: int, session: SessionDep) -> dict[str, Any]:
    """The impact summary as it stands now: what escalating to engineering would send."""
    return services.current_impact(session=session, incident_id=incident_id)


@router.post("/{incident_id}/escalate", status_code=status.HTTP_201_CREATED)
def escalate(incident_id: int, body: IncidentEscalateRequest, session: SessionDep) -> EngineeringOut:
    """Send the incident to engineering: its open tickets move to that level, its impact summary to the outbox."""
    done = services.escalate_incident(session=session, incident_id=incident_id, **body.model_dump())
    return EngineeringOut(
        incident=IncidentOut.model_validate(done.incident),
        escalations=[EscalationOut.model_validate(e) for e in done.escalations],
        outbox_item=OutboxItemOut.model_validate(done.outbox_item),
    )


@outbox_router.get("")
def list_outbox(
    session: SessionDep,
    status: Annotated[str | None, Query(description="pending or delivered.")] = None,
    limit: int = 50,
    offset: int = 0,
) -> OutboxPageOut:
    """What the desk has sent, or still has to send, to engineering's webhook (newest first)."""
    page = services.list_outbox(session=session, status=status, limit=limit, offset=offset)
    return OutboxPageOut(
        items=[OutboxItemOut.model_validate(i) for i in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@outbox_router.get("/{item_id}")
def get_outbox_item(item_id: int, session: SessionDep) -> OutboxItemOut:
    """One outbox item with its payload and delivery state. Unknown -> 404 E505."""
    return OutboxItemOut.model_validate(services.get_outbox_item(session=session, item_id=item_id))
