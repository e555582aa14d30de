"""Everyday support wording the engine once misread, each with the look-alike it must leave alone:
agent replies, customer messages, an email exchange, venting and hostile turns. Examples written for
these tests (real support tweets were read to find the wording, never copied)."""

from __future__ import annotations

import pytest

from heartdesk import Conversation, analyze
from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals.tone import load_default
from wording_helpers import emotion_label, evidence, found

NEUTRAL = Emotion("neutral", 1.0, {e: (1.0 if e == "neutral" else 0.0) for e in EMOTIONS})


LATE = "My order still hasn't arrived and nobody has told me anything. This is ridiculous."


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("I'll contact the courier myself and chase this for you.", "I'll contact the courier myself"),
        ("Let me reach out to the warehouse on your behalf.", "Let me reach out to the warehouse on your behalf"),
        ("I can ring them for you now.", "I can ring them for you"),
    ],
)
def test_taking_on_the_third_party_contact_is_ownership(agent: str, evidence: str) -> None:
    assert evidence in found(LATE, agent, "ownership")
    assert found(LATE, agent, "passing_buck") == []


def test_sending_the_customer_to_the_third_party_is_not_ownership() -> None:
    agent = "You'd need to speak to your bank about that."
    assert found(LATE, agent, "ownership") == []
    assert found(LATE, agent, "passing_buck") == ["You'd need to speak to your bank"]


def test_a_rule_in_the_passive_with_its_condition_is_bare_policy() -> None:
    assert found(LATE, "Orders cannot be cancelled once dispatched.", "bare_policy") == ["cannot be cancelled once"]
    assert found(LATE, "Tickets can't be changed within 24 hours of departure.", "bare_policy") != []
    # A fact about a file, not a rule; and the rule with an alternative is not bare.
    assert found(LATE, "The attachment cannot be opened on our side.", "bare_policy") == []
    softened = "Orders cannot be cancelled once dispatched, but I can arrange a free return for you."
    assert found(LATE, softened, "bare_policy") == []


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("If you'd read the email we sent you, you'd know.", "If you'd read the"),
        ("Per my last message, the refund has been processed.", "Per my last message"),
        ("There's no need to take that tone with me.", "There's no need to take that tone"),
        ("Please watch your language.", "watch your language"),
    ],
)
def test_reproaching_the_customer_is_confrontational(agent: str, evidence: str) -> None:
    assert evidence in found(LATE, agent, "confrontational")


@pytest.mark.parametrize(
    "agent",
    [
        "If you read the email we sent, you'll find the return label attached.",
        "There's no need to print the label, the driver brings one.",
        "As per our returns policy, you have 30 days.",
    ],
)
def test_pointing_to_the_email_or_saying_no_need_is_not_confrontational(agent: str) -> None:
    assert found(LATE, agent, "confrontational") == []


def test_throwing_the_problem_back_is_dismissive() -> None:
    assert found(LATE, "I don't know what you expect me to do about it.", "dismissive") != []
    assert found(LATE, "What do you want me to do about that?", "dismissive") != []
    assert found(LATE, "What would you like me to do: refund or replace it?", "dismissive") == []
    assert found(LATE, "What do you want me to do first, the refund or the address change?", "dismissive") == []


def test_if_ive_understood_correctly_frames_a_restatement_in_other_words() -> None:
    agent = "If I've understood correctly, the parcel never turned up and no one contacted you."
    assert found(LATE, agent, "paraphrase") == [agent]
    # The frame alone, about something the customer never said, is not a restatement.
    assert found(LATE, "If I've understood correctly, you'd like a new password.", "paraphrase") == []


def test_a_plain_wh_question_is_only_a_little_less_polite_than_asking_softly() -> None:
    tone = load_default()

    def score(text: str) -> float:
        return tone.score([text], [NEUTRAL])[0]

    plain, soft, accusing = (
        score("When did you place the order?"),
        score("Could you tell me when you placed the order?"),
        score("Why did you place the order there?"),
    )
    assert accusing < plain < soft
    assert plain > -0.3


# --- customer turns ------------------------------------------------------------------------------


def test_charged_for_what_was_cancelled_or_sent_back_is_a_complaint() -> None:
    text = "Could you please explain why I was charged £40 for a service I cancelled in March?"
    assert evidence(text, "complaint") == ["charged £40 for a service I cancelled"]
    assert evidence("I was still billed after cancelling my plan.", "complaint") == ["billed after cancelling"]
    # A charge and a cancellation that do not meet.
    assert evidence("I cancelled the old card; can the charge go on the new one?", "complaint") == []
    assert evidence("I was charged £40 and I'd like to cancel my plan next month.", "complaint") == []


def test_a_need_tied_to_an_event_coming_up_is_urgent() -> None:
    text = "I need this sorted before my flight tomorrow morning."
    assert evidence(text, "urgency") == ["need this sorted before my flight tomorrow"]
    assert evidence("Can I change the seat before my flight?", "urgency") == []
    # The customer who says there is no rush is not urgent, event or not.
    assert evidence("No rush at all, I just need it before my holiday in August.", "urgency") == []


def test_cancelling_said_alone_and_switching_considered_are_churn_threats() -> None:
    assert evidence("Unbelievable. I want to speak to a manager. I'm cancelling.", "churn_threat") == ["I'm cancelling."]
    assert evidence("I'm thinking of switching to Vodafone.", "churn_threat") == ["thinking of switching to Vodafone"]
    assert evidence("I'm cancelling the old direct debit, can you set up the new one?", "churn_threat") == []
    assert evidence("I'm thinking of switching to the annual plan.", "churn_threat") == []


def test_refusing_escalation_as_a_fact_is_bare_policy() -> None:
    asked = "I want to speak to a manager."
    assert found(asked, "Managers are not available.", "bare_policy") == ["Managers are not available"]
    alternative = "A manager isn't available right now, but I can arrange a callback this afternoon."
    assert found(asked, alternative, "bare_policy") == []


