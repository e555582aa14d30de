from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from heartdesk import Conversation, Turn, analyze
from heartdesk.analysis.contract import analysis_to_dict
from heartdesk.desk import Database
from heartdesk.desk import services as sv
from heartdesk.desk.errors import Conflict, InvalidTransition, NotFound, ValidationError
from heartdesk.desk.schema import Customer, Ticket
from heartdesk.desk.services import _ticket

from .helpers import BROKEN, counts, world

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_create_ticket_stores_the_engine_analysis_of_the_first_message(session: Session) -> None:
    w = world(session)
    t = sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text=BROKEN, severity="service_down", at=T0)
    session.expunge_all()
    got = sv.get_ticket(session=session, external_id="T-1")
    assert (got.id, got.status, got.severity, got.level, got.version) == (t.id, "new", "service_down", "agent", 1)
    assert got.created_at == T0 and got.sla_due_at == T0 + timedelta(hours=1)  # service_down SLA
    [m] = got.messages
    assert (m.position, m.role, m.text, m.author) == (0, "customer", BROKEN, "Acme Shop")
    expected = analysis_to_dict(analyze(Conversation(id="T-1", turns=(Turn(role="customer", text=BROKEN),))))["turns"][0]
    assert m.analysis == expected
    assert m.analysis is not None and m.analysis["findings"], "the engine finds something in an outage report"


def test_create_ticket_creates_a_new_customer_or_reuses_one(session: Session) -> None:
    sv.create_ticket(
        session=session,
        external_id="T-1",
        customer=sv.CustomerIn(external_id="new-7", tier="premium"),
        text="Hello, my login fails.",
    )
    sv.create_ticket(session=session, external_id="T-2", customer=sv.CustomerIn(external_id="new-7"), text="Still failing.")
    session.expunge_all()
    c = sv.get_customer(session=session, external_id="new-7")
    assert (c.name, c.tier) == ("new-7", "premium")
    assert [t.external_id for t in c.tickets] == ["T-1", "T-2"]  # the contact history


def test_duplicate_ticket_id_rolls_back_the_new_customer(session: Session) -> None:
    w = world(session)
    sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text="First.")
    before = counts(session)
    with pytest.raises(Conflict) as err:
        sv.create_ticket(session=session, external_id="T-1", customer=sv.CustomerIn(external_id="brand-new"), text="Again.")
    assert err.value.code == "E513"
    assert counts(session) == before  # the customer flushed before the check is gone too
    assert session.query(Customer).filter_by(external_id="brand-new").count() == 0


def test_a_failing_analysis_leaves_neither_ticket_nor_customer(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conversation: Conversation) -> list[dict[str, Any]]:
        raise RuntimeError("analysis blew up")

    monkeypatch.setattr(_ticket, "analyze_turns", broken)
    before = counts(session)
    with pytest.raises(RuntimeError):
        sv.create_ticket(session=session, external_id="T-9", customer=sv.CustomerIn(external_id="c-new"), text="Hello")
    assert counts(session) == before


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"text": "x" * 20_001}, "E531"),
        ({"text": "   "}, "E530"),
        ({"severity": "catastrophic"}, "E532"),
        ({"channel": "Carrier Pigeon"}, "E533"),
        ({"at": datetime(2026, 1, 1)}, "E535"),
        ({"customer_id": 1}, "E541"),  # both customer_id and customer
    ],
)
def test_bad_ticket_input_writes_nothing(session: Session, kwargs: dict[str, Any], code: str) -> None:
    args: dict[str, Any] = {"external_id": "T-1", "customer": sv.CustomerIn(external_id="c-x"), "text": "Hello"} | kwargs
    with pytest.raises(ValidationError) as err:
        sv.create_ticket(session=session, **args)
    assert err.value.code == code
    assert sum(counts(session).values()) == 0


def test_message_limit_is_configurable(db: Database) -> None:
    small = Database(db.engine, settings=db.settings.model_copy(update={"max_message_chars": 10}))
    with small.session() as s:
        with pytest.raises(ValidationError) as err:
            sv.create_ticket(session=s, external_id="T-1", customer=sv.CustomerIn(external_id="c"), text="eleven char")
        assert "limit is 10" in err.value.message
        sv.create_ticket(session=s, external_id="T-1", customer=sv.CustomerIn(external_id="c"), text="ten chars!")
        w = s.get(Ticket, 1)
        assert w is not None
        with pytest.raises(ValidationError):
            sv.add_message(session=s, ticket_id=w.id, role="agent", text="x" * 11)
        assert counts(s)["messages"] == 1


def test_unknown_customer_or_team(session: Session) -> None:
    with pytest.raises(NotFound) as c:
        sv.create_ticket(session=session, external_id="T-1", customer_id=77, text="Hi")
    assert c.value.code == "E500"
    with pytest.raises(NotFound) as t:
        sv.create_ticket(session=session, external_id="T-1", customer=sv.CustomerIn(external_id="c"), text="Hi", team_id=5)
    assert t.value.code == "E502"
    assert sum(counts(session).values()) == 0


