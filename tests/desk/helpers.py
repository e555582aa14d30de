"""Small builders for desk tests: a team with an agent, a lead and a manager, and a customer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heartdesk.desk import services as sv
from heartdesk.desk.schema import Base

BROKEN = "Our checkout has been down since 9am and we are losing sales every minute. Please help now!"


@dataclass
class World:
    team: int
    agent: int
    other: int
    lead: int
    manager: int
    customer: int


def world(session: Session) -> World:
    team = sv.create_team(session=session, name="Billing")
    agent = sv.create_agent(session=session, name="Ana", email="ana@example.com", team_id=team.id, authority={"credit": 25})
    other = sv.create_agent(session=session, name="Bo", email="bo@example.com", team_id=team.id)
    lead = sv.create_agent(session=session, name="Lee", email="lee@example.com", role="lead", authority={"credit": 200})
    manager = sv.create_agent(session=session, name="Mo", email="mo@example.com", role="manager")
    customer = sv.create_customer(session=session, external_id="cust-1", name="Acme Shop", tier="enterprise", monthly_value=1200)
    return World(team.id, agent.id, other.id, lead.id, manager.id, customer.id)


def counts(session: Session) -> dict[str, int]:
    """Rows per table, to prove that a failed call wrote nothing."""
    session.rollback()
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}