def test_an_offer_after_a_comma_is_not_a_clarifying_question() -> None:
    asked = "I want to speak to a manager."
    assert found(asked, "Our managers are available from 9am, shall I book you in?", "clarifying_question") == []
    assert found(asked, "I can refund it today, would you like me to do that?", "clarifying_question") == []
    asks = "Thanks for waiting, could you confirm your postcode?"
    assert found(asked, asks, "clarifying_question") == [asks]


def test_naming_what_the_customer_seems_to_feel_is_empathy() -> None:
    agent = "I saw your message and you appear to be frustrated, Sam. Please tell me what happened."
    assert found("This bank is a joke.", agent, "empathy") == ["you appear to be frustrated"]
    assert found("This bank is a joke.", "You seem to have two accounts, which one should I close?", "empathy") == []


def test_a_question_for_the_local_store_passes_the_buck() -> None:
    agent = "Hi there! This would be a question for your local store. Thanks for your time!"
    assert found("Why don't you deliver to my campus?", agent, "passing_buck") == [
        "This would be a question for your local store"
    ]


def test_an_offer_on_a_condition_is_not_a_restatement() -> None:
    customer = "If I reinstall the game on my Xbox One, will my progress still be there?"
    agent = "If you need help with this game on Xbox One, we'd be happy to help!"
    assert found(customer, agent, "paraphrase") == []


@pytest.mark.parametrize(
    "agent",
    [
        "Please send over your order number.",
        "Pop your order number in a DM and we'll take a look.",
        "Please let us have a zip code and we will look for stock near you.",
        "If you could send me a photo of the damage, that would be great.",
    ],
)
def test_everyday_requests_for_details_ask(agent: str) -> None:
    # The evidence of a request is its whole sentence.
    assert found(LATE, agent, "clarifying_question") == [agent]


@pytest.mark.parametrize("agent", ["I'll send the tracking number to you by email.", "We'll send you a new password reset link."])
def test_sending_the_customer_something_asks_for_nothing(agent: str) -> None:
    assert found(LATE, agent, "clarifying_question") == []


def test_recommending_another_team_passes_the_buck_where_reaching_out_for_them_owns_it() -> None:
    assert found(LATE, "We'd recommend reaching out to the chat team here.", "passing_buck") != []
    mine = "I'll reach out to our billing team for you today."
    assert found(LATE, mine, "passing_buck") == []
    assert found(LATE, mine, "ownership") != []


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("YOU SUCK.", "SUCK"),
        ("broadband gone off again", "gone off again"),
        ("my headphones broke after 1 month", "broke after 1 month"),
        ("the battery went dead within 4 months of use", "went dead within 4 months"),
        ("\"We're working on it\" isn't helpful", "isn't helpful"),
        ("can't send live messages through the messaging app", "can't send live messages"),
        ("my messages are getting flagged and not being delivered.", "not being delivered"),
        ("Now mine is broke and you won't honor the warranty!", "won't honor"),
        ("until 6 episodes in it stops working.", "stops working"),
        ("Please fix the process.", "Please fix the"),
        ("STOP EMAILING ME", "STOP EMAILING"),
    ],
)
def test_complaint_wording_read_in_support_tweets(text: str, evidence: str) -> None:
    assert evidence in evidence_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "This vacuum sucks up everything, love it.",
        "The staff were really helpful, thank you.",
        "Can I stop my subscription for a month?",
        "I refuse to accept any other reality, 2018 will be great.",
        "Get a $50 credit with your first purchase within 3 months.",
        "Could you send the statements to my new address?",
    ],
)
def test_their_everyday_look_alikes_are_not_complaints(text: str) -> None:
    assert evidence_of(text) == []


def evidence_of(text: str) -> list[str]:
    return evidence(text, "complaint")


def test_the_customers_own_shortcomings_are_not_a_complaint() -> None:
    assert evidence_of("I suck at passwords, can you reset mine?") == []


# --- an email exchange ---------------------------------------------------------------------------

_EMAIL = """Hello,

My standing desk (order #48213) was due last Friday. Nothing came, and I've emailed twice without a reply.

If I don't hear back by Wednesday I'll cancel and dispute the charge with my bank.

Regards,
Priya"""

_REPLY = """Hi Priya,

Thank you for your patience, and I'm really sorry it has taken this long to get back to you.

I've looked into order #48213: the courier lost the parcel at their depot. I've arranged a replacement today,
and I'll email you the new tracking number this afternoon.

Kind regards,
Sam"""


def test_an_emailed_ultimatum_is_urgent_frustrated_and_a_churn_threat() -> None:
    turn = analyze(Conversation.of("t", ("customer", _EMAIL))).turns[0]
    present = {f.label: _EMAIL[f.start : f.end] for f in turn.findings if f.present}
    assert present["urgency"] == "If I don't hear back by"
    assert present["churn_threat"] == "I'll cancel and"
    assert turn.emotion is not None and turn.emotion.label == "frustration"
    cues = {_EMAIL[c.start : c.end] for c in turn.emotion.cues}
    assert {"emailed twice", "without a reply"} <= cues
    # Cancelling something in order to fix it is no threat.
    assert evidence("I'll cancel the order and place a new one with the right size.", "churn_threat") == []


def test_an_email_reply_closes_with_its_sign_off_not_its_opening_thanks() -> None:
    got = found(_EMAIL, _REPLY, "closing")
    assert got == ["Kind regards,"]
    # A short thank-you that ends the reply still closes it.
    assert found(_EMAIL, "That's all sorted now. Thank you for your patience!", "closing") != []


def test_a_status_report_opening_on_your_is_barely_cold() -> None:
    tone = load_default()
    report, directive = tone.score(
        ["Your refund has been processed.", "You need to read the policy before you order."], [NEUTRAL, NEUTRAL]
    )
    assert report > -0.15
    assert directive < report


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("My package was marked delivered but it's not here.", "marked delivered but it's not"),
        ("The hotel gave our room away even though we'd paid.", "gave our room away"),
        ("I've been a customer for 10 years and you've just doubled my premium.", "doubled my premium"),
        ("I just want my money back.", "I just want my money back"),
    ],
)
def test_paid_for_and_not_received_is_a_complaint(text: str, evidence: str) -> None:
    assert evidence in evidence_of(text)


