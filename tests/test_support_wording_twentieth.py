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


# --- Batch 2: excuses, blame by generalisation, the paperwork held up, estimates -------------------

LATE = "My delivery was supposed to come today between 8 and 12 and it's now 3pm."
LOYAL = "I've been a loyal customer for ten years and this is how you treat me?"
MUD = "Your engineer tracked mud all over my new carpet and I'm furious."
CONFUSED = "I'm so confused by this bill, there are charges I don't understand."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (LATE, "Delivery windows are estimates only.", "bare_policy", "are estimates only"),
        (LATE, "We can't guarantee delivery times.", "bare_policy", "We can't guarantee delivery times"),
        (LATE, "The driver has a lot of deliveries today.", "defensive", "The driver has a lot of deliveries"),
        (MUD, "Our engineers always wear shoe covers.", "defensive", "Our engineers always wear"),
        (LOYAL, "We treat all customers the same.", "defensive", "We treat all customers the same"),
        (
            "I ordered a size 10 and you sent a size 8.",
            "Sometimes customers pick the wrong size by mistake.",
            "confrontational",
            "Sometimes customers pick the wrong",
        ),
        (
            CONFUSED,
            "It's all explained on the back of the bill.",
            "confrontational",
            "It's all explained on the back of the bill",
        ),
        (CONFUSED, "No problem, let's go through it line by line.", "ownership", "let's go through it line by line"),
        (
            "My dad passed away last month and I need to close his account.",
            "There's no rush with any of the paperwork, take all the time you need.",
            "reassurance",
            "take all the time you need",
        ),
    ],
)
def test_batch_two_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        (CONFUSED, "It's explained on page 2, but let me walk you through it.", "confrontational"),
        ("The size chart confuses me.", "Some customers find the chart confusing, so let me check it.", "confrontational"),
        (LATE, "I'm so sorry, delivery windows are estimates only, but I'll chase the driver for you now.", "bare_policy"),
        (MUD, "Our engineers always wear shoe covers, so I'm really sorry this happened.", "defensive"),
        (LATE, "Our engineers always call ahead.", "confrontational"),
    ],
)
def test_batch_two_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("I ordered a size 10 and you sent a size 8.", "I ordered a size 10 and you sent"),
        ("We ordered two but only got one.", "We ordered two but only got"),
        ("The plumber left a mess all over the kitchen floor.", "left a mess all over"),
    ],
)
def test_the_wrong_thing_sent_and_a_mess_left_are_complaints(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    ["I ordered it on Monday and you sent it the same day, thanks!", "I ordered a blue one and I got it today."],
)
def test_an_order_that_came_is_no_complaint(text: str) -> None:
    assert evidence(text, "complaint") == []


# --- Batch 3: feelings named and justified, fixes given, the rule kept for others, credentials -----

HEATING = "The heating in our flat has been broken since Friday and we have a newborn baby."
REPAIR = "You charged me £80 for a repair that didn't fix anything."
REFUND = "Why does it take 10 days to process a refund?? It took you 2 seconds to take my money."
KNOWS = "I need to speak to someone who actually knows what they're doing."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (HEATING, "A newborn and no heating is really worrying.", "empathy", "is really worrying"),
        (REPAIR, "You're right to be annoyed.", "empathy", "You're right to be annoyed"),
        (REFUND, "I hear you, it does feel unfair.", "empathy", "it does feel unfair"),
        (REFUND, "You have every right to feel let down.", "empathy", "You have every right to feel"),
        (HEATING, "I've marked this as an emergency.", "logical_fix", "I've marked this as an emergency"),
        (HEATING, "An engineer will be with you by 6pm today.", "logical_fix", "An engineer will be with you by"),
        ("I want to change my flight.", "I've moved you to the 9:40 on Tuesday.", "logical_fix", "I've moved you"),
        (
            "You cancelled my order without telling me!",
            "I can put the order back through now at the same price.",
            "logical_fix",
            "I can put the order back through",
        ),
        (HEATING, "Emergency callouts are only for vulnerable customers.", "bare_policy", "are only for vulnerable customers"),
        (REFUND, "Refunds take ten days, that's just how the banks work.", "bare_policy", "that's just how the banks work"),
        (REPAIR, "The engineer did the work you asked for.", "defensive", "The engineer did the work you asked for"),
        (KNOWS, "I'm a fully trained advisor, sir.", "defensive", "I'm a fully trained advisor"),
    ],
)
def test_batch_three_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        (HEATING, "You're right to check the fuse first.", "empathy"),
        (HEATING, "It's not worrying, the boiler switches itself off to stay safe.", "empathy"),
        ("I'm moving next month.", "I've moved house too, it's a lot of admin!", "logical_fix"),
        (HEATING, "An engineer will be with you when one is free.", "logical_fix"),
        (KNOWS, "I'm a trained advisor, so let me go through it with you.", "defensive"),
        (REPAIR, "I'm sorry, the engineer did the work you asked for but it clearly didn't solve it.", "bare_policy"),
    ],
)
def test_batch_three_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


