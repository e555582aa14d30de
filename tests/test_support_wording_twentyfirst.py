"""Support wording read right in the twenty-first session (complaint lexicon 16, emotion cues 21, urgency 12, tone 17,
defensive 10, dismissive 12, bare_policy 10, ownership 13, logical_fix 12, reassurance 8, paraphrase 5), each with
the look-alike it must leave alone. Examples written for these tests."""

from __future__ import annotations

import pytest

from heartdesk import Conversation, analyze
from heartdesk.signals.emotion_cues import default_cues
from wording_helpers import emotion_label, evidence, found

LATE_FEE = "You charged me a late fee, this is outrageous."
CLOSE = "I want to close my account, you're useless."
BANNED = "I got banned from the game for no reason."
NOBODY_TOLD = "The water has been off all day and nobody told us."


def tone(role: str, text: str) -> float:
    return analyze(Conversation.of("t", ("customer", "Hi."), (role, text))).turns[-1].tone


# --- Customer: complaints ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("The cash machine kept my money but didn't give me any cash.", "The cash machine kept my money"),
        ("The ATM took my money and gave me nothing.", "The ATM took my money"),
        (BANNED, "for no reason"),
        ("My account was blocked for no reason.", "for no reason"),
        ("My meter reading was estimated and the bill is way too high.", "way too high"),
        ("The driver ate some of my fries, the bag was opened.", "The driver ate some of my"),
        ("The lid was open when it arrived and half the soup had spilled.", "lid was open"),
        ("I found a piece of plastic in my cereal.", "found a piece of plastic in my"),
        ("My son has a severe allergy and the label didn't list nuts.", "label didn't list"),
        ("My game purchase disappeared from my library.", "disappeared from my"),
        ("The engineer turned up without the right part.", "turned up without the right part"),
        ("I was double booked for my appointment and sent home.", "was double booked"),
        ("The chat bot keeps sending me in a loop.", "sending me in a loop"),
        ("I keep getting passed from one department to another.", "passed from one department to another"),
        ("You've sent my new card to my old address.", "sent my new card to my old address"),
        ("My refund went to a card I cancelled.", "went to a card I cancelled"),
        ("I'm being chased for a debt I already paid.", "chased for a debt I already paid"),
        ("The rental company charged me for a scratch that was already there.", "scratch that was already there"),
    ],
)
def test_new_complaint_wording(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "Waiting for my new phone to arrive, so excited!",
        "I think I double booked myself, can you cancel one?",
        "Please keep me in the loop.",
        "Can you send it to my old address?",
        "I have already paid the invoice, can you confirm you got it?",
        "My refund went to my card yesterday, thanks.",
        "Some of my photos were deleted from my phone, can you help me get them back?",
        "I found my tracking number in the email, thanks.",
        "Is it too late to change my order?",
        "Your label clearly says it contains nuts.",
    ],
)
def test_complaint_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == [], text


# --- Customer: emotion and urgency ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("I can't wait another week for my refund.", "frustration"),  # read 0.53 satisfaction
        (BANNED, "frustration"),
        ("Been waiting for 3 hours!", "frustration"),
    ],
)
def test_service_wording_carries_its_feeling(text: str, feeling: str) -> None:
    assert emotion_label(text) == feeling


@pytest.mark.parametrize(
    "text",
    [
        "Waiting for my new phone to arrive, so excited!",  # read 0.99 frustration, and a complaint
        "Can't wait for the new season to start!",
    ],
)
def test_a_wait_looked_forward_to_is_no_frustration(text: str) -> None:
    assert all(c.emotion != "frustration" for c in default_cues().find(text)), text
    assert emotion_label(text) not in ("frustration", "anger")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("I can't wait another week for my refund.", "can't wait another week"),
        ("I can't wait until Monday, my business is down.", "can't wait until Monday"),
        ("I can't wait any longer for the engineer.", "can't wait any longer"),
    ],
)
def test_a_wait_the_customer_cannot_afford_is_urgent(text: str, said: str) -> None:
    assert said in evidence(text, "urgency")


