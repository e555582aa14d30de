"""Explain the wait: why a queued ticket waits, and an honest message to its customer.

``waiting`` is for the desk: the ticket's place and what is ahead of it, grouped by
why each ticket ahead outranks it ("number 4 in the queue, 3 tickets ahead: a customer
whose service is down, 2 customers affected by an outage (incident 2)").

``wait_message`` is a proposal for the customer: it acknowledges how they are affected,
says truthfully where their request stands without naming anyone else, and gives a time
only when one can be estimated: from how long tickets of the same severity resolved over
the last :data:`RECENT_DAYS` days took (the median, given at least :data:`MIN_SAMPLES`
of them), minus what this ticket has already waited. When
there are too few, or the ticket already waited longer than usual, it says so rather
than inventing a time.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Why a ticket ahead outranks this one: the first that applies, in this order.
AHEAD_KINDS = ("down", "blocked", "business", "overdue", "degraded", "question", "feedback")
#: How many resolved tickets an estimate needs, and how far back they are taken from.
MIN_SAMPLES = 5
RECENT_DAYS = 14
#: Most groups "waiting" names before summing up the rest.
MAX_GROUPS = 4
#: When the message acknowledges the customer's frustration: their distress rose by RISE to at least UPSET,
#: or their words complain, threaten to leave or ask to escalate. (A level alone is too noisy: short
#: cheerful questions can read as distressed.)
UPSET = 0.6
RISE = 0.2
UPSET_LABELS = frozenset({"complaint", "churn_threat", "escalation_request"})

_KIND_TEXT: Mapping[str, tuple[str, str]] = {
    "down": ("a customer whose service is down", "{n} customers whose service is down"),
    "blocked": ("a blocked customer", "{n} blocked customers"),
    "business": ("a customer whose business is hit", "{n} customers whose business is hit"),
    "overdue": ("a ticket past its response target", "{n} tickets past their response target"),
    "degraded": ("a ticket where something is not working", "{n} tickets where something is not working"),
    "question": ("a question", "{n} questions"),
    "feedback": ("a piece of feedback", "{n} pieces of feedback"),
}


def ahead_kind(severity: str, *, overdue: bool, business: bool) -> str:
    """Why a ticket (not in a shared incident) outranks those behind it, in a word."""
    if severity in ("service_down", "blocked"):
        return "down" if severity == "service_down" else "blocked"
    if business:
        return "business"
    if overdue:
        return "overdue"
    return severity if severity in _KIND_TEXT else "question"


@dataclass(slots=True)
class Ahead:
    """What is ahead of a place in the queue, grouped: tickets by kind, customers by incident."""

    tickets: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    #: Incident id -> distinct customers ahead in it.
    incidents: dict[int, set[str]] = field(default_factory=dict)
    #: Incident id -> tickets ahead in it.
    incident_tickets: Counter[int] = field(default_factory=Counter)
    #: Incidents whose tickets ahead report an outage (service down).
    outages: set[int] = field(default_factory=set)

    def add(self, kind: str, *, customer: str, incident: int | None, severity: str) -> None:
        self.tickets += 1
        if incident is None:
            self.kinds[kind] += 1
            return
        self.incidents.setdefault(incident, set()).add(customer)
        self.incident_tickets[incident] += 1
        if severity == "service_down":
            self.outages.add(incident)

    @property
    def urgent(self) -> bool:
        """Whether anything ahead is an outage, a shared incident or a blocked customer."""
        return bool(self.incidents) or self.kinds["down"] > 0 or self.kinds["blocked"] > 0


def is_upset(distress_first: float, distress_last: float, labels: Iterable[str]) -> bool:
    """Whether the customer's messages show frustration worth acknowledging (see UPSET)."""
    return (distress_last >= UPSET and distress_last - distress_first >= RISE) or not UPSET_LABELS.isdisjoint(labels)


def _count(n: int, one: str, many: str) -> str:
    return one if n == 1 else many.format(n=n)


