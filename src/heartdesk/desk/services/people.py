"""Customers, agents and teams: create, get, list a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from heartdesk.desk.errors import Conflict, NotFound, ValidationError
from heartdesk.desk.schema import AGENT_ROLES, Agent, Customer, Team
from heartdesk.desk.services._base import aware, choice, money, need, settings_of, text, token, unit


@dataclass(frozen=True, slots=True)
class CustomerIn:
    """A customer to find by external id, or create when new (create_ticket's ``customer``)."""

    external_id: str
    name: str | None = None
    email: str | None = None
    tier: str = "standard"
    monthly_value: Decimal | float | int | str = 0
    since: datetime | None = None


def new_customer(session: Session, spec: CustomerIn) -> Customer:
    """Validate and add a customer to the session (no commit): the shared part of create_customer and create_ticket."""
    external_id = need(spec.external_id, "customer.external_id", limit=128)
    if session.scalar(select(Customer.id).where(Customer.external_id == external_id)) is not None:
        raise Conflict("E510", f"a customer with external id {external_id!r} already exists")
    # Not ``money(...) or Decimal("0")``: Decimal("0.00") is falsy, and the answer would then read "0", not "0.00".
    value = money(spec.monthly_value, "customer.monthly_value")
    if value is None:
        value = Decimal("0.00")
    customer = Customer(
        external_id=external_id,
        name=text(spec.name, "customer.name", limit=200, required=False) or external_id,
        email=text(spec.email, "customer.email", limit=320, required=False),
        tier=token(spec.tier, "customer.tier"),
        monthly_value=value,
        since=aware(spec.since, "customer.since"),
    )
    session.add(customer)
    return customer


def create_customer(
    *,
    session: Session,
    external_id: str,
    name: str | None = None,
    email: str | None = None,
    tier: str = "standard",
    monthly_value: Decimal | float | int | str = 0,
    since: datetime | None = None,
) -> Customer:
    """A new customer. Duplicate external id -> Conflict E510."""
    spec = CustomerIn(external_id=external_id, name=name, email=email, tier=tier, monthly_value=monthly_value, since=since)
    with unit(session):
        customer = new_customer(session, spec)
        session.flush()
    return customer


def get_customer(*, session: Session, customer_id: int | None = None, external_id: str | None = None) -> Customer:
    with unit(session, write=False):
        if customer_id is not None:
            found = session.get(Customer, customer_id)
        else:
            found = session.scalar(select(Customer).where(Customer.external_id == external_id))
        if found is None:
            raise NotFound("E500", f"no customer {customer_id if customer_id is not None else external_id!r}")
    return found


def create_team(*, session: Session, name: str) -> Team:
    """A new team. Duplicate name -> Conflict E512."""
    with unit(session):
        clean = need(name, "name", limit=200)
        if session.scalar(select(Team.id).where(Team.name == clean)) is not None:
            raise Conflict("E512", f"a team named {clean!r} already exists")
        team = Team(name=clean)
        session.add(team)
        session.flush()
    return team


def get_team(*, session: Session, team_id: int) -> Team:
    with unit(session, write=False):
        found = session.get(Team, team_id)
        if found is None:
            raise NotFound("E502", f"no team {team_id}")
    return found


def _authority(limits: Mapping[str, float | int | Decimal | str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for kind, limit in (limits or {}).items():
        amount = money(limit, f"authority.{kind}")
        assert amount is not None
        out[token(kind, "authority kind")] = float(amount)
    return out


def create_agent(
    *,
    session: Session,
    name: str,
    email: str,
    role: str = "agent",
    team_id: int | None = None,
    authority: Mapping[str, float | int | Decimal | str] | None = None,
) -> Agent:
    """A new agent. ``authority`` caps each gesture kind they may give alone, e.g. {"credit": 25}.

    Duplicate email -> Conflict E511; unknown team -> NotFound E502.
    """
    with unit(session):
        clean_email = need(email, "email", limit=320).lower()
        if "@" not in clean_email:
            raise ValidationError("E536", f"email must contain @; got {email!r}", field="email")
        if session.scalar(select(Agent.id).where(Agent.email == clean_email)) is not None:
            raise Conflict("E511", f"an agent with email {clean_email!r} already exists")
        if team_id is not None and session.get(Team, team_id) is None:
            raise NotFound("E502", f"no team {team_id}")
        agent = Agent(
            name=need(name, "name", limit=200),
            email=clean_email,
            role=choice(role, "role", AGENT_ROLES),
            team_id=team_id,
            authority=_authority(authority),
        )
        session.add(agent)
        session.flush()
    return agent


def get_agent(*, session: Session, agent_id: int) -> Agent:
    with unit(session, write=False):
        found = session.get(Agent, agent_id)
        if found is None:
            raise NotFound("E501", f"no agent {agent_id}")
    return found


def require_agent(session: Session, agent_id: int | None, field: str) -> Agent | None:
    """The agent with this id, None for None; NotFound E501 for an unknown id."""
    if agent_id is None:
        return None
    found = session.get(Agent, agent_id)
    if found is None:
        raise NotFound("E501", f"no agent {agent_id} ({field})")
    return found


def page_bounds(session: Session, limit: int, offset: int) -> None:
    """Refuse a page size outside 1..max_page_size or a negative offset (ValidationError E537)."""
    max_page = settings_of(session).max_page_size
    if not 1 <= limit <= max_page:
        raise ValidationError("E537", f"limit must be between 1 and {max_page}; got {limit}", field="limit")
    if offset < 0:
        raise ValidationError("E537", f"offset must be 0 or more; got {offset}", field="offset")


@dataclass(frozen=True, slots=True)
class CustomerPage:
    items: list[Customer]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class TeamPage:
    items: list[Team]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class AgentPage:
    items: list[Agent]
    total: int
    limit: int
    offset: int


def _count(session: Session, query: Select[tuple[Any]]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def list_customers(
    *, session: Session, limit: int = 50, offset: int = 0, tier: str | None = None, external_id: str | None = None
) -> CustomerPage:
    """A page of customers (oldest first, by id) with the total count; filter by tier or external id."""
    page_bounds(session, limit, offset)
    query: Select[tuple[Any]] = select(Customer)
    if tier is not None:
        query = query.where(Customer.tier == token(tier, "tier"))
    if external_id is not None:
        query = query.where(Customer.external_id == external_id.strip())
    with unit(session, write=False):
        total = _count(session, query)
        rows = session.scalars(query.order_by(Customer.id).limit(limit).offset(offset)).all()
    return CustomerPage(items=list(rows), total=total, limit=limit, offset=offset)


def list_agents(
    *, session: Session, limit: int = 50, offset: int = 0, team_id: int | None = None, role: str | None = None
) -> AgentPage:
    """A page of agents (by id) with the total count; filter by team or role."""
    page_bounds(session, limit, offset)
    query: Select[tuple[Any]] = select(Agent)
    if team_id is not None:
        query = query.where(Agent.team_id == team_id)
    if role is not None:
        query = query.where(Agent.role == choice(role, "role", AGENT_ROLES))
    with unit(session, write=False):
        total = _count(session, query)
        rows = session.scalars(query.order_by(Agent.id).limit(limit).offset(offset)).all()
    return AgentPage(items=list(rows), total=total, limit=limit, offset=offset)


def list_teams(*, session: Session, limit: int = 50, offset: int = 0, name: str | None = None) -> TeamPage:
    """A page of teams (by id) with the total count; ``name`` keeps the team of exactly that name."""
    page_bounds(session, limit, offset)
    query: Select[tuple[Any]] = select(Team)
    if name is not None:
        query = query.where(Team.name == name.strip())
    with unit(session, write=False):
        total = _count(session, query)
        rows = session.scalars(query.order_by(Team.id).limit(limit).offset(offset)).all()
    return TeamPage(items=list(rows), total=total, limit=limit, offset=offset)
