"""Lexicon patterns read a straight apostrophe as any of the three customers type."""

from __future__ import annotations

import re

import pytest

from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline
from heartdesk.signals.text import APOS, widen_apostrophes


@pytest.mark.parametrize(
    ("source", "widened"),
    [
        ("don't", f"don{APOS}t"),
        (r"(?:[\w'-]+ )+", "(?:[\\w'\u2019\u02bc-]+ )+"),  # inside a class: the characters join it
        ("[^']+", "[^'\u2019\u02bc]+"),
        ("[]']", "[]'\u2019\u02bc]"),  # a leading "]" belongs to the class
        (r"[\]']x'", f"[\\]'\u2019\u02bc]x{APOS}"),
        (r"it\'s", f"it{APOS}s"),  # an escaped apostrophe is one too
        (r"\[x'\]", f"\\[x{APOS}\\]"),  # escaped brackets open no class
        ("no apostrophe [a-z]", "no apostrophe [a-z]"),
    ],
)
def test_widening_keeps_the_pattern_and_adds_the_typographic_apostrophes(source: str, widened: str) -> None:
    assert widen_apostrophes(source) == widened
    re.compile(widened)


@pytest.mark.parametrize("text", ["the customer's long-term plan ", "the customer\u2019s long-term plan "])
def test_an_apostrophe_in_a_class_matches_every_apostrophe(text: str) -> None:
    assert re.fullmatch(widen_apostrophes(r"(?:[\w'-]+ )+"), text)


def test_a_lexicon_pattern_with_an_apostrophe_in_a_class_still_finds_its_phrase() -> None:
    # The ownership pattern spans words such as "customer's" with "[\w'-]+": before the class was
    # widened correctly, a nested "[...]" ended it early and the pattern never matched.
    reply = "I've logged the customer\u2019s request and will call you back tomorrow."
    conv = Conversation(id="c", turns=(Turn(role="customer", text="Nobody called me back."), Turn(role="agent", text=reply)))
    found = [reply[f.start : f.end] for f in Pipeline().analyze(conv).turns[1].findings if f.label == "ownership"]
    assert found and found[0].startswith("I've logged")