def test_a_raise_the_customer_welcomes_is_no_complaint() -> None:
    assert evidence_of("You've increased my credit limit, thank you!") == []
    assert evidence_of("It says delivered, can you tell me which door they left it at?") == []


def test_verdicts_misspellings_and_lost_days_are_complaints() -> None:
    assert "DOSENT work" in evidence_of("my redeem code DOSENT work")
    assert "are trash" in evidence_of("My upload speeds are trash. Explain.")
    assert "7 days wasted" in evidence_of("It keeps flagging my listing. 7 days wasted.")
    assert evidence_of("The rubbish is collected on Mondays, can you confirm?") == []


def test_so_what_needs_to_open_its_sentence_to_dismiss() -> None:
    tone = load_default()
    asks = "Have you had a chance to contact us? If so, what options were we able to provide?"
    assert "dismissal" not in tone.explain(asks)
    assert "dismissal" in tone.explain("So what? It's only a parcel.")


# --- venting messages ----------------------------------------------------------------------------


def test_the_real_issue_in_a_rant_about_a_late_sofa() -> None:
    text = (
        "I am absolutely fuming. Your so-called express delivery is a joke. The sofa was meant to come on "
        "Saturday and it still isn't here. I took a day off work for this. Useless."
    )
    assert evidence(text, "real_issue") == ["The sofa was meant to come on Saturday and it still isn't here."]
    assert "The sofa was meant to come" in evidence_of(text)


def test_a_charge_never_asked_for_is_the_complaint_in_a_resigned_message() -> None:
    text = (
        "Honestly I don't even know why I bother. Every month the same thing. You've charged me £12.99 "
        "for a premium add-on I never asked for. Sort it out."
    )
    assert evidence_of(text) == ["charged me £12.99 for a premium add-on I never asked for"]
    turn = analyze(Conversation.of("t", ("customer", text))).turns[0]
    assert turn.emotion is not None and turn.emotion.label == "frustration"


def test_disgusting_service_is_anger_where_hair_in_the_food_is_disgust() -> None:
    def label(text: str) -> str:
        emotion = analyze(Conversation.of("t", ("customer", text))).turns[0].emotion
        assert emotion is not None
        return emotion.label

    assert label("Absolutely disgusting service. I want a full refund.") == "anger"
    assert label("This is disgusting, there was hair in my food.") == "disgust"


# --- answering a hostile customer ----------------------------------------------------------------

HOSTILE = "This is a total joke!!! Your useless company lost my parcel AGAIN. Sort it out!"


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("We can't control what the courier does.", "We can't control what"),
        ("I've been working here for ten years and I know what I'm doing.", "I know what I'm doing"),
        ("Excuse me, I'm trying to help you here.", "Excuse me, I'm trying to help"),
    ],
)
def test_disclaiming_control_and_pulling_rank_are_defensive(agent: str, evidence: str) -> None:
    assert evidence in found(HOSTILE, agent, "defensive")


def test_not_on_us_is_defence_and_the_courier_handles_it_passes_the_buck_while_it_is_on_us_is_a_gift() -> None:
    agent = "That's not on us, the courier handles the delivery."
    assert found(HOSTILE, agent, "emotional_fix") == []
    assert found(HOSTILE, agent, "passing_buck") == ["the courier handles the"]
    assert found(HOSTILE, "Don't worry about the fee, it's on us. I'm so sorry.", "emotional_fix") == ["on us"]


def test_the_non_apology_is_dismissive_not_an_apology() -> None:
    agent = "I'm sorry you feel that way."
    assert found(HOSTILE, agent, "dismissive") == ["sorry you feel that way"]
    assert found(HOSTILE, agent, "apology") == []
    assert load_default().score([agent], [NEUTRAL])[0] < 0
    assert found(HOSTILE, "Mistakes happen.", "dismissive") == ["Mistakes happen"]
    owned = "I'm sorry, I'll fix it now. Mistakes happen, but this one is on me."
    assert found(HOSTILE, owned, "dismissive") == []


def test_contradicting_the_customer_with_respect_is_still_confrontational() -> None:
    assert found(HOSTILE, "With respect, that's not what happened.", "confrontational") == ["that's not what happened"]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("I'll be contacting Trading Standards.", "contacting Trading Standards"),
        ("Can I speak to someone who actually knows what they're doing?", "speak to someone who actually knows"),
        ("Get me someone senior.", "Get me someone senior"),
    ],
)
def test_regulators_and_someone_who_knows_are_escalation_requests(text: str, evidence: str) -> None:
    assert evidence in _present(text, "escalation_request")


def test_asking_for_an_expert_politely_is_no_escalation() -> None:
    assert _present("Is there someone who knows about pensions I could speak to?", "escalation_request") == []


def test_a_lost_week_of_sales_is_business_impact_where_a_lost_week_of_holiday_is_not() -> None:
    shop = "I run an online shop and my listings have all disappeared, I've lost a week of sales."
    assert _present(shop, "business_impact") == ["lost a week of sales"]
    assert _present("I lost a week of holiday because of the strike.", "business_impact") == []


def test_asking_to_escalate_reads_dissatisfied_not_satisfied() -> None:
    emotion = analyze(Conversation.of("t", ("customer", "I want this escalated."))).turns[0].emotion
    assert emotion is not None and emotion.label == "frustration"


def _present(text: str, label: str) -> list[str]:
    return evidence(text, label)


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("Your booking has been moved to Friday at 10am.", "Your booking has been moved"),
        ("The engineer is booked for Tuesday between 8 and 12.", "The engineer is booked for"),
        ("All sorted! Your card will arrive in 3-5 days.", "All sorted"),
        ("That's done for you now.", "That's done for you now"),
    ],
)
def test_a_fix_reported_as_done_is_a_logical_fix(agent: str, evidence: str) -> None:
    assert evidence in found(LATE, agent, "logical_fix")


def test_bad_news_and_conditions_are_no_fix() -> None:
    assert found(LATE, "Your flight has been cancelled due to weather.", "logical_fix") == []
    assert found(LATE, "Once your booking has been moved, you'll get a text.", "logical_fix") == []


