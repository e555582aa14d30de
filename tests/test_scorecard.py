"""Scorecard arithmetic and the de-escalation trajectory, with a stand-in emotion model."""

from __future__ import annotations

from collections.abc import Sequence

from heartdesk.model import EMOTIONS, Conversation, Emotion
from heartdesk.signals.pipeline import Pipeline


def _emotion(label: str, strength: float = 0.9) -> Emotion:
    rest = (1.0 - strength) / (len(EMOTIONS) - 1)
    scores = {e: (strength if e == label else rest) for e in EMOTIONS}
    return Emotion(label, strength if label != "neutral" else 0.0, scores)


class KeywordEmotions:
    """Stand-in model: the emotion is named by a keyword in the text, so tests control it exactly."""

    name = "keywords"
    version = "test"

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        out = []
        for t in texts:
            low = t.lower()
            label = next((e for e in ("anger", "frustration", "gratitude", "satisfaction") if e in low), "neutral")
            out.append(_emotion(label))
        return out


class FlatTone:
    name = "flat"
    version = "test"

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        return [0.0] * len(texts)


def _pipe(*detectors: str) -> Pipeline:
    return Pipeline(detectors=list(detectors), emotion_model=KeywordEmotions(), tone_model=FlatTone())


def test_calming_an_angry_customer_reads_as_de_escalation() -> None:
    conv = Conversation.of(
        "c",
        ("customer", "hi"),
        ("customer", "anger: you billed me twice and nobody answers my emails"),
        ("agent", "I have refunded the second charge."),
        ("customer", "gratitude, that is what I needed"),
    )
    traj = _pipe().analyze(conv).scorecard.de_escalation
    assert traj.first == "anger", "the venting turn, not the neutral hello, is the opening"
    assert traj.last == "gratitude"
    assert traj.change > 0.15 and traj.summary.startswith("de-escalated")


def test_a_bare_ok_at_the_end_does_not_count_as_calming_down() -> None:
    conv = Conversation.of(
        "c",
        ("customer", "anger: the router is dead again"),
        ("agent", "Please restart it."),
        ("customer", "frustration, I restarted it five times already today"),
        ("agent", "Then wait for the technician."),
        ("customer", "ok"),
    )
    traj = _pipe().analyze(conv).scorecard.de_escalation
    assert traj.last == "frustration"
    assert not traj.summary.startswith("de-escalated")


def test_getting_angrier_reads_as_escalation() -> None:
    conv = Conversation.of(
        "c",
        ("customer", "Where is my parcel? It was due Monday."),
        ("agent", "That's our policy."),
        ("customer", "anger: that is no answer at all, I want my money back"),
    )
    traj = _pipe().analyze(conv).scorecard.de_escalation
    assert traj.summary.startswith("escalated") and traj.change < -0.15


def test_scores_are_explained_by_their_evidence() -> None:
    conv = Conversation.of(
        "c",
        ("customer", "anger: you sent the wrong sofa"),
        ("agent", "You're wrong, we never make mistakes."),
    )
    card = _pipe("confrontational").analyze(conv).scorecard
    labels = [e.label for e in card.empathy.evidence]
    assert "customer_distress" in labels and "confrontational" in labels
    # the score is the documented base plus the listed effects, clamped
    expected = max(0, min(100, round(55 + sum(e.effect for e in card.empathy.evidence))))
    assert card.empathy.score == expected
    assert card.empathy.score is not None and card.empathy.score < 30
    assert "hurt by" in card.empathy.summary and "confrontational" in card.empathy.summary


def test_no_agent_turn_means_no_scores_but_still_a_last_impression() -> None:
    card = _pipe().analyze(Conversation.of("c", ("customer", "frustration: still waiting"))).scorecard
    assert all(d.score is None for d in card.dimensions)
    assert card.last_impression is not None and card.last_impression.label == "frustration"


def test_confusion_asks_less_empathy_than_anger() -> None:
    from heartdesk.signals.base import distress

    assert distress(_emotion("confusion")) < distress(_emotion("anger"))
    assert abs(distress(_emotion("confusion")) - 0.5 * distress(_emotion("anger"))) < 0.1
