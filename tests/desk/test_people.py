from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from heartdesk.desk import services as sv
from heartdesk.desk.errors import Conflict, NotFound, ValidationError
from heartdesk.desk.schema import Agent, Customer

from .helpers import counts


def test_create_customer_stores_fields(session: Session) -> None:
    c = sv.create_customer(session=session, external_id="c-9", name="Bea", tier="premium", monthly_value="49.9")
    session.expunge_all()
    got = sv.get_customer(session=session, external_id="c-9")
    assert (got.id, got.name, got.tier, got.monthly_value) == (c.id, "Bea", "premium", Decimal("49.90"))
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_duplicate_customer_is_a_conflict_and_writes_nothing(session: Session) -> None:
    sv.create_customer(session=session, external_id="c-1", name="A")
    before = counts(session)
    with pytest.raises(Conflict) as err:
        sv.create_customer(session=session, external_id="c-1", name="B")
    assert err.value.code == "E510" and err.value.status == 409
    assert counts(session) == before


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"external_id": " "}, "E530"),
        ({"external_id": "x" * 129}, "E531"),
        ({"external_id": "c", "tier": "Gold Plus"}, "E533"),
        ({"external_id": "c", "monthly_value": -1}, "E534"),
        ({"external_id": "c", "monthly_value": "lots"}, "E534"),
    ],
)
def test_customer_validation(session: Session, kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationError) as err:
        sv.create_customer(session=session, **kwargs)  # type: ignore[arg-type]
    assert err.value.code == code and err.value.status == 422
    assert counts(session)["customers"] == 0


def test_agents_and_teams(session: Session) -> None:
    team = sv.create_team(session=session, name="Tier 2")
    agent = sv.create_agent(
        session=session,
        name="Kim",
        email="Kim@Example.com",
        role="lead",
        team_id=team.id,
        authority={"credit": 50, "refund": "120.5"},
    )
    session.expunge_all()
    got = session.get(Agent, agent.id)
    assert got is not None
    assert (got.email, got.role, got.team_id) == ("kim@example.com", "lead", team.id)
    assert got.authority == {"credit": 50.0, "refund": 120.5}
    with pytest.raises(Conflict) as dup:
        sv.create_agent(session=session, name="Kim 2", email="kim@example.com")
    assert dup.value.code == "E511"
    with pytest.raises(Conflict) as dup_team:
        sv.create_team(session=session, name="Tier 2")
    assert dup_team.value.code == "E512"


def test_agent_bad_input(session: Session) -> None:
    with pytest.raises(ValidationError) as role:
        sv.create_agent(session=session, name="X", email="x@example.com", role="boss")
    assert role.value.code == "E532"
    with pytest.raises(NotFound) as team:
        sv.create_agent(session=session, name="X", email="x@example.com", team_id=999)
    assert team.value.code == "E502" and team.value.status == 404
    with pytest.raises(ValidationError):
        sv.create_agent(session=session, name="X", email="not-an-email")
    with pytest.raises(ValidationError):
        sv.create_agent(session=session, name="X", email="x@example.com", authority={"credit": -5})
    assert counts(session)["agents"] == 0


def test_unknown_records_are_not_found(session: Session) -> None:
    with pytest.raises(NotFound) as c:
        sv.get_customer(session=session, customer_id=42)
    assert c.value.code == "E500"
    with pytest.raises(NotFound) as a:
        sv.get_agent(session=session, agent_id=42)
    assert a.value.code == "E501"
    assert session.get(Customer, 42) is None
