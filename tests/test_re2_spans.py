"""RE2 finds what Python's ``finditer`` finds, or gets no say (signals/re2_spans.py)."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.signals import prefilter
from heartdesk.signals.re2_spans import finder
from heartdesk.signals.text import widen_apostrophes


def test_re2_is_on_by_default() -> None:
    assert prefilter.available()  # google-re2 is a dependency


def _python(pattern: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text)]


def _spans(pattern: str, text: str) -> list[tuple[int, int]]:
    f = finder(pattern)
    assert f is not None, pattern
    return f.spans(text.encode("ascii"), text)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        # RE2 runs these itself.
        (r"\b(?:furious|livid|on hold for \d+ (?:hours?|minutes))\b", "i'm livid, on hold for 2 hours and livid again"),
        (r"\bstill (?:no|not|waiting)\b", "still waiting... still no reply. stillnot"),
        (r"(?:\?!|!\?|\?{2,})", "really?! why?? what!?"),
        # Python's ``$`` also matches before a final newline, RE2's does not: Python decides.
        (r"\bgive up$", "i give up\n"),
        (r"\bgive up\Z", "i give up"),
        # Look-arounds: RE2 runs a wider form and Python decides where it matches.
        (r"\blost(?! my (?:wife|husband))\b", "you lost my parcel. i lost my wife last year. lost again"),
        (r"(?<=\. )nobody\b", "nobody called. nobody answers"),
        (r"\b(\w+) \1\b", "the the parcel is is late"),  # a back-reference
    ],
)
def test_spans_equal_finditer(pattern: str, text: str) -> None:
    assert _spans(pattern, text) == _python(pattern, text)
    assert _python(pattern, text)  # each case has a match to find


def test_a_pattern_that_can_match_nothing_gets_no_finder() -> None:
    assert finder(r"\b(?:sorry)?") is None
    assert finder(r"x*") is None


def test_flags_other_than_unicode_get_no_finder() -> None:
    assert finder("sorry", re.IGNORECASE) is None
    assert finder("sorry", re.UNICODE) is not None


def test_the_switch_that_turns_re2_off_turns_the_finders_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTDESK_NO_PREFILTER", "1")
    assert finder(r"\bfurious\b") is None


def _cue_patterns() -> list[str]:
    doc = tomllib.loads((resources.files("heartdesk.signals") / "lexicons" / "emotion_cues.toml").read_text("utf-8"))
    return [widen_apostrophes(str(c["pattern"])) for c in doc["cues"]]


_WORDS = [
    "still", "waiting", "on", "hold", "for", "2", "three", "hours", "ago", "again", "cancelled", "lost", "my",
    "wife", "parcel", "disappointed", "not", "happy", "thanks", "nothing", "furious", "third", "time", "?!",
    "??", "!", "#fail", "frustrating", "so", "much", "worried", "won't", "let", "me", "error", "just", "great",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=16), st.sampled_from([" ", ". ", ", ", "\n"]))
def test_every_shipped_cue_finds_what_python_finds(words: list[str], glue: str) -> None:
    text = glue.join(words)
    for pattern in _cue_patterns():
        f = finder(pattern)
        if f is not None:
            assert f.spans(text.encode("ascii"), text) == _python(pattern, text), (pattern, text)


def test_every_shipped_cue_gets_a_finder() -> None:
    patterns = _cue_patterns()
    assert sum(finder(p) is not None for p in patterns) == len(patterns)


# ---------------------------------------------------------------- found_in: the agent context lists
_CONTEXT = [("bare_policy", "softeners"), ("bare_policy", "alternatives")]
_CONTEXT_TEXTS = [
    "I'm afraid that's our policy. However, I can offer you a voucher instead.",
    "Refunds are not possible after 30 days.",
    "I really wish I could change it, but the system won't let me.",
    "That is not allowed, but what we can do is send a replacement.",
    "BUT I CAN ARRANGE A CALLBACK TOMORROW.",
    "Butter is not covered. I can't help with that.",
    "",
]


def _context_searches() -> list[tuple[re.Pattern[str], re.Pattern[str] | None]]:
    from heartdesk.signals.agent_match import gated
    from heartdesk.signals.agent_unless import context_search

    out = [context_search(lexicon, key) for lexicon, key in _CONTEXT]
    assert all(s is not None for s in out)
    handoff = gated("passing_buck")  # passing_buck asks its handoff list the same way
    assert handoff.lexicon.unless is not None
    return [s for s in out if s is not None] + [(handoff.lexicon.unless, handoff.unless_fast)]


def test_context_lists_are_run_by_re2_on_ascii_turns() -> None:
    from heartdesk.signals import agent_unless

    for search in _context_searches():
        agent_unless.found_in(search, "Refunds are not possible.")
        entry = agent_unless._finders[id(search[0])]
        assert entry[0] is search[0] and isinstance(entry[1], agent_unless.Re2Finder)


@pytest.mark.parametrize("text", _CONTEXT_TEXTS)
def test_found_in_agrees_with_the_regex(text: str) -> None:
    from heartdesk.signals.agent_unless import found_in

    for search in _context_searches():
        assert found_in(search, text) == (search[0].search(text) is not None)
    # The examples cover both answers for both lists.
    got = {(i, found_in(s, t)) for t in _CONTEXT_TEXTS for i, s in enumerate(_context_searches()[:2])}
    assert got == {(0, True), (0, False), (1, True), (1, False)}


_HANDOFF_WORDS = "transfer you to our team will call back put through".split()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"but however i we can could offer sorry wish what do not allowed".split(), *_HANDOFF_WORDS, ".", ",", "!"]
        )
        | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6),
        max_size=25,
    )
)
def test_found_in_agrees_with_the_regex_on_any_ascii(words: list[str]) -> None:
    from heartdesk.signals.agent_unless import found_in

    text = " ".join(words)
    for search in _context_searches():
        assert found_in(search, text) == (search[0].search(text) is not None)
