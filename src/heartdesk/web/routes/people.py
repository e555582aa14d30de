"""Customers and agents. Thin on purpose: the services validate and write, the routes translate."""

from __future__ import annotations

from fastapi import APIRouter, status

from heartdesk.desk import services
from heartdesk.web.deps import SessionDep
from heartdesk.web.schemas import AgentCreate, AgentOut, CustomerCreate, CustomerOut, ErrorOut

# Listed so the OpenAPI page documents the error body next to each route.
_ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (404, 409, 413, 422)}

router = APIRouter(responses=_ERRORS)


@router.post("/customers", status_code=status.HTTP_201_CREATED, tags=["customers"])
def create_customer(body: CustomerCreate, session: SessionDep) -> CustomerOut:
    """A new customer. A duplicate external id -> 409 E510."""
    customer = services.create_customer(session=session, **body.model_dump())
    return CustomerOut.model_validate(customer)


@router.get("/customers", tags=["customers"])
def find_customer(external_id: str, session: SessionDep) -> CustomerOut:
    """The customer with this external id (404 E500 if none). Listing all customers needs a service the desk lacks yet."""
    return CustomerOut.model_validate(services.get_customer(session=session, external_id=external_id))


@router.get("/customers/{customer_id}", tags=["customers"])
def get_customer(customer_id: int, session: SessionDep) -> CustomerOut:
    return CustomerOut.model_validate(services.get_customer(session=session, customer_id=customer_id))


@router.post("/agents", status_code=status.HTTP_201_CREATED, tags=["agents"])
def create_agent(body: AgentCreate, session: SessionDep) -> AgentOut:
    """A new agent. A duplicate email -> 409 E511; an unknown team -> 404 E502."""
    agent = services.create_agent(session=session, **body.model_dump())
    return AgentOut.model_validate(agent)


@router.get("/agents/{agent_id}", tags=["agents"])
def get_agent(agent_id: int, session: SessionDep) -> AgentOut:
    return AgentOut.model_validate(services.get_agent(session=session, agent_id=agent_id))
