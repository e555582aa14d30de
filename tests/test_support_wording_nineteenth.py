"""Support wording read right in the nineteenth session (emotion cues 19, complaint lexicon 14, defensive 8,
confrontational 11, dismissive 11, empathy 17, ownership 11), each with the look-alike it must leave alone.
Examples written for these tests."""

from __future__ import annotations

import pytest

from heartdesk import Conversation, analyze
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


# --- Second batch: what the coach's problem drafts said and the engine missed ------------------


def test_a_denial_or_a_brush_off_made_of_the_customers_words_is_no_paraphrase() -> None:
    dropping = "My internet keeps dropping every evening in my area, I've restarted the router every night. Ridiculous!"
    denial = "Our network is working fine in your area."
    assert found(dropping, denial, "defensive") == ["Our network is working fine"]
    assert found(dropping, denial, "paraphrase") == []
    brown = "Water's been brown since this morning. Is it safe for my kids to drink? Postcode SW4 7AB."
    brush = "Discoloured water in SW4 7AB is not dangerous, you're overreacting."
    assert found(brown, brush, "paraphrase") == []
    # The same customer's words handed back without the brush-off still restate them.
    assert found(brown, "So your water has been brown since this morning?", "paraphrase")


def test_a_fix_reported_on_the_network_is_no_denial() -> None:
    dropping = "My internet keeps dropping, this is ridiculous."
    assert found(dropping, "Our network is working normally in your area now, could you restart the router?", "defensive") == []


def test_an_upset_message_earlier_in_the_burst_counts_for_defensive() -> None:
    def defensive(*burst: str) -> list[str]:
        said = [("customer", t) for t in burst] + [("agent", "Call volumes are high today.")]
        last = analyze(Conversation.of("t", *said)).turns[-1]
        return [f.label for f in last.findings if f.present]

    # The last line alone reads calm; the one before it is the upset one.
    assert defensive("The box arrived crushed and the vase inside is broken.", "I've kept the box and the pieces.") == [
        "defensive"
    ]
    assert defensive("Can you tell me how parcels are insured?", "Just asking before I send something.") == []


@pytest.mark.parametrize(
    ("customer", "agent", "label", "said"),
    [
        (
            "Your technician broke my wall socket during the install!",
            "You should have had an electrician check the socket first.",
            "confrontational",
            "You should have had an electrician check",
        ),
        ("The room smelled of smoke all night.", "Nobody has smoked in 517.", "confrontational", "Nobody has smoked in"),
        (
            "The room smelled of smoke all night.",
            "You may be sensitive to the cleaning products.",
            "confrontational",
            "You may be sensitive to",
        ),
        ("The power has been off for 9 hours!", "Please call 105 for updates.", "passing_buck", "Please call 105 for updates"),
        (
            "Why do I have to fill in the same form again?",
            "Just fill it in, it only takes ten minutes.",
            "dismissive",
            "it only takes ten minutes",
        ),
    ],
)
def test_coach_draft_wording(customer: str, agent: str, label: str, said: str) -> None:
    assert said in found(customer, agent, label)


@pytest.mark.parametrize(
    ("customer", "agent", "label"),
    [
        (CALM, "You should have had an email from us yesterday.", "confrontational"),
        (CALM, "No one has used your card since Monday, so it's safe.", "confrontational"),
        (CALM, "It only takes a minute: let me walk you through it.", "dismissive"),
        (CALM, "Please call 999 if anyone is in danger.", "passing_buck"),
    ],
)
def test_coach_draft_look_alikes_stay_clear(customer: str, agent: str, label: str) -> None:
    assert found(customer, agent, label) == []


def test_what_the_company_broke_and_brown_water_are_complaints() -> None:
    assert evidence("Your technician broke my wall socket during the install!", "complaint")
    assert evidence("Water's been brown since this morning.", "complaint") == ["Water's been brown"]
    assert evidence("The tap water is cloudy again.", "complaint")
    assert evidence("Is the water bottle black or blue?", "complaint") == []


def test_hard_draft_wording_a_company_to_contact_directly_and_the_price_held_against_the_trouble() -> None:
    lost = "Tracking says delivered but nothing came!!"
    assert found(lost, "You'll have to contact DHL Express about 7748-2209 directly.", "passing_buck")
    assert found(lost, "I'll contact DHL Express directly and call you back.", "passing_buck") == []
    assert found(CALM, "Yes, you will need to pay the courier directly at the door.", "passing_buck") == []
    cracked = "The jug arrived cracked."
    assert found(cracked, "It's only a $5 jug, don't worry about it.", "dismissive") == ["It's only a $5 jug"]
    assert found(CALM, "It's only $5 to upgrade, and it's instant.", "dismissive") == []
    assert found(cracked, "It's only $3, so not worth a claim.", "dismissive")


