"""Scoring a whole queue at once: :func:`heartdesk.triage.rank`'s arithmetic over arrays.

``triage.rank`` builds a summary and a priority object per ticket, then sorts; for
10,000 open tickets that object work alone takes longer than the queue's budget.
The desk only needs every ticket's *score* to sort, and the full priority (reasons)
for the page it shows, so this module computes the scores column-wise with numpy,
factor by factor exactly as ``heartdesk.triage.priority`` does (same rounding, half
away from zero, per factor), and the caller asks ``triage.prioritize`` for the page.
Logarithms go through ``math`` on the few distinct values so that every point
matches the triage module's to the bit. tests/desk/test_queue.py checks the scores
and the order against ``triage.rank``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from heartdesk.triage import Policy

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(slots=True)
class QueueColumns:
    """One entry per open ticket, in any order (what triage reads, flattened)."""

    ids: list[str]
    severity: list[str]
    reach: list[int]
    labels: list[tuple[str, ...]]
    distress_first: list[float]
    distress_last: list[float]
    tier: list[str | None]
    value: list[float | None]
    contacts: list[int]
    created: list[float]


@dataclass(frozen=True, slots=True)
class Scored:
    #: Indices into the columns, best first (ties: longest waiting, then by id).
    order: IntArray
    score: IntArray
    #: Whether the ticket is past its SLA target at ``now``.
    overdue: BoolArray


def _round(x: FloatArray) -> FloatArray:
    # Half away from zero, like heartdesk.triage.priority._round (numpy rounds halves to even).
    out: FloatArray = np.where(x >= 0, np.floor(x + 0.5), -np.floor(-x + 0.5))
    return out


def _round1(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def score_columns(cols: QueueColumns, policy: Policy, now: float) -> Scored:
    n = len(cols.ids)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Scored(order=empty, score=empty, overdue=np.zeros(0, dtype=np.bool_))
    # Points that need no array arithmetic, looked up per distinct value (a queue has few of each).
    sev_points = {s: _round1(p) for s, p in policy.severity.items()}
    reach_points = {
        r: _round1(min(policy.reach_cap, policy.reach_per_doubling * math.log2(r))) if r > 1 else 0 for r in set(cols.reach)
    }
    finding_points = {
        labels: sum(_round1(w.points) for w in (policy.findings.get(label) for label in labels) if w is not None)
        for labels in set(cols.labels)
    }
    tier_points = {t: _round1(policy.tier_points.get(t, 0.0)) if t is not None else 0 for t in set(cols.tier)}
    # One entry per customer: the loop is written out, the hot part of this function on a big queue.
    cap, per, base, log10 = policy.value_cap, policy.value_per_tenfold, policy.value_from, math.log10
    value_points: dict[float | None, int] = {}
    for v in set(cols.value):
        if v is None or v <= base:
            value_points[v] = 0
        else:
            x = per * log10(v / base)
            value_points[v] = _round1(cap if cap < x else x)
    pairs = list(zip(cols.severity, cols.tier, strict=True))
    sla_target = {pair: policy.sla_seconds(*pair) for pair in set(pairs)}  # type: ignore[arg-type]

    def column(points: dict[Any, int] | dict[Any, float], keys: list[Any]) -> FloatArray:
        return np.fromiter(map(points.__getitem__, keys), dtype=np.float64, count=n)

    fixed = (
        column(sev_points, cols.severity)
        + column(reach_points, cols.reach)
        + column(finding_points, cols.labels)
        + column(tier_points, cols.tier)
        + column(value_points, cols.value)
    )
    target = column(sla_target, pairs)
    first = np.asarray(cols.distress_first, dtype=np.float64)
    last = np.asarray(cols.distress_last, dtype=np.float64)
    contacts = np.asarray(cols.contacts, dtype=np.float64)
    created = np.asarray(cols.created, dtype=np.float64)
    distress = np.where(last > 0, _round(policy.distress_level * last), 0.0)
    rising = np.where((last > 0) & (last > first), _round(policy.distress_rising * (last - first)), 0.0)
    repeat = np.where(contacts > 0, _round(np.minimum(policy.repeat_cap, policy.repeat_per_contact * contacts)), 0.0)
    frac = (now - created) / target
    overdue = frac >= 1.0
    breach = _round(np.minimum(policy.sla_cap, policy.sla_breach + policy.sla_overdue_per_target * (frac - 1.0)))
    ramp = (frac - policy.sla_approaching_from) / (1.0 - policy.sla_approaching_from)
    approaching = _round(policy.sla_approaching * ramp)
    waiting = np.where(overdue, breach, np.where(frac > policy.sla_approaching_from, approaching, 0.0))
    score = (fixed + distress + rising + repeat + waiting).astype(np.int64)
    # triage.rank sorts by (-score, created, id, index); lexsort's last key is the primary one, and it
    # is stable, so the index order holds within ties. Ids decide only between tickets equal on both
    # keys: rare, so only those runs are sorted again (turning 10,000 ids into an array costs more).
    order = np.lexsort((created, -score)).astype(np.int64)
    ranked_score, ranked_created = score[order], created[order]
    tied = np.flatnonzero((ranked_score[1:] == ranked_score[:-1]) & (ranked_created[1:] == ranked_created[:-1]))
    if tied.size:
        order = _break_ties(order, tied, cols.ids)
    return Scored(order=order, score=score, overdue=overdue)


def _break_ties(order: IntArray, tied: IntArray, ids: list[str]) -> IntArray:
    """Sort each run of tied places by id (``tied`` holds p where places p and p + 1 tie)."""
    out = order.tolist()
    runs: list[tuple[int, int]] = []
    for p in tied.tolist():
        if runs and runs[-1][1] == p:
            runs[-1] = (runs[-1][0], p + 1)
        else:
            runs.append((p, p + 1))
    for first, last in runs:
        out[first : last + 1] = sorted(out[first : last + 1], key=ids.__getitem__)
    return np.asarray(out, dtype=np.int64)
