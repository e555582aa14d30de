"""The seeds' own phrases (002 'Customer Service - An Emotional Experience', 003 'Customer service
empathy') get the right labels from the agent detectors, with spans on the phrase itself.

The batch models are stubbed (neutral emotion, zero tone) so these tests pin the agent rules alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from heartdesk import Conversation
from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals.agent import AGENT_LABELS
from heartdesk.signals.pipeline import Pipeline


class _Neutral:
    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        return [Emotion("neutral", 0.0, {e: float(e == "neutral") for e in EMOTIONS}) for _ in texts]


class _Flat:
    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        return [0.0 for _ in texts]


PIPE = Pipeline(detectors=list(AGENT_LABELS), emotion_model=_Neutral(), tone_model=_Flat())


def agent_reply(customer: str, agent: str) -> tuple[str, dict[str, list[tuple[str, str | None]]]]:
    """label -> [(evidence, suggestion)] of the present findings on the agent's reply."""
    result = PIPE.analyze(Conversation.of("seed", ("customer", customer), ("agent", agent)))
    out: dict[str, list[tuple[str, str | None]]] = {}
    for f in result.turns[1].findings:
        if f.present:
            out.setdefault(f.label, []).append((agent[f.start : f.end], f.suggestion))
    return agent, out


# Seed 002: "Elicit information without confrontation ... asking a question rather than making
# a confrontational statement".
@pytest.mark.parametrize(
    ("statement", "question"),
    [
        ("I don't understand you.", "Can you give me more information?"),
        ("You're lying.", "Are you sure?"),
        ("You're wrong.", "Is this correct?"),
        ("You made a mistake.", "Is this correct?"),
    ],
)
def test_seed_002_confrontational_statement_gets_the_question_form(statement: str, question: str) -> None:
    _, labels = agent_reply("The invoice says I paid for two licences but I only have one.", statement)
    assert labels["confrontational"] == [(statement.rstrip("."), question)]
    _, asked = agent_reply("The invoice says I paid for two licences but I only have one.", question)
    assert "confrontational" not in asked
    assert [e for e, _ in asked["clarifying_question"]] == [question]


def test_seed_002_paraphrasing_frame_with_the_customers_point() -> None:
    cust = "My new phone arrived with a cracked screen and the charger is missing."
    agent = "Let me make sure that I understand your point. Do you mean the screen was already cracked when the phone arrived?"
    _, labels = agent_reply(cust, agent)
    assert [e for e, _ in labels["paraphrase"]] == [agent]
    assert "clarifying_question" not in labels  # a restating check, not a request for news


def test_seed_002_logical_fix_and_emotional_fix() -> None:
    cust = "You billed me for a month I had already cancelled."
    _, labels = agent_reply(cust, "I've corrected the error and refunded the charge.")
    assert [e for e, _ in labels["logical_fix"]] == ["I've corrected"]
    agent = "I'm sorry for the trouble. To make up for the inconvenience, we've sent you a gift card."
    _, labels = agent_reply(cust, agent)
    assert "apology" in labels
    assert [e for e, _ in labels["emotional_fix"]] == ["To make up for the inconvenience", "we've sent you a gift card"]


def test_seed_003_wishing_you_could_is_empathy_not_bare_policy() -> None:
    cust = "Can I return the blender? I used it once and it's too loud."
    agent = "I wish there was something I could do, but I'm not allowed to accept opened appliances."
    _, labels = agent_reply(cust, agent)
    assert [e for e, _ in labels["empathy"]] == ["I wish there was"]
    assert "bare_policy" not in labels


def test_seed_003_boldly_stating_policy_is_bare_policy() -> None:
    cust = "Can I return the blender? I used it once and it's too loud."
    _, labels = agent_reply(cust, "We are not allowed to accept opened appliances. That's company policy.")
    assert [e for e, _ in labels["bare_policy"]] == ["We are not allowed to", "That's company policy"]
    assert labels["bare_policy"][0][1]  # a suggestion towards empathy and an alternative


def test_seed_003_acknowledging_what_the_customer_faces_is_empathy() -> None:
    cust = "Our whole team was locked out of the dashboard during the board meeting."
    _, labels = agent_reply(
        cust, "I know how that must have looked to your superiors. That must have been very inconvenient for you."
    )
    assert [e for e, _ in labels["empathy"]] == ["I know how that must have looked", "That must have been very inconvenient"]