@pytest.mark.parametrize(
    "text",
    ["Can't wait for the new season to start!", "Can't wait for my first flight with you!", "I can't wait to try it."],
)
def test_eagerness_is_no_urgency(text: str) -> None:
    assert evidence(text, "urgency") == [], text


def test_nuts_in_food_are_no_insult() -> None:
    assert tone("customer", "My son has a severe allergy and the label didn't list nuts.") > -0.4
    assert tone("customer", "Are there nuts in the brownies?") > -0.4
    assert tone("customer", "You are nuts.") < -0.4


# --- Agent ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (LATE_FEE, "Our system shows the payment arrived late.", "defensive", "Our system shows the payment arrived late"),
        (LATE_FEE, "I've checked, so the fee stands.", "defensive", "so the fee stands"),
        (NOBODY_TOLD, "There was a notice on our website.", "defensive", "There was a notice on our website"),
        (CLOSE, "Fine, your account is closed.", "dismissive", "Fine,"),
        (BANNED, "Bans are final and we don't discuss them.", "dismissive", "we don't discuss them"),
        (BANNED, "Bans are final and we don't discuss them.", "bare_policy", "Bans are final"),
        (
            "I keep getting passed from one department to another.",
            "I'll stay with you on this one until it's sorted, you won't need to explain it again.",
            "ownership",
            "I'll stay with you on this one until",
        ),
        (
            "I keep getting passed from one department to another.",
            "I'll stay with you on this one until it's sorted, you won't need to explain it again.",
            "reassurance",
            "you won't need to explain it",
        ),
        (NOBODY_TOLD, "You're right, we should have told you, and I'm sorry we didn't.", "ownership", "we should have told you"),
        (
            "I was double booked for my appointment and sent home.",
            "That shouldn't have happened, and I'm sorry you had a wasted trip.",
            "ownership",
            "That shouldn't have happened",
        ),
        (
            "I found a piece of plastic in my cereal.",
            "Thank you for letting us know, that's not the standard we expect.",
            "ownership",
            "that's not the standard we expect",
        ),
        (
            "I can't wait another week for my refund.",
            "I understand, I've escalated it and marked it as urgent.",
            "ownership",
            "I've escalated it",
        ),
        (
            "Why is my bill higher this month?",
            "Your discount ended on the 1st. I can look at other plans for you.",
            "ownership",
            "I can look at other plans",
        ),
        (
            "My meter reading was estimated and the bill is way too high.",
            "If you send us a photo of your meter today, I'll rebill you on the real reading.",
            "logical_fix",
            "I'll rebill",
        ),
    ],
)
def test_new_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        ("When did my payment arrive?", "Our system shows the payment arrived on the 3rd.", "defensive"),
        (NOBODY_TOLD, "There was a notice on our website, but I'm sorry it didn't reach you.", "defensive"),
        ("Hi", "Fine, thanks! How can I help?", "dismissive"),
        ("Can I have a refund instead?", "That's fine, your refund is on its way.", "dismissive"),
        ("Is the app down?", "It works fine, your data is safe.", "dismissive"),
        ("Can you ask the team?", "We'll discuss it with the team tomorrow.", "dismissive"),
        ("Can I still change my answers?", "The results are final once you submit, so do check them first.", "bare_policy"),
        ("My phone broke.", "That shouldn't have happened if you used the right charger.", "ownership"),
        ("You should have told us!", "You should have told us about the move.", "ownership"),
        ("I escalated before.", "I know, you've escalated before and nothing happened.", "ownership"),
        ("What happens next?", "You'll need to explain it again to the bank.", "reassurance"),
    ],
)
def test_agent_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


