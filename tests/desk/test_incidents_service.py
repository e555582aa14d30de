"""Incidents in the desk: automatic grouping on ticket creation, link/unlink, merge, split, reads (both backends)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heartdesk.desk import services as sv
from heartdesk.desk.db import Database
from heartdesk.desk.errors import Conflict, InvalidTransition, NotFound, ValidationError
from heartdesk.desk.schema import Incident, incident_tickets

from .helpers import counts

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
LOGIN = [
    "I cannot log in to the dashboard, the login page says invalid session error.",
    "Login to the dashboard fails with an invalid session error since this morning.",
    "Our staff can't sign in to the dashboard: invalid session error on the login page.",
    "Dashboard login broken, we get invalid session error every time we sign in.",
]
PARCEL = "My parcel to Lyon has not arrived, the tracking has been stuck in the depot for five days."
INVOICE = "Could you send me a copy of the March invoice as a PDF for our accountant?"


def _ticket(session: Session, ext: str, customer: str, text: str, *, at: datetime = T0, tier: str = "standard") -> int:
    t = sv.create_ticket(
        session=session, external_id=ext, customer=sv.CustomerIn(external_id=customer, tier=tier), text=text, at=at
    )
    return t.id


def _incident_of(session: Session, ticket_id: int) -> int | None:
    session.rollback()
    return session.scalar(select(incident_tickets.c.incident_id).where(incident_tickets.c.ticket_id == ticket_id))


def test_similar_tickets_from_different_customers_open_an_incident_and_later_ones_join(session: Session) -> None:
    a = _ticket(session, "L-1", "c1", LOGIN[0])
    assert _incident_of(session, a) is None  # alone: no incident
    b = _ticket(session, "L-2", "c2", LOGIN[1], at=T0 + timedelta(minutes=5))
    inc = _incident_of(session, b)
    assert inc is not None and _incident_of(session, a) == inc
    c = _ticket(session, "L-3", "c3", LOGIN[2], at=T0 + timedelta(minutes=9))
    assert _incident_of(session, c) == inc
    other = _ticket(session, "P-1", "c4", PARCEL, at=T0 + timedelta(minutes=10))
    assert _incident_of(session, other) is None
    view = sv.get_incident(session=session, incident_id=inc)
    assert [t.id for t in view.tickets] == [a, b, c]
    assert view.customers_affected == 3 and view.reach == 3 and view.tiers == {"standard": 3}
    assert view.incident.first_seen_at == T0 and view.incident.status == "open"
    reason = view.reasons[c]
    assert reason is not None and reason.startswith(f"matches incident {inc}")
    # Reach flows into triage through the queue.
    item = next(i for i in sv.ranked_queue(session=session, now=T0 + timedelta(hours=1)).items if i.id == c)
    assert item.incident_id == inc and item.reach == 3


def test_the_same_customer_twice_is_a_repeat_contact_not_an_incident(session: Session) -> None:
    _ticket(session, "L-1", "c1", LOGIN[0])
    again = _ticket(session, "L-2", "c1", LOGIN[1], at=T0 + timedelta(minutes=5))
    assert _incident_of(session, again) is None
    assert session.scalar(select(Incident.id)) is None


def test_old_unlinked_tickets_are_outside_the_window(session: Session) -> None:
    _ticket(session, "L-1", "c1", LOGIN[0])
    late = _ticket(session, "L-2", "c2", LOGIN[1], at=T0 + timedelta(days=4))
    assert _incident_of(session, late) is None


def test_match_ticket_by_hand_works_when_auto_matching_is_off(db: Database) -> None:
    off = Database(db.engine, settings=db.settings.model_copy(update={"incident_auto_match": False}))
    with off.session() as s:
        a = _ticket(s, "L-1", "c1", LOGIN[0])
        b = _ticket(s, "L-2", "c2", LOGIN[1])
        assert _incident_of(s, b) is None
        result = sv.match_ticket(session=s, ticket_id=b)
        assert result.created and result.matched_ticket_id == a and result.incident_id is not None
        assert result.reason is not None and "similarity" in result.reason
        again = sv.match_ticket(session=s, ticket_id=b)
        assert again.incident_id == result.incident_id and not again.created
        with pytest.raises(NotFound) as err:
            sv.match_ticket(session=s, ticket_id=999)
        assert err.value.code == "E503"


def _two_incidents(session: Session) -> tuple[int, int, list[int]]:
    ids = [_ticket(session, f"L-{i}", f"c{i}", text, at=T0 + timedelta(minutes=i)) for i, text in enumerate(LOGIN[:2])]
    ids += [
        _ticket(session, "P-1", "p1", PARCEL, at=T0 + timedelta(minutes=3)),
        _ticket(
            session,
            "P-2",
            "p2",
            "Parcel to Lyon not arrived, tracking stuck in the depot for days.",
            at=T0 + timedelta(minutes=4),
        ),
    ]
    first, second = _incident_of(session, ids[0]), _incident_of(session, ids[2])
    assert first is not None and second is not None and first != second
    return first, second, ids


def test_merge_moves_the_tickets_and_keeps_the_merged_incident(session: Session) -> None:
    first, second, ids = _two_incidents(session)
    view = sv.merge_incidents(session=session, into_id=first, from_ids=[second])
    assert sorted(t.id for t in view.tickets) == sorted(ids) and view.customers_affected == 4
    assert view.reasons[ids[2]] == f"merged from incident {second}"
    gone = sv.get_incident(session=session, incident_id=second)
    assert gone.incident.status == "merged" and gone.incident.merged_into_id == first and gone.tickets == []
    with pytest.raises(InvalidTransition) as err:
        sv.merge_incidents(session=session, into_id=first, from_ids=[second])
    assert err.value.code == "E580"


@pytest.mark.parametrize(("from_ids", "code"), [([], "E583"), (["self"], "E583"), ([999], "E504")])
def test_bad_merges_are_refused_and_write_nothing(session: Session, from_ids: list[object], code: str) -> None:
    first, _, _ = _two_incidents(session)
    before = counts(session)
    sources = [first if f == "self" else f for f in from_ids]
    with pytest.raises((ValidationError, NotFound)) as err:
        sv.merge_incidents(session=session, into_id=first, from_ids=sources)  # type: ignore[arg-type]
    assert err.value.code == code
    assert counts(session) == before


def test_split_moves_tickets_to_a_new_incident(session: Session) -> None:
    first, second, ids = _two_incidents(session)
    sv.merge_incidents(session=session, into_id=first, from_ids=[second])
    new = sv.split_incident(session=session, incident_id=first, ticket_ids=[ids[2], ids[3]], title="Parcels stuck in Lyon")
    assert new.incident.title == "Parcels stuck in Lyon" and [t.id for t in new.tickets] == ids[2:]
    assert new.incident.first_seen_at == T0 + timedelta(minutes=3)
    assert [t.id for t in sv.get_incident(session=session, incident_id=first).tickets] == ids[:2]
    before = counts(session)
    with pytest.raises(InvalidTransition) as everything:
        sv.split_incident(session=session, incident_id=first, ticket_ids=ids[:2])
    assert everything.value.code == "E585"
    with pytest.raises(InvalidTransition) as stranger:
        sv.split_incident(session=session, incident_id=first, ticket_ids=[ids[2]])
    assert stranger.value.code == "E581"
    with pytest.raises(ValidationError) as empty:
        sv.split_incident(session=session, incident_id=first, ticket_ids=[])
    assert empty.value.code == "E584"
    assert counts(session) == before


def test_link_and_unlink_by_hand(session: Session) -> None:
    first, second, _ = _two_incidents(session)
    lone = _ticket(session, "I-1", "q1", INVOICE)
    view = sv.link_ticket(session=session, incident_id=first, ticket_id=lone, reason="same customer account")
    assert lone in [t.id for t in view.tickets] and view.reasons[lone] == "same customer account"
    with pytest.raises(InvalidTransition) as twice:
        sv.link_ticket(session=session, incident_id=second, ticket_id=lone)
    assert twice.value.code == "E582"
    view = sv.unlink_ticket(session=session, incident_id=first, ticket_id=lone)
    assert lone not in [t.id for t in view.tickets]
    with pytest.raises(InvalidTransition) as absent:
        sv.unlink_ticket(session=session, incident_id=first, ticket_id=lone)
    assert absent.value.code == "E581"
    with pytest.raises(NotFound) as missing:
        sv.link_ticket(session=session, incident_id=first, ticket_id=999)
    assert missing.value.code == "E503"
    with pytest.raises(NotFound) as no_incident:
        sv.get_incident(session=session, incident_id=999)
    assert no_incident.value.code == "E504"


def test_list_incidents_pages_and_filters(session: Session) -> None:
    first, second, _ = _two_incidents(session)
    page = sv.list_incidents(session=session, limit=1)
    assert page.total == 2 and len(page.items) == 1
    rest = sv.list_incidents(session=session, limit=1, offset=1)
    assert {page.items[0].incident.id, rest.items[0].incident.id} == {first, second}
    sv.merge_incidents(session=session, into_id=first, from_ids=[second])
    merged = sv.list_incidents(session=session, status="merged")
    assert [v.incident.id for v in merged.items] == [second] and merged.total == 1
    with pytest.raises(ValidationError) as bad:
        sv.list_incidents(session=session, status="lost")
    assert bad.value.code == "E532"


def test_a_rolled_back_ticket_is_never_matched(session: Session) -> None:
    # The first ticket's transaction fails after matching ran: the cached vectors must not keep it alive.
    _ticket(session, "L-0", "c0", LOGIN[0])
    with pytest.raises(ValidationError):
        with sv.batch(session):
            _ticket(session, "L-1", "c1", LOGIN[1])
            raise ValidationError("E530", "simulated failure after the ticket was written")
    assert session.scalar(select(Incident.id)) is None
    c = _ticket(session, "L-2", "c2", LOGIN[2])
    inc = _incident_of(session, c)
    assert inc is not None
    assert len(sv.get_incident(session=session, incident_id=inc).tickets) == 2


def test_status_back_reaches_every_linked_ticket_with_a_proposed_message(session: Session) -> None:
    first, _, ids = _two_incidents(session)
    result = sv.post_status(session=session, incident_id=first, status="identified", message="A bad deploy; rolling back.")
    assert result.incident.status == "identified" and result.incident.status_message == "A bad deploy; rolling back."
    assert sorted(p.ticket_id for p in result.proposed) == ids[:2] and all(p.kind == "update" for p in result.proposed)
    text = result.proposed[0].text
    assert "I'm sorry" in text and "found the cause" in text and "A bad deploy; rolling back." in text
    assert "within the next two hours" in text
    done = sv.post_status(session=session, incident_id=first, status="resolved", message="Fixed at 10:40.")
    assert done.incident.resolved_at is not None and all(p.kind == "resolution" for p in done.proposed)
    assert "is fixed" in done.proposed[0].text
    updates, proposed = sv.incident_updates(session=session, incident_id=first)
    assert [u.status for u in updates] == ["identified", "resolved"] and len(proposed) == 4
    assert [p.kind for p in sv.ticket_proposals(session=session, ticket_id=ids[0])] == ["update", "resolution"]
    before = counts(session)
    with pytest.raises(InvalidTransition) as err:
        sv.post_status(session=session, incident_id=first, status="monitoring", message="late")
    assert err.value.code == "E586" and counts(session) == before
    with pytest.raises(ValidationError) as bad:
        sv.post_status(session=session, incident_id=first, status="done", message="x")
    assert bad.value.code == "E532"


def test_pending_rows_score_like_the_index_would_with_the_same_idf() -> None:
    from heartdesk.desk.services import _incident_match as matching
    from heartdesk.incidents.grouping import Index, Ticket, vectorize

    cfg = matching.config(0.12, 72)
    cache = matching._Cache(Index(cfg), {}, {})
    rows = [(i + 1, i + 1, T0, text, None) for i, text in enumerate([*LOGIN[:2], PARCEL, INVOICE])]
    matching._add(cache, rows[:3], pending=False)
    cache.idf = cache.index.idf()
    matching._add(cache, rows[3:])  # waits in pending
    assert len(cache.index) == 3 and len(cache.pending.items) == 1 and cache.size() == 4
    query = LOGIN[2] + " Also the invoice copy please."
    got = cache.similarities(query)
    assert got[:3].tolist() == cache.index.similarities(query).tolist()
    qi, qv = vectorize(query, cfg)
    di, dv = vectorize(INVOICE, cfg)
    q, d = np.zeros(1 << cfg.bits), np.zeros(1 << cfg.bits)
    q[qi], d[di] = qv * cache.idf[qi], dv * cache.idf[di]
    expected = float(q @ d / (np.linalg.norm(q) * np.linalg.norm(d)))
    assert got[3] == pytest.approx(expected, rel=1e-4) and expected > 0.05
    assert cache.item(3) == Ticket("4", "4", T0, INVOICE)
    cache.refresh()
    assert len(cache.index) == 4 and not cache.pending.items and cache.rows[4] == 3


def test_grouping_survives_the_pending_rows_joining_the_index(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from heartdesk.desk.services import _incident_match as matching

    monkeypatch.setattr(matching, "FLUSH", 2)
    ids = [_ticket(session, f"L-{i}", f"c{i}", text, at=T0 + timedelta(minutes=i)) for i, text in enumerate(LOGIN)]
    ids.append(_ticket(session, "P-1", "p1", PARCEL, at=T0 + timedelta(minutes=8)))
    incs = [_incident_of(session, t) for t in ids]
    assert incs[0] is not None and incs[:4] == [incs[0]] * 4 and incs[4] is None


def test_two_sessions_linking_one_ticket_to_two_incidents_at_once(db: Database) -> None:
    with db.session() as s:
        first, second, _ = _two_incidents(s)
        lone = _ticket(s, "I-1", "q1", INVOICE)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def link(incident: int) -> None:
        with db.session() as s:
            barrier.wait()
            try:
                sv.link_ticket(session=s, incident_id=incident, ticket_id=lone)
                outcomes.append("linked")
            except (InvalidTransition, Conflict) as exc:
                outcomes.append(exc.code)

    threads = [threading.Thread(target=link, args=(i,)) for i in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["E582", "linked"]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(incident_tickets).where(incident_tickets.c.ticket_id == lone)) == 1


def test_tickets_of_only_stop_words_never_match_and_break_nothing(session: Session) -> None:
    quiet = [_ticket(session, f"H-{i}", f"h{i}", "Hello there, thanks!") for i in range(3)]
    assert all(_incident_of(session, t) is None for t in quiet)
    a = _ticket(session, "L-1", "c1", LOGIN[0])
    b = _ticket(session, "L-2", "c2", LOGIN[1])
    assert _incident_of(session, a) is not None and _incident_of(session, a) == _incident_of(session, b)