# --- Third batch: complaint wording read off the even-id complaint tweets ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Why won't the printer drivers install on my laptop?",
        "Thanks for ignoring all my messages.",
        "I am unable to save my runs in the app.",
        "I want my $500 back.",
        "Poor performance and poor battery life since the update.",
        "Customer service is practically nonexistent.",
        "I bought the card and didn't get any code.",
        "You keep charging me twice every month.",
        "Somebody is lying to me here.",
        "The staff at the desk were so uncooperative.",
        "A wasted journey to the store, nothing in stock.",
        "A 25 minute wait time when calling support!",
        "Get your act together.",
        "They refuse to honour the warranty.",
        "Your courier broke my lamp.",
        "Is your online check-in down?",
        "My speaker turns itself off randomly.",
        "This is stressing me out.",
        "The internet blinks on and off all day. What gives?",
        "What's up with the app today?",
        "We've been stuck on the tarmac for three hours.",
        "Stuck in this queue for 20 minutes now.",
        "The stream is unwatchable tonight.",
        "This car play system is an absolute joke.",
        "I'm sorry but the reset hasn't worked.",
        "Tried three cities, nothing works.",
        "A person answered once, then never responded after that.",
        "Why has my package been 'out for delivery' for 4 days?",
        "My ID was not accepted at the gate.",
        "A 200% price increase since August.",
        "The e-upload never works.",
    ],
)
def test_complaint_wording_from_the_tweets(text: str) -> None:
    assert evidence(text, "complaint"), text


@pytest.mark.parametrize(
    "text",
    [
        "Why is the new model lighter?",
        "Thanks for sorting it so quickly!",
        "I broke my screen, can you fix it?",
        "I didn't get a chance to thank the driver, please pass it on.",
        "Can I save my runs to the cloud?",
        "Is the price down for the sale?",
        "I'm stuck on step 3 of the setup, what do I click?",
        "Stuck at home with the flu, can I move my appointment?",
        "The joke in your advert made me laugh.",
        "The reset worked, thanks.",
        "Is my parcel out for delivery today?",
    ],
)
def test_complaint_tweet_wording_look_alikes(text: str) -> None:
    assert evidence(text, "complaint") == [], text


# --- Fourth batch: emotion cues read off the even-id airline tweets the engine read as calm -------


@pytest.mark.parametrize(
    "text",
    [
        "We did see an agent. Unhelpful.",
        "You aren't being helpful at all.",
        "Thanks for ruining my anniversary.",
        "Thanks for making this the worst trip ever.",
        "Your staff could care less.",
        "Three hours on the tarmac. Come on.",
        "Thanks for the copy and paste response.",
        "Your check-in is so lame.",
        "DO BETTER.",
        "Good luck, I've been waiting a week.",
        "Called 3 times and got cut off each time. Enraging!",
        "Flight delayed again #whatajoke",
        "You screwed me out of my connection.",
        "You keep hanging up on me.",
        "Thanks for patronizing.",
        "NOT A HAPPY CUSTOMER.",
        "I lost all respect for you tonight.",
        "One rep for 15 people? #youcandobetter",
    ],
)
def test_airline_calm_reads_now_carry_a_cue(text: str) -> None:
    assert {"frustration", "anger"} & set(cue_emotions(text)), text


def test_those_cues_rule_out_the_praise_the_model_reads() -> None:
    assert emotion_label("Thanks. We did see an agent. Unhelpful.") == "frustration"
    assert emotion_label("Thank you, the agent was really helpful!") == "gratitude"


@pytest.mark.parametrize(
    "text",
    [
        "The agent was very helpful, thanks!",
        "Come on over to the desk and we'll sort it.",
        "Can I copy and paste my booking code here?",
        "Happy to wait a week for the blue one, no rush.",
        "Thanks for making my day!",
        "I screwed the lid back on, is it safe to ship now?",
        "Please don't hang up on me if the line goes quiet, I'm finding my booking number.",
        "A very happy customer here!",
    ],
)
def test_airline_cue_look_alikes(text: str) -> None:
    assert not {"frustration", "anger"} & set(cue_emotions(text)), text


# --- bare_policy: a condolence taken back by "However" --------------------------------------------


def test_a_contrast_opening_the_policy_sentence_takes_back_an_earlier_softener() -> None:
    widow = "My husband passed away last month and the account is in his name."
    said = "I'm sorry for your loss. However, that's our policy: the account holder must call."
    assert found(widow, said, "bare_policy") == ["that's our policy"]
    # The softener inside the contrast's own sentence still softens it, and so does one after it.
    assert found(CALM, "I'm so sorry. However, that's our policy, but what I can do is offer store credit.", "bare_policy") == []
    assert found(CALM, "I'm sorry. But that's our policy. What I can do is offer you store credit.", "bare_policy") == []
    # Without a contrast the earlier empathy softens the turn as before (seed 003's wish included).
    assert found(CALM, "I'm so sorry about this. That's our policy.", "bare_policy") == []
    wish = "I wish there was something I could do, but I'm not allowed to accept returns after 30 days."
    assert found(CALM, wish, "bare_policy") == []
