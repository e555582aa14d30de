"""Impact triage: a pure function from a ticket summary and a policy to a priority with reasons.

``prioritize(ticket, policy, now=..., reach=...)`` reads nothing else: no clock, no
database, no model. Each factor's points are rounded to a whole number, so the
reasons (ordered by weight, each with its points) add up to the score. ``rank``
counts reach per incident over a queue, prioritizes every ticket and sorts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from heartdesk.triage.policy import Policy
from heartdesk.triage.summary import TicketSummary, to_epoch

#: How each severity reads in a reason.
SEVERITY_TEXT: Mapping[str, str] = {
    "service_down": "service down for this customer",
    "blocked": "the customer is blocked",
    "degraded": "something is not working as it should",
    "question": "a question",
    "feedback": "feedback or a suggestion",
}

#: Factor names, in the order used to break ties between equally weighted reasons.
FACTORS: tuple[str, ...] = (
    "severity",
    "reach",
    "finding:<label>",
    "distress",
    "distress_rising",
    "tier",
    "value",
    "repeat",
    "waiting",
)


class Priority:
    """Score and band of one ticket, with its reasons.

    Ranking needs only the score, so ``prioritize`` computes the points and nothing
    else; ``reasons`` and ``factors`` are written on first access from the same inputs
    (the function is pure, so they are what it would have said at once). Treat as immutable.
    """

    __slots__ = ("_explained", "_inputs", "band", "score")

    def __init__(self, score: int, band: str, inputs: tuple[TicketSummary, Policy, float, int]) -> None:
        self.score = score
        self.band = band
        self._inputs = inputs
        self._explained: tuple[tuple[str, ...], Mapping[str, int]] | None = None

    def _explain(self) -> tuple[tuple[str, ...], Mapping[str, int]]:
        if self._explained is None:
            parts: list[tuple[int, int, str, str]] = []
            _evaluate(*self._inputs, parts)
            # Heaviest first; equal weights keep the factor order (the tuple's second item).
            parts.sort(key=_weight)
            self._explained = (tuple([p[3] for p in parts]), MappingProxyType({p[2]: p[0] for p in parts}))
        return self._explained

    @property
    def reasons(self) -> tuple[str, ...]:
        """Human-readable, heaviest first, each ending with its points: "service down for this customer (+40)"."""
        return self._explain()[0]

    @property
    def factors(self) -> Mapping[str, int]:
        """Points per factor (findings as ``finding:<label>``); factors worth 0 points are left out."""
        return self._explain()[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return (self.score, self.band, self.reasons) == (other.score, other.band, other.reasons)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Priority(score={self.score}, band={self.band!r}, reasons={self.reasons!r})"


@dataclass(slots=True)
class Ranked:
    ticket: TicketSummary
    priority: Priority
    reach: int


def _weight(part: tuple[int, int, str, str]) -> tuple[int, int]:
    return (-abs(part[0]), part[1])


def _round(x: float) -> int:
    # Half away from zero: Python's round() would give +2 for 2.5 but +4 for 3.5.
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def _signed(points: int) -> str:
    return f"+{points}" if points >= 0 else f"-{-points}"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def _money(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def prioritize(ticket: TicketSummary, policy: Policy, *, now: float | datetime, reach: int = 1) -> Priority:
    """Score, band and reasons of one ticket. ``now`` is a time (epoch seconds or datetime); ``reach``
    is the number of customers affected by the ticket's incident, this one included."""
    t_now = to_epoch(now) if isinstance(now, datetime) else float(now)
    score = _evaluate(ticket, policy, t_now, reach, None)
    return Priority(score, policy.band(score), (ticket, policy, t_now, reach))


