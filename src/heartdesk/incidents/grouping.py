"""Incident grouping: match a new ticket to open incidents or to similar open tickets.

Pure functions and a small in-memory index, no database. A ticket's *problem statement*
(the customer's first turn, or the ``real_issue`` sentence when the engine found one) is
turned into a sparse hashed vector:

* word unigrams and bigrams (stop words dropped, weight ``word_weight``),
* character 3-5-grams of each remaining word, with boundary marks (weight ``char_weight``),

each hashed with CRC-32 into ``2**bits`` buckets (no vocabulary, deterministic across runs
and machines), term frequency damped as ``1 + log(tf)``, then multiplied by a smoothed IDF
taken from the bucket document frequencies of the index (``log((1 + N) / (1 + df)) + 1``)
and L2-normalised. Similarity is the cosine.

A new ticket matches an open item when the item belongs to a *different* customer (the same
customer writing twice is a repeat contact, not reach), was created within ``window`` of the
ticket, and the cosine is at least ``threshold``. Thresholds are in :class:`Config`; the
defaults were tuned on the ``tune`` half of ``data/incidents_eval.jsonl`` (see docs/incidents.md).

Speed: the index keeps the open items as CSR arrays (indices, tf weights, row pointers),
appended incrementally; one match is a gather and a segmented sum over the non-zeros.
The IDF moves as items are added, so the row norms are refreshed in one vectorised pass
at the first match after any add (exact cosines; that pass costs about one match).
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from heartdesk.incidents.terms import WORD, terms, words

__all__ = [
    "Config",
    "Group",
    "Index",
    "Match",
    "Ticket",
    "group",
    "match",
    "problem_statement",
    "similarity",
    "vectorize",
]

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Config:
    """Matching parameters (documented in docs/incidents.md).

    threshold: minimum cosine for a match (tuned on the ``tune`` half of the labelled set).
    window: an open item matches only if created within this time of the new ticket.
    bits: the vectors have ``2**bits`` hashed dimensions.
    word_weight / char_weight: weights of the word-n-gram and character-n-gram features.
    min_shared_terms: a match must also share this many content words or word pairs
        (character n-grams alone never make a match).
    """

    threshold: float = 0.12
    window: timedelta = timedelta(hours=72)
    bits: int = 18
    word_weight: float = 1.0
    char_weight: float = 0.6
    min_shared_terms: int = 1


@dataclass(frozen=True)
class Ticket:
    """A ticket (or an open incident's own description) as the matcher sees it.

    ``customer_id`` is None for an incident description written by staff: it never counts
    as the same customer. ``incident`` is the open incident the item already belongs to.
    """

    id: str
    customer_id: str | None
    created_at: datetime
    text: str
    incident: str | None = None


@dataclass(frozen=True)
class Match:
    """The best open item for a new ticket, and why."""

    ticket_id: str
    item_id: str
    incident: str | None
    similarity: float
    shared_terms: tuple[str, ...]

    @property
    def reason(self) -> str:
        terms = ", ".join(self.shared_terms) if self.shared_terms else "similar wording"
        target = f"incident {self.incident}" if self.incident else f"ticket {self.item_id}"
        return f"matches {target} (similarity {self.similarity:.2f}; shared: {terms})"


@dataclass
class Group:
    """A group of tickets about the same problem. ``reach`` counts distinct customers."""

    id: str
    members: list[str]
    customers: list[str]
    incident: str | None = None
    reasons: list[Match] = field(default_factory=list)

    @property
    def reach(self) -> int:
        return len(set(self.customers))

    @property
    def shared_terms(self) -> tuple[str, ...]:
        counts: dict[str, int] = {}
        for r in self.reasons:
            for t in r.shared_terms:
                counts[t] = counts.get(t, 0) + 1
        return tuple(sorted(counts, key=lambda t: (-counts[t], t))[:8])


def problem_statement(first_turn: str, real_issue: str | None = None) -> str:
    """The text to match on: the ``real_issue`` sentence when the engine found a usable one
    (at least four words), else the customer's first turn."""
    if real_issue and len(WORD.findall(real_issue.lower())) >= 4:
        return real_issue
    return first_turn


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


def _features(text: str, cfg: Config) -> dict[int, float]:
    """Hashed feature -> damped, type-weighted term frequency."""
    mask = (1 << cfg.bits) - 1
    counts: dict[int, float] = {}
    ws = words(text)
    for t in ws + [f"{a} {b}" for a, b in itertools.pairwise(ws)]:
        k = _h("w" + t) & mask
        counts[k] = counts.get(k, 0.0) + 1.0
    chars: dict[int, float] = {}
    for w in ws:
        m = f"<{w}>"
        for n in (3, 4, 5):
            for i in range(len(m) - n + 1):
                k = _h(m[i : i + n]) & mask
                chars[k] = chars.get(k, 0.0) + 1.0
    out = {k: cfg.word_weight * (1.0 + math.log(v)) for k, v in counts.items()}
    for k, v in chars.items():
        out[k] = out.get(k, 0.0) + cfg.char_weight * (1.0 + math.log(v))
    return out


def vectorize(text: str, cfg: Config | None = None) -> tuple[npt.NDArray[np.int64], F32]:
    """Sparse hashed vector of ``text`` (sorted bucket indices, weights; no IDF, not normalised)."""
    cfg = cfg or Config()
    f = _features(text, cfg)
    idx = np.fromiter(sorted(f), dtype=np.int64, count=len(f))
    return idx, np.array([f[int(i)] for i in idx], dtype=np.float32)


def _epoch(d: datetime) -> float:
    return d.timestamp()


class Index:
    """Open items kept as incremental CSR arrays, matched by IDF-weighted cosine."""

    def __init__(self, cfg: Config | None = None) -> None:
        self.cfg = cfg or Config()
        dim = 1 << self.cfg.bits
        self._df = np.zeros(dim, dtype=np.float32)
        self._items: list[Ticket] = []
        self._terms: list[set[str]] = []
        self._chunks_i: list[npt.NDArray[np.int64]] = []
        self._chunks_v: list[F32] = []
        self._indices: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._data: F32 = np.zeros(0, dtype=np.float32)
        self._buf_i: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._buf_v: F32 = np.zeros(0, dtype=np.float32)
        self._flushed = 0
        self._starts: list[int] = []
        self._nnz = 0
        self._norms: list[float] = []
        self._norms_at = 0
        self._times: list[float] = []
        self._by_customer: dict[str, list[int]] = {}
        self._by_id: dict[str, list[int]] = {}
        self._cache: tuple[npt.NDArray[np.intp], F32, npt.NDArray[np.float64], npt.NDArray[np.float32]] | None = None

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> Sequence[Ticket]:
        return self._items

    def idf(self) -> F32:
        n = float(len(self._items))
        out: F32 = (np.log((1.0 + n) / (1.0 + self._df)) + 1.0).astype(np.float32)
        return out

    def _idf_at(self, idx: npt.NDArray[np.int64]) -> F32:
        n = float(len(self._items))
        out: F32 = (np.log((1.0 + n) / (1.0 + self._df[idx])) + 1.0).astype(np.float32)
        return out

    def add(self, item: Ticket) -> None:
        idx, val = vectorize(item.text, self.cfg)
        self._df[idx] += 1.0
        self._items.append(item)
        self._terms.append(set(terms(item.text)))
        self._starts.append(self._nnz)
        self._nnz += len(idx)
        self._chunks_i.append(idx)
        self._chunks_v.append(val)
        self._times.append(_epoch(item.created_at))
        row = len(self._items) - 1
        if item.customer_id is not None:
            self._by_customer.setdefault(item.customer_id, []).append(row)
        self._by_id.setdefault(item.id, []).append(row)
        self._cache = None

    def extend(self, items: Iterable[Ticket]) -> None:
        for it in items:
            self.add(it)

    def _flush(self) -> None:
        """Move pending rows into the CSR buffers (capacity doubles, so adds stay amortised O(1))."""
        if not self._chunks_i:
            return
        used = self._flushed
        need = self._nnz
        if need > len(self._buf_i):
            cap = max(need, 2 * len(self._buf_i), 4096)
            bi = np.zeros(cap, dtype=np.int64)
            bv = np.zeros(cap, dtype=np.float32)
            bi[:used] = self._buf_i[:used]
            bv[:used] = self._buf_v[:used]
            self._buf_i, self._buf_v = bi, bv
        for ci, cv in zip(self._chunks_i, self._chunks_v, strict=True):
            self._buf_i[used : used + len(ci)] = ci
            self._buf_v[used : used + len(cv)] = cv
            used += len(ci)
        self._flushed = used
        self._chunks_i, self._chunks_v = [], []
        self._indices = self._buf_i[:used]
        self._data = self._buf_v[:used]

    def _renorm(self) -> None:
        self._flush()
        idf = self.idf()
        w = self._data * idf[self._indices]
        sq = np.add.reduceat(w * w, np.asarray(self._starts, dtype=np.intp)) if self._nnz else np.zeros(0, np.float32)
        self._norms = [float(x) or 1.0 for x in np.sqrt(sq)]
        self._norms_at = len(self._items)

    def _arrays(self) -> tuple[npt.NDArray[np.intp], F32, npt.NDArray[np.float64], npt.NDArray[np.float32]]:
        if self._cache is None:
            if self._norms_at != len(self._items):
                self._renorm()  # the IDF moved: refresh every row norm (one pass over the non-zeros)
            self._flush()
            self._cache = (
                np.asarray(self._starts, dtype=np.intp),
                np.asarray(self._norms, dtype=np.float32),
                np.asarray(self._times, dtype=np.float64),
                np.zeros(0, dtype=np.float32),
            )
        return self._cache

    def similarities(self, text: str) -> F32:
        """Cosine of ``text`` against every item of the index (in insertion order)."""
        if not self._items:
            return np.zeros(0, dtype=np.float32)
        starts, norms, _, _ = self._arrays()
        idx, val = vectorize(text, self.cfg)
        idf_q = self._idf_at(idx)
        qw = val * idf_q
        qn = float(np.sqrt(np.dot(qw, qw))) or 1.0
        dense = np.zeros(1 << self.cfg.bits, dtype=np.float32)
        dense[idx] = qw * idf_q / qn  # query weight times the item side's IDF
        prod = dense[self._indices]
        prod *= self._data
        raw = np.add.reduceat(prod, starts) if len(prod) else np.zeros(len(starts), dtype=np.float32)
        # reduceat returns the element itself for empty rows; those rows have no features.
        empty = np.diff(np.append(starts, len(prod))) == 0
        raw[empty] = 0.0
        out: F32 = (raw / norms).astype(np.float32)
        return out

    def match(self, ticket: Ticket) -> Match | None:
        """Best open item for ``ticket``: different customer, within the window, cosine >= threshold."""
        if not self._items:
            return None
        sims = self.similarities(ticket.text)
        _, _, times, _ = self._arrays()
        t = _epoch(ticket.created_at)
        ok = np.abs(times - t) <= self.cfg.window.total_seconds()
        sims = np.where(ok, sims, -1.0)
        if ticket.customer_id is not None and ticket.customer_id in self._by_customer:
            sims[self._by_customer[ticket.customer_id]] = -1.0  # the same customer again is not reach
        if ticket.id in self._by_id:
            sims[self._by_id[ticket.id]] = -1.0
        cand = np.flatnonzero(sims >= self.cfg.threshold)
        if len(cand) == 0:
            return None
        # Best first; ties go to the earliest inserted item, deterministically.
        order = cand[np.lexsort((cand, -sims[cand]))][:16]
        mine = set(terms(ticket.text))
        for best in (int(i) for i in order):
            shared = self._terms[best] & mine
            if len(shared) < self.cfg.min_shared_terms:
                continue
            item = self._items[best]
            ranked = sorted(shared, key=lambda x: (-len(x.split()), -len(x), x))[:6]
            return Match(ticket.id, item.id, item.incident, round(float(sims[best]), 4), tuple(ranked))
        return None


def similarity(a: str, b: str, cfg: Config | None = None) -> float:
    """Cosine of two texts with IDF taken from the pair alone (for inspection and tests)."""
    ix = Index(cfg)
    ix.add(Ticket("a", None, datetime(2000, 1, 1), a))
    return float(ix.similarities(b)[0])


def match(ticket: Ticket, open_items: Sequence[Ticket], cfg: Config | None = None) -> Match | None:
    """Match a new ticket against open incidents / open tickets (builds a throwaway index;
    keep an :class:`Index` to match many tickets against the same open set)."""
    ix = Index(cfg)
    ix.extend(open_items)
    return ix.match(ticket)


def group(tickets: Sequence[Ticket], cfg: Config | None = None) -> list[Group]:
    """Group tickets in creation order: each ticket joins the group of its best match among
    the earlier ones (different customer, within the window, cosine >= threshold), or starts
    a new group. Returns every group, singletons included, ordered by first ticket; ties in
    time are broken by id so the result is deterministic."""
    cfg = cfg or Config()
    ordered = sorted(tickets, key=lambda t: (t.created_at, t.id))
    ix = Index(cfg)
    of: dict[str, int] = {}
    groups: list[Group] = []
    for t in ordered:
        m = ix.match(t)
        if m is None:
            of[t.id] = len(groups)
            groups.append(Group(f"G{len(groups) + 1}", [t.id], [t.customer_id or ""], t.incident))
        else:
            g = groups[of[m.item_id]]
            of[t.id] = of[m.item_id]
            g.members.append(t.id)
            g.customers.append(t.customer_id or "")
            g.reasons.append(m)
        ix.add(t)
    return groups