def test_a_repair_that_fixed_nothing_is_a_complaint_and_the_insult_is_frustration() -> None:
    assert "didn't fix anything" in evidence(REPAIR, "complaint")
    assert evidence("I didn't fix it myself, should I try?", "complaint") == []
    assert emotion_label(KNOWS) == "frustration"


def test_no_bother_reads_warm() -> None:
    assert tone("agent", "No bother at all!") > 0.1


# --- Strong distress rules out the model's satisfaction, unless the trouble is over ----------------


@pytest.mark.parametrize(
    "text",
    [
        "I've been on hold for an hour! I love you guys but come on.",
        "There's nothing I love more than being on hold for over an hour.",
        "So glad I've been waiting for an hour and transferred three times.",
    ],
)
def test_strong_distress_is_no_satisfaction(text: str) -> None:
    assert emotion_label(text) == "frustration"


def test_strong_cues_overrule_a_satisfied_reading_of_the_model() -> None:
    pleased = reading(satisfaction=0.7, neutral=0.2, frustration=0.1)
    adjusted = default_cues().adjust(pleased, "I've been on hold for an hour and you still haven't called back!")
    assert adjusted.label == "frustration"
    assert adjusted.scores["satisfaction"] < 0.2 < adjusted.scores["frustration"]
    # One weak cue is no such evidence: the model's satisfaction keeps most of its mass.
    weak = default_cues().adjust(pleased, "It took an hour, lovely team though.")
    assert weak.scores["satisfaction"] > 0.4


@pytest.mark.parametrize(
    "text",
    [
        "I waited for 3 weeks but it's finally here and it's perfect, love it.",
        "Great service, I was on hold for an hour last time but today it took two minutes!",
        "Still waiting but I'm happy you're looking into it.",
    ],
)
def test_the_trouble_said_to_be_over_keeps_the_satisfaction(text: str) -> None:
    assert emotion_label(text) == "satisfaction"


# --- Complaint wording from the even-id complaint tweets (lexicon 15) --------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("The woman at the counter was rude and condescending.", "rude and condescending"),
        ("Your staff were unprofessional from start to finish.", "unprofessional"),
        ("Losing my booking is something that should never happen.", "should never happen"),
        ("My order still hasn't shipped and it's been a week.", "still hasn't shipped"),
        ("My order hasn't shipped at all.", "hasn't shipped"),
        ("They don't answer the phone at the depot.", "They don't answer"),
        ("I can't sign in on the app since the update.", "can't sign in"),
        ("My laptop stopped charging after two days.", "stopped charging"),
        ("I emailed you on Monday and have not heard back.", "have not heard back"),
        ("Please stop hassling me about the upgrade.", "stop hassling me"),
        ("Your website is down and I need to pay my bill.", "Your website is down"),
        ("They forgot my fries again.", "They forgot my"),
        ("The discount code is not showing up in my basket.", "is not showing up"),
    ],
)
def test_complaint_wording_from_the_complaint_tweets(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "What should happen next with my application?",
        "I don't answer unknown numbers, so please email me.",
        "Has my order shipped yet?",
        "Hi, can I change the delivery address on my order to my office? It hasn't shipped yet.",
        "Thanks for not charging me for the change.",
        "Has the site been down today?",
    ],
)
def test_complaint_tweet_wording_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == []


def test_the_last_time_i_fly_with_you_is_frustration() -> None:
    assert emotion_label("This is the last time I fly with your airline.") == "frustration"


