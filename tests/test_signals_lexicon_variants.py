"""The agent lexicons catch the many ways agents actually phrase a problem reply (and the
acknowledgments, next steps and gestures of a good one), and leave look-alike good replies alone.

Sentences written for these tests; each case is one wording family added to the lexicons.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from heartdesk import Conversation
from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals.agent_match import gated
from heartdesk.signals.pipeline import Pipeline

PROBLEM_LABELS = ("confrontational", "bare_policy", "passing_buck", "dismissive", "defensive")
DETECTORS = (*PROBLEM_LABELS, "empathy", "apology", "ownership", "emotional_fix", "paraphrase")

# Defensive wording only counts against a hostile customer; this one is hostile by its words alone.
HOSTILE = "This is ridiculous, I'm fed up with your useless service!"
CALM = "Hi, I have a question about my account, please."


class _NeutralEmotions:
    name = "neutral-stub"
    version = "1"

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        return [Emotion("neutral", 0.0, {e: (1.0 if e == "neutral" else 0.0) for e in EMOTIONS}) for _ in texts]


class _FlatTone:
    name = "flat-stub"
    version = "1"

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        return [0.0 for _ in texts]


PIPE = Pipeline(detectors=list(DETECTORS), emotion_model=_NeutralEmotions(), tone_model=_FlatTone())


def present(agent: str, customer: str = HOSTILE) -> dict[str, list[str]]:
    """Evidence of each label present on the agent's reply to ``customer``."""
    conv = Conversation.of("t", ("customer", customer), ("agent", agent))
    out: dict[str, list[str]] = {}
    for f in PIPE.analyze(conv).turns[-1].findings:
        if f.present:
            out.setdefault(f.label, []).append(agent[f.start : f.end])
    return out


