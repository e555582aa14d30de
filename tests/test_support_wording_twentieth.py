"""Support wording read right in the twentieth session (emotion cues 20 and their ``calm_lookups``, complaint
lexicon 15, defensive 9, bare_policy 9, reassurance 7, ownership 12, tone 16), each with the look-alike it must
leave alone. Examples written for these tests."""

from __future__ import annotations

import pytest

from heartdesk import Conversation, analyze
from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals.emotion_cues import default_cues
from wording_helpers import emotion_label, evidence, found

CHASED = "I've called three times about this already!"
HARDSHIP = "I lost my job and can't pay my bill this month."


def reading(**scores: float) -> Emotion:
    full = {k: 0.0 for k in EMOTIONS} | scores
    return Emotion(max(full, key=lambda k: full[k]), 0.5, full)


def tone(role: str, text: str) -> float:
    return analyze(Conversation.of("t", ("customer", "Hi."), (role, text))).turns[-1].tone


# --- Customer: a lookup is no distress ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I can't find the invoice for March. We need it for our accountant.",
        "I can't find the settings page to change my email.",
        "I can't find where to update my card details.",
        "I don't see the button to cancel my plan.",
    ],
)
def test_a_lookup_reads_calm(text: str) -> None:
    assert emotion_label(text) == "neutral"


def test_the_lookup_calm_moves_the_models_sadness_and_anger() -> None:
    # What the model reads into the coach corpus's "I can't find the invoice for March. We need it for our accountant."
    read = reading(sadness=0.41, anger=0.26, neutral=0.26, joy=0.0, satisfaction=0.04, confusion=0.03)
    calm = default_cues().adjust(read, "I can't find the invoice for March. We need it for our accountant.")
    assert calm.label == "neutral"
    assert calm.scores["sadness"] < 0.1 and calm.scores["anger"] < 0.1
    assert sum(calm.scores.values()) == pytest.approx(sum(read.scores.values()))


@pytest.mark.parametrize(
    "text",
    [
        "I can't find my bag anywhere, it wasn't on the carousel.",  # a thing lost, not a lookup
        "I can't find my order in my account, did it go through?",
        "I don't see how I should pay an extra $100 for your mistake.",  # a protest
    ],
)
def test_lost_things_and_protests_are_no_lookup(text: str) -> None:
    read = reading(frustration=0.46, anger=0.2, neutral=0.34)
    assert default_cues().adjust(read, text).label == "frustration", text


def test_a_lookup_beside_a_grievance_keeps_the_grievance() -> None:
    text = "I can't find the invoice and you've charged me twice!"
    assert emotion_label(text) == "frustration"
    assert evidence(text, "complaint") == ["charged me twice"]


def test_thanks_after_the_wait_keep_their_gratitude() -> None:
    assert emotion_label("I ordered it on Monday, that was a week ago and it arrived yesterday, thanks!") == "gratitude"


# --- Customer: new cues and complaints ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("Someone logged into my account from another country and changed my password.", "anxiety"),
        ("Please hurry, my medication is in that parcel and I need it tonight.", "anxiety"),
        ("The hotel gave our room away even though we had a confirmed booking.", "frustration"),
        ("I was told it would be fixed within 48 hours, that was a week ago.", "frustration"),
        ("The driver left my parcel in the rain and everything inside is soaked.", "frustration"),
        ("Please hurry up, this is taking forever!", "frustration"),
        ("Your chatbot is going round in circles.", "frustration"),
        ("This company is a joke.", "frustration"),
        ("What a joke!", "frustration"),
        ("Is this a joke?", "frustration"),
    ],
)
def test_service_wording_carries_its_feeling(text: str, feeling: str) -> None:
    assert emotion_label(text) == feeling


@pytest.mark.parametrize(
    "text",
    [
        "Someone from your team called me yesterday about my account.",
        "Tell me a joke while I wait!",
    ],
)
def test_cue_look_alikes_stay_clear(text: str) -> None:
    assert all(c.emotion not in ("anxiety", "frustration") for c in default_cues().find(text)), text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Your chatbot is going round in circles.", "going round in circles"),
        ("I keep getting sent around in circles.", "sent around in circles"),
        ("The seat I paid extra for was given to someone else.", "was given to someone else"),
        ("You took my upgrade and gave it to someone else.", "gave it to someone else"),
        ("Your service is a joke.", "Your service is a joke"),
        ("Is this a joke?", "this a joke"),
        ("I can't pay my bill, the page keeps erroring.", "can't pay my"),
    ],
)
def test_new_complaint_wording(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "Tell me a joke while I wait!",
        HARDSHIP,
        "I can't pay the rent until Friday.",
        "We went round in circles on the design, but it's fine now.",
        "I was given a voucher by your colleague, thank you.",
    ],
)
def test_complaint_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == [], text


# --- Agent -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (
            CHASED,
            "I don't have any record of your previous calls.",
            "defensive",
            "I don't have any record of your previous calls",
        ),
        (CHASED, "There's no record of you calling us.", "defensive", "There's no record of you calling"),
        (HARDSHIP, "Payment is due on the 1st regardless of circumstances.", "bare_policy", "regardless of circumstances"),
        (HARDSHIP, "We make no exceptions, whatever the reason.", "bare_policy", "no exceptions"),
        (HARDSHIP, "Let's look at a payment plan together.", "ownership", "Let's look at a payment plan together"),
        (HARDSHIP, "so you don't have to worry about this bill.", "reassurance", "you don't have to worry"),
        (
            "The app keeps crashing.",
            "Our developers are aware and working on a fix.",
            "reassurance",
            "Our developers are aware and working on a fix",
        ),
        (
            "The app keeps crashing.",
            "We're aware of the issue and working on it.",
            "reassurance",
            "We're aware of the issue and working on it",
        ),
    ],
)
def test_new_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        ("Where is my order?", "I don't have a record of that order number, could you check it for me?", "defensive"),
        (CHASED, "I'll make a record of this call.", "defensive"),
        (HARDSHIP, "This applies to everyone regardless of their plan.", "bare_policy"),
        (
            HARDSHIP,
            "I'm so sorry. Payment is due on the 1st regardless of circumstances, but let's set up a plan.",
            "bare_policy",
        ),
        ("The app keeps crashing.", "We're aware of your complaint.", "reassurance"),
        ("The parcel arrived damaged.", "Let's look at the photos you sent.", "ownership"),
    ],
)
def test_agent_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


def test_youre_welcome_reads_warm() -> None:
    # The opening "you're" is no accusation here: "You're very welcome!" read -0.05.
    assert tone("agent", "You're very welcome!") > 0.2
    assert tone("agent", "You're welcome.") > 0.2
    assert tone("agent", "You're wrong about that.") < 0.0