# --- Cues from a further sample of the airline tweets read calm --------------------------------------


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("Why don't you pick up your phone?", "frustration"),
        ("Why don't you just refund me?", "frustration"),
        ("You're not even trying to help me.", "frustration"),
        ("I sent the form, but nothing happened.", "frustration"),
        ("Still crickets from customer service.", "frustration"),
        ("The app logged me out again. Why is this happening?", "frustration"),
        ("I used to love you, but you keep rescheduling my deliveries.", "disappointment"),
    ],
)
def test_airline_sample_cues(text: str, feeling: str) -> None:
    assert emotion_label(text) == feeling


def test_a_suggestion_asked_as_why_not_is_no_complaint() -> None:
    assert evidence("Why don't you try the app?", "complaint") == []
    assert all(c.emotion != "frustration" for c in default_cues().find("Why don't you try the app?"))
    assert all(c.emotion != "frustration" for c in default_cues().find("Nothing happened to the car, it's fine."))


# --- Batch 4: claims, cover, decisions passed on, what an update wiped --------------------------------

CLAIM = "I've just been told my claim was rejected. I've paid my premiums for 12 years."
WIPED = "The new update deleted all my saved playlists!!! Years of work gone."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (CLAIM, "I know that's not the news you wanted.", "empathy", "I know that's not the news you wanted"),
        (CLAIM, "Let me go through the reasons with you.", "ownership", "Let me go through the reasons with you"),
        (CLAIM, "The decision was made by the underwriters, not me.", "passing_buck", "made by the underwriters, not me"),
        (CLAIM, "Your policy doesn't cover flood damage, it's in section 4.", "bare_policy", "Your policy doesn't cover"),
        (WIPED, "Losing years of playlists is awful.", "empathy", "Losing years of playlists is awful"),
        (WIPED, "I've already requested that for you.", "ownership", "I've already requested that for you"),
    ],
)
def test_batch_four_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        ("My account is locked again!", "I've unlocked it and switched on a backup code so it won't happen again.", "defensive"),
        (CLAIM, "The decision was made by the underwriters, and I've asked them to review it.", "passing_buck"),
        ("You sent the wrong colour.", "That's not what you ordered, I can see that.", "empathy"),
    ],
)
def test_batch_four_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


def test_what_an_update_wiped_is_a_complaint_and_frustration() -> None:
    assert "The new update deleted all my" in evidence(WIPED, "complaint")
    assert emotion_label(WIPED) == "frustration"
    assert evidence("I deleted my old playlists by mistake.", "complaint") == []


# --- Batch 5: a card swallowed, a fee owned, mistreatment named ----------------------------------------

RUDE = "The delivery driver was really rude to my elderly father."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (
            "I've been charged a late fee but I paid on time!",
            "I can see your payment arrived on the 2nd, so the fee shouldn't have been applied.",
            "ownership",
            "the fee shouldn't have been applied",
        ),
        (RUDE, "I'm so sorry, that's not how anyone should be treated.", "empathy", "that's not how anyone should be treated"),
        (
            RUDE,
            "I've passed this to the driver's manager and we'll follow up with you by Friday.",
            "ownership",
            "I've passed this to the driver's manager and we'll follow up",
        ),
    ],
)
def test_batch_five_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


def test_batch_five_look_alikes_stay_clear() -> None:
    assert found("The app keeps crashing.", "That's not how the app should be used.", "empathy") == []
    assert found("Why is the fee so high?", "The fee shouldn't have been this high, I agree.", "ownership") == []
    assert evidence("I swallowed my pride and called you again.", "complaint") == []
    assert evidence("I was charged a fee, is that normal?", "complaint") == []


def test_a_swallowed_card_and_a_fee_charged_though_paid_are_complaints() -> None:
    text = "My bank card has been swallowed by your cash machine and I'm abroad."
    assert "card has been swallowed by your cash machine" in evidence(text, "complaint")
    assert emotion_label(text) == "anxiety"
    assert "charged a late fee but I paid" in evidence("I've been charged a late fee but I paid on time!", "complaint")


def test_a_horrible_situation_named_reads_warm() -> None:
    assert tone("agent", "That's a horrible situation to be in abroad.") > 0.2


def test_a_protest_with_see_how_keeps_its_cue() -> None:
    # The "can't find / see" cue skips lookups only in the forms calm_lookups reads: "see how" is a protest.
    assert "frustration" in [c.emotion for c in default_cues().find("I can't see how this is fair.")]
    assert default_cues().find("I can't see where to update my card.") == ()
