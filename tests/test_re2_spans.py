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
