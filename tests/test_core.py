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


def test_extend_by_an_agent_turn_equals_analysing_the_whole_conversation() -> None:
    from heartdesk.signals.pipeline import default_pipeline

    pipe = default_pipeline()
    turns = [
        ("customer", "My order #4411 arrived broken and I've been on hold for an hour!"),
        ("agent", "Thank you for your patience. Could you send a photo of the damage?"),
        ("customer", "Here it is. I need it before Friday."),
        ("agent", "I'm so sorry. I'll send a replacement today and email you the tracking number. Thanks for your patience!"),
    ]
    whole = Conversation.of("x", *turns)
    prefix = pipe.analyze(Conversation.of("x", *turns[:-1]))
    assert analysis_to_dict(pipe.extend(prefix, whole.turns[-1])) == analysis_to_dict(pipe.analyze(whole))


def test_extend_by_a_customer_turn_rereads_what_it_changes() -> None:
    from heartdesk.signals.pipeline import default_pipeline

    pipe = default_pipeline()
    # "Thank you for your patience" closes only if the customer does not write again.
    turns = [("customer", "Where is my refund?"), ("agent", "Refund sent today. Thank you for your patience.")]
    prefix = pipe.analyze(Conversation.of("y", *turns))
    assert prefix.turns[1].has("closing")
    more = Conversation.of("y", *turns, ("customer", "It is still not there."))
    extended = pipe.extend(prefix, more.turns[-1])
    assert not extended.turns[1].has("closing")  # the customer wrote again: courtesy, not a close
    assert analysis_to_dict(extended) == analysis_to_dict(pipe.analyze(more))