def waiting_text(position: int, ahead: Ahead) -> str:
    """Why the ticket at ``position`` (1-based) waits, from what is ahead of it."""
    if position == 1 or ahead.tickets == 0:
        return "first in the queue: nothing outranks it"
    # Most urgent first: customers whose service is down, then shared incidents (outages first, larger
    # first), then the other kinds in AHEAD_KINDS order. Each group: (tickets in it, its words).
    groups = [(ahead.kinds["down"], _count(ahead.kinds["down"], *_KIND_TEXT["down"]))] if ahead.kinds["down"] else []
    for incident, customers in sorted(ahead.incidents.items(), key=lambda kv: (kv[0] not in ahead.outages, -len(kv[1]), kv[0])):
        problem = "an outage" if incident in ahead.outages else "the same problem"
        who = _count(len(customers), "a customer", "{n} customers")
        groups.append((ahead.incident_tickets[incident], f"{who} affected by {problem} (incident {incident})"))
    groups += [(ahead.kinds[k], _count(ahead.kinds[k], *_KIND_TEXT[k])) for k in AHEAD_KINDS[1:] if ahead.kinds[k]]
    shown = [text for _, text in groups[:MAX_GROUPS]]
    rest = sum(n for n, _ in groups[MAX_GROUPS:])
    if rest:
        shown.append(_count(rest, "and 1 other ticket", "and {n} other tickets"))
    n = ahead.tickets
    return f"number {position} in the queue, {n} ticket{'s' if n > 1 else ''} ahead: " + ", ".join(shown)


@dataclass(frozen=True, slots=True)
class ResolutionTimes:
    """Median seconds from opening to resolution of recently resolved tickets, by severity.

    Only a severity with at least MIN_SAMPLES recent resolutions has an estimate: how
    long questions take says nothing honest about an outage.
    """

    by_severity: Mapping[str, float]
    samples: int

    @classmethod
    def from_samples(cls, samples: Iterable[tuple[str, float]]) -> ResolutionTimes:
        """``samples`` are (severity, seconds to resolve) of recent resolutions."""
        by: dict[str, list[float]] = {}
        for severity, seconds in samples:
            if seconds >= 0:
                by.setdefault(severity, []).append(seconds)
        return cls(
            by_severity={s: statistics.median(v) for s, v in by.items() if len(v) >= MIN_SAMPLES},
            samples=sum(len(v) for v in by.values()),
        )

    def eta_minutes(self, severity: str, waited_seconds: float) -> tuple[int | None, bool]:
        """(minutes until it is likely resolved, whether it already waited longer than usual).

        None and False when there are too few recent resolutions of this severity to say.
        """
        typical = self.by_severity.get(severity)
        if typical is None:
            return None, False
        left = typical - max(0.0, waited_seconds)
        if left <= 0:
            return None, True
        return max(1, math.ceil(left / 60)), False


def about(minutes: int) -> str:
    """A rounded, honest duration: "about 25 minutes", "about 3 hours", "about 2 days"."""
    if minutes < 60:
        m = max(5, 5 * math.ceil(minutes / 5))
        return "about an hour" if m >= 60 else f"about {m} minutes"
    hours = math.ceil(minutes / 60)
    if hours < 48:
        return "about an hour" if hours == 1 else f"about {hours} hours"
    return f"about {math.ceil(hours / 24)} days"


def wait_message(
    *,
    position: int,
    ahead: Ahead,
    severity: str,
    reach: int,
    upset: bool,
    eta_minutes: int | None,
    late: bool,
) -> str:
    """A message proposed to the customer: empathic, truthful about the wait, no other customer named."""
    if severity == "service_down":
        opening = "I'm so sorry your service is down; I know every minute of it costs you."
    elif severity == "blocked":
        opening = "I'm sorry you're stuck and can't get on with what you need to do."
    elif upset:
        opening = "I'm sorry for the trouble, and I can hear how frustrating this has been."
    else:
        opening = "Thank you for your patience, and I'm sorry for the wait."
    if reach > 1:
        status = (
            f"We know about this problem: it affects {reach} customers, and our team is working on it as one "
            "incident, so the fix reaches you as soon as it is ready."
        )
    elif position == 1 or ahead.tickets == 0:
        status = "Your request is at the top of our queue and is being picked up now."
    else:
        n = ahead.tickets
        down = ahead.kinds["down"] + sum(len(ahead.incidents[i]) for i in ahead.outages)
        if down:
            urgent = f", including {'a customer' if down == 1 else 'customers'} whose service is down,"
        else:
            urgent = ", including more urgent ones," if ahead.urgent else ""
        requests = "is 1 request" if n == 1 else f"are {n} requests"
        status = f"There {requests} ahead of yours{urgent} and we handle the most urgent first."
    if eta_minutes is not None:
        timing = f"From how long similar requests took recently, we expect to resolve yours within {about(eta_minutes)}."
    elif late:
        timing = "It is already taking longer than usual, so I won't promise an exact time."
    else:
        timing = "I can't give you a reliable time yet."
    return f"{opening} {status} {timing} I'll update you as soon as there is news."