@pytest.mark.parametrize(
    ("label", "agent", "evidence"),
    [
        # Confrontational: presuming the customer's error, doubting their account, "I already told you".
        ("confrontational", "You clearly entered the wrong card number, that's why it failed.", "You clearly entered"),
        ("confrontational", "You must have shared the login with a friend.", "You must have shared"),
        # Blame in hindsight.
        ("confrontational", "You should have bought the extended warranty.", "You should have bought"),
        ("confrontational", "Honestly you should've read the booking terms first.", "you should've read"),
        ("confrontational", "You shouldn't have clicked the link in that text.", "You shouldn't have clicked"),
        ("confrontational", "You're probably logged into the wrong account.", "You're probably logged into the wrong"),
        ("confrontational", "You filled the form in wrong, so it bounced.", "You filled the form in wrong"),
        ("confrontational", "You probably weren't home when the driver came.", "You probably weren't home"),
        ("confrontational", "Photos can easily be faked, so we need the item back.", "Photos can easily be faked"),
        ("confrontational", "Our records don't lie: the order was collected.", "Our records don't lie"),
        ("confrontational", "That never happened, we have no such call.", "That never happened"),
        ("confrontational", "Whoever promised you a discount was wrong.", "Whoever promised you a discount was wrong"),
        ("confrontational", "As previously stated, the fee applies.", "As previously stated"),
        ("confrontational", "As explained in my previous email, the fee applies.", "As explained in my previous email"),
        ("confrontational", "I don't understand your request.", "I don't understand your request"),
        ("confrontational", "I honestly can't understand what you're trying to say.", "what you're trying to say"),
        ("confrontational", "You're not being honest with us about the usage.", "You're not being honest with us"),
        ("confrontational", "Your message doesn't make any sense.", "Your message doesn't make any sense"),
        ("confrontational", "You've made an error on the form.", "You've made an error"),
        ("confrontational", "I've already explained this to you twice.", "I've already explained this to you twice"),
        ("confrontational", "That simply isn't possible.", "That simply isn't possible"),
        ("confrontational", "Did you even read the instructions?", "Did you even read"),
        ("confrontational", "I can't understand a word of your message.", "I can't understand a word of your message"),
        ("confrontational", "You got the times wrong when you booked.", "You got the times wrong"),
        ("confrontational", "Someone in your household must have used the card.", "Someone in your household must have"),
        ("confrontational", "We don't get these wrong.", "We don't get these wrong"),
        # Bare policy: the rule as the end of the matter.
        ("bare_policy", "That's how it works here.", "That's how it works"),
        ("bare_policy", "That is just how the system works.", "That is just how the system works"),
        ("bare_policy", "I'm afraid that's not something we offer.", "that's not something we offer"),
        ("bare_policy", "I'm not able to speed up the application.", "I'm not able to speed up"),
        ("bare_policy", "The decision is final.", "decision is final"),
        ("bare_policy", "All sales are final.", "All sales are final"),
        ("bare_policy", "There's honestly nothing I can do.", "There's honestly nothing I can do"),
        ("bare_policy", "The terms clearly state that deposits are kept.", "terms clearly state"),
        ("bare_policy", "Deposits are non-refundable.", "are non-refundable"),
        ("bare_policy", "I'm unable to waive the charge.", "I'm unable to waive"),
        ("bare_policy", "The guarantee has expired, so that's that.", "guarantee has expired"),
        ("bare_policy", "You agreed to our terms when you signed up.", "You agreed to our terms"),
        ("bare_policy", "That's set out in the contract.", "That's set out in the contract"),
        ("bare_policy", "No ticket, no refund.", "No ticket, no refund"),
        # Passing the buck: someone else's job, with no handover.
        ("passing_buck", "Billing is not our department, sorry.", "is not our department"),
        ("passing_buck", "You should speak to your landlord about the meter.", "You should speak to your landlord"),
        ("passing_buck", "You'll need to go back to the pharmacy.", "You'll need to go back to the pharmacy"),
        ("passing_buck", "Warranty repairs are the manufacturer's responsibility.", "are the manufacturer's responsibility"),
        ("passing_buck", "Returns are handled by the marketplace seller, not us.", "not us"),
        ("passing_buck", "Please contact the retailer for a refund.", "contact the retailer"),
        ("passing_buck", "Try contacting the hotel directly.", "Try contacting the hotel"),
        ("passing_buck", "That's not something we handle here.", "That's not something we handle"),
        ("passing_buck", "That's a question for the sales team.", "That's a question for the sales team"),
        ("passing_buck", "Please raise it with the courier.", "Please raise it with the courier"),
        ("passing_buck", "Contact your card issuer for that.", "Contact your card issuer"),
        # Dismissive: the problem made small.
        ("dismissive", "It's just a scratch, it doesn't affect the phone.", "It's just a scratch"),
        ("dismissive", "Your parcel will arrive when it arrives.", "will arrive when it arrives"),
        ("dismissive", "You need to wait like everybody else.", "need to wait like everybody else"),
        ("dismissive", "I don't see what the big deal is.", "I don't see what the big deal is"),
        ("dismissive", "Deal with it.", "Deal with it"),
        ("dismissive", "These things happen, there's no need to make a fuss.", "These things happen"),
        ("dismissive", "It's only $3, nothing to lose sleep over.", "It's only $3"),
        ("dismissive", "It's a minor issue.", "a minor issue"),
        ("dismissive", "It's only a three-day delay.", "only a three-day delay"),
        ("dismissive", "That's hardly worth getting upset about.", "hardly worth getting upset about"),
        ("dismissive", "Delays happen all the time.", "Delays happen all the time"),
        ("dismissive", "Sorry, that's business.", "that's business"),
        # Defensive: a clean record, the other side's fault, "I don't set the fees".
        ("defensive", "We have never had any complaints about this product.", "We have never had any complaints"),
        ("defensive", "No one else has had this problem.", "No one else has had this problem"),
        ("defensive", "The app works fine for everyone else.", "works fine for everyone else"),
        ("defensive", "You're the only customer with this issue.", "You're the only customer with"),
        ("defensive", "The issue is on your end, not ours.", "The issue is on your end"),
        ("defensive", "There's nothing wrong with our servers.", "nothing wrong with our servers"),
        ("defensive", "I wasn't the one who made the booking.", "I wasn't the one who"),
        ("defensive", "I don't set the fees.", "I don't set the fees"),
        ("defensive", "You should have registered the product within 30 days.", "You should have registered"),
        ("defensive", "That's not on us.", "That's not on us"),
        ("defensive", "Our drivers always follow the procedure.", "Our drivers always follow the procedure"),
        ("defensive", "If you'd checked your email, you'd have seen it.", "If you'd checked"),
        ("defensive", "The issue must be with your router.", "issue must be with your"),
        ("defensive", "It was working fine for all the other guests.", "working fine for all the other guests"),
    ],
)
def test_problem_variants_are_found(label: str, agent: str, evidence: str) -> None:
    got = present(agent)
    assert label in got, f"{label} not found in {agent!r} (found {got})"
    assert any(evidence in e or e in evidence for e in got[label]), (evidence, got[label])


