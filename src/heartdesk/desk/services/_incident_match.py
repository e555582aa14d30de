"""Finding the open incident, or the similar open ticket, a new ticket belongs with.

The vectors come from :mod:`heartdesk.incidents.grouping`. Hashing a problem statement is the
costly part (about 0.1 ms), so each process keeps one :class:`~heartdesk.incidents.Index` per
database, fed incrementally with tickets as they are written (a ticket never matches itself). The index is only a cache of
vectors: every candidate it proposes is checked against the database (same ticket, still open
or in an unresolved incident, another customer, within the window) before it counts, so a
stale entry can cost a little recall for one call but never a wrong link. A cache that has
seen a rolled-back or reused id, or that has grown to twice what it was built with, is rebuilt
from the candidates (open tickets and tickets of unresolved incidents).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from heartdesk.desk.schema import Incident, Message, Ticket, incident_tickets
from heartdesk.incidents.grouping import Config, Index, problem_statement, vectorize
from heartdesk.incidents.grouping import Ticket as Item
from heartdesk.incidents.terms import terms

#: Statuses of tickets that can still gather others (the queue's open statuses).
OPEN = ("new", "open", "pending", "escalated")
#: Incidents that still take tickets.
CLOSED_INCIDENT = ("resolved", "merged")
#: Ids re-read below the highest one seen, for rows that concurrent writers committed late.
LOOKBACK = 100
#: Best-first candidates checked against the database per match.
TOP = 32
#: New tickets kept aside before they join the index together (see _Pending).
FLUSH = 256


def statement(text: str, analysis: Mapping[str, Any] | None) -> str:
    """The problem statement of a first message: its ``real_issue`` sentence when usable, else the text."""
    issue = None
    for f in (analysis or {}).get("findings") or ():
        if f.get("label") == "real_issue":
            issue = text[int(f.get("start", 0)) : int(f.get("end", 0))]
            break
    return problem_statement(text, issue)


@dataclass(frozen=True, slots=True)
class Found:
    """The candidate a new ticket matched: a ticket, and the unresolved incident it is in, if any."""

    ticket_id: int
    incident_id: int | None
    similarity: float
    shared_terms: tuple[str, ...]

    @property
    def reason(self) -> str:
        shared = ", ".join(self.shared_terms) or "similar wording"
        target = (
            f"incident {self.incident_id} through ticket {self.ticket_id}" if self.incident_id else f"ticket {self.ticket_id}"
        )
        return f"matches {target} (similarity {self.similarity:.2f}; shared: {shared})"


@dataclass
class _Pending:
    """Tickets seen since the index's last refresh, scored with the index's IDF of that moment.

    ``Index.add`` makes the next match re-normalise every row for the new IDF (a pass over all
    non-zeros); adding each new ticket one by one would pay that pass on every ticket created.
    So new tickets wait here, up to ``FLUSH`` of them, and join the index together.
    """

    items: list[Item] = field(default_factory=list)
    idx: list[npt.NDArray[np.int64]] = field(default_factory=list)
    val: list[npt.NDArray[np.float32]] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)


@dataclass
class _Cache:
    index: Index
    #: ticket id -> (customer id, created epoch, length of the first message) as indexed.
    keys: dict[int, tuple[int, float, int]]
    #: ticket id -> row: the index's rows first, then the pending ones (flushing keeps the order).
    rows: dict[int, int]
    #: Customer id of each row, for masking the new ticket's own customer in one array operation.
    customers: list[int] = field(default_factory=list)
    pending: _Pending = field(default_factory=_Pending)
    #: The index's IDF when it last changed (what pending rows are weighted with).
    idf: npt.NDArray[np.float32] | None = None
    max_id: int = 0
    built: int = 0
    stale: bool = False
    _customer_array: npt.NDArray[np.int64] | None = None

    def customer_array(self) -> npt.NDArray[np.int64]:
        if self._customer_array is None or len(self._customer_array) != len(self.customers):
            self._customer_array = np.asarray(self.customers, dtype=np.int64)
        return self._customer_array

    def size(self) -> int:
        return len(self.index) + len(self.pending.items)

    def item(self, row: int) -> Item:
        n = len(self.index)
        return self.index.items[row] if row < n else self.pending.items[row - n]

    def refresh(self) -> None:
        """Move the pending tickets into the index (one re-normalisation for all of them)."""
        self.index.extend(self.pending.items)
        self.pending = _Pending()
        self.idf = self.index.idf()

    def similarities(self, text: str) -> npt.NDArray[np.float32]:
        """Cosine of ``text`` against every row (index rows, then pending rows)."""
        main = self.index.similarities(text) if len(self.index) else np.zeros(0, dtype=np.float32)
        p = self.pending
        if not p.items:
            return main
        assert self.idf is not None
        qidx, qval = vectorize(text, self.index.cfg)
        qw = qval * self.idf[qidx]
        qn = float(np.sqrt(np.dot(qw, qw))) or 1.0
        dense = np.zeros(1 << self.index.cfg.bits, dtype=np.float32)
        dense[qidx] = qw * self.idf[qidx] / qn  # as Index.similarities: query weight times the item side's IDF
        lengths = np.fromiter((len(i) for i in p.idx), dtype=np.intp, count=len(p.idx))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.intp)
        prod = dense[np.concatenate(p.idx)] * np.concatenate(p.val)
        raw = np.add.reduceat(prod, starts) if len(prod) else np.zeros(len(p.items), dtype=np.float32)
        raw[lengths == 0] = 0.0
        extra = (raw / np.asarray(p.norms, dtype=np.float32)).astype(np.float32)
        return np.concatenate((main, extra))


_CACHES: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _texts(session: Session, where: Any) -> list[tuple[int, int, datetime, str, Any]]:
    query = (
        select(Ticket.id, Ticket.customer_id, Ticket.created_at, Message.text, Message.analysis)
        .join(Message, (Message.ticket_id == Ticket.id) & (Message.position == 0))
        .where(where)
        .order_by(Ticket.id)
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in session.execute(query)]


def _add(cache: _Cache, rows: Iterable[tuple[int, int, datetime, str, Any]], *, pending: bool = True) -> None:
    for tid, cid, created, text, analysis in rows:
        if tid in cache.keys:
            continue
        item = Item(str(tid), str(cid), created, statement(text, analysis))
        cache.keys[tid] = (cid, created.timestamp(), len(text))
        cache.max_id = max(cache.max_id, tid)
        if not terms(item.text):
            continue  # only stop words ("Hello there."): no features, it can never match; kept out of the index
        cache.rows[tid] = cache.size()
        if pending and cache.idf is not None:
            idx, val = vectorize(item.text, cache.index.cfg)
            weighted = val * cache.idf[idx]
            cache.pending.items.append(item)
            cache.pending.idx.append(idx)
            cache.pending.val.append(val)
            cache.pending.norms.append(float(np.sqrt(np.dot(weighted, weighted))) or 1.0)
        else:
            cache.index.add(item)
        cache.customers.append(cid)
    if len(cache.pending.items) >= FLUSH:
        cache.refresh()


def _build(session: Session, cfg: Config) -> _Cache:
    cache = _Cache(Index(cfg), {}, {})
    linked = (
        select(incident_tickets.c.ticket_id)
        .join(Incident, Incident.id == incident_tickets.c.incident_id)
        .where(Incident.status.not_in(CLOSED_INCIDENT))
    )
    _add(cache, _texts(session, Ticket.status.in_(OPEN) | Ticket.id.in_(linked)), pending=False)
    cache.idf = cache.index.idf()
    top = session.scalar(select(func.max(Ticket.id))) or 0
    cache.max_id = max(cache.max_id, top)
    cache.built = len(cache.index)
    return cache


def _synced(session: Session, cfg: Config) -> _Cache:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    cache = _CACHES.get(engine)
    if cache is not None and (cache.index.cfg != cfg or cache.stale or cache.size() > 2 * cache.built + 1000):
        cache = None
    if cache is not None:
        recent = session.execute(
            select(Ticket.id, Ticket.customer_id, Ticket.created_at, func.length(Message.text))
            .join(Message, (Message.ticket_id == Ticket.id) & (Message.position == 0))
            .where(Ticket.id > cache.max_id - LOOKBACK)
        ).all()
        top = max((r[0] for r in recent), default=0)
        moved = any(
            tid in cache.keys and cache.keys[tid] != (cid, created.timestamp(), size) for tid, cid, created, size in recent
        )
        if moved or top < cache.max_id - LOOKBACK:
            cache = None  # ids were reused (a rollback, an emptied table): start again
        else:
            new = [row[0] for row in recent if row[0] not in cache.keys]
            if new:
                _add(cache, _texts(session, Ticket.id.in_(new)))
            cache.max_id = max(cache.max_id, top)
    if cache is None:
        cache = _build(session, cfg)
        _CACHES[engine] = cache
    return cache


def find(session: Session, *, ticket_id: int, customer_id: int, created_at: datetime, text: str, cfg: Config) -> Found | None:
    """The best candidate for the ticket (see module docstring), or None."""
    found, stale = _find(session, ticket_id=ticket_id, customer_id=customer_id, created_at=created_at, text=text, cfg=cfg)
    if found is None and stale:  # the cache proposed entries that are gone: rebuilt now, so ask once more
        found, _ = _find(session, ticket_id=ticket_id, customer_id=customer_id, created_at=created_at, text=text, cfg=cfg)
    return found


def _find(
    session: Session, *, ticket_id: int, customer_id: int, created_at: datetime, text: str, cfg: Config
) -> tuple[Found | None, bool]:
    with _LOCK:
        cache = _synced(session, cfg)
        if not cache.size():
            return None, False
        sims = cache.similarities(text)
        sims[cache.customer_array() == customer_id] = -1.0  # the same customer again is a repeat contact, not reach
        own = cache.rows.get(ticket_id)
        if own is not None:
            sims[own] = -1.0
        cand = np.flatnonzero(sims >= cfg.threshold)
        if len(cand) > TOP:
            cand = cand[np.argpartition(-sims[cand], TOP - 1)[:TOP]]
        # Best first; ties go to the earliest indexed ticket, deterministically.
        order = [int(i) for i in cand[np.lexsort((cand, -sims[cand]))]]
        picked = {row: cache.item(row) for row in order}
    ids = [int(picked[row].id) for row in order]
    if not ids:
        return None, False
    current = {
        r[0]: (r[1], r[2], r[3], statement(r[4], r[5]))
        for r in session.execute(
            select(Ticket.id, Ticket.customer_id, Ticket.created_at, Ticket.status, Message.text, Message.analysis)
            .join(Message, (Message.ticket_id == Ticket.id) & (Message.position == 0))
            .where(Ticket.id.in_(ids))
        )
    }
    links: dict[int, int] = {}
    for tid, iid in session.execute(
        select(incident_tickets.c.ticket_id, func.min(incident_tickets.c.incident_id))
        .join(Incident, Incident.id == incident_tickets.c.incident_id)
        .where(incident_tickets.c.ticket_id.in_(ids), Incident.status.not_in(CLOSED_INCIDENT))
        .group_by(incident_tickets.c.ticket_id)
    ):
        links[tid] = iid
    mine = set(terms(text))
    window = cfg.window.total_seconds()
    by_id = {int(picked[row].id): row for row in order}
    for tid in ids:
        row = current.get(tid)
        item = picked[by_id[tid]]
        if row is None or (str(row[0]), row[1].timestamp(), row[3]) != (item.customer_id, item.created_at.timestamp(), item.text):
            cache.stale = True  # a rolled-back or reused id: rebuild next time
            continue
        incident = links.get(tid)
        if incident is None and (row[2] not in OPEN or abs(row[1].timestamp() - created_at.timestamp()) > window):
            continue
        shared = set(terms(item.text)) & mine
        if len(shared) < cfg.min_shared_terms:
            continue
        ranked = tuple(sorted(shared, key=lambda x: (-len(x.split()), -len(x), x))[:6])
        return Found(tid, incident, round(float(sims[by_id[tid]]), 4), ranked), cache.stale
    return None, cache.stale


def config(threshold: float, window_hours: float) -> Config:
    return Config(threshold=threshold, window=timedelta(hours=window_hours))