def test_an_email_the_customer_will_receive_is_no_request() -> None:
    told = "I've reset your password; you should have an email with the link now."
    assert found(LATE, told, "clarifying_question") == []
    asks = "DM us your order number and we'll take a look."
    assert found(LATE, asks, "clarifying_question") == [asks]


def test_praise_for_the_agent_is_warm_and_thanks_for_nothing_is_not() -> None:
    tone = load_default()

    def score(text: str) -> float:
        return tone.score([text], [NEUTRAL])[0]

    assert score("you guys are the best") > 0.2
    assert score("You're a star, thanks!") > 0.5
    assert score("You guys are useless.") < -0.3
    assert score("thanks a lot for nothing") < 0
    emotion = analyze(Conversation.of("t", ("customer", "thanks a lot for nothing"))).turns[0].emotion
    assert emotion is not None and emotion.label == "frustration"


@pytest.mark.parametrize(
    "agent",
    [
        "Enjoy the rest of your weekend!",
        "If there's anything else, just shout.",
        "We're always here to help.",
        "Speak soon!",
        "All the best, Jess",
    ],
)
def test_everyday_closes_close_warmly(agent: str) -> None:
    assert found(LATE, agent, "closing") != []
    assert load_default().score([agent], [NEUTRAL])[0] >= 0


def test_take_care_closes() -> None:
    # "Take care" as a warm phrase cost UCC 0.001 (news comments use it as a brush-off), so the tone
    # scorer still reads the opening imperative; the close itself is found.
    assert found(LATE, "Take care now.", "closing") != []


def test_offering_help_before_a_question_is_no_close() -> None:
    agent = "We're here to help you get this sorted, so first could you tell me the order number?"
    assert found(LATE, agent, "closing") == []


WEEK_OFFLINE = "I've been without internet for a week and I work from home. I'm at the end of my rope."


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("You must be at your wits' end.", "You must be at your wits' end"),
        ("I'd be losing my mind too.", "I'd be losing my mind too"),
        ("That's completely understandable.", "That's completely understandable"),
        ("I know how much you rely on your connection.", "I know how much you rely on"),
        ("I get it, that's maddening.", "'s maddening"),
        ("What a week you've had.", "What a week you've had"),
        ("That's a really long time to be without a connection.", "That's a really long time to be without"),
    ],
)
def test_everyday_acknowledgement_is_empathy(agent: str, evidence: str) -> None:
    assert evidence in found(WEEK_OFFLINE, agent, "empathy")


def test_a_long_time_to_keep_an_item_is_no_empathy() -> None:
    agent = "That's a long time to keep the item, we can only refund within 30 days."
    assert found(WEEK_OFFLINE, agent, "empathy") == []
    assert load_default().score(["That's completely understandable."], [NEUTRAL])[0] > 0.2


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("I can understand your situation.", "I can understand your situation"),
        ("I completely understand your position.", "I completely understand your position"),
        ("That seems very unfair.", "That seems very unfair"),
        ("Oh dear, that's not good at all.", "Oh dear"),
        ("It sounds like that order meant a lot to you.", "meant a lot to you"),
    ],
)
def test_understanding_the_situation_is_empathy(agent: str, evidence: str) -> None:
    assert evidence in found(WEEK_OFFLINE, agent, "empathy")


def test_oh_dear_about_the_agents_own_slip_is_no_empathy() -> None:
    assert found(WEEK_OFFLINE, "Oh dear, I've pressed the wrong button, one moment.", "empathy") == []


@pytest.mark.parametrize(
    "agent",
    [
        "So I hear you're still without internet after a whole week?",
        "Are you telling me the internet has been down for a week?",
        "So u are working from home without internet?",
    ],
)
def test_more_restating_frames_restate_the_customers_words(agent: str) -> None:
    assert found(WEEK_OFFLINE, agent, "paraphrase") != []


def test_a_restating_frame_about_something_else_restates_nothing() -> None:
    assert found(WEEK_OFFLINE, "Are you telling me the sofa is the wrong colour?", "paraphrase") == []


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("That sounds like a really difficult and uncomfortable situation to be in.", "difficult and uncomfortable situation"),
        ("That must be so hard to deal with on top of work.", "That must be so hard to deal with"),
        ("It sounds like you have a lot going on right now.", "you have a lot going on"),
        ("I'm sure that makes you feel let down.", "I'm sure that makes you feel"),
        ("I can imagine, especially with work deadlines.", "I can imagine"),
        ("Sometimes it can feel impossible to get through to anyone.", "can feel impossible"),
    ],
)
def test_naming_how_hard_it_is_in_other_words_is_empathy(agent: str, evidence: str) -> None:
    assert any(evidence in got for got in found(WEEK_OFFLINE, agent, "empathy"))


@pytest.mark.parametrize(
    "agent",
    [
        "I can imagine what the engineer will say, but let's check.",
        "The new router is hard to deal with? Let me walk you through it.",
    ],
)
def test_imagining_an_answer_or_a_hard_device_is_no_empathy(agent: str) -> None:
    assert found(WEEK_OFFLINE, agent, "empathy") == []


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("It's completely normal to feel frustrated after a week like this.", "normal to feel"),
        ("Your frustration is completely valid.", "Your frustration is completely valid"),
        ("I can see this is really bothering you.", "bothering you"),
        ("Today must have been a hard day for you.", "must have been a hard day"),
        ("I can definitely understand why.", "I can definitely understand why"),
    ],
)
def test_feelings_normalised_and_named_are_empathy(agent: str, evidence: str) -> None:
    assert any(evidence in got for got in found(WEEK_OFFLINE, agent, "empathy"))


@pytest.mark.parametrize(
    "agent",
    ["It's normal to see a small charge first, it's refunded.", "I can understand why the router flashes orange: it's updating."],
)
def test_what_is_normal_for_a_device_or_a_charge_is_no_empathy(agent: str) -> None:
    assert found(WEEK_OFFLINE, agent, "empathy") == []


