"""The engine's fast paths give what the plain forms give (signals/agent_unless.py, the emotion
cues' score arithmetic, the pipeline's TurnAnalysis construction)."""

from __future__ import annotations

import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.model import EMOTIONS, Conversation, Emotion, EmotionCue, TurnAnalysis
from heartdesk.models.emotion import make_emotion
from heartdesk.signals.agent_context import _YOU, _you_in
from heartdesk.signals.agent_match import gated
from heartdesk.signals.agent_text import sentences
from heartdesk.signals.agent_unless import bounded_search, context_search, found_in, without_unless
from heartdesk.signals.context import rounded
from heartdesk.signals.emotion_cues import apply
from heartdesk.signals.pipeline import _turn_analysis

#: Lexicons with an ``unless`` list whose fast form applies (they open every alternative with \b).
UNLESS = ("passing_buck", "apology", "confrontational", "bare_policy")

WORDS = [
    "I'll",
    "i will",
    "let me",
    "I'm going to",
    "transfer",
    "connect",
    "escalate",
    "forward",
    "refer",
    "on your behalf",
    "warm",
    "sorry",
    "Sorry,",
    "what",
    "how",
    "instead of",
    "never say",
    "don't say",
    "wish",
    "I really wish",
    "unfortunately,",
    "Unfortunately",
    "you",
    "the",
    "team",
    "billing",
    "xsorry",
    "sorry?",
    "insteadof",
    "wishes",
    "ill",
    "cc",
    "loop in",
    "_sorry",
    "3sorry",
    "?",
    "!",
    ".",
]


@st.composite
def turns(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    glue = draw(st.lists(st.sampled_from([" ", "  ", ", ", ". ", "? ", "\n", "", "-"]), min_size=len(parts), max_size=len(parts)))
    return "".join(p + g for p, g in zip(parts, glue, strict=True))


def test_every_unless_list_has_its_fast_form() -> None:
    for name in UNLESS:
        assert gated(name).unless_fast is not None, name


@settings(max_examples=300, deadline=None)
@given(turns(), st.integers(0, 200), st.integers(0, 200))
def test_the_fast_unless_search_agrees_with_the_plain_one(text: str, a: int, b: int) -> None:
    s, e = sorted((min(a, len(text)), min(b, len(text))))
    low = text.lower()
    for name in UNLESS:
        gl = gated(name)
        assert gl.lexicon.unless is not None and gl.unless_fast is not None
        plain = gl.lexicon.unless.search(text, s, e) is not None
        assert bounded_search(gl.unless_fast, low, s, e) == plain, (name, text, s, e)


@settings(max_examples=200, deadline=None)
@given(turns())
def test_hits_vetoed_by_unless_are_the_same_either_way(text: str) -> None:
    hits = [(s, e, 0) for s, e in sentences(text)]
    for name in UNLESS:
        gl = gated(name)
        assert gl.lexicon.unless is not None
        plain = without_unless(text, list(hits), gl.lexicon.unless)
        assert without_unless(text, list(hits), gl.lexicon.unless, gl.unless_fast, text.lower()) == plain


def test_a_vetoed_sentence_is_dropped_and_the_others_kept() -> None:
    gl = gated("passing_buck")
    assert gl.lexicon.unless is not None
    text = "That is another team. I'll transfer you now."
    hits = [(s, e, 0) for s, e in sentences(text)]
    kept = without_unless(text, hits, gl.lexicon.unless, gl.unless_fast, text.lower())
    assert kept == hits[:1]


@settings(max_examples=300, deadline=None)
@given(turns())
def test_context_lists_searched_fast_agree_with_their_regex(text: str) -> None:
    for key in ("softeners", "alternatives"):
        search = context_search("bare_policy", key)
        assert search is not None and search[1] is not None, key
        assert found_in(search, text) == (search[0].search(text) is not None), (key, text)


def test_cues_on_scores_naming_some_emotions_keep_just_those_names() -> None:
    partial = Emotion("neutral", 0.1, {"neutral": 0.9, "anger": 0.1})
    full = Emotion("neutral", 0.1, {k: {"neutral": 0.9, "anger": 0.1}.get(k, 0.0) for k in EMOTIONS})
    cue = EmotionCue(0, 4, "frustration", 0.6)
    got, want = apply(partial, [cue]), apply(full, [cue])
    assert list(got.scores) == ["neutral", "anger"]  # the moved mass is not reported under a new name
    assert got.label == want.label == "frustration"
    assert got.scores["neutral"] == want.scores["neutral"] and got.intensity == want.intensity


def test_turn_analysis_built_through_its_slots_equals_the_dataclass() -> None:
    conv = Conversation.of("c", ("agent", "hi"))
    built = _turn_analysis(0, "agent", 0.25, (), None)
    assert built == TurnAnalysis(index=0, role="agent", tone=0.25, findings=(), emotion=None)
    assert conv.turns[0].role == built.role


def test_emotion_built_through_its_slots_equals_the_dataclass() -> None:
    cue = EmotionCue(0, 4, "frustration", 0.5)
    scores = {"anger": 0.25, "neutral": 0.75}
    built = make_emotion("neutral", 0.4, scores, (cue,))
    assert built == Emotion("neutral", 0.4, scores, (cue,))
    assert (built.label, built.intensity, built.scores, built.cues) == ("neutral", 0.4, scores, (cue,))
    assert make_emotion("anger", 1.0, scores, ()) == Emotion("anger", 1.0, scores)


_YOU_SOUP = st.lists(
    st.sampled_from(["you", "YOU", "Your", "yours", "yourſ", "you're", "you\u2019re", "youth", "bayou", " ", "?", "İ", "é", "x"]),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_YOU_SOUP, st.integers(0, 40), st.integers(0, 40))
def test_the_you_test_in_c_agrees_with_the_regex(text: str, a: int, b: int) -> None:
    # Paraphrase asks whether a sentence is about the customer: "you" in the lower-cased turn first.
    s, e = min(a, b, len(text)), min(max(a, b), len(text))
    assert _you_in(text, text.lower(), s, e) == (_YOU.search(text, s, e) is not None)


_HALVES = [0.5, 2.5, 0.125, 2.675, 0.0005, 1.0005, -0.0005, -2.5, 0.00015, 1e-12, -1e-12, 5e8, 1e10, 0.0, -0.0, -0.00004]


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(st.floats(allow_nan=False), st.floats(-2, 2), st.sampled_from(_HALVES)),
    st.integers(0, 4),
)
def test_rounded_is_round(x: float, ndigits: int) -> None:
    # The engine's exact fast round: value, type and the sign of zero must all be round()'s.
    got, want = rounded(x, ndigits), round(x, ndigits)
    assert got == want and type(got) is type(want)
    if want == 0:
        assert math.copysign(1.0, got) == math.copysign(1.0, want)