@pytest.mark.parametrize(
    ("label", "agent"),
    [
        ("confrontational", "You clearly put a lot of thought into this message, thank you."),
        ("confrontational", "You must have been so worried when the card was declined."),
        ("confrontational", "You should have received a reset email a minute ago."),
        ("confrontational", "You should have your refund within 3 business days."),
        ("confrontational", "If you've made a mistake on the form, I can correct it for you."),
        ("confrontational", "Is this correct: the photos show the box was already crushed?"),
        ("confrontational", "Did you get a confirmation email when you booked?"),
        ("confrontational", "There's no way you could have known about the change, I'm sorry."),
        ("confrontational", "I'm sorry, you got the wrong item and I've sent the right one."),
        ("passing_buck", "You can contact our support team any time if anything changes."),
        ("passing_buck", "I'll contact the retailer for you and come back to you by 5pm."),
        ("passing_buck", "I've passed this to the billing team, who will call you tomorrow."),
        ("passing_buck", "Repairs are done by our own technicians, so I've booked one for Monday."),
        ("passing_buck", "I've contacted your bank on your behalf and they'll call you today."),
        ("dismissive", "We'll deal with it right away."),
        ("dismissive", "You don't have to deal with it on your own; I'll handle the claim."),
        ("dismissive", "I'll email you when it's ready."),
        ("dismissive", "It's just a couple of clicks: Settings, then Export."),
        ("bare_policy", "The policy is valid until 1 March."),
        ("bare_policy", "I wish I could change the decision, but what I can do is ask for a review."),
        ("bare_policy", "Normally deposits are non-refundable, but I'm sorry for the trouble and I'll refund yours."),
        ("defensive", "We've never charged this fee before, so I've removed it."),
        ("defensive", "Everything is working on our side now; please try again and tell me if it fails."),
        ("defensive", "If you'd like, I can call you tomorrow."),
        ("defensive", "The fix is live and working for all customers now."),
        ("bare_policy", "No worries, no rush: take your time."),
        ("bare_policy", "Let me explain how the system works: you pick a slot, then we confirm it."),
        ("bare_policy", "I'm not able to see the payment yet, so I've asked billing to trace it and I'll update you by 3pm."),
        ("bare_policy", "That's not something we offer yet, but I can add you to the waiting list."),
        ("confrontational", "Someone on our team will call you today."),
    ],
)
def test_look_alike_good_replies_are_left_alone(label: str, agent: str) -> None:
    for customer in (HOSTILE, CALM):
        got = present(agent, customer)
        assert label not in got, f"{label} wrongly found in {agent!r}: {got[label]}"


@pytest.mark.parametrize(
    ("label", "agent"),
    [
        ("ownership", "I'll call you at 6:30 this evening to make sure it's fixed."),
        ("ownership", "I'll check on Friday that the refund has landed."),
        ("ownership", "I'll send you the incident report by tomorrow noon."),
        ("ownership", "I'll be your contact until the claim is settled."),
        ("empathy", "I understand how frightening that is."),
        ("empathy", "Please don't be hard on yourself, it happens to everyone."),
        ("empathy", "I understand what's at stake for your business."),
        ("empathy", "That's an awful way to start a holiday."),
        ("emotional_fix", "I'm sorry. I've applied a $25 credit to your account for the missed visit."),
        ("emotional_fix", "I'm sorry for the wait; I've added 10GB of free mobile data to your line."),
        ("emotional_fix", "Sorry about that! I've refunded the $4.99 delivery charge."),
        ("emotional_fix", "I'm so sorry. I've extended your access by two weeks so you don't lose revision time."),
        ("emotional_fix", "Sorry again, the room tonight is paid for by us."),
    ],
)
def test_good_reply_variants_are_recognised(label: str, agent: str) -> None:
    assert label in present(agent, CALM), f"{label} not found in {agent!r}"


@pytest.mark.parametrize(
    ("label", "agent"),
    [
        ("ownership", "You'll get an email when the parcel ships."),
        ("empathy", "The form is on page two."),
        ("emotional_fix", "Enter the voucher code at checkout to use it."),
        ("emotional_fix", "Sorry for the trouble, what is your order number?"),
    ],
)
def test_good_reply_variants_do_not_fire_on_plain_information(label: str, agent: str) -> None:
    assert label not in present(agent, CALM)


def test_every_added_variant_pattern_is_gated_by_its_words() -> None:
    """A pattern with no anchor words would run on every turn (the engine's speed depends on it)."""
    for name in (*PROBLEM_LABELS, "empathy", "ownership", "emotional_fix"):
        lex = gated(name)
        assert lex._pats, name
        assert all(p.gate for p in lex._pats), f"{name} has a pattern without anchor words"