@pytest.mark.parametrize(
    ("agent", "evidence"),
    [
        ("That's really hard.", "That's really hard"),
        ("Oh dear, that is hard when you rely on it for work.", "that is hard"),
        ("Thats horrible, I'm so sorry.", "Thats horrible"),
        ("That's so sad to hear.", "That's so sad"),
        ("That's not fair. Let me see what I can do.", "That's not fair"),
        ("I get that, nobody wants to chase a refund.", "I get that"),
        ("I know this has taken a toll on you.", "taken a toll"),
        ("It sounds like you don't feel listened to.", "you don't feel listened to"),
        ("That sounds really challenging.", "That sounds really challenging"),
        ("It sounds like you feel torn between the two plans.", "It sounds like you feel torn"),
    ],
)
def test_the_situation_named_in_few_words_is_empathy(agent: str, evidence: str) -> None:
    assert any(evidence in got for got in found(WEEK_OFFLINE, agent, "empathy"))


@pytest.mark.parametrize(
    "agent",
    [
        "That's hard to say without checking the logs.",
        "It's not fair to other customers to skip the queue.",
        "That's fair enough, I'll cancel it now.",
        "I get that error too when the cache is full.",
        "I get it working by restarting the router.",
        "It is challenging to configure the VPN on older routers.",
        "It sounds like you don't have the latest update installed.",
        "It's sad that you have nothing better to do.",
        "The toll charge on the invoice is not ours.",
    ],
)
def test_hard_to_say_or_fair_to_others_is_no_empathy(agent: str) -> None:
    assert found(WEEK_OFFLINE, agent, "empathy") == []


@pytest.mark.parametrize(
    ("customer", "agent"),
    [
        # Other words for the same thing: waiting / the queue, replied / a response, worried / concerned.
        ("I've been waiting on hold for an hour and nobody picks up.", "So you've been stuck in the queue all morning?"),
        ("Nobody has replied to my emails in two weeks.", "If I understand correctly, you haven't had a response from us yet?"),
        ("I'm really worried the parcel won't come before the wedding.", "It sounds like you're concerned about the timing."),
        # An explicit restating frame before a clause of its own restates, whatever its words.
        ("The app logs me out every five minutes.", "So what you're saying is the session keeps ending on its own?"),
        ("My engineer didn't turn up today.", "So what I hear you saying is nobody came to fix the line as promised."),
        ("The app is really slow since the update.", "So you feel like the app got slower after the update?"),
    ],
)
def test_restating_in_other_words_is_paraphrase(customer: str, agent: str) -> None:
    assert found(customer, agent, "paraphrase") != []


@pytest.mark.parametrize(
    ("customer", "agent"),
    [
        ("The app logs me out every five minutes.", "If I understand correctly."),
        ("My engineer didn't turn up today.", "So it sounds like an outage in your area."),
        ("I'm really worried the parcel won't come before the wedding.", "Concerns about delivery can be raised on our website."),
    ],
)
def test_a_bare_frame_or_a_synonym_in_passing_is_no_paraphrase(customer: str, agent: str) -> None:
    assert found(customer, agent, "paraphrase") == []


@pytest.mark.parametrize(
    "agent",
    [
        "That shouldn't be happening. Which location did you visit? I'd like to follow up.",
        "I've checked our system and the parcel left the depot yesterday. Which address was it going to?",
        "Thanks for waiting while I looked into this for you. So what's your account number?",
    ],
)
def test_a_question_for_one_detail_asks_wherever_it_stands(agent: str) -> None:
    assert found(LATE, agent, "clarifying_question") != []


def test_a_general_question_tagged_onto_advice_stays_below_the_bar() -> None:
    agent = "Restarting the router usually clears this, and the lights should turn green after a minute. Is it better now?"
    assert found(LATE, agent, "clarifying_question") == []


def test_regret_with_an_adverb_is_an_apology_but_regret_to_inform_is_not() -> None:
    assert found(LATE, "I truly regret the frustration we've caused you.", "apology") != []
    assert found(LATE, "We sincerely regret our mistake.", "apology") != []
    assert found(LATE, "I regret to inform you that the item is out of stock.", "apology") == []


@pytest.mark.parametrize(
    ("agent", "label", "evidence"),
    [
        ("Let's look into this further in DM.", "ownership", "Let's look into"),
        ("Let's get this sorted for you.", "ownership", "Let's get this sorted"),
        ("It's a bummer to hear you're having this issue.", "empathy", "a bummer"),
        ("What a bummer, I'm sorry.", "empathy", "What a bummer"),
    ],
)
def test_lets_and_bummer_are_read(agent: str, label: str, evidence: str) -> None:
    assert any(evidence in got for got in found(LATE, agent, label))


def test_let_us_know_is_no_ownership() -> None:
    assert found(LATE, "Let us know if that works.", "ownership") == []


@pytest.mark.parametrize(
    "agent", ["Can you talk a bit more about the error you see?", "Can you talk me through what you clicked?"]
)
def test_asking_the_customer_to_say_more_is_a_clarifying_question(agent: str) -> None:
    assert found(LATE, agent, "clarifying_question") != []


def test_suggesting_a_talk_with_someone_else_is_no_clarifying_question() -> None:
    assert found(LATE, "Can you talk to your manager about it?", "clarifying_question") == []


@pytest.mark.parametrize("agent", ["What about the new plan is confusing?", "What about your bill has you worried?"])
def test_what_about_a_thing_asking_what_troubles_the_customer_is_a_question(agent: str) -> None:
    assert found(LATE, agent, "clarifying_question") != []


@pytest.mark.parametrize("agent", ["What about the premium plan?", "What about a call tomorrow?"])
def test_what_about_an_option_is_a_suggestion(agent: str) -> None:
    assert found(LATE, agent, "clarifying_question") == []


