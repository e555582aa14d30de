"""Support wording read right in the nineteenth session (emotion cues 19, complaint lexicon 14, defensive 8,
confrontational 11, dismissive 11, empathy 17, ownership 11), each with the look-alike it must leave alone.
Examples written for these tests."""

from __future__ import annotations

import pytest

from heartdesk.signals.emotion_cues import default_cues
from wording_helpers import emotion_label, evidence, found

HOSTILE = "I've been on hold for two hours, this is ridiculous."
CALM = "Could you check my order, please?"


def cue_emotions(text: str) -> list[str]:
    return [c.emotion for c in default_cues().find(text)]


# --- Customer: complaints ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("How hard can it be to deliver a parcel on time?", "How hard can it be to"),
        ("What is the point of having a helpline if nobody answers it?", "What is the point of having"),
        ("Nobody ever picks up the phone at your depot.", "Nobody ever picks up"),
        ("The necklace was my late mother's and you lost it.", "you lost it"),
        ("The cat food you sent made my cat ill.", "made my cat ill"),
        ("The driver left my parcel in the rain.", "left my parcel in the rain"),
        ("The box arrived soaked and the books are ruined.", None),
        ("The hotel room was dirty when we arrived.", "room was dirty"),
        ("There are two payments on my statement that I didn't make.", "payments on my statement that I didn't make"),
        ("There's a charge on my card I didn't authorise.", "charge on my card I didn't authorise"),
        ("So what exactly am I paying for then?", "what exactly am I paying for"),
    ],
)
def test_new_complaint_wording(text: str, said: str | None) -> None:
    got = evidence(text, "complaint")
    assert got, text
    if said is not None:
        assert said in got, (text, got)


@pytest.mark.parametrize(
    "text",
    [
        "How hard is it to set up the router?",  # a question about the task
        "What's the point of contact for billing questions?",
        "Is there another outage planned this week?",
        "Can you wash my dirty clothes on the express service?",
        "You lost me there, can you explain again?",
        "I need to make a payment that I didn't make last month.",  # one payment, authorised
    ],
)
def test_complaint_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == [], text


def test_an_outage_still_complains_when_it_is_not_a_planned_one() -> None:
    assert evidence("This is the second outage this week!", "complaint")
    assert evidence("Another outage. Typical.", "complaint")


# --- Customer: emotion ------------------------------------------------------------------------


def test_freaking_out_is_anxiety_not_frustration() -> None:
    assert emotion_label("I'm freaking out, there are three payments on my card I didn't make.") == "anxiety"
    assert "anxiety" in cue_emotions("I freaked out when I saw the bill.")
    # The intensifier is no panic; a stronger anger cue keeps its reading.
    assert "anxiety" not in cue_emotions("This is freaking ridiculous.")
    assert emotion_label("I'm freaking out, this is unacceptable!") == "anger"


def test_you_people_are_a_joke_rules_out_satisfaction() -> None:
    assert emotion_label("You people are a joke.") == "frustration"
    assert "frustration" in cue_emotions("You guys are an absolute joke.")
    assert emotion_label("You guys told a great joke at the launch event!") == "satisfaction"


def test_praise_after_a_fresh_setback_is_sarcasm() -> None:
    assert emotion_label("Another outage. Great.") == "frustration"
    assert emotion_label("Yet another delay! Brilliant.") == "frustration"
    assert emotion_label("One more thing. Great work on the app!") == "satisfaction"


def test_at_a_loss_is_confusion() -> None:
    assert "confusion" in cue_emotions("I'm at a loss as to what to do next.")
    assert "confusion" not in cue_emotions("I'm at a loss for words, thank you so much!")


# --- Agent: defensive, confrontational, dismissive --------------------------------------------


@pytest.mark.parametrize(
    ("customer", "agent", "said"),
    [
        ("Internet down for two days, ridiculous.", "Our records show no faults in your area.", "Our records show no"),
        ("You lost my booking, useless!", "We have never lost a booking in our system.", "We have never lost a"),
        ("The room was filthy, disgusting.", "Housekeeping cleans every room daily.", "Housekeeping cleans every room"),
        ("The parcel arrived smashed, unacceptable.", "Every parcel is checked before it leaves.", "Every parcel is checked"),
        ("Nobody turned up, this is a joke!", "Engineers are very busy at the moment.", "Engineers are very busy"),
        (HOSTILE, "Call volumes are high today.", "Call volumes are high"),
        (HOSTILE, "We're very busy today.", "We're very busy"),
    ],
)
def test_the_record_the_routine_and_the_queue_as_excuses_are_defensive(customer: str, agent: str, said: str) -> None:
    assert found(customer, agent, "defensive") == [said]


@pytest.mark.parametrize(
    ("customer", "agent"),
    [
        (HOSTILE, "Our records show the engineer visited on Monday."),  # a fact given
        (HOSTILE, "Call volumes are high today, so I'm really sorry for the wait."),  # the excuse taken back
        (HOSTILE, "I'll check our records now."),
        (CALM, "Call volumes are high today."),  # at 0.7: below the bar after a calm customer
    ],
)
def test_defensive_look_alikes_stay_clear(customer: str, agent: str) -> None:
    assert found(customer, agent, "defensive") == []


def test_the_manual_held_up_is_confrontational() -> None:
    bad = "Your product is garbage."
    assert found(bad, "Well, maybe you should read the manual.", "confrontational") == ["maybe you should read the manual"]
    assert found(bad, "Perhaps try reading the instructions this time.", "confrontational")
    assert found(CALM, "Maybe check the FAQ together with me? I'll share my screen.", "confrontational") == []
    assert found(CALM, "The manual's page 12 shows the reset steps.", "confrontational") == []


def test_just_your_opinion_is_dismissive() -> None:
    assert found("Your product is garbage.", "That's just your opinion.", "dismissive") == ["That's just your opinion"]
    assert found(CALM, "I'd value your opinion on the new app.", "dismissive") == []


# --- Agent: empathy, ownership ----------------------------------------------------------------


def test_the_situation_named_awful_is_empathy() -> None:
    grad = "My flight was cancelled and I'll miss my daughter's graduation."
    reply = "Oh no, missing your daughter's graduation would be awful. Let's find you another flight today."
    assert found(grad, reply, "empathy") == ["missing your daughter's graduation would be awful"]
    assert found(grad, "That must be terrible for you.", "empathy")
    assert found(CALM, "The weather would be awful for a picnic anyway.", "empathy") == []


@pytest.mark.parametrize(
    "agent", ["I want to make this right for you.", "Let me make this right.", "I'd like to put things right."]
)
def test_wanting_to_put_it_right_is_ownership(agent: str) -> None:
    assert found("Your product is garbage.", agent, "ownership"), agent


def test_a_check_that_says_right_is_no_ownership() -> None:
    assert found(CALM, "I want to make sure I've got this right: the order is 4512?", "ownership") == []
