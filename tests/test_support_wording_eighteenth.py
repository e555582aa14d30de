"""Support wording read right in the eighteenth session (emotion cues 18, complaint lexicon 13, bare_policy
lexicon 8), each with the look-alike it must leave alone. Examples written for these tests."""

from __future__ import annotations

import pytest

from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals.emotion_cues import default_cues
from wording_helpers import evidence, found

LATE = "My order hasn't arrived and it's been two weeks."


def emotion(**scores: float) -> Emotion:
    full = {k: 0.0 for k in EMOTIONS} | scores
    return Emotion(max(full, key=lambda k: full[k]), 0.2, full)


def cue_emotions(text: str) -> list[str]:
    return [c.emotion for c in default_cues().find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "I'm honestly at my wits' end with this.",
        "We're at our wits end here.",
        "I'm at the end of my rope with this company.",
        "My patience has run out.",
        "Honestly, I'm out of patience.",
        "I've been trying to get through since 8am.",
        "Been trying to reach an agent for two days.",
        "I have been trying to call you all morning!",
        "Can someone PLEASE just give me a straight answer?",
        "I feel like I'm being ignored.",
    ],
)
def test_exasperation_in_few_words_is_a_frustration_cue(text: str) -> None:
    assert "frustration" in cue_emotions(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for your patience.",  # the agent's formula, said back
        "I tried calling yesterday, but the line was busy, so I'm emailing instead.",
        "Can you just confirm the delivery address?",  # "can you just" is a plain request
        "The straight edge of the box was dented.",
        "I ignored the first email, sorry, it went to spam.",
        "I'm trying to update my address.",
    ],
)
def test_look_alikes_carry_no_frustration_cue(text: str) -> None:
    assert "frustration" not in cue_emotions(text), text


def test_patience_gone_rules_out_the_satisfaction_read_into_patient() -> None:
    # The model reads "a patient person" as satisfaction; the cue moves it in full.
    pleased = emotion(satisfaction=0.46, neutral=0.3, frustration=0.24)
    said = "I've been a patient person but my patience has run out."
    assert default_cues().adjust(pleased, said).label == "frustration"
    assert default_cues().adjust(pleased, "I've been a patient person and it paid off, thanks!").label == "satisfaction"


def test_being_ignored_is_a_complaint_even_after_i() -> None:
    assert evidence("I feel like I'm being ignored.", "complaint") == ["being ignored"]
    assert evidence("My emails are being ignored.", "complaint") == ["being ignored"]
    assert evidence("Please ignore my last message, I found the receipt.", "complaint") == []


def test_the_customers_own_slip_told_to_the_agent_is_no_complaint() -> None:
    assert evidence("I'm so sorry for the confusion, I gave you the wrong order number.", "complaint") == []
    assert evidence("I gave them the wrong postcode, can I change it?", "complaint") == []
    assert evidence("You gave me the wrong size.", "complaint") == ["wrong size"]


@pytest.mark.parametrize(
    ("agent", "said"),
    [
        ("Delivery times are estimates and we can't guarantee them.", ["Delivery times are estimates"]),
        ("We cannot guarantee delivery dates.", ["We cannot guarantee delivery dates"]),
        ("We can't guarantee a delivery day.", ["We can't guarantee a delivery day"]),
    ],
)
def test_a_delivery_date_disowned_is_a_bare_policy(agent: str, said: list[str]) -> None:
    assert found(LATE, agent, "bare_policy") == said


@pytest.mark.parametrize(
    "agent",
    [
        "I can't guarantee the exact time, but I'll text you as soon as it's out for delivery.",
        "I can't guarantee it'll come tomorrow, but I've asked the depot to prioritise it.",
        "I can't guarantee that this will fix it.",  # an honest expectation, not a rule
    ],
)
def test_a_date_disowned_with_a_way_forward_or_an_honest_caveat_is_not_bare(agent: str) -> None:
    assert found(LATE, agent, "bare_policy") == []


def test_but_ill_counts_as_an_alternative_to_any_stated_rule() -> None:
    # "but … I'll" was read as "I" followed by "'ll" with a space between, so "I'll" never counted.
    rule = "Refunds take up to 30 days as stated in our terms"
    assert found(LATE, rule + ".", "bare_policy") == ["as stated in our terms"]
    assert found(LATE, rule + ", but I'll chase it for you today.", "bare_policy") == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("That's not what I was told last time.", "not what I was told"),
        ("Every time I call I get a different answer.", "Every time I call I get a different answer"),
        ("My mum is 85 and has been without a phone line for a week.", "been without a phone line for"),
        ("We're still without heating since Monday.", "still without heating since"),
        ("Whoever designed this app has never used it.", "Whoever designed this"),
    ],
)
def test_told_otherwise_bounced_left_without_and_scorned_design_are_complaints(text: str, said: str) -> None:
    assert evidence(text, "complaint") == [said]