def test_a_question_framed_by_reassurance_asks_in_full() -> None:
    agent = "Don't worry, we'll get this sorted for you today. Did the courier leave a card?"
    assert found("My parcel never came.", agent, "clarifying_question") == ["Did the courier leave a card?"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("The 8:33 bus never came to 10th and Walnut.", "never came"),
        ("You can never get the order right.", "You can never get the order right"),
        ("Live chat with them is worse than the post office.", "is worse than"),
        ("I am not getting any support from you.", "not getting any support"),
        ("Awaiting my discount code, not received it and not in junk folder.", "not received it"),
        ("I went to your store and was mistreated.", "was mistreated"),
        ("The driver could not be contacted.", "driver could not be contacted"),
        ("16 minutes to get on a live chat. Pitiful.", "Pitiful"),
        ("I am beyond pissed.", "pissed"),
    ],
)
def test_gaps_and_verdicts_said_plainly_are_complaints(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    [
        "I've never received such great service, thank you!",
        "My friend could not be reached by phone so I'm writing for her.",
    ],
)
def test_praise_and_a_friend_out_of_reach_are_no_complaints(text: str) -> None:
    assert evidence(text, "complaint") == []


@pytest.mark.parametrize(
    "text",
    [
        "I've made an order but put the wrong address, can you help?",
        "I accidentally ordered a jersey and shipped to the wrong address. Can I change it please?",
        "My mistake, I typed the wrong postcode.",
    ],
)
def test_the_customers_own_slip_is_no_complaint(text: str) -> None:
    assert evidence(text, "complaint") == []


@pytest.mark.parametrize(
    "text", ["You sent it to the wrong address!", "I have told you twice that you put the wrong address on it."]
)
def test_the_companys_slip_is_a_complaint(text: str) -> None:
    assert evidence(text, "complaint") != []


@pytest.mark.parametrize(
    "agent", ["You're not alone in this, lots of customers were affected.", "Well, the good thing is your not alone."]
)
def test_not_alone_is_reassurance_not_a_named_feeling(agent: str) -> None:
    assert found(WEEK_OFFLINE, agent, "reassurance") != []
    assert found(WEEK_OFFLINE, agent, "empathy") == []


@pytest.mark.parametrize(
    "text",
    [
        "Never flying @usairways again.",
        "I was completely ripped off today, never fly this airline.",
        "No notice, no apology. Done flying with you.",
        "Dealt with horrible customer service. Finally switched to Delta.",
    ],
)
def test_leaving_said_in_passing_is_a_churn_threat(text: str) -> None:
    assert evidence(text, "churn_threat") != []


@pytest.mark.parametrize(
    "text",
    [
        "I never fly on weekends, can I move it to Monday?",
        "I've switched to the annual plan, thanks.",
        "I have switched to paperless billing.",
    ],
)
def test_habits_and_plan_changes_are_no_churn_threat(text: str) -> None:
    assert evidence(text, "churn_threat") == []


@pytest.mark.parametrize(
    "text",
    [
        "Can you help me with a delayed flight as I'm going to miss my connection?",
        "Probably gonna miss my flight...",
        "I need a flight tomorrow.",
        "I need my work clothes from that bag for tomorrow morning.",
    ],
)
def test_a_deadline_about_to_be_missed_is_urgent(text: str) -> None:
    assert evidence(text, "urgency") != []


@pytest.mark.parametrize(
    "text", ["I missed my flight last week, can I get a refund?", "I'll need to check with my wife and call back tomorrow."]
)
def test_a_missed_flight_in_the_past_or_a_later_call_is_not_urgent(text: str) -> None:
    assert evidence(text, "urgency") == []


def test_asking_for_a_person_instead_of_the_machine_is_an_escalation_request() -> None:
    assert evidence("Really need to speak to agent not computer.", "escalation_request") != []
    assert evidence("I spoke to an agent yesterday and she was lovely.", "escalation_request") == []


def test_wont_be_flying_you_is_a_churn_threat() -> None:
    assert evidence("Well we won't be flying you. Rebooked on another airline.", "churn_threat") != []


def test_screwed_up_by_the_company_is_a_complaint_not_the_customers_own_slip() -> None:
    assert evidence("Thanks to you my trip is all screwed up.", "complaint") != []
    assert evidence("I messed up my password again, can you reset it?", "complaint") == []


def test_an_unhappy_hashtag_is_a_complaint() -> None:
    assert evidence("Long lines and four people working check-in! #unhappy", "complaint") != []


def test_committing_effort_to_a_named_outcome_is_ownership() -> None:
    assert found(LATE, "I'll do my best to get this sorted today.", "ownership") != []
    assert found(LATE, "I'll do my best.", "ownership") == []


def test_a_closing_check_restates_the_sentence_before_it() -> None:
    customer = "The app logs me out every time and I lose my basket."
    restated = "The basket empties every time the app logs out. Correct me if I'm wrong."
    assert found(customer, restated, "paraphrase") == [restated]
    assert found(customer, "We've had a few reports of this today. Correct me if I'm wrong.", "paraphrase") == []


def test_the_own_slip_exception_holds_for_complaints_found_through_the_cues_too() -> None:
    # "frustrating" is an emotion cue, not a complaint phrase: the complaint would come from the cue route.
    assert evidence("I accidentally ordered the wrong size and it is so frustrating.", "complaint") == []
    assert evidence("The app crashed again and it is so frustrating.", "complaint") != []


@pytest.mark.parametrize(
    "text",
    [
        "I'm so irritated at y'all. Stop wasting my time.",
        "iOS 11.2.5 is absolutely ridden with bugs.",
        "The money was taken and I was charged for someone else's service.",
        "You fleeced me, where is my popcorn?",
        "The most unreliable paid-for software I have ever used.",
        "Makes your site worthless!!!",
        "Mine needs a new transmission after 5 years. Not a happy customer!",
        "400 errors on your help page. What am I paying for?",
        "Wasnt helpful, plz dm me",
        "Since the update the battery drains so fast.",
        "Omg my taxi smells so bad",
    ],
)
def test_complaints_lexicon_eleven(text: str) -> None:
    assert evidence(text, "complaint") != []


@pytest.mark.parametrize(
    "text",
    [
        "The staff were really helpful, thank you.",
        "Is the battery life better on the new model?",
        "Would it not be helpful to add a second address?",
    ],
)
def test_helpful_staff_and_battery_questions_are_no_complaints(text: str) -> None:
    assert evidence(text, "complaint") == []


