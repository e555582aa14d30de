"""The coach's memoised pipeline answers exactly what the shipped pipeline answers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from heartdesk import analyze
from heartdesk.coach.engine import MemoEmotion, MemoTone, analyze_draft, with_draft
from heartdesk.model import Conversation, Emotion

CONV = Conversation.of(
    "e",
    ("customer", "My order #A1234 arrived damaged!! This is ridiculous."),
    ("agent", "I'm so sorry. Could you send a photo?"),
    ("customer", "Here it is. I need it before Friday."),
)


def test_same_analysis_as_the_default_pipeline_cold_and_warm() -> None:
    for draft in ("You're wrong, that's our policy.", "I've sent a replacement today. Have a nice day!"):
        expected = analyze(with_draft(CONV, draft))
        for _ in range(2):  # the second call is served from the memo
            got = analyze_draft(CONV, draft)
            assert got.turns == expected.turns
            assert got.scorecard == expected.scorecard


def test_without_context_the_draft_is_the_only_turn() -> None:
    a = analyze_draft(None, "You're lying.")
    assert [t.role for t in a.turns] == ["agent"]
    assert a.conversation.turns[0].text == "You're lying."


class _Counting:
    name = "counting"
    version = "1"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        self.seen += texts
        return [Emotion("neutral", 0.5, {"neutral": 0.5}) for _ in texts]

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        self.seen += texts
        return [0.1 * len(t) for t in texts]


def test_memo_models_call_the_model_once_per_text_and_keep_order() -> None:
    inner = _Counting()
    emotion = MemoEmotion(inner, size=2)
    assert [e.label for e in emotion.predict(["a", "b", "a"])] == ["neutral"] * 3
    assert emotion.predict(["b", "c"])[1].label == "neutral"
    assert inner.seen == ["a", "b", "c"]  # "a" twice in one call is asked once; "b" came from the memo
    emotion.predict(["a"])  # evicted by the size limit: asked again
    assert inner.seen[-1] == "a"
    tone_inner = _Counting()
    tone = MemoTone(tone_inner)
    assert tone.score(["xx", "y"], [None, None]) == pytest.approx([0.2, 0.1])
    assert tone.score(["y", "zzz"], [None, None]) == pytest.approx([0.1, 0.3])
    assert tone_inner.seen == ["xx", "y", "zzz"]
