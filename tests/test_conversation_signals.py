"""Conversation-level detectors: escalation_request and interruption (chat and call transcripts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.model import EMOTIONS, Analysis, Conversation, Emotion, Turn
from heartdesk.signals.base import registered
from heartdesk.signals.conversation import CHAT_BURST_MAX, CHAT_REPLY_MAX, OVERLAP_MIN
from heartdesk.signals.pipeline import Pipeline


class Neutral:
    name = "neutral"
    version = "0"

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        e = Emotion("neutral", 0.0, {k: (1.0 if k == "neutral" else 0.0) for k in EMOTIONS})
        return [e for _ in texts]


PIPE = Pipeline(detectors=["escalation_request", "interruption"], emotion_model=Neutral())
T0 = datetime(2025, 3, 4, 9, 30, 0, tzinfo=UTC)


def run(*turns: tuple[str, str] | Turn) -> Analysis:
    return PIPE.analyze(Conversation.of("c", *turns))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def labelled(a: Analysis, label: str) -> list[tuple[int, str]]:
    return [(i, a.conversation.turns[i].text[f.start : f.end]) for i, f in a.findings(label)]


def test_registered() -> None:
    reg = registered()
    assert reg["escalation_request"].reads == "customer"
    assert reg["interruption"].reads == "agent"


# --- escalation_request ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to speak to a manager right now.", "speak to a manager"),
        ("Put me through to your supervisor please.", "Put me through to your supervisor"),
        ("Please escalate this, it's been three weeks.", "Please escalate this"),
        ("You need to escalate my case today.", "escalate my case"),
        ("Can I talk to someone more senior about the claim?", "talk to someone more senior"),
        ("I'd like to file a formal complaint about the engineer.", "file a formal complaint"),
        ("Get me your manager.", "Get me your manager"),
        ("Can you please provide me with your complaints procedure?", "complaints procedure"),
    ],
)
def test_escalation_request_positive(text: str, expected: str) -> None:
    a = run(("customer", text))
    assert (0, expected) in labelled(a, "escalation_request")
    # The scorecard lists it too.
    assert [e.turn for e in a.scorecard.escalation_requests] == [0]


@pytest.mark.parametrize(
    "text",
    [
        "No need to escalate, you sorted it, thanks!",
        "The store manager was really helpful yesterday.",
        "I don't need a manager, just tell me when the refund lands.",
        "Is the account manager feature in the premium plan?",
    ],
)
def test_escalation_request_negative(text: str) -> None:
    a = run(("customer", text))
    assert labelled(a, "escalation_request") == []
    assert a.scorecard.escalation_requests == ()


def test_escalation_request_is_not_read_on_agent_turns() -> None:
    a = run(("customer", "Hi"), ("agent", "I can escalate this to my supervisor if you like."))
    assert labelled(a, "escalation_request") == []


# --- interruption: chat without timestamps ---------------------------------------------


def test_chat_cut_in_mid_sentence() -> None:
    a = run(
        ("customer", "So I ordered the blue jacket and"),
        ("agent", "Sorry to hear that. Can I have your order number?"),
        ("customer", "and it arrived in red, the wrong size too"),
    )
    assert labelled(a, "interruption") == [(1, "Sorry to hear that.")]
    assert [e.turn for e in a.scorecard.interruptions] == [1]


def test_chat_customer_protests() -> None:
    a = run(
        ("customer", "My internet has been slow since the upgrade."),
        ("agent", "Have you tried restarting the router?"),
        ("customer", "Let me finish, please. It's only slow on the 5GHz band."),
    )
    assert labelled(a, "interruption") == [(1, "Have you tried restarting the router?")]


@pytest.mark.parametrize(
    "turns",
    [
        # Complete message, agent answers, customer answers the question.
        [
            ("customer", "My card was declined at the pharmacy."),
            ("agent", "I'm sorry about that. Which card was it?"),
            ("customer", "The Visa ending 4412."),
        ],
        # Lower-case casual chat that simply goes on: no sign of a cut.
        [
            ("customer", "hi my parcel hasnt arrived"),
            ("agent", "Sorry to hear that! Could you share the tracking number?"),
            ("customer", "sure its 1Z999"),
        ],
        # The agent speaks first: nothing to interrupt.
        [("agent", "Hello, how can I help?"), ("customer", "and also my bill")],
        # The customer never writes again.
        [("customer", "I was charged twice and"), ("agent", "Let me check that for you.")],
    ],
)
def test_chat_no_interruption(turns: list[tuple[str, str]]) -> None:
    assert labelled(run(*turns), "interruption") == []


# --- interruption: chat with timestamps ------------------------------------------------


def test_chat_timestamps_agent_replies_while_customer_still_typing() -> None:
    a = run(
        Turn("customer", "The heating in flat 4B stopped", at=at(0)),
        Turn("agent", "Thanks for reaching out. Is the boiler showing an error?", at=at(3)),
        Turn("customer", "We have a newborn at home so it's urgent.", at=at(9)),
    )
    assert labelled(a, "interruption") == [(1, "Thanks for reaching out.")]
    f = a.findings("interruption")[0][1]
    assert f.confidence >= 0.8
    assert "3s" in f.explanation


def test_chat_timestamps_normal_pace_is_not_interruption() -> None:
    a = run(
        Turn("customer", "The heating in flat 4B stopped", at=at(0)),
        Turn("agent", "Thanks for reaching out. Is the boiler showing an error?", at=at(CHAT_REPLY_MAX + 40)),
        Turn("customer", "Yes, code F28.", at=at(CHAT_REPLY_MAX + 70)),
    )
    assert labelled(a, "interruption") == []


def test_chat_timestamps_quick_reply_but_customer_waited() -> None:
    # A fast (canned) reply is fine when the customer's next message comes much later.
    a = run(
        Turn("customer", "Hello, is anyone there?", at=at(0)),
        Turn("agent", "Hi! I'm here. How can I help?", at=at(2)),
        Turn("customer", "My refund hasn't arrived.", at=at(CHAT_BURST_MAX + 30)),
    )
    assert labelled(a, "interruption") == []


# --- interruption: call transcripts (overlap) ------------------------------------------


def test_call_overlap_agent_talks_over_customer() -> None:
    a = run(
        Turn("customer", "I was told the engineer would come on Tuesday but nobody", at=at(0), end=at(6)),
        Turn("agent", "Okay so I can see here the appointment was moved. It's now Thursday.", at=at(4), end=at(9)),
    )
    assert labelled(a, "interruption") == [(1, "Okay so I can see here the appointment was moved.")]
    assert "2.0s" in a.findings("interruption")[0][1].explanation


@pytest.mark.parametrize(
    "agent",
    [
        # Backchannel: listening, not taking the floor.
        Turn("agent", "Mm-hmm.", at=at(4), end=at(4.5)),
        # Starts after the customer finished.
        Turn("agent", "Thanks, let me look at the appointment.", at=at(6.2), end=at(9)),
        # A hair of overlap (turn-taking jitter) stays below the threshold.
        Turn("agent", "Thanks, let me look at the appointment.", at=at(6 - OVERLAP_MIN / 2), end=at(9)),
    ],
)
def test_call_no_interruption(agent: Turn) -> None:
    a = run(Turn("customer", "The engineer never came on Tuesday.", at=at(0), end=at(6)), agent)
    assert labelled(a, "interruption") == []


def test_call_naive_and_aware_times_do_not_crash() -> None:
    a = run(
        Turn("customer", "The engineer never came.", at=at(0), end=at(6)),
        Turn("agent", "Right, I see that.", at=datetime(2025, 3, 4, 9, 30, 3)),  # naive
    )
    assert labelled(a, "interruption") == []


def test_interruption_span_on_odd_unicode() -> None:
    text = "\u202e\u05e9\u05dc\u05d5\u05dd \U0001f600 Cafe\u0301? ok"
    a = run(("customer", "my order and"), ("agent", text), ("customer", "and the invoice"))
    found = a.findings("interruption")
    assert len(found) == 1
    f = found[0][1]
    assert 0 <= f.start < f.end <= len(text)


@pytest.mark.parametrize(
    "protest",
    [
        "Please let me talk. The bill is wrong.",
        "I wasn't done. The bill is wrong.",
        "As I was saying, the bill is wrong.",
        "Hold on, I haven't finished. The bill is wrong.",
        "I was still typing!",
        "Stop interrupting me.",
    ],
)
def test_chat_protest_phrasings(protest: str) -> None:
    a = run(("customer", "Your invoice for May."), ("agent", "Is there a problem with it?"), ("customer", protest))
    assert labelled(a, "interruption") == [(1, "Is there a problem with it?")]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abdnortsAND ,.;:-!?)]\"'\t\n\x1c_0\u2026\u2014\u2019\U0001f600")), max_size=24))
def test_the_end_of_a_message_is_read_as_the_regexes_read_it(tail: str) -> None:
    from heartdesk.signals.conversation import _TERMINAL, _UNFINISHED, _ends_terminal, _ends_unfinished

    assert _ends_unfinished(tail) == (_UNFINISHED.search(tail) is not None)
    assert _ends_terminal(tail) == (_TERMINAL.search(tail) is not None)


@pytest.mark.parametrize(
    ("tail", "unfinished", "terminal"),
    [
        ("I tried resetting it and", True, False),
        ("I tried resetting it, ", True, False),
        ("It is a brand", False, False),  # "and" inside a word is no trailing "and"
        ("It stopped working.", False, True),
        ("Why is that?)  \n", False, True),
        ("so I called AND", True, False),
    ],
)
def test_the_end_of_a_message_examples(tail: str, unfinished: bool, terminal: bool) -> None:
    from heartdesk.signals.conversation import _ends_terminal, _ends_unfinished

    assert (_ends_unfinished(tail), _ends_terminal(tail)) == (unfinished, terminal)