def test_a_policy_with_an_alternative_offered_is_neither_bare_nor_cold() -> None:
    bare = "Unfortunately that's our policy."
    offered = "Unfortunately that's our policy, but what I can do is offer you a voucher."
    assert found(LATE, bare, "bare_policy") == ["that's our policy"]
    assert found(LATE, offered, "bare_policy") == []
    tones = load_default().score([bare, offered], [None, None])
    assert tones[1] > tones[0] + 0.25  # the offer warms the reply (tone lexicon 14)
    sorry = "I'm so sorry, that's our policy, but what I can do is offer you a voucher."
    assert found(LATE, sorry, "emotional_fix") == ["what I can do is offer you a voucher"]


def test_blame_for_what_the_customer_did_not_back_up_is_confrontational() -> None:
    agent = "Well, you should have backed them up. We're not responsible for that."
    assert found(HOSTILE, agent, "confrontational") == ["you should have backed them up"]
    assert found(HOSTILE, "You should have received an email with the tracking number.", "confrontational") == []


def test_a_document_emailed_or_sent_over_is_a_logical_fix() -> None:
    for agent, said in (
        ("No problem, I've just emailed it to you.", "I've just emailed it"),
        ("I've emailed you the invoice and the receipt.", "I've emailed you the invoice"),
        ("I've sent it over, it should arrive in a minute.", "I've sent it over"),
    ):
        assert found(LATE, agent, "logical_fix") == [said], agent
    # Contact about the matter is no fix, and a question about an email is none either.
    for agent in ("We emailed you about this last week.", "Have you emailed us the photos yet?"):
        assert found(LATE, agent, "logical_fix") == [], agent


def test_looking_at_other_providers_is_a_churn_threat() -> None:
    text = "If you can't fix this I'll have to look at other providers."
    assert evidence(text, "churn_threat") == ["look at other providers"]
    assert evidence("I'm shopping around for cheaper providers now.", "churn_threat") == ["shopping around for cheaper providers"]
    assert evidence("Can we look at other options for the delivery?", "churn_threat") == []


def test_a_demo_within_the_hour_is_urgent_and_a_days_takings_lost_is_business_impact() -> None:
    assert evidence("Our whole team can't log in and we have a client demo in an hour.", "urgency") == ["demo in an hour"]
    bakery = "I run a small bakery and the card reader outage cost me a day's takings."
    assert evidence(bakery, "business_impact") == ["cost me a day's takings"]
    assert evidence("It cost me a day's wait, that's all.", "business_impact") == []


# --- seventeenth session -----------------------------------------------------------------------------------

WAITING = "I've been waiting three weeks for my refund."


@pytest.mark.parametrize(
    ("text", "evidence_text"),
    [
        ("I was told a technician would call between 8 and 12. It's now 3pm.", "I was told a technician would"),
        ("We were promised a call this morning and got nothing.", "We were promised"),
        ("Seriously? That's the best you can do?", "That's the best you can do"),
        ("The product description clearly said waterproof. It isn't.", "description clearly said"),
        ("I honestly feel like nobody there cares.", "nobody there cares"),
    ],
)
def test_complaints_lexicon_twelve(text: str, evidence_text: str) -> None:
    assert evidence_text in evidence(text, "complaint")


@pytest.mark.parametrize(
    "text",
    ["I was told to contact you about my refund.", "Is that all you can see on the account?", "The label clearly says fragile."],
)
def test_an_instruction_passed_on_or_a_label_read_out_is_no_complaint(text: str) -> None:
    assert evidence(text, "complaint") == []


def test_a_departure_and_a_request_to_speed_up_are_urgent_and_urgency_denied_is_not() -> None:
    text = "Is there any way to speed this up? I'm leaving the country on Friday."
    assert evidence(text, "urgency") == ["speed this up", "I'm leaving the country on Friday"]
    assert evidence("We fly out tomorrow and the passports haven't arrived.", "urgency") == ["We fly out tomorrow"]
    for calm in ("I'm leaving a review about this.", "It's not an emergency, just curious about the new pricing."):
        assert evidence(calm, "urgency") == [], calm


def test_days_of_work_lost_are_business_impact() -> None:
    assert evidence("This has cost me two days of work already.", "business_impact") == ["cost me two days of work"]
    assert evidence("I lost a day of work waiting in for the engineer.", "business_impact") == ["lost a day of work"]
    assert evidence("It took two days of work to set up, but it runs well now.", "business_impact") == []


def test_the_wait_called_unreasonable_is_warm_empathy() -> None:
    for agent, said in (
        ("I hear you, three weeks is far too long to wait for your own money.", "three weeks is far too long"),
        ("You shouldn't have had to wait this long. I'll chase it today.", "You shouldn't have had to wait this long"),
        ("That sounds really disruptive, especially when you're working from home.", "That sounds really disruptive"),
    ):
        assert found(WAITING, agent, "empathy") == [said], agent
        assert load_default().score([agent], [None])[0] > 0.3, agent  # tone lexicon 15: not cold
    assert found(WAITING, "The message is too long to send.", "empathy") == []
    assert load_default().score(["You should have read the terms."], [None])[0] < 0


def test_the_terms_pointed_at_as_the_whole_answer_are_a_bare_policy() -> None:
    assert found(WAITING, "Refunds take up to 30 days as stated in our terms.", "bare_policy") == ["as stated in our terms"]
    kinder = "I'm sorry for the wait. Refunds take up to 30 days as stated in our terms, but I've asked the team to speed it up."
    assert found(WAITING, kinder, "bare_policy") == []


def test_customer_apologies_and_taken_back_thanks_read_right_in_the_engine() -> None:
    assert emotion_label("Sorry to bother you again, but has there been any update?") == "neutral"
    assert emotion_label("Thanks a lot, now I have to start all over again.") == "frustration"
    assert emotion_label("Great, another automated reply. Just what I needed.") == "frustration"
    assert emotion_label("I just want my money back.") == "frustration"
    assert emotion_label("That's really kind of you, thank you so much for sorting this out.") == "gratitude"