def _evaluate(
    ticket: TicketSummary, policy: Policy, now: float, reach: int, parts: list[tuple[int, int, str, str]] | None
) -> int:
    """The score; with ``parts``, also each factor's (points, order, key, reason).

    One function for both, so the reasons can never disagree with the score. Without
    ``parts`` no text is built: that is the ranking path, and it is arithmetic only.
    """
    score = 0
    sev = ticket.severity
    p = _round(policy.severity[sev])
    if p:
        score += p
        if parts is not None:
            text = SEVERITY_TEXT[sev]
            if ticket.severity_evidence:
                text = f"{text} (“{ticket.severity_evidence}”)"
            parts.append((p, 0, "severity", f"{text} ({_signed(p)})"))

    if reach > 1:
        p = _round(min(policy.reach_cap, policy.reach_per_doubling * math.log2(reach)))
        if p:
            score += p
            if parts is not None:
                where = f" (incident {ticket.incident})" if ticket.incident else ""
                parts.append((p, 1, "reach", f"{reach} customers report the same problem{where} ({_signed(p)})"))

    for label, quote in ticket.findings:
        weight = policy.findings.get(label)
        if weight is not None:
            p = _round(weight.points)
            if p:
                score += p
                if parts is not None:
                    said = f"{weight.reason}: “{quote}”" if quote else weight.reason
                    parts.append((p, 2, f"finding:{label}", f"{said} ({_signed(p)})"))

    last, first = ticket.distress_last, ticket.distress_first
    if last > 0:
        p = _round(policy.distress_level * last)
        if p:
            score += p
            if parts is not None:
                parts.append((p, 3, "distress", f"customer distress {last:.2f} in their latest message ({_signed(p)})"))
        if last > first:
            p = _round(policy.distress_rising * (last - first))
            if p:
                score += p
                if parts is not None:
                    parts.append((p, 4, "distress_rising", f"customer distress rising {first:.2f} → {last:.2f} ({_signed(p)})"))

    tier = ticket.tier
    if tier is not None:
        p = _round(policy.tier_points.get(tier, 0.0))
        if p:
            score += p
            if parts is not None:
                parts.append((p, 5, "tier", f"{tier} customer ({_signed(p)})"))

    value = ticket.monthly_value
    if value is not None and value > policy.value_from:
        p = _round(min(policy.value_cap, policy.value_per_tenfold * math.log10(value / policy.value_from)))
        if p:
            score += p
            if parts is not None:
                parts.append((p, 6, "value", f"monthly value {_money(value)} ({_signed(p)})"))

    n = ticket.contacts
    if n > 0:
        p = _round(min(policy.repeat_cap, policy.repeat_per_contact * n))
        if p:
            score += p
            if parts is not None:
                before = "once" if n == 1 else f"{n} times"
                parts.append((p, 7, "repeat", f"contacted us {before} before ({_signed(p)})"))

    created = ticket.created_at
    if created is not None:
        waited = now - created
        target = policy.sla_seconds(sev, tier)
        frac = waited / target
        if frac >= 1.0:
            p = _round(min(policy.sla_cap, policy.sla_breach + policy.sla_overdue_per_target * (frac - 1.0)))
            if p:
                score += p
                if parts is not None:
                    said = f"SLA breached: waiting {_duration(waited)}, target {_duration(target)}"
                    parts.append((p, 8, "waiting", f"{said} ({_signed(p)})"))
        elif frac > policy.sla_approaching_from:
            ramp = (frac - policy.sla_approaching_from) / (1.0 - policy.sla_approaching_from)
            p = _round(policy.sla_approaching * ramp)
            if p:
                score += p
                if parts is not None:
                    said = f"waiting {_duration(waited)}, SLA target {_duration(target)}"
                    parts.append((p, 8, "waiting", f"{said} ({_signed(p)})"))
    return score


def reach_by_incident(tickets: Iterable[TicketSummary]) -> dict[str, int]:
    """Customers per incident: distinct customer ids (a ticket without one counts as its own customer),
    or the ``affected`` figure a ticket states, whichever is larger."""
    customers: dict[str, set[str]] = {}
    stated: dict[str, int] = {}
    for t in tickets:
        inc = t.incident
        if inc is None:
            continue
        customers.setdefault(inc, set()).add(t.customer_id if t.customer_id is not None else "\0" + t.id)
        if t.affected is not None and t.affected > stated.get(inc, 0):
            stated[inc] = t.affected
    return {inc: max(len(ids), stated.get(inc, 0)) for inc, ids in customers.items()}


def rank(tickets: Sequence[TicketSummary], policy: Policy, *, now: float | datetime) -> list[Ranked]:
    """Every ticket with its priority, highest first; ties go to the longest-waiting, then by id."""
    t_now = to_epoch(now) if isinstance(now, datetime) else float(now)
    reach = reach_by_incident(tickets)
    keyed: list[tuple[int, float, str, int, Ranked]] = []
    inf = math.inf
    for i, t in enumerate(tickets):
        inc = t.incident
        r = reach.get(inc, 1) if inc is not None else (t.affected or 1)
        score = _evaluate(t, policy, t_now, r, None)
        pr = Priority(score, policy.band(score), (t, policy, t_now, r))
        created = t.created_at
        keyed.append((-score, created if created is not None else inf, t.id, i, Ranked(t, pr, r)))
    keyed.sort()
    return [k[4] for k in keyed]
