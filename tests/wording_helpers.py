"""What the wording tests ask of the shipped engine: the evidence of a label's present findings."""

from __future__ import annotations

from heartdesk import Conversation, analyze


def found(customer: str, agent: str, label: str) -> list[str]:
    """Evidence of the present ``label`` findings on the agent's reply, with the shipped engine."""
    last = analyze(Conversation.of("t", ("customer", customer), ("agent", agent))).turns[-1]
    return [agent[f.start : f.end] for f in last.findings if f.present and f.label == label]


def evidence(text: str, label: str) -> list[str]:
    """Evidence of the present ``label`` findings on a customer's opening message."""
    turn = analyze(Conversation.of("t", ("customer", text))).turns[0]
    return [text[f.start : f.end] for f in turn.findings if f.present and f.label == label]


def emotion_label(text: str) -> str:
    """The emotion label of a customer's opening message, with the shipped engine."""
    emo = analyze(Conversation.of("t", ("customer", text))).turns[0].emotion
    assert emo is not None
    return emo.label