def test_a_referral_that_names_the_problem_is_no_paraphrase() -> None:
    # "You need to contact the bank that owns the cash machine" shares the customer's words, but sends them away:
    # paraphrase (0.55) yields to passing_buck on the same sentence since paraphrase 5.
    customer = "My card got swallowed by the cash machine outside the bank."
    agent = "You need to contact the bank that owns the cash machine."
    assert found(customer, agent, "passing_buck") == ["You need to contact the bank"]
    assert found(customer, agent, "paraphrase") == []
    # The restatement alone is still one.
    assert found(customer, "So the cash machine outside the bank swallowed your card?", "paraphrase") != []


# --- Batch 2: complaint and airline wording counted on tweets, written here as support messages ----------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Your phone line hangs up on me every time I get through.", "hangs up on me"),
        ("The signal keeps getting worse.", "getting worse"),
        ("The app crashed twice in a row this morning.", "twice in a row"),
        ("That is not at all what your advisor said on the phone.", "not at all what your advisor said"),
        ("Your delivery charges are overpriced.", "overpriced"),
        ("We are without power again.", "We are without power"),
        ("It won't get past the loading screen.", "won't get past"),
        ("The dress looks nothing like the picture.", "looks nothing like the picture"),
        ("The new app drains my battery.", "drains my battery"),
        ("My parcel was supposed to arrive yesterday.", "My parcel was supposed to arrive"),
        ("Your app is rubbish.", "Your app is rubbish"),
        ("This is a disgrace.", "is a disgrace"),
        ("You sent me the wrong size.", "sent me the wrong"),
    ],
)
def test_batch_two_complaint_wording(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "We were without power last winter but it has been fine since.",
        "Am I supposed to get a code by text?",
        "It was supposed to be a gift, can I add a message?",
        "Nothing like a hot drink on your train, thanks!",
        "I used the towels in the room, is that ok?",
        "Sorry for the inconvenience, I sent the wrong file.",
        "No inconvenience at all, thanks!",
    ],
)
def test_batch_two_complaint_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == [], text


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("Two hours on the phone and nothing.", "frustration"),
        ("Is anyone even answering the phone?", "frustration"),
        ("The wifi keeps getting worse.", "frustration"),
        ("I'd like some compensation for the huge inconvenience.", "frustration"),
    ],
)
def test_batch_two_service_wording_carries_its_feeling(text: str, feeling: str) -> None:
    assert emotion_label(text) == feeling


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("I just want to speak to a real person.", "frustration"),
        ("Really bad service today.", "frustration"),
        ("Lines are busy again.", "frustration"),
        ("Six hours on a plane with no wifi. Not fun.", "disappointment"),
    ],
)
def test_batch_two_cues_are_found(text: str, emotion: str) -> None:
    assert emotion in {c.emotion for c in default_cues().find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "No inconvenience at all, thanks!",
        "Sorry for the inconvenience, I sent the wrong file.",
        "Our service engineer was great, thanks.",
        "The kids had so much fun, thank you!",
    ],
)
def test_batch_two_cue_look_alikes_stay_clear(text: str) -> None:
    assert all(c.emotion not in ("frustration", "disappointment") for c in default_cues().find(text)), text


def test_household_rubbish_is_no_insult() -> None:
    # The tone lexicon's "rubbish" is a verdict; the bin and its collection are not (the emotion model still reads
    # some annoyance into "rubbish", so the figure stays below zero).
    assert tone("customer", "Please take the rubbish away.") > tone("customer", "Your service is rubbish.") + 0.3


# --- Batch 3: agent replies written for the session -------------------------------------------------------------

