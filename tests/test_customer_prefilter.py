"""The RE2 pass over a customer turn (signals/customer_sets.py) lets the scanners skip groups that
cannot match, and the not-a-question patterns of clarifying_question skip the same way: results
must be exactly those of the plain path."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.signals import customer_prep, customer_sets
from heartdesk.signals.agent_patterns import GatedPatterns
from heartdesk.signals.customer_prep import Prep
from heartdesk.signals.customer_scan import Scanner
from heartdesk.signals.pipeline import Pipeline

#: Every customer scanner, registered as a running pipeline registers them.
PIPELINE = Pipeline()
SCANNERS: list[Scanner] = [
    s
    for d in PIPELINE.detectors
    for s in (getattr(d, "_scanner", None), getattr(d, "_problem_scan", None), getattr(d, "_vent_scan", None))
    if isinstance(s, Scanner)
]

CUSTOMER_TURNS = [
    "My router is broken AGAIN and nobody called me back. This is ridiculous!!",
    "I'm losing customers every hour because your site is down.",
    "If this isn't fixed today I'm cancelling and going to a competitor.",
    "I need it by Friday, it's urgent. I want to speak to a manager.",
    "ok thanks",
    "The parcel was delivered to the wrong address, order #55120, and I was charged twice.",
    "Why is my refund still not here? It\u2019s been 3 weeks.",
]
WORDS = (
    "my i i'm it's is was the your you broken again nobody called back ridiculous losing customers business down "
    "cancel cancelling competitor urgent asap manager speak refund charged twice wrong never arrived still not "
    "waiting weeks days 3 #55120 $40 !! ?! why this that ſo İ café \u2019 ıt"
).split()
SEPARATORS = [" ", " ", ", ", ". ", "? ", "! ", "\n", "'", "-", "\u2019"]
turns = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(SEPARATORS), st.text(max_size=3)), max_size=40).map("".join)


@pytest.fixture(autouse=True, scope="module")
def _prefilter_on() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as m:
        m.delenv("HEARTDESK_NO_PREFILTER", raising=False)
        customer_sets.reset()
        yield
    customer_sets.reset()  # back to the default (rebuilt on next use) for the tests that follow


def _finds(text: str, actives: list[frozenset[int] | None]) -> list[list[tuple[int, int, int]]]:
    p = Prep(text)
    return [sorted(s.find(p, a)) for s in SCANNERS for a in actives]


def _actives(scanner_groups: int) -> list[frozenset[int] | None]:
    return [None, frozenset(range(0, scanner_groups, 2)), frozenset([0])]


def _plain_finds(text: str, actives: list[frozenset[int] | None]) -> list[list[tuple[int, int, int]]]:
    p = Prep(text)
    p._rep, p._rep_done = None, True  # as where the prefilter cannot tell
    return [sorted(s.find(p, a)) for s in SCANNERS for a in actives]


def _same_with_and_without(text: str) -> list[list[tuple[int, int, int]]]:
    actives = _actives(3)
    plain = _plain_finds(text, actives)
    assert _finds(text, actives) == plain, text
    return plain


def test_sample_turns_find_the_same_and_most_groups_are_skipped() -> None:
    found = 0
    for text in CUSTOMER_TURNS:
        found += sum(len(x) for x in _same_with_and_without(text))
    assert found >= len(CUSTOMER_TURNS)  # the turns do hit the lexicons: the comparison means something
    rep = Prep("ok thanks").reported()
    assert rep is not None and rep[0] >= len(SCANNERS)
    # A bland turn: the set names (nearly) no group, so the scanners return at once.
    assert sum(len(g) for g in rep[1].values()) <= 1


@settings(max_examples=300, deadline=None)
@given(turns)
def test_prefiltered_finds_equal_plain_finds(text: str) -> None:
    _same_with_and_without(text)


def test_switched_off_the_prefilter_reports_nothing_and_finds_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [_finds(text, _actives(3)) for text in CUSTOMER_TURNS]
    with monkeypatch.context() as m:
        m.setenv("HEARTDESK_NO_PREFILTER", "1")
        customer_sets.reset()
        assert all(Prep(text).reported() is None for text in CUSTOMER_TURNS)
        assert [_finds(text, _actives(3)) for text in CUSTOMER_TURNS] == expected
    customer_sets.reset()
    assert Prep(CUSTOMER_TURNS[0]).reported() is not None


def test_reported_groups_include_every_group_that_matches() -> None:
    for text in CUSTOMER_TURNS:
        p = Prep(text)
        rep = p.reported()
        assert rep is not None
        for s in SCANNERS:
            for _, _, rule in s.find(p):
                assert rep[1].get(s._sid), (text, rule)


def test_a_turn_read_before_a_scanner_joined_still_gets_its_matches() -> None:
    p = Prep("the blender exploded in my kitchen")
    assert p.reported() is not None  # computed before the new scanner exists
    late = Scanner([[(0, r"\bexplod\w*")]])
    assert p.reported() is not None and late._sid >= p.reported()[0]  # type: ignore[index]
    assert late.find(p) == [(12, 20, 0)]
    assert late.find(customer_prep.prepare("it exploded")) == [(3, 11, 0)]


def test_text_whose_lower_case_has_another_length_is_scanned_plainly() -> None:
    p = Prep("İ want a refund, my order never arrived")
    assert p.norm is None and p.reported() is None
    assert any(s.find(p) for s in SCANNERS)


NOT_Q = GatedPatterns("clarifying_question", "not_a_question")
QUESTIONS = [
    "Have you tried restarting the router?",
    "Is there anything else I can help with?",
    "So you were charged twice, is that right?",
    "What is the order number?",
    "Would you like me to send a replacement?",
    "Could you try logging out and back in?",
    "When did it arrive?",
]
q_words = st.sampled_from(
    "have you tried is there anything else i can help with so were charged twice that right what the order number "
    "would like me to send could try when did it arrive how about what if why not make sense ok ſo ı".split()
)
questions = st.lists(st.one_of(q_words, st.sampled_from([" ", " ", ", ", "?", "'", "\u2019"])), max_size=25).map("".join)


def _plain_any(text: str) -> bool:
    low = text.lower()
    return any(NOT_Q._pats[i].search(low) for i in NOT_Q.candidates(text))


def test_not_a_question_patterns_skip_through_their_set_and_answer_the_same() -> None:
    answers = [NOT_Q.matches_in(q, q.lower()) for q in QUESTIONS]
    assert answers == [_plain_any(q) for q in QUESTIONS]
    assert any(answers) and not all(answers)  # both answers occur: the comparison means something


@settings(max_examples=300, deadline=None)
@given(questions)
def test_not_a_question_matches_in_equals_searching_every_candidate(text: str) -> None:
    assert NOT_Q.matches_in(text, text.lower()) == _plain_any(text)


def test_not_a_question_patterns_are_ids_of_distinct_patterns() -> None:
    assert len({(rx.pattern, rx.flags) for rx in NOT_Q._pats}) == len(NOT_Q._pats)
    assert all(isinstance(rx, re.Pattern) for rx in NOT_Q._pats)


def test_no_shipped_customer_lexicon_is_tried_at_every_letter() -> None:
    """An alternative whose first word the scanner cannot list ("ugh+") falls back to being tried at every
    position its first character class allows: on a lexicon of letters, every letter of the turn."""
    from heartdesk.signals import customer_scan
    from heartdesk.signals.pipeline import Pipeline

    Pipeline()  # builds every shipped customer detector, and so their scanners
    scanners = list(customer_scan._shared.values())
    assert len(scanners) >= 5
    for scanner in scanners:
        assert scanner._classes is None, scanner._classes.pattern
        assert not [c for c in scanner._chars if c.isalnum()], scanner._chars  # symbols only ("!", "$")
        assert not scanner._plain  # no group runs as a plain finditer either
