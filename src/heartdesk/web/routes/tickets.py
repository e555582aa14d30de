"""Tickets: create with the first message, read, list, and every step of the workflow.

Each route is one service call: the body model is unpacked into the service's keyword
arguments and the row it returns is read into a response model. Status changes are
POSTs to verbs (``/assign``, ``/resolve``) rather than PATCHes of ``status``, because
each one is a transition with its own rules and history row, not a field edit.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from heartdesk.desk import services
from heartdesk.web.deps import SessionDep
from heartdesk.web.schemas import (
    AssignmentOut,
    AssignRequest,
    CsatCreate,
    CsatOut,
    ErrorOut,
    EscalateRequest,
    EscalationOut,
    MessageCreate,
    MessageOut,
    ReassignRequest,
    ResolutionOut,
    ResolveRequest,
    TicketCreate,
    TicketDetail,
    TicketOut,
    TicketPage,
    VersionRequest,
)

_ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (403, 404, 409, 413, 422)}

router = APIRouter(prefix="/tickets", tags=["tickets"], responses=_ERRORS)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_ticket(body: TicketCreate, session: SessionDep) -> TicketDetail:
    """Open a ticket with the customer's first message, analysed. Duplicate external id -> 409 E513."""
    fields = body.model_dump(exclude={"customer"})
    customer = None if body.customer is None else services.CustomerIn(**body.customer.model_dump())
    ticket = services.create_ticket(session=session, customer=customer, **fields)
    # Read back through get_ticket so the answer has the same shape (and loaded history) as GET.
    return TicketDetail.model_validate(services.get_ticket(session=session, ticket_id=ticket.id))


@router.get("")
def list_tickets(
    session: SessionDep,
    status: Annotated[list[str] | None, Query(description="Repeat for several: ?status=new&status=open.")] = None,
    agent_id: Annotated[int | None, Query(description="Assigned to this agent.")] = None,
    customer_id: int | None = None,
    team_id: int | None = None,
    limit: Annotated[int, Query(description="Page size (at most HEARTDESK_MAX_PAGE_SIZE).")] = 50,
    offset: int = 0,
) -> TicketPage:
    """A page of tickets, newest first, with the total that match the filters."""
    page = services.list_tickets(
        session=session, status=status, agent_id=agent_id, customer_id=customer_id, team_id=team_id, limit=limit, offset=offset
    )
    return TicketPage(
        items=[TicketOut.model_validate(t) for t in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@router.get("/{ticket_id}")
def get_ticket(ticket_id: int, session: SessionDep) -> TicketDetail:
    """The ticket with its messages (each with its analysis) and its assignment, escalation, resolution and CSAT history."""
    return TicketDetail.model_validate(services.get_ticket(session=session, ticket_id=ticket_id))


@router.post("/{ticket_id}/messages", status_code=status.HTTP_201_CREATED)
def add_message(ticket_id: int, body: MessageCreate, session: SessionDep) -> MessageOut:
    """Add a turn; the conversation is analysed again. A closed ticket -> 409 E520."""
    return MessageOut.model_validate(services.add_message(session=session, ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/assign", status_code=status.HTTP_201_CREATED)
def assign(ticket_id: int, body: AssignRequest, session: SessionDep) -> AssignmentOut:
    """Give an unassigned ticket to an agent. Already assigned -> 409 E521 (use /reassign)."""
    return AssignmentOut.model_validate(services.assign(session=session, ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/reassign", status_code=status.HTTP_201_CREATED)
def reassign(ticket_id: int, body: ReassignRequest, session: SessionDep) -> AssignmentOut:
    """Move an assigned ticket to another agent, with a reason."""
    return AssignmentOut.model_validate(services.reassign(session=session, ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/escalate", status_code=status.HTTP_201_CREATED)
def escalate(ticket_id: int, body: EscalateRequest, session: SessionDep) -> EscalationOut:
    """Up the path agent -> lead -> manager -> engineering (default: the next level)."""
    return EscalationOut.model_validate(services.escalate(session=session, ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/resolve", status_code=status.HTTP_201_CREATED)
def resolve(ticket_id: int, body: ResolveRequest, session: SessionDep) -> ResolutionOut:
    """Resolve with the logical and the emotional fix. Already resolved or closed -> 409 E526; over authority -> 403 E550."""
    return ResolutionOut.model_validate(services.resolve(session=session, ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/csat", status_code=status.HTTP_201_CREATED)
def record_csat(ticket_id: int, body: CsatCreate, session: SessionDep) -> CsatOut:
    """The customer's 1-5 rating of the last resolution (one per resolution: a second -> 409 E516)."""
    return CsatOut.model_validate(services.record_csat(session=session, ticket_id=ticket_id, **body.model_dump()))


@router.post("/{ticket_id}/close")
def close(ticket_id: int, session: SessionDep, body: VersionRequest | None = None) -> TicketOut:
    """Close from any other status (duplicates and spam need no resolution). Already closed -> 409 E528."""
    expected = None if body is None else body.expected_version
    return TicketOut.model_validate(services.close(session=session, ticket_id=ticket_id, expected_version=expected))


@router.post("/{ticket_id}/reopen")
def reopen(ticket_id: int, session: SessionDep, body: VersionRequest | None = None) -> TicketOut:
    """A resolved or closed ticket back to open (409 E527 otherwise); its history stays."""
    expected = None if body is None else body.expected_version
    return TicketOut.model_validate(services.reopen(session=session, ticket_id=ticket_id, expected_version=expected))