def test_rounded_on_values_next_to_halves() -> None:
    for k in range(-2000, 2000):
        for ndigits in range(5):
            half = (k + 0.5) / 10**ndigits
            for x in (half, math.nextafter(half, 0.0), math.nextafter(half, 1e9), k / 10**ndigits):
                assert rounded(x, ndigits) == round(x, ndigits), (x, ndigits)


def _agent_patterns_with_literals() -> list[tuple[re.Pattern[str], tuple[tuple[str, ...], ...]]]:
    from heartdesk.signals.agent_match import _LITERALS, _PATS
    from heartdesk.signals.pipeline import default_pipeline

    default_pipeline()  # registers every agent lexicon
    return [(p.fast, lits) for p, lits in zip(_PATS, _LITERALS, strict=True) if lits]


#: Words the agent lexicons' literals are made of, so that texts hold them in many places.
LITERAL_WORDS = st.sampled_from(
    "sorry apologise understand frustrating i'm i am we you your policy department already said let me "
    "make sure refund escalate transfer calm down unfortunately cannot can't take care personally . , ? !".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LITERAL_WORDS, max_size=30).map(" ".join), st.integers(0, 200))
def test_a_rest_without_the_required_strings_holds_no_further_match(text: str, at: int) -> None:
    """The agent scan skips the search for a further match when the rest of the turn lacks one of the
    pattern's required strings (``rest_holds``): the search would have found nothing there."""
    from heartdesk.signals.agent_hits import rest_holds

    low = text.lower()
    at = min(at, len(low))
    skipped = 0
    for fast, lits in _agent_patterns_with_literals():
        if not rest_holds(low, at, lits):
            skipped += 1
            assert fast.search(low, at) is None, (fast.pattern, text, at)
    if at == 0 and not text:
        assert skipped > 0  # an empty rest holds nothing: every pattern is skipped


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("youYOUrs're _-.?\u2019x9")), max_size=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=30),
)
def test_you_is_found_where_the_regex_finds_it(text: str, s: int, e: int) -> None:
    # ASCII turns take the look-up in place: boundaries before "you", after each allowed ending, and at ``e``.
    s, e = min(s, len(text)), min(e, len(text))
    assert _you_in(text, text.lower(), s, e) == (_YOU.search(text, s, e) is not None)


_ADVICE_WORDS = ["you could", "You Should", "try", "maybe you", "i'd recommend", "i suggest", "have a", "enjoy", "you can"]
_ADVICE_SOUP = st.lists(
    st.sampled_from([*_ADVICE_WORDS, "hope", "wish you", "Merry", "too", " ", ". ", "?", "\n", "x", "you", "é", "’"]),
    max_size=10,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_ADVICE_SOUP, st.integers(0, 60), st.integers(0, 60))
def test_the_advice_check_agrees_with_its_regexes(text: str, a: int, b: int) -> None:
    from heartdesk.signals.agent_context import _ADVICE, _ADVICE_STATEMENTS, _searched

    s, e = min(a, b, len(text)), min(max(a, b), len(text))
    for search in (_ADVICE, _ADVICE_STATEMENTS):
        assert search is not None and search[1] is not None  # both lists have their fast form
        assert _searched(search, text, text.lower(), s, e) == (search[0].search(text, s, e) is not None)
