"""Incidents: group tickets about the same problem from different customers (pure core)."""

from heartdesk.incidents.grouping import (
    Config,
    Group,
    Index,
    Match,
    Ticket,
    group,
    match,
    problem_statement,
    similarity,
    vectorize,
)

__all__ = ["Config", "Group", "Index", "Match", "Ticket", "group", "match", "problem_statement", "similarity", "vectorize"]
