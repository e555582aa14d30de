"""Text helpers: lexicon patterns read a straight apostrophe as any of the three customers type;
sentence bounds on ASCII text are the regex's."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline
from heartdesk.signals.text import _SENT_END, APOS, _ascii_ends, sentence_bounds, widen_apostrophes


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


# Sentence ends on ASCII text are found with str.find; they must be the regex's spans exactly.
_ENDS_SOUP = st.lists(
    st.sampled_from([".", "!", "?", "\n", " ", "\t", '"', "'", ")", "]", "a", "3", "\r", "\x0c", "\x1c", "...", "?!", "e.g.x"]),
    max_size=14,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_ENDS_SOUP)
def test_sentence_ends_found_by_find_are_the_regex_matches(text: str) -> None:
    assert _ascii_ends(text) == [m.span() for m in _SENT_END.finditer(text)]


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("I was charged twice. Can you fix it?", [(0, 20), (21, 36)]),
        ("It costs 3.5 dollars?! Really", [(0, 22), (23, 29)]),
        ('He said "no." Then left', [(0, 13), (14, 23)]),
        ("line one\n\nline two", [(0, 8), (10, 18)]),
        ("Wait...what?", [(0, 12)]),
        ("   ", []),
    ],
)
def test_sentence_bounds_on_ascii_support_messages(text: str, bounds: list[tuple[int, int]]) -> None:
    assert sentence_bounds(text) == bounds
    # The same text with a character past ASCII takes the regex path and cuts the same sentences.
    assert sentence_bounds(text + "\u00a0") == bounds
