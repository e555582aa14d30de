"""Impact triage: which ticket first, and why.

A pure function (:func:`prioritize`) turns a ticket's summary and a policy (TOML,
documented weights: docs/triage.md) into a :class:`Priority` — score, band P1..P4
and ordered reasons with their points. :func:`summarize` builds the summary once,
from the engine's analysis; :func:`rank` orders a queue. ``heartdesk triage`` is the
command line.

    from heartdesk import analyze
    from heartdesk.triage import default_policy, prioritize, summarize

    p = prioritize(summarize(analyze(conv)), default_policy(), now=time.time())
    p.band, p.score, p.reasons
"""

from __future__ import annotations

from heartdesk.triage.policy import FindingWeight, Policy, PolicyError, default_policy, load_policy, loads_policy, parse_policy
from heartdesk.triage.priority import Priority, Ranked, prioritize, rank, reach_by_incident
from heartdesk.triage.severity import SEVERITIES, Severity, SeverityError, default_rules, detect, normalize
from heartdesk.triage.summary import TicketFields, TicketSummary, summarize, ticket_fields, to_epoch

__all__ = [
    "SEVERITIES",
    "FindingWeight",
    "Policy",
    "PolicyError",
    "Priority",
    "Ranked",
    "Severity",
    "SeverityError",
    "TicketFields",
    "TicketSummary",
    "default_policy",
    "default_rules",
    "detect",
    "load_policy",
    "loads_policy",
    "normalize",
    "parse_policy",
    "prioritize",
    "rank",
    "reach_by_incident",
    "summarize",
    "ticket_fields",
    "to_epoch",
]
