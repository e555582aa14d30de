from __future__ import annotations

import json

from heartdesk import Conversation, analyze, analyze_many
from heartdesk.analysis.contract import analysis_to_dict


def test_analyze_returns_findings_with_spans_into_the_original_text() -> None:
    conv = Conversation.of("c1", ("customer", "It broke again."), ("agent", "You’re wrong, it works."))
    result = analyze(conv)
    found = result.findings("confrontational")
    assert found, "the seed phrase 'You're wrong' must be flagged"
    turn, f = found[0]
    assert conv.turns[turn].text[f.start : f.end] == "You’re wrong"
    assert f.suggestion == "Is this correct?"


def test_analyze_many_streams_in_input_order() -> None:
    convs = (Conversation.of(f"c{i}", ("customer", f"message {i}")) for i in range(1200))
    ids = [a.id for a in analyze_many(convs)]
    assert ids == [f"c{i}" for i in range(1200)]


def test_output_contract_keys() -> None:
    conv = Conversation.of("c9", ("customer", "Where is my parcel?"), ("agent", "Let me check."))
    d = analysis_to_dict(analyze(conv))
    json.dumps(d)
    assert d["id"] == "c9"
    assert [t["index"] for t in d["turns"]] == [0, 1]
    assert "emotion" in d["turns"][0] and "emotion" not in d["turns"][1]
    for t in d["turns"]:
        assert -1.0 <= t["tone"] <= 1.0
        assert isinstance(t["findings"], list)
    for dim in ("empathy", "listening", "tone", "ownership", "resolution", "etiquette"):
        assert 0 <= d["scorecard"][dim]["score"] <= 100
