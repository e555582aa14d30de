from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from heartdesk.desk import services as sv
from heartdesk.desk.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError

from .helpers import BROKEN, World, counts, world

pytestmark = pytest.mark.usefixtures("stub_engine")  # the ticket lifecycle; test_tickets covers the analysis


def _ticket(session: Session, w: World, ext: str = "T-1") -> int:
    return sv.create_ticket(session=session, external_id=ext, customer_id=w.customer, text=BROKEN).id


def test_assign_then_reassign_keeps_every_step(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    sv.assign(session=session, ticket_id=tid, agent_id=w.agent, by_agent_id=w.lead)
    sv.reassign(session=session, ticket_id=tid, agent_id=w.other, reason="Ana is off sick", by_agent_id=w.lead)
    sv.reassign(session=session, ticket_id=tid, agent_id=w.agent, reason="Ana is back")
    session.expunge_all()
    t = sv.get_ticket(session=session, ticket_id=tid)
    assert t.assignee_id == w.agent and t.status == "open"
    steps = [(a.previous_agent_id, a.agent_id, a.by_agent_id, a.reason) for a in t.assignments]
    assert steps == [
        (None, w.agent, w.lead, None),
        (w.agent, w.other, w.lead, "Ana is off sick"),
        (w.other, w.agent, None, "Ana is back"),
    ]
    assert all(a.at.tzinfo is not None for a in t.assignments)


def test_assignment_rules(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    with pytest.raises(InvalidTransition) as unassigned:
        sv.reassign(session=session, ticket_id=tid, agent_id=w.agent, reason="r")
    assert unassigned.value.code == "E522"
    with pytest.raises(NotFound) as unknown:
        sv.assign(session=session, ticket_id=tid, agent_id=999)
    assert unknown.value.code == "E501"
    with pytest.raises(NotFound) as no_ticket:
        sv.assign(session=session, ticket_id=999, agent_id=w.agent)
    assert no_ticket.value.code == "E503"
    sv.assign(session=session, ticket_id=tid, agent_id=w.agent)
    with pytest.raises(InvalidTransition) as twice:
        sv.assign(session=session, ticket_id=tid, agent_id=w.other)
    assert twice.value.code == "E521"
    with pytest.raises(ValidationError) as no_reason:
        sv.reassign(session=session, ticket_id=tid, agent_id=w.other, reason="  ")
    assert no_reason.value.code == "E530" and no_reason.value.field == "reason"
    with pytest.raises(InvalidTransition):
        sv.reassign(session=session, ticket_id=tid, agent_id=w.agent, reason="same agent")
    assert counts(session)["assignments"] == 1


def test_escalation_path(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    sv.assign(session=session, ticket_id=tid, agent_id=w.agent)
    first = sv.escalate(
        session=session, ticket_id=tid, reason="customer asked for a supervisor", to_agent_id=w.lead, by_agent_id=w.agent
    )
    assert (first.from_level, first.to_level, first.from_agent_id, first.to_agent_id) == ("agent", "lead", w.agent, w.lead)
    with pytest.raises(ValidationError) as wrong_role:
        sv.escalate(session=session, ticket_id=tid, reason="x", to_agent_id=w.other)  # an agent cannot take a manager escalation
    assert wrong_role.value.code == "E538"
    sv.escalate(session=session, ticket_id=tid, reason="refund above lead authority", to_agent_id=w.manager)
    with pytest.raises(InvalidTransition) as down:
        sv.escalate(session=session, ticket_id=tid, reason="x", to_level="lead")
    assert down.value.code == "E525"
    sv.escalate(session=session, ticket_id=tid, reason="checkout outage confirmed", to_level="engineering")
    with pytest.raises(InvalidTransition) as end:
        sv.escalate(session=session, ticket_id=tid, reason="x")
    assert end.value.code == "E524"
    session.expunge_all()
    t = sv.get_ticket(session=session, ticket_id=tid)
    assert (t.status, t.level, t.assignee_id) == ("escalated", "engineering", w.manager)
    assert [(e.from_level, e.to_level) for e in t.escalations] == [
        ("agent", "lead"),
        ("lead", "manager"),
        ("manager", "engineering"),
    ]
    assert [e.reason for e in t.escalations][-1] == "checkout outage confirmed"
    assert t.escalations[0].at <= t.escalations[-1].at
    # Handing over to the lead and the manager is in the assignment history too.
    assert [a.agent_id for a in t.assignments] == [w.agent, w.lead, w.manager]
    assert t.assignments[1].reason == "escalated to lead: customer asked for a supervisor"


def test_escalation_can_skip_levels_but_needs_a_reason(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    with pytest.raises(ValidationError):
        sv.escalate(session=session, ticket_id=tid, reason="")
    with pytest.raises(ValidationError):
        sv.escalate(session=session, ticket_id=tid, reason="x", to_level="ceo")
    e = sv.escalate(session=session, ticket_id=tid, reason="service down", to_level="engineering")
    assert (e.from_level, e.to_level) == ("agent", "engineering")


def test_resolve_with_logical_and_emotional_fix(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    r = sv.resolve(
        session=session, ticket_id=tid, by_agent_id=w.agent, logical_fix="Restarted the payment gateway.",
        emotional_fix_kind="credit", emotional_fix_value="25", emotional_fix_note="One month of the add-on, with our apology.",
    )  # fmt: skip
    session.expunge_all()
    t = sv.get_ticket(session=session, ticket_id=tid)
    assert t.status == "resolved" and t.resolved_at == r.at
    [res] = t.resolutions
    assert (res.logical_fix, res.emotional_fix_kind, res.emotional_fix_value, res.by_agent_id) == (
        "Restarted the payment gateway.", "credit", Decimal("25.00"), w.agent,
    )  # fmt: skip
    with pytest.raises(InvalidTransition) as again:
        sv.resolve(session=session, ticket_id=tid, by_agent_id=w.agent, logical_fix="x", emotional_fix_kind="apology")
    assert again.value.code == "E526"
    sv.close(session=session, ticket_id=tid)
    with pytest.raises(InvalidTransition) as closed:
        sv.resolve(session=session, ticket_id=tid, by_agent_id=w.agent, logical_fix="x", emotional_fix_kind="apology")
    assert closed.value.code == "E526"
    assert counts(session)["resolutions"] == 1


def test_gestures_above_authority_are_forbidden(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    with pytest.raises(Forbidden) as over:
        sv.resolve(
            session=session,
            ticket_id=tid,
            by_agent_id=w.agent,
            logical_fix="Fixed.",
            emotional_fix_kind="credit",
            emotional_fix_value=26,
        )
    assert over.value.code == "E550" and over.value.status == 403
    with pytest.raises(Forbidden):  # no authority at all for refunds
        sv.resolve(
            session=session,
            ticket_id=tid,
            by_agent_id=w.agent,
            logical_fix="Fixed.",
            emotional_fix_kind="refund",
            emotional_fix_value=1,
        )
    assert sv.get_ticket(session=session, ticket_id=tid).status == "new"
    # An apology has no value and needs no authority; the lead may give 200.
    sv.resolve(
        session=session,
        ticket_id=tid,
        by_agent_id=w.lead,
        logical_fix="Fixed.",
        emotional_fix_kind="credit",
        emotional_fix_value=200,
    )
    assert counts(session)["resolutions"] == 1


def test_reopen_close_and_csat(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    with pytest.raises(InvalidTransition) as early:
        sv.record_csat(session=session, ticket_id=tid, score=5)
    assert early.value.code == "E529"
    with pytest.raises(InvalidTransition) as not_done:
        sv.reopen(session=session, ticket_id=tid)
    assert not_done.value.code == "E527"
    sv.resolve(session=session, ticket_id=tid, by_agent_id=w.agent, logical_fix="Fixed.", emotional_fix_kind="apology")
    sv.record_csat(session=session, ticket_id=tid, score=2, comment="Took too long")
    with pytest.raises(Conflict) as twice:
        sv.record_csat(session=session, ticket_id=tid, score=3)
    assert twice.value.code == "E516"
    for bad in (0, 6, True, 4.5):
        with pytest.raises(ValidationError):
            sv.record_csat(session=session, ticket_id=tid, score=bad)  # type: ignore[arg-type]
    # A customer writing back reopens a resolved ticket; resolving again allows a new rating.
    sv.add_message(session=session, ticket_id=tid, role="customer", text="It is broken again.")
    assert sv.get_ticket(session=session, ticket_id=tid).status == "open"
    sv.resolve(session=session, ticket_id=tid, by_agent_id=w.agent, logical_fix="Fixed for good.", emotional_fix_kind="apology")
    sv.record_csat(session=session, ticket_id=tid, score=5)
    sv.close(session=session, ticket_id=tid)
    with pytest.raises(InvalidTransition) as closed_twice:
        sv.close(session=session, ticket_id=tid)
    assert closed_twice.value.code == "E528"
    t = sv.reopen(session=session, ticket_id=tid)
    assert (t.status, t.closed_at, t.resolved_at) == ("open", None, None)
    session.expunge_all()
    got = sv.get_ticket(session=session, ticket_id=tid)
    assert [c.score for c in got.csat] == [2, 5] and len(got.resolutions) == 2
    assert got.csat[0].comment == "Took too long" and got.csat[0].resolution_id == got.resolutions[0].id


def test_stale_expected_version_is_refused_and_writes_nothing(session: Session) -> None:
    w = world(session)
    tid = _ticket(session, w)
    seen = sv.get_ticket(session=session, ticket_id=tid).version
    sv.assign(session=session, ticket_id=tid, agent_id=w.agent, expected_version=seen)
    before = counts(session)
    for call in (
        lambda: sv.reassign(session=session, ticket_id=tid, agent_id=w.other, reason="r", expected_version=seen),
        lambda: sv.escalate(session=session, ticket_id=tid, reason="r", expected_version=seen),
        lambda: sv.resolve(
            session=session,
            ticket_id=tid,
            by_agent_id=w.agent,
            logical_fix="x",
            emotional_fix_kind="apology",
            expected_version=seen,
        ),
        lambda: sv.close(session=session, ticket_id=tid, expected_version=seen),
    ):
        with pytest.raises(Conflict) as err:
            call()
        assert err.value.code == "E515"
    assert counts(session) == before


def test_batch_commits_once_and_a_failing_call_undoes_only_itself(session: Session) -> None:
    w = world(session)
    with sv.batch(session):
        sv.create_ticket(session=session, external_id="B-1", customer_id=w.customer, text="One.")
        with pytest.raises(Conflict):
            sv.create_ticket(session=session, external_id="B-1", customer=sv.CustomerIn(external_id="ghost"), text="Dup.")
        sv.create_ticket(session=session, external_id="B-2", customer_id=w.customer, text="Two.")
    n = counts(session)
    assert (n["tickets"], n["customers"], n["messages"]) == (2, 1, 2)
    with pytest.raises(RuntimeError), sv.batch(session):
        sv.create_ticket(session=session, external_id="B-3", customer_id=w.customer, text="Three.")
        raise RuntimeError("the caller gives up")
    assert counts(session)["tickets"] == 2
