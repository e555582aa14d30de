"""The desk analyses an agent's reply on top of the conversation's previous analysis (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from heartdesk._lru import LRU
from heartdesk.analysis.contract import analysis_to_dict
from heartdesk.desk.services import _ticket
from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline, default_pipeline

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TURNS = [
    ("customer", "My order #4411 arrived broken and I've been on hold for an hour!"),
    ("agent", "Thank you for your patience. Could you send me a photo of the damage?"),
    ("customer", "Here it is. I need it before Friday or the party is ruined."),
    ("agent", "I'm so sorry. I'll send a replacement today by express and email you the tracking number."),
    ("agent", "Thanks for your patience, and have a lovely party!"),
]


def _conv(n: int) -> Conversation:
    turns = tuple(Turn(role=r, text=t, at=T0 + timedelta(minutes=3 * i)) for i, (r, t) in enumerate(TURNS[:n]))  # type: ignore[arg-type]
    return Conversation(id="T-1", turns=turns, channel="chat")


def test_each_growing_conversation_reads_as_a_whole_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ticket, "_recent", LRU(2048))
    extended = 0
    real_extend = Pipeline.extend

    def counting(self: Pipeline, prefix: object, turn: Turn) -> object:
        nonlocal extended
        extended += 1
        return real_extend(self, prefix, turn)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "extend", counting)
    for n in range(1, len(TURNS) + 1):
        conv = _conv(n)
        assert _ticket.analyze_turns(conv) == analysis_to_dict(default_pipeline().analyze(conv))["turns"]
    # The three agent replies were each analysed on top of the one before; the customer turns whole.
    assert extended == 3


def test_a_conversation_not_seen_before_is_analysed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ticket, "_recent", LRU(2048))
    called = []
    monkeypatch.setattr(Pipeline, "extend", lambda *a: called.append(a))
    conv = _conv(4)
    assert _ticket.analyze_turns(conv) == analysis_to_dict(default_pipeline().analyze(conv))["turns"]
    assert called == []


def test_the_memory_is_bounded() -> None:
    recent = LRU(2)
    for n in range(1, 4):
        recent.put(_ticket._key(_conv(n), n), default_pipeline().analyze(_conv(n)))
    assert recent.get(_ticket._key(_conv(1), 1)) is None
    assert recent.get(_ticket._key(_conv(3), 3)) is not None
