"""Two people changing the same ticket at once: no lost update, on both backends."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from heartdesk.desk import Database
from heartdesk.desk import services as sv
from heartdesk.desk.errors import Conflict
from heartdesk.desk.schema import Assignment, Ticket

from .helpers import BROKEN, World, world

pytestmark = pytest.mark.usefixtures("stub_engine")  # about locking, not analysis


def _setup(db: Database) -> tuple[World, int]:
    with db.session() as s:
        w = world(s)
        tid = sv.create_ticket(session=s, external_id="T-1", customer_id=w.customer, text=BROKEN).id
        sv.assign(session=s, ticket_id=tid, agent_id=w.agent)
    return w, tid


def test_second_session_with_the_same_version_gets_a_conflict(db: Database) -> None:
    w, tid = _setup(db)
    with db.session() as s1, db.session() as s2:
        v1 = sv.get_ticket(session=s1, ticket_id=tid).version
        v2 = sv.get_ticket(session=s2, ticket_id=tid).version
        assert v1 == v2
        sv.reassign(session=s1, ticket_id=tid, agent_id=w.other, reason="Bo knows billing", expected_version=v1)
        with pytest.raises(Conflict) as err:
            sv.reassign(session=s2, ticket_id=tid, agent_id=w.lead, reason="Lee should see it", expected_version=v2)
        assert err.value.code == "E515"
    with db.session() as s:
        t = sv.get_ticket(session=s, ticket_id=tid)
        assert t.assignee_id == w.other
        assert [a.reason for a in t.assignments] == [None, "Bo knows billing"]


def test_a_stale_session_reads_the_current_row_before_changing_it(db: Database) -> None:
    w, tid = _setup(db)
    with db.session() as s1, db.session() as s2:
        stale = sv.get_ticket(session=s2, ticket_id=tid)  # s2 holds assignee = Ana
        sv.reassign(session=s1, ticket_id=tid, agent_id=w.other, reason="to Bo")
        assert stale.assignee_id == w.agent
        row = sv.reassign(session=s2, ticket_id=tid, agent_id=w.lead, reason="to Lee")
        assert row.previous_agent_id == w.other  # not the stale Ana: Bo's assignment is not lost


def test_the_version_column_stops_a_blind_write(db: Database) -> None:
    w, tid = _setup(db)
    with db.session() as s1, db.session() as s2:
        mine = s2.get(Ticket, tid)
        assert mine is not None
        s2.commit()
        sv.reassign(session=s1, ticket_id=tid, agent_id=w.other, reason="to Bo")
        mine.assignee_id = w.lead  # written against the version s2 read
        with pytest.raises(StaleDataError):
            s2.commit()
        s2.rollback()
    with db.session() as s:
        assert sv.get_ticket(session=s, ticket_id=tid).assignee_id == w.other


def _race(db: Database, calls: list[Callable[[Session], object]]) -> list[object]:
    """Run each call in its own thread and session, released together; returns results or exceptions."""
    barrier = threading.Barrier(len(calls))
    out: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        with db.session() as s:
            barrier.wait()
            try:
                out[i] = calls[i](s)
            except Exception as exc:  # collected and asserted on by the test
                out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return out


def test_concurrent_reassignments_with_one_version_one_wins(db: Database) -> None:
    w, tid = _setup(db)
    for round_ in range(3):
        with db.session() as s:
            seen = sv.get_ticket(session=s, ticket_id=tid)
            version, current = seen.version, seen.assignee_id
        targets = [a for a in (w.agent, w.other, w.lead) if a != current][:2]

        def move(s: Session, a: int, v: int = version, r: int = round_) -> object:
            return sv.reassign(session=s, ticket_id=tid, agent_id=a, reason=f"round {r}", expected_version=v)

        results = _race(db, [lambda s, a=a: move(s, a) for a in targets])  # type: ignore[misc]
        wins = [r for r in results if isinstance(r, Assignment)]
        losses = [r for r in results if isinstance(r, Conflict)]
        assert len(wins) == 1 and len(losses) == 1, results
        with db.session() as s:
            assert sv.get_ticket(session=s, ticket_id=tid).assignee_id == wins[0].agent_id


def test_concurrent_reassignments_without_versions_keep_a_consistent_history(db: Database) -> None:
    w, tid = _setup(db)
    results = _race(
        db,
        [
            lambda s: sv.reassign(session=s, ticket_id=tid, agent_id=w.other, reason="to Bo"),
            lambda s: sv.reassign(session=s, ticket_id=tid, agent_id=w.lead, reason="to Lee"),
        ],
    )
    assert all(isinstance(r, Assignment) for r in results), results
    with db.session() as s:
        t = sv.get_ticket(session=s, ticket_id=tid)
        chain = [(a.previous_agent_id, a.agent_id) for a in t.assignments]
        # Each step starts where the previous one ended: neither writer overwrote the other unseen.
        assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(chain))
        assert t.assignee_id == chain[-1][1] and len(chain) == 3


def test_concurrent_creates_of_one_ticket_id_make_one_ticket(db: Database) -> None:
    with db.session() as s:
        customer = sv.create_customer(session=s, external_id="c-1").id

    def send(n: int) -> Callable[[Session], object]:
        return lambda s: sv.create_ticket(session=s, external_id="T-dup", customer_id=customer, text=f"Sent twice ({n}).")

    results = _race(db, [send(0), send(1)])
    assert sum(isinstance(r, Ticket) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) and r.code in ("E513", "E519") for r in results) == 1, results
    with db.session() as s:
        assert sv.list_tickets(session=s).total == 1
