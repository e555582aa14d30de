"""Customers, agents and teams. Thin on purpose: the services validate and write, the routes translate."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from heartdesk.desk import services
from heartdesk.web.deps import SessionDep
from heartdesk.web.schemas import AgentCreate, AgentOut, CustomerCreate, CustomerOut, ErrorOut, RequestModel, ResponseModel

# Listed so the OpenAPI page documents the error body next to each route.
_ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (404, 409, 413, 422)}

router = APIRouter(responses=_ERRORS)


class TeamCreate(RequestModel):
    name: str = Field(description="Unique team name, e.g. Billing.")


class TeamOut(ResponseModel):
    id: int
    name: str
    created_at: datetime


class TeamPage(BaseModel):
    items: list[TeamOut]
    total: int = Field(description="How many teams match the filters, over all pages.")
    limit: int
    offset: int


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    total: int = Field(description="How many customers match the filters, over all pages.")
    limit: int
    offset: int


class AgentPage(BaseModel):
    items: list[AgentOut]
    total: int = Field(description="How many agents match the filters, over all pages.")
    limit: int
    offset: int


@router.post("/customers", status_code=status.HTTP_201_CREATED, tags=["customers"])
def create_customer(body: CustomerCreate, session: SessionDep) -> CustomerOut:
    """A new customer. A duplicate external id -> 409 E510."""
    customer = services.create_customer(session=session, **body.model_dump())
    return CustomerOut.model_validate(customer)


@router.get("/customers", tags=["customers"])
def list_customers(
    session: SessionDep,
    tier: Annotated[str | None, Query(description="Only customers of this tier.")] = None,
    external_id: Annotated[str | None, Query(description="Only the customer with this external id (0 or 1 items).")] = None,
    limit: Annotated[int, Query(description="Page size (at most HEARTDESK_MAX_PAGE_SIZE).")] = 50,
    offset: int = 0,
) -> CustomerPage:
    """A page of customers, oldest first, with the total that match the filters."""
    page = services.list_customers(session=session, tier=tier, external_id=external_id, limit=limit, offset=offset)
    return CustomerPage(
        items=[CustomerOut.model_validate(c) for c in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@router.get("/customers/{customer_id}", tags=["customers"])
def get_customer(customer_id: int, session: SessionDep) -> CustomerOut:
    return CustomerOut.model_validate(services.get_customer(session=session, customer_id=customer_id))


@router.post("/agents", status_code=status.HTTP_201_CREATED, tags=["agents"])
def create_agent(body: AgentCreate, session: SessionDep) -> AgentOut:
    """A new agent. A duplicate email -> 409 E511; an unknown team -> 404 E502."""
    agent = services.create_agent(session=session, **body.model_dump())
    return AgentOut.model_validate(agent)


@router.get("/agents", tags=["agents"])
def list_agents(
    session: SessionDep,
    team_id: Annotated[int | None, Query(description="Only agents of this team.")] = None,
    role: Annotated[str | None, Query(description="agent, lead, manager or admin.")] = None,
    limit: Annotated[int, Query(description="Page size (at most HEARTDESK_MAX_PAGE_SIZE).")] = 50,
    offset: int = 0,
) -> AgentPage:
    """A page of agents, by id, with the total that match the filters."""
    page = services.list_agents(session=session, team_id=team_id, role=role, limit=limit, offset=offset)
    return AgentPage(
        items=[AgentOut.model_validate(a) for a in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@router.get("/agents/{agent_id}", tags=["agents"])
def get_agent(agent_id: int, session: SessionDep) -> AgentOut:
    return AgentOut.model_validate(services.get_agent(session=session, agent_id=agent_id))


@router.post("/teams", status_code=status.HTTP_201_CREATED, tags=["teams"])
def create_team(body: TeamCreate, session: SessionDep) -> TeamOut:
    """A new team. A duplicate name -> 409 E512; an empty one -> 422 E530."""
    return TeamOut.model_validate(services.create_team(session=session, name=body.name))


@router.get("/teams", tags=["teams"])
def list_teams(
    session: SessionDep,
    name: Annotated[str | None, Query(description="Only the team with this name (0 or 1 items).")] = None,
    limit: Annotated[int, Query(description="Page size (at most HEARTDESK_MAX_PAGE_SIZE).")] = 50,
    offset: int = 0,
) -> TeamPage:
    """A page of teams, by id, with the total that match the filters."""
    page = services.list_teams(session=session, name=name, limit=limit, offset=offset)
    return TeamPage(items=[TeamOut.model_validate(t) for t in page.items], total=page.total, limit=page.limit, offset=page.offset)


@router.get("/teams/{team_id}", tags=["teams"])
def get_team(team_id: int, session: SessionDep) -> TeamOut:
    """One team. Unknown -> 404 E502."""
    return TeamOut.model_validate(services.get_team(session=session, team_id=team_id))