def test_add_message_analyses_in_context_and_moves_the_ticket(session: Session) -> None:
    w = world(session)
    t = sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text=BROKEN, at=T0)
    reply = "I'm sorry your checkout is down. I have paged our engineers and will update you within 30 minutes."
    m = sv.add_message(session=session, ticket_id=t.id, role="agent", agent_id=w.agent, text=reply, at=T0 + timedelta(minutes=5))
    assert (m.position, m.author) == (1, "Ana")
    follow = "Thank you, that helps. Please keep me posted."
    sv.add_message(session=session, ticket_id=t.id, role="customer", text=follow, at=T0 + timedelta(minutes=9))
    session.expunge_all()
    got = sv.get_ticket(session=session, ticket_id=t.id)
    assert got.status == "open" and got.first_response_at == T0 + timedelta(minutes=5)
    conv = Conversation(
        id="T-1", turns=(Turn(role="customer", text=BROKEN), Turn(role="agent", text=reply), Turn(role="customer", text=follow))
    )
    expected = analysis_to_dict(analyze(conv))["turns"]
    assert [msg.analysis for msg in got.messages] == expected
    assert got.version == 3  # one bump per message added


def test_add_message_rewrites_earlier_analyses_when_context_changes(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in engine whose verdict on every turn depends on the whole conversation.
    def contextual(conversation: Conversation) -> list[dict[str, Any]]:
        n = len(conversation.turns)
        return [
            {"index": i, "role": t.role, "tone": 0.0, "findings": [], "seen_turns": n} for i, t in enumerate(conversation.turns)
        ]

    monkeypatch.setattr(_ticket, "analyze_turns", contextual)
    w = world(session)
    t = sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text="Hello")
    sv.add_message(session=session, ticket_id=t.id, role="agent", text="Hi, how can I help?")
    session.expunge_all()
    got = sv.get_ticket(session=session, ticket_id=t.id)
    assert [m.analysis["seen_turns"] for m in got.messages if m.analysis] == [2, 2]


def test_message_status_rules(session: Session) -> None:
    w = world(session)
    t = sv.create_ticket(session=session, external_id="T-1", customer_id=w.customer, text="Where is my parcel?")
    sv.add_message(session=session, ticket_id=t.id, role="agent", text="Could you send the order number?", wait_for_customer=True)
    assert sv.get_ticket(session=session, ticket_id=t.id).status == "pending"
    sv.add_message(session=session, ticket_id=t.id, role="customer", text="It is 1234.")
    assert sv.get_ticket(session=session, ticket_id=t.id).status == "open"
    sv.close(session=session, ticket_id=t.id)
    before = counts(session)
    with pytest.raises(InvalidTransition) as err:
        sv.add_message(session=session, ticket_id=t.id, role="customer", text="Hello?")
    assert err.value.code == "E520"
    assert counts(session) == before
    with pytest.raises(NotFound):
        sv.add_message(session=session, ticket_id=999, role="customer", text="Hello?")
    with pytest.raises(ValidationError):
        sv.add_message(session=session, ticket_id=t.id, role="bot", text="Hello?")


def test_list_tickets_filters_and_pages(session: Session) -> None:
    w = world(session)
    for i in range(7):
        team = w.team if i % 2 else None
        sv.create_ticket(
            session=session,
            external_id=f"T-{i}",
            customer_id=w.customer,
            text=f"Issue {i}.",
            at=T0 + timedelta(hours=i),
            team_id=team,
        )
    other = sv.create_customer(session=session, external_id="cust-2")
    sv.create_ticket(session=session, external_id="T-x", customer_id=other.id, text="Mine too.", at=T0)
    sv.assign(session=session, ticket_id=1, agent_id=w.agent)
    sv.assign(session=session, ticket_id=2, agent_id=w.agent)
    sv.close(session=session, ticket_id=4)  # T-3, in the team

    page = sv.list_tickets(session=session, limit=3)
    assert page.total == 8 and [t.external_id for t in page.items] == ["T-6", "T-5", "T-4"]
    page2 = sv.list_tickets(session=session, limit=3, offset=3, order="newest")
    assert [t.external_id for t in page2.items] == ["T-3", "T-2", "T-1"]
    oldest = sv.list_tickets(session=session, limit=2, order="oldest")
    assert [t.id for t in oldest.items] == [1, 8]  # same created_at: by id
    assert sv.list_tickets(session=session, agent_id=w.agent).total == 2
    assert {t.external_id for t in sv.list_tickets(session=session, status="open").items} == {"T-0", "T-1"}
    assert sv.list_tickets(session=session, status=["new", "closed"]).total == 6
    assert sv.list_tickets(session=session, customer_id=other.id).items[0].customer.external_id == "cust-2"
    assert sv.list_tickets(session=session, team_id=w.team).total == 3
    assert sv.list_tickets(session=session, team_id=w.team, status="closed").total == 1
    bad: dict[str, Any]
    for bad in ({"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"status": "lost"}):
        with pytest.raises(ValidationError):
            sv.list_tickets(session=session, **bad)


def test_get_ticket_needs_exactly_one_key(session: Session) -> None:
    with pytest.raises(ValidationError):
        sv.get_ticket(session=session)
    with pytest.raises(NotFound) as err:
        sv.get_ticket(session=session, external_id="nope")
    assert err.value.code == "E503"
