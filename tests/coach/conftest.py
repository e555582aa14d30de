"""Shared helpers for the coach tests: small conversations written for these tests."""

from __future__ import annotations

from heartdesk.coach.engine import analyze_draft
from heartdesk.coach.types import PROBLEM_LABELS
from heartdesk.model import Conversation


def chat(*customer: str) -> Conversation:
    """A conversation of customer messages (the draft answers the last)."""
    return Conversation.of("t", *(("customer", c) for c in customer))


def problems_in(text: str, conversation: Conversation | None = None) -> list[tuple[str, str]]:
    """Problem findings the engine reports in ``text`` as the next agent turn: (label, evidence)."""
    turn = analyze_draft(conversation, text).turns[-1]
    return [(f.label, text[f.start : f.end]) for f in turn.findings if f.present and f.label in PROBLEM_LABELS]
