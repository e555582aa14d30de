"""The engine's remembered results give what computing afresh gives (signals/base.py's clamped
confidences, the customer scan's digit starts and pattern sets, the scorecard's effects and
dimensions built through their slots)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.analysis.scorecard import WEIGHTS, _collect, _new_dimension, _tone_note
from heartdesk.model import Dimension, Evidence, Finding
from heartdesk.signals.base import clamp_confidence
from heartdesk.signals.customer import Urgency
from heartdesk.signals.customer_prep import Prep

confidences = st.floats(min_value=-2.0, max_value=3.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(confidences, min_size=1, max_size=8))
def test_clamped_confidence_is_the_rounded_clamp_every_time(values: list[float]) -> None:
    for c in values + values:  # the second round reads the remembered values
        assert clamp_confidence(c) == round(min(1.0, max(0.0, c)), 3)


def test_clamped_confidence_of_the_edges() -> None:
    assert clamp_confidence(-0.2) == 0.0
    assert clamp_confidence(1.7) == 1.0
    assert clamp_confidence(0.12345) == 0.123


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab7 0.9'x,\n-", max_size=40))
def test_digit_starts_are_where_digit_runs_start(text: str) -> None:
    p = Prep(text)
    want = [m.start() for m in re.finditer(r"\b\d", text.lower())]
    assert sorted(p.digit_starts()) == want


def test_urgency_finds_the_same_with_remembered_pattern_sets() -> None:
    texts = [
        "I need this fixed today, it's urgent!",
        "My deadline is tomorrow morning and nothing works.",
        "ASAP please, I can't wait any longer.",
        "Thanks, no rush at all.",
    ]
    remembered = Urgency()
    for text in texts * 2:
        fresh = Urgency()  # nothing remembered yet
        assert remembered._hits(Prep(text)) == fresh._hits(Prep(text))
    assert remembered._hits(Prep(texts[0]))  # the check above compares real hits


def test_scorecard_effects_are_the_rounded_products() -> None:
    found = [
        (1, Finding("empathy", 0, 5, 0.873, "e", "empathy", "1")),
        (3, Finding("empathy", 6, 9, 0.873, "e", "empathy", "1")),
        (3, Finding("dismissive", 10, 20, 0.615, "d", "dismissive", "1")),
    ]
    evidence = _collect(found)
    assert [e.effect for e in evidence["empathy"]] == [
        round(WEIGHTS["empathy"]["empathy"] * 0.873, 1),
        round(WEIGHTS["empathy"]["empathy"] * 0.873, 1),
        round(WEIGHTS["empathy"]["dismissive"] * 0.615, 1),
    ]
    assert [e.effect for e in evidence["listening"]] == [round(WEIGHTS["listening"]["dismissive"] * 0.615, 1)]


def test_dimension_built_through_its_slots_equals_the_dataclass() -> None:
    ev = (Evidence(0, "empathy", 21.8, 0, 5, "e"),)
    built = _new_dimension("empathy", 77, ev, "empathy 77/100")
    assert built == Dimension("empathy", 77, ev, "empathy 77/100")
    assert hash(built) == hash(Dimension("empathy", 77, ev, "empathy 77/100"))


def test_scorecard_effect_of_an_int_confidence_is_the_same_float() -> None:
    # A custom detector may report confidence 1: its effect is 1.0's, a float, compiled or not.
    as_int = _collect([(0, Finding("greeting", 0, 2, 1, "g", "greeting", "1"))])["etiquette"][0].effect
    as_float = _collect([(0, Finding("greeting", 0, 2, 1.0, "g", "greeting", "1"))])["etiquette"][0].effect
    assert type(as_int) is float and as_int == as_float == round(WEIGHTS["etiquette"]["greeting"] * 1.0, 1)


def test_tone_notes_read_as_formatted_afresh_including_negative_zero() -> None:
    for tone in (0.25, -0.3333, 0.0, -0.0, 0.0, -0.0, 1.0, 0.25, -0.004, 0.004):
        assert _tone_note(tone) == f"turn tone {tone:+.2f}"
    assert _tone_note(-0.0) == "turn tone -0.00" and _tone_note(0.0) == "turn tone +0.00"