STUCK = "My flight was cancelled and I'm stuck at the airport with two kids."
NO_INTERNET = "My internet has been down for three days and I work from home."
NO_SHOW = "Your engineer didn't turn up and I took the day off for nothing."
CANCEL = "I've been trying to cancel for weeks and you keep charging me."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (
            STUCK,
            "Oh no, stuck at the airport with two little ones is exhausting. I've found you seats on the 18:10.",
            "empathy",
            "is exhausting",
        ),
        (
            STUCK,
            "Oh no, stuck at the airport with two little ones is exhausting. I've found you seats on the 18:10.",
            "logical_fix",
            "I've found you seats",
        ),
        (
            NO_INTERNET,
            "Three days without internet when you work from home must be a nightmare.",
            "empathy",
            "must be a nightmare",
        ),
        (NO_INTERNET, "I'm sending an engineer tomorrow at 8am.", "logical_fix", "I'm sending an engineer"),
        (NO_SHOW, "I'm really sorry, losing a day's pay for a no-show isn't fair.", "empathy", "isn't fair"),
        (
            NO_SHOW,
            "I'm really sorry. I've booked the first slot tomorrow and added a £30 credit.",
            "emotional_fix",
            "and added a £30 credit",
        ),
        (NO_SHOW, "I'm so sorry. I've added a £30 credit to your account.", "emotional_fix", "I've added a £30 credit"),
        (CANCEL, "I hear how fed up you are. I've cancelled it today.", "empathy", "I hear how fed up"),
        (
            CANCEL,
            "Cancellations must be made 30 days in advance as stated in your contract.",
            "bare_policy",
            "as stated in your contract",
        ),
        (
            STUCK,
            "You'll have to queue at the service desk like everyone else.",
            "dismissive",
            "queue at the service desk like everyone else",
        ),
    ],
)
def test_batch_three_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        (NO_INTERNET, "The form is a nightmare to print, so I've emailed it to you.", "empathy"),
        (CANCEL, "That isn't fair on our other customers.", "empathy"),
        (NO_INTERNET, "I've found your account.", "logical_fix"),
        (
            "How do I get the discount?",
            "Just add the item to your basket and apply the discount code at checkout.",
            "emotional_fix",
        ),
        (NO_SHOW, "I've added a £30 credit to your account.", "emotional_fix"),  # a gesture with no care: 0.49, not present
        (STUCK, "We're here for you, like always.", "dismissive"),
    ],
)
def test_batch_three_agent_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


# --- Batch 4: a second sample of the airline tweets read calm, written here as support messages -------------------


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("This is crazy, my booking moved again.", "frustration"),
        ("What's the point of a helpline nobody answers?", "frustration"),
        ("Spent 30 mins on the phone to zero success.", "frustration"),
        ("I was lied to by your agent.", "anger"),
        ("10,000 points after a night on the airport floor is a slap in the face.", "anger"),
    ],
)
def test_batch_four_wording_carries_its_feeling(text: str, feeling: str) -> None:
    assert emotion_label(text) == feeling


@pytest.mark.parametrize(
    "text",
    [
        "This is crazy good, thank you!",
        "It's crazy how much the app has improved.",
        "What is the point of contact for billing?",
        "Thanks, your agent was so helpful and didn't lie to me about the delay.",
    ],
)
def test_batch_four_look_alikes_carry_no_frustration_cue(text: str) -> None:
    found_cues = {c.emotion for c in default_cues().find(text)}
    assert "frustration" not in found_cues, text
    assert "anger" not in found_cues, text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Two hours on hold and my issue is still not resolved.", "is still not resolved"),
        ("It has not been sorted.", "has not been sorted"),
        ("I regret buying this phone.", "regret buying"),
        ("It never worked properly from day one.", "never worked properly"),
        ("The lift in your building is unsafe.", "unsafe"),
    ],
)
def test_batch_four_complaint_wording(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "Has it been resolved yet?",
        "I have not resolved it myself yet, can you help?",
        "It's crazy how much the app has improved.",
    ],
)
def test_batch_four_complaint_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == [], text


# --- Batch 5: agent replies written for the session -----------------------------------------------------------