@pytest.mark.parametrize(
    "text",
    [
        "I was told to contact you about my refund.",
        "We were without power for a week last winter, so I'd like a backup generator quote.",
        "Every time I call the app opens a different screen.",
        "Can you tell me who designed the new layout?",
    ],
)
def test_their_look_alikes_are_not(text: str) -> None:
    assert evidence(text, "complaint") == [], text


def test_still_dealing_with_it_beyond_a_joke_and_anyone_there_are_frustration() -> None:
    surprised = emotion(confusion=0.42, neutral=0.3, frustration=0.28)  # "can't believe" read as surprise
    assert default_cues().adjust(surprised, "I can't believe I'm still dealing with this.").label == "frustration"
    joked = emotion(satisfaction=0.68, neutral=0.2, frustration=0.12)  # "a joke" read as amusement
    assert default_cues().adjust(joked, "This is beyond a joke now.").label == "frustration"
    assert "frustration" in cue_emotions("Hello? Is anyone there?")
    # Not asked: no question mark.
    assert "frustration" not in cue_emotions("Anyone there can sign for the parcel.")


@pytest.mark.parametrize("text", ["Could you explain it again?", "Could you say that again?", "Can you send it again?"])
def test_a_request_to_repeat_is_no_repeat_of_the_failure(text: str) -> None:
    assert "frustration" not in cue_emotions(text), text
    assert "frustration" in cue_emotions("Cancelled again?")


STOLEN = "My package was stolen from my porch."


@pytest.mark.parametrize(
    ("agent", "label", "said"),
    [
        ("If you're not happy you're free to go elsewhere.", "dismissive", "you're free to go elsewhere"),
        ("Feel free to take your business elsewhere.", "dismissive", "Feel free to take your business elsewhere"),
        ("These things happen.", "dismissive", "These things happen"),
        ("You should have used a stronger password.", "confrontational", "You should have used"),
        ("I'm so sorry, missing your sister's wedding is heartbreaking.", "empathy", "is heartbreaking"),
    ],
)
def test_agent_wording_of_the_eighteenth_session(agent: str, label: str, said: str) -> None:
    assert said in found(STOLEN, agent, label), agent


def test_control_disowned_and_the_error_denied_are_defensive_to_an_angry_customer() -> None:
    angry = "This is ridiculous!! You've overcharged me for three months and cancelled my flight!"
    for agent, said in (
        ("Cancellations due to weather are outside our control.", "are outside our control"),
        ("Our billing system is automated, so errors like that don't happen.", "so errors like that don't happen"),
    ):
        assert found(angry, agent, "defensive") == [said], agent
        assert found(STOLEN, agent, "defensive") == [], agent  # kept below the bar for a calm customer


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        ("No worries, these things happen! Let's get you back in.", "dismissive"),
        ("These things happen, but I've rebooked you on the 6pm.", "dismissive"),
        ("You can shop with us online or in store.", "dismissive"),
        ("You should receive it by Friday.", "confrontational"),
        ("The weather has been heartbreaking for farmers this year, but your parcel is safe.", "defensive"),
    ],
)
def test_their_look_alikes_are_left_alone(agent: str, label: str) -> None:
    assert found(STOLEN, agent, label) == [], agent


def test_a_deadline_with_a_word_before_the_event_is_urgent_and_a_timetable_is_not() -> None:
    text = "My visa appointment is on Monday and I still don't have my documents back."
    assert evidence(text, "urgency") == ["My visa appointment is on Monday"]
    assert evidence("My job interview is tomorrow and the suit hasn't arrived.", "urgency") == ["My job interview is tomorrow"]
    assert evidence("Is the next flight tomorrow?", "urgency") == []


def test_stock_running_out_is_business_impact_and_a_catalogue_question_is_not() -> None:
    said = evidence("We're running out of stock because your delivery didn't come.", "business_impact")
    assert said == ["We're running out of stock"]
    assert evidence("Are you running out of stock on the blue ones?", "business_impact") == []


def test_a_breach_and_is_my_data_safe_are_anxiety_and_a_breach_of_contract_is_not() -> None:
    for text in ("Is my data safe? I got an email saying there was a breach.", "Was there a data breach?"):
        assert "anxiety" in cue_emotions(text), text
    assert "anxiety" not in cue_emotions("The breach of contract is clear.")
    assert "anxiety" not in cue_emotions("Is it safe to delete the old app?")