def test_asking_where_the_refund_is_is_a_complaint_and_asking_for_its_number_is_not() -> None:
    assert evidence("Where is my order? I placed it two weeks ago.", "complaint") == ["Where is my order"]
    assert evidence("WHERE IS MY REFUND", "complaint") == ["WHERE IS MY REFUND"]
    assert evidence("Where is my order number on the invoice?", "complaint") == []


CHARGED = "This is ridiculous, I've been charged for a plan I cancelled!"


def test_the_companys_record_held_up_as_the_answer_is_defensive() -> None:
    agent = "Our system shows the plan was active, so the charge is correct."
    assert found(CHARGED, agent, "defensive") == ["so the charge is correct"]
    assert found(CHARGED, "Our system shows the refund went out on Monday.", "defensive") == []


def test_a_missed_step_guessed_at_is_confrontational_and_a_delay_explained_is_not() -> None:
    laptop = "My laptop won't turn on after the update."
    assert found(laptop, "You probably didn't let the update finish.", "confrontational") == ["You probably didn't let"]
    assert found(laptop, "You probably haven't received the email yet.", "confrontational") == []


def test_a_fix_promised_until_resolved_is_no_fix_yet_and_a_one_word_goodbye_closes() -> None:
    laptop = "My laptop won't turn on after the update."
    assert found(laptop, "I'll personally keep an eye on this case until it's resolved.", "logical_fix") == []
    assert found(laptop, "Good news, it's resolved now.", "logical_fix") == ["it's resolved"]
    thanks = "Thanks so much, that's sorted it!"
    assert found(thanks, "No worries. Bye.", "closing") == ["Bye"]
    assert found(thanks, "Say bye to the old plan, you're on the new one now.", "closing") == []


def test_a_complaint_announced_and_staff_who_brushed_the_customer_off_are_complaints() -> None:
    letter = "Hello, I am writing to complain about the service I received on Saturday. The staff member was dismissive."
    assert evidence(letter, "complaint") == ["writing to complain", "staff member was dismissive"]
    assert evidence("I'd like to make a complaint about my delivery driver.", "complaint") == ["I'd like to make a complaint"]
    for text in ("How do I make a complaint?", "I can't complain, the service was great.", "Where is the complaint form?"):
        assert evidence(text, "complaint") == [], text


PAYING = "Your website is a joke, I've tried to pay three times and it keeps failing!"


def test_the_fault_denied_by_a_test_on_our_side_or_other_customers_is_defensive() -> None:
    for agent, said in (
        ("It works fine on our end.", "It works fine on our end"),
        ("There's nothing wrong with our website.", "There's nothing wrong with our website"),
        ("Lots of customers pay online every day without issues.", "Lots of customers pay online every day without issues"),
    ):
        assert found(PAYING, agent, "defensive") == [said], agent
    assert found(PAYING, "It works fine on our end now, could you try again?", "defensive") == []
    assert found("Can I pay online?", "Yes, lots of customers pay online every day without issues.", "defensive") == []
    assert found(PAYING, "I'm not sure what you want me to say.", "dismissive") == ["I'm not sure what you want me to say"]


def test_a_business_customer_weighing_vendors_is_a_churn_threat() -> None:
    text = "We're evaluating other vendors because of these outages."
    assert evidence(text, "churn_threat") == ["evaluating other vendors"]
    assert evidence("We're evaluating other options for the rollout.", "churn_threat") == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("The API keeps returning 500 errors since your deploy this morning.", "keeps returning 500 errors"),
        ("This is the second outage this month. Our CTO is asking questions.", "second outage this month"),
        ("I've submitted meter readings every month and you still sent an estimated bill.", "you still sent"),
        ("I've been on the phone with your team for an hour and got nowhere.", "got nowhere"),
    ],
)
def test_getting_nowhere_and_failures_that_repeat_are_complaints(text: str, said: str) -> None:
    assert said in evidence(text, "complaint")


def test_being_told_what_is_still_needed_is_no_complaint() -> None:
    assert evidence("You still need to send the form.", "complaint") == []


def test_asking_for_someone_senior_or_taking_it_outside_is_an_escalation_request() -> None:
    assert evidence("Is there a manager I can talk to?", "escalation_request") == ["Is there a manager I can talk"]
    assert evidence("Is there a manager's discount?", "escalation_request") == []
    assert evidence("I'd like to speak to a human, not a bot.", "escalation_request") == ["I'd like to speak to a human"]

    for text in ("I'll be taking this to the ombudsman.", "I'm going to post about this on Twitter."):
        assert emotion_label(text) == "frustration", text


OFFLINE = "I've been without internet for 5 days and I work from home!"


def test_reliance_seen_and_a_booking_prioritised_and_the_queue_order_as_the_answer() -> None:
    agent = "I can see how much you rely on it for work, so I've prioritised your booking."
    assert found(OFFLINE, agent, "empathy") == ["I can see how much you rely on"]
    assert found(OFFLINE, agent, "logical_fix") == ["I've prioritised"]
    assert found(OFFLINE, "I can see how much you paid for the plan.", "empathy") == []
    queue = "Engineers are booked on a first come, first served basis."
    assert found(OFFLINE, queue, "bare_policy") == ["on a first come, first served basis"]
    kinder = queue[:-1] + ", but I've asked for a cancellation slot for you."
    assert found(OFFLINE, kinder, "bare_policy") == []


def test_asking_indirectly_where_it_is_and_nobody_able_to_say_are_complaints() -> None:
    assert evidence("Can someone please just tell me where my money is?", "complaint") == ["where my money is"]
    assert evidence("Still no sign of my order, can you check where it is?", "complaint") == ["no sign of my order"]
    assert "Nobody can tell" in evidence("Nobody can tell me. Three calls so far.", "complaint")
    for text in ("Could you tell me where my nearest store is?", "There's no sign of damage on the box."):
        assert evidence(text, "complaint") == [], text
    assert emotion_label("Nobody can tell me where my bags are.") == "frustration"