MISSING = "My package says delivered but it's not here."
LOYAL = "I've been a customer for 15 years and this is how you treat me?"
WIDOW = "My phone bill is in my late husband's name and I don't know what to do."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (MISSING, "The driver's photo shows it at your door, so it was delivered.", "defensive", "so it was delivered"),
        (
            LOYAL,
            "Everyone gets the same treatment regardless of how long they've been with us.",
            "defensive",
            "Everyone gets the same treatment",
        ),
        (
            "I was charged a no-show fee and the ride never came. This is a scam!",
            "The driver waited 5 minutes and then left, so the fee applies.",
            "defensive",
            "so the fee applies",
        ),
        (
            "Can I speak to your manager?",
            "My manager will tell you the same thing.",
            "dismissive",
            "My manager will tell you the same thing",
        ),
        (
            WIDOW,
            "I'm so sorry about your husband. Take your time, we'll sort this out together.",
            "ownership",
            "we'll sort this out together",
        ),
        (
            WIDOW,
            "I'm so sorry about your husband. Take your time, we'll sort this out together.",
            "reassurance",
            "Take your time",
        ),
        (MISSING, "I'm sorry it hasn't turned up. I've opened a trace with the courier.", "logical_fix", "I've opened a trace"),
    ],
)
def test_batch_five_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        (MISSING, "The driver's photo shows it at your door, so let's check with your neighbours.", "defensive"),
        ("Can I speak to your manager?", "My manager will call you today.", "dismissive"),
        (WIDOW, "You'll have to sort it out with the bank.", "ownership"),
        ("Did you get my email?", "Yes, I've opened your email.", "logical_fix"),
    ],
)
def test_batch_five_agent_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


def test_take_your_time_reads_kindly() -> None:
    assert tone("agent", "Take your time.") >= 0.0


# --- Batch 6: customer messages from software, health, education, games and subscriptions ---------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("My subscription renewed at a higher price without any warning.", "without any warning"),
        ("Support closed my ticket without fixing anything.", "without fixing anything"),
        ("My prescription was sent to the wrong pharmacy.", "was sent to the wrong"),
        ("The gym keeps taking money after I cancelled my membership.", "keeps taking money"),
        ("I paid for the season pass and the content is still locked.", "still locked"),
        ("I was billed for 12 seats but we only have 8 users.", "billed for 12 seats but we only have"),
        ("You sent it to the wrong address.", "wrong address"),  # the older pattern keeps its evidence
    ],
)
def test_batch_six_complaint_wording(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "I sent it to the wrong address, sorry, can you update it?",
        "I accidentally ordered a jersey and shipped it to the wrong address. Can I change it?",
        "Is the 9:05 still taking off on time?",
        "You can cancel without notice during the trial, right?",
    ],
)
def test_batch_six_complaint_look_alikes_stay_clear(text: str) -> None:
    assert evidence(text, "complaint") == [], text


# --- Batch 7: short agent replies ----------------------------------------------------------------------------------

NOT_ARRIVED = "My order hasn't arrived."


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        ("Thanks, that's all I needed.", "Happy to help. Take care!", "closing", "Happy to help"),
        ("Thanks", "Always happy to help!", "closing", "Always happy to help"),
        (NOT_ARRIVED, "Sorry to hear that! Let me see where it's got to.", "ownership", "Let me see where it's"),
        (NOT_ARRIVED, "Not my problem, talk to the courier.", "passing_buck", "talk to the courier"),
        (NOT_ARRIVED, "Read the tracking page, it's all there.", "confrontational", "Read the tracking page, it's all there"),
    ],
)
def test_batch_seven_agent_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        ("Can I change the address?", "I'm happy to help you change the address.", "closing"),
        (NOT_ARRIVED, "Let me talk to the courier for you.", "passing_buck"),
        ("Thanks!", "Talk to me any time.", "passing_buck"),
        ("Where are the steps?", "I've emailed you the steps, it's all there in one place.", "confrontational"),
    ],
)
def test_batch_seven_agent_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []
