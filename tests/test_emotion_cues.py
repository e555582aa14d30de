"""Customer-service cues combined with the emotion model (heartdesk.signals.emotion_cues)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals import prefilter
from heartdesk.signals.emotion_cues import MAX_SHIFT, CueLexicon, apply, default_cues
from heartdesk.signals.lexicon import LexiconError


def emotion(**scores: float) -> Emotion:
    full = {k: 0.0 for k in EMOTIONS} | scores
    label = max(full, key=lambda k: full[k])
    return Emotion(label, 0.2, full)


NEUTRAL = emotion(neutral=0.9, confusion=0.1)

#: Customer messages that say their feeling in facts, not emotion words, with the cue's emotion.
CUED = [
    ("I've been on hold for 45 minutes now.", "frustration", "on hold"),
    ("Still no refund for order 5521.", "frustration", "Still no"),
    ("Nobody answers the phone at your Lisbon office.", "frustration", "Nobody answers"),
    ("This is the third time I write about the same invoice.", "frustration", "third time"),
    ("My parcel was marked delivered but it's missing.", "frustration", "missing"),
    ("Cancelled again?! I rebooked yesterday.", "frustration", "?!"),
    ("I can't log in since the update.", "frustration", "can't log"),
    ("Waited 3 days for a callback.", "frustration", "3 days"),
    ("Oh great, the app logs me out. Thanks for nothing.", "frustration", "Thanks for nothing"),
    ("I want my money back for the broken kettle.", "frustration", "want my money back"),
    ("The bank says my account could be closed this week. I'm terrified.", "anxiety", "terrified"),
    ("I'm nervous about the payment, what happens if it fails before my rent is due?", "anxiety", "nervous"),
    ("I don't understand this invoice. What is this extra fee and why is it on my bill?", "confusion", "I don't understand this"),
    ("I'm confused, the website says free shipping but I was charged for it?", "confusion", "I'm confused"),
    ("Honestly frightened that the boiler will fail again tonight.", "anxiety", "frightened"),
    ("Your courier was rude to my mother.", "anger", "rude"),
    ("Never again will I order from you.", "anger", "Never again"),
    ("The box arrived crushed and the lamp is cracked.", "disappointment", "arrived crushed"),
    ("Honestly I expected better from a premium plan.", "disappointment", "expected better"),
    ("I'm worried the payment went to the wrong account.", "anxiety", "worried"),
    ("I'll miss my flight if the shuttle doesn't come.", "anxiety", "miss my flight"),
    ("My father passed away and I need to close his account.", "sadness", "passed away"),
    ("Please transfer the policy of my late husband to me.", "sadness", "my late husband"),  # grief, not a delay
    ("I lost my husband in May and need to close his phone contract.", "sadness", "lost my husband"),
    ("The room smelled of mould and the sheets were stained.", "disgust", "smelled of mould"),
    ("There was a hair in my soup.", "disgust", "hair in my soup"),
    ("I’m still waiting for the engineer.", "frustration", "still waiting"),  # typographic apostrophe
    ("Great, another delay on my order.", "frustration", "Great, another delay"),
    ("Why is it so hard to cancel a subscription?", "frustration", "Why is it so hard"),
    ("Really disappointed with the service.", "disappointment", "disappointed"),
    ("I give up, just close the account.", "frustration", "I give up"),
    ("Forget it, I'll go elsewhere.", "frustration", "Forget it,"),
    ("Third week of chasing this invoice.", "frustration", "chasing this"),
    ("You charged me twice for one order.", "frustration", "charged me twice"),
    ("The app lost my booking, fix it now.", "frustration", "fix it now"),
    ("Please help, my account was hacked and they're spending my money.", "anxiety", "hacked"),
    ("I really hope this gets fixed soon...", "frustration", "hope this gets fixed"),
    ("Why would you cancel my order without telling me?", "frustration", "without telling me"),
    ("What does this charge of $4.99 mean?", "confusion", "What does this charge"),
    ("So much for next-day delivery.", "frustration", "So much for"),
    ("And silence returns 😡", "anger", "😡"),
    ("I haven't heard from my case officer in weeks.", "frustration", "haven't heard from"),
    ("2nd day in a row trying to buy a phone.", "frustration", "2nd day in a row"),
    ("I frankly don't have the patience for another chat today.", "frustration", "don't have the patience"),
    ("You had no right to sell my details.", "anger", "You had no right"),
    ("Two empty iPhone boxes in the parcel SMH", "frustration", "SMH"),
    ("I sent my passport a week ago and you're ignoring me.", "frustration", "you're ignoring me"),
    ("Fantastic service as always. NOT.", "frustration", "NOT."),
    ("I've been a loyal customer for 12 years and this is how you treat me?", "anger", "this is how you treat"),
    ("If this isn't fixed by Friday I'm taking my business elsewhere.", "frustration", "taking my business elsewhere"),
    ("We can't take card payments, we're losing sales every hour.", "anxiety", "losing sales"),
    ("I'm gutted, it was a present for my daughter.", "disappointment", "gutted"),
    ("3rd time I'm explaining this!!!", "frustration", "3rd time I'm explaining"),
    ("This is the 4th time I've had to call you.", "frustration", "4th time I've had to call"),
    ("Nobody has got back to me since Tuesday.", "frustration", "Nobody has got back to me"),
    ("The engineer didn't turn up this morning.", "frustration", "engineer didn't turn up"),
    ("Unbelievable.", "frustration", "Unbelievable"),
    ("I can't believe you've done this again.", "frustration", "I can't believe you"),
    ("Incredible. Another cancelled flight.", "frustration", "Another cancelled flight"),
    ("Right, that's it, I'm done with you lot.", "frustration", "I'm done with you"),
    ("It's been a week since my order and nothing.", "frustration", "It's been a week"),
    ("My internet has been off for over a week.", "frustration", "for over a week"),
    ("fix your app it won't even open", "frustration", "won't even open"),
    ("Your dashboard is so difficult to use.", "frustration", "so difficult to use"),
    ("I did, and my battery life has become even worse.", "frustration", "has become even worse"),
    ("Kiosks out at the airport :(", "sadness", ":("),
    ("I've emailed twice without a reply.", "frustration", "emailed twice"),
    ("If I don't hear back by Wednesday I'll go to the ombudsman.", "frustration", "If I don't hear back by"),
    ("I was promised a callback yesterday and never got one.", "frustration", "was promised a callback yesterday and never"),
    ("My package was marked delivered but it's not here.", "frustration", "marked delivered but it's not"),
    ("The hotel gave our room away even though we'd paid.", "frustration", "even though we'd paid"),
    ("You've just doubled my premium.", "frustration", "doubled my premium"),
    ("Your agent lied to me.", "anger", "Your agent lied"),
    ("It needs to be fixed. Permanently. Now.", "frustration", "needs to be fixed"),
    ("7 days wasted reposting the same item.", "frustration", "7 days wasted"),
    ("My upload speeds are trash.", "frustration", "are trash"),
    ("Honestly I don't even know why I bother.", "frustration", "why I bother"),
    ("Every month the same thing with your billing.", "frustration", "Every month the same thing"),
    ("Absolutely disgusting service.", "anger", "disgusting service"),
    ("You're always letting me down.", "disappointment", "always letting me down"),
    ("The whole changeover feels badly handled.", "frustration", "badly handled"),
    ("I have been here since 11 am and still no engineer.", "frustration", "been here since"),
    ("They have no idea where my parcel is.", "frustration", "They have no idea"),
    ("Everyone that answers sends me to someone else.", "frustration", "sends me to someone else"),
    ("Thanks for losing my bag.", "frustration", "Thanks for losing"),
    ("Thank you for the bad service today.", "frustration", "Thank you for the bad"),
    ("thanks for the 2hr delay and no updates", "frustration", "thanks for the 2hr delay"),
    ("Getting hold of your billing team is impossible.", "frustration", "impossible"),
    ("Not even accepting calls at all now! Come on.", "frustration", "Come on."),
    ("The same conversation over and over.", "frustration", "over and over"),
    ("You've done nothing to help.", "frustration", "You've done nothing to help"),
    ("I was supposed to be in Lisbon 5 hours ago.", "frustration", "I was supposed to be"),
    ("I sent you a DM hours ago", "frustration", "sent you a DM hours ago"),
    ("The delays destroyed my plans this evening.", "frustration", "destroyed my"),
    ("It's too late now, the party was yesterday.", "frustration", "too late"),
    ("My parcel was supposed to arrive on Monday.", "frustration", "My parcel was supposed to arrive"),
    ("Why am I still receiving a bill after I closed the account?", "frustration", "still receiving"),
    ("I'm still getting charged for the old plan.", "frustration", "still getting charged"),
    ("Great service 👎", "frustration", "👎"),
    ("At the airport desk today #CustomerServiceFail", "frustration", "#CustomerServiceFail"),
    # Cues 14: sarcasm, problems that persist, saying it all again.
    ("Thanks to you my trip is all screwed up.", "frustration", "Thanks to you my trip is all screwed"),
    ("The parcel came in the end, no thanks to your courier.", "frustration", "no thanks to"),
    ("I lost a day of work thanks to your useless engineer.", "frustration", "thanks to your useless"),
    ("Stuck at the depot all day thanks to the wrong address.", "frustration", "Stuck at the depot all day thanks to"),
    ("Oh wonderful, the app crashed again.", "frustration", "wonderful, the app crashed"),
    ("Good job, you lost my bag again.", "frustration", "Good job, you lost"),
    ("I love how nobody ever answers the phone.", "frustration", "love how nobody"),
    ("The problem is still there after the update.", "frustration", "problem is still there"),
    ("Same issue persisting after the reset.", "frustration", "issue persisting"),
    ("Now I have to explain everything again to a new person.", "frustration", "have to explain everything again"),
    ("I had to fill in the return form all over again.", "frustration", "had to fill in the return form all over"),
    ("I was really looking forward to this holiday.", "disappointment", "I was really looking forward to"),
    ("I'm absolutely livid.", "anger", "I'm absolutely livid"),
    ("I don't know what else to do, I've tried everything.", "frustration", "I don't know what else to do"),
    ("Are you kidding me? I only clicked once.", "frustration", "Are you kidding"),
    ("I want to speak to a manager.", "frustration", "speak to a manager"),
]

CALM_TEXTS = [
    "Thanks so much, that fixed it!",
    "Brilliant, thank you so much for sorting that so quickly!",  # not the sarcastic "so much for"
    "I hope you have a lovely weekend.",
    "Could you tell me which plan includes international calls?",
    "Hello, I'd like to update the billing address on my account.",
    "Great, see you on Monday.",
    "I can't wait for the new version, thank you!",
    "Is the glass top damage-resistant?",
    "Could the courier come later in the afternoon?",  # "later", not "my late ..."
    "Do the new sheets come in grey?",
    "Don't forget it's a gift order.",
    "I'm happy with the new plan.",
    "Is it working now? Not yet, but nearly.",  # a trailing "not" that is no sarcasm
    "Not. Sure what happened but it works now, thanks.",
    "Please treat my data carefully.",
    "Our 2nd office is on the 3rd floor, next to the lifts.",  # ordinals without the chasing
    "The engineer turned up on time, thank you.",
    "Show me how to export my invoices, please.",
    "I'm done with the form, what's next?",
    "I can't believe how quick that was, thank you!",
    "We're staying for a week in June, can I add breakfast?",
    "Is it hard to use?",
    "Get a $50 credit with your first purchase within 3 months.",
    "I've been a loyal customer for 12 years, could you tell me about the new plans?",
    "It says delivered, can you tell me which door they left it at?",
    "I lied about my age on the form by mistake, can I change it?",
    "The problem lies with the router, I think.",
    "Every month the same amount goes out, is that right?",
    "You never let me down, thank you!",
    "Thanks for cancelling my order as I asked.",
    "Thanks for breaking it down for me, that makes sense.",
    "Thanks for the update on the delay, much appreciated.",
    "Thanks for fixing the bad connection so quickly!",
    "The engineer will come on Monday, is that right?",
    "What am I supposed to do with the old router?",
    "Is it too late to change my delivery address?",
    "So this was supposed to be my spooky face, ha!",
    "I'm still getting used to the new app, love it.",
    "I have been here for years and love the service.",
    "Could you pass me to the billing team please?",
    "I handled the return myself, all good.",
    "Thanks to your engineer the heating works again.",  # "thanks to" for a fix is thanks
    "I made it home on time thanks to your crew.",
    "Great, it works now, thanks.",  # praise, then good news
    "Great, I didn't know that.",
    "Well done, you managed to fix it.",
    "I love how easy the new app is.",
    "Who do I call if the problem persists?",  # a condition, not a problem still there
    "Do I need to send the form again or is the copy enough?",  # a question about the next step, not having to redo it
    "I was looking forward to the new model, is it out yet?",  # anticipation asked about, not spoiled
    "We're looking forward to our stay!",
    "Is the offer serious or a typo?",
]


@pytest.mark.parametrize(("text", "feeling", "evidence"), CUED)
def test_customer_service_wording_is_found_with_its_span(text: str, feeling: str, evidence: str) -> None:
    cues = default_cues().find(text)
    assert any(text[c.start : c.end] == evidence and c.emotion == feeling for c in cues), [
        (text[c.start : c.end], c.emotion) for c in cues
    ]


@pytest.mark.parametrize(("text", "feeling", "evidence"), CUED)
def test_a_cue_turns_a_neutral_reading_into_its_emotion(text: str, feeling: str, evidence: str) -> None:
    adjusted = default_cues().adjust(NEUTRAL, text)
    assert adjusted.label == feeling
    assert adjusted.cues and all(0 <= c.start < c.end <= len(text) for c in adjusted.cues)
    assert sum(adjusted.scores.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("text", CALM_TEXTS)
def test_calm_messages_have_no_cue_and_keep_the_models_reading(text: str) -> None:
    assert default_cues().find(text) == ()
    assert default_cues().adjust(NEUTRAL, text) is NEUTRAL


def test_gating_finds_exactly_what_running_every_pattern_finds() -> None:
    lex = default_cues()
    texts = (
        [t for t, _, _ in CUED]
        + CALM_TEXTS
        + [
            "STILL NOT FIXED!!! On HOLD for TWO HOURS?!",
            "İstanbul office: still no answer, on hold 2 hours.",  # lower-casing changes the length
            "#notimpressed with the delayed delivery",
            "",
        ]
    )
    for text in texts:
        assert lex.find(text) == lex.find(text, gated=False), text


def test_offsets_point_into_the_untouched_text_when_lower_casing_changes_length() -> None:
    text = "İİİ still waiting for the engineer"
    cues = default_cues().find(text)
    assert [text[c.start : c.end] for c in cues] == ["still waiting", "waiting for"]


def test_cues_move_calm_mass_only() -> None:
    anxious = emotion(anxiety=0.5, neutral=0.4, gratitude=0.1)
    after = default_cues().adjust(anxious, "Still no update on my claim.")
    assert after.scores["anxiety"] == pytest.approx(0.5)  # what the model read as distress stays
    assert after.scores["frustration"] > 0.0
    assert after.scores["neutral"] < 0.4
    # Positive readings are trusted more: gratitude loses a quarter share at most.
    assert after.scores["gratitude"] >= 0.1 * (1 - 0.25 * MAX_SHIFT) - 1e-9


def test_more_evidence_moves_more_but_never_all() -> None:
    lex = default_cues()
    one = lex.adjust(NEUTRAL, "Still waiting.")
    many = lex.adjust(NEUTRAL, "Still waiting. On hold for 2 hours, cancelled again?! Nobody answers.")
    assert many.scores["frustration"] > one.scores["frustration"]
    assert many.scores["neutral"] >= 0.9 * (1 - MAX_SHIFT) - 1e-9


def test_strong_evidence_moves_half_of_a_questions_confusion() -> None:
    puzzled = emotion(confusion=0.7, neutral=0.3)
    lex = default_cues()
    # One strong cue (or two of any kind) outweighs the puzzlement the model reads into a question.
    held = lex.adjust(puzzled, "I've been on hold for an hour. What am I supposed to do?")
    assert held.label == "frustration"
    assert held.scores["confusion"] >= 0.7 * (1 - 0.5 * MAX_SHIFT) - 1e-9  # half of it never moves
    # A single weaker cue moves neutral mass only: the question stays a question.
    asked = lex.adjust(puzzled, "Is my flight tomorrow likely to be delayed?")
    assert asked.cues and asked.scores["confusion"] == pytest.approx(0.7)
    assert asked.label == "confusion"


def test_apply_keeps_the_models_label_when_cues_cannot_outweigh_it() -> None:
    grateful = emotion(gratitude=0.9, neutral=0.1)
    after = default_cues().adjust(grateful, "Thanks, it finally arrived after 3 days!")
    assert after.label == "gratitude"
    assert after.cues  # the evidence is still kept


def test_apply_with_nothing_calm_only_records_the_cues() -> None:
    angry = emotion(anger=1.0)
    cues = default_cues().find("still waiting")
    after = apply(angry, cues)
    assert dict(after.scores) == dict(angry.scores) and after.cues == cues


@pytest.mark.parametrize(
    ("toml", "code"),
    [
        ('[[cues]]\nemotion = "neutral"\nweight = 0.5\npattern = "x"\n', "E130"),
        ('[[cues]]\nemotion = "anger"\nweight = 1.5\npattern = "x"\n', "E130"),
        ('[[cues]]\nemotion = "anger"\nweight = 0.5\npattern = "(x"\n', "E131"),
        ('[[cues]]\nemotion = "anger"\nweight = 0.5\npattern = "(x)"\n', "E131"),
        ('[[cues]]\nemotion = "anger"\nweight = 0.5\n', "E132"),
        ('[[cues]]\nemotion = "anger"\nweight = 0.5\npattern = "x"\noverrules = ["neutral"]\n', "E130"),
        ('[[cues]]\nemotion = "anger"\nweight = 0.5\npattern = "x"\noverrules = ["anger"]\n', "E130"),
        ('[[cues]]\nemotion = "anger"\nweight = 0.5\npattern = "x"\noverrules = ["glee"]\n', "E130"),
        ("not toml [", "E132"),
    ],
)
def test_a_broken_cue_lexicon_is_a_numbered_error(tmp_path: Path, toml: str, code: str) -> None:
    path = tmp_path / "cues.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"\[{code}\]"):
        CueLexicon.from_file(path)


def test_a_team_can_extend_the_cues_with_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "cues.toml"
    path.write_text(
        "[[cues]]\nemotion = \"anger\"\nweight = 0.7\npattern = '''\\bbricked\\b'''\ntriggers = [\"bricked\"]\n",
        encoding="utf-8",
    )
    lex = CueLexicon.from_file(path)
    assert lex.adjust(NEUTRAL, "The update bricked my router.").label == "anger"
    assert lex.find("All good here.") == ()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_cues_within_bounds(text: str) -> None:
    cues = default_cues().find(text)
    assert all(0 <= c.start < c.end <= len(text) for c in cues)
    assert default_cues().adjust(NEUTRAL, text).label in EMOTIONS


def test_intensity_reflects_how_strongly_the_wording_says_it() -> None:
    lex = default_cues()
    calm = emotion(neutral=0.9, confusion=0.1)
    one = lex.adjust(calm, "Still waiting for the engineer.")
    angry = lex.adjust(calm, "I'm furious. I've been on hold for 45 minutes and still no refund for order 5521.")
    assert angry.label in ("anger", "frustration")
    assert angry.intensity > one.intensity >= 0.5
    assert angry.intensity <= 0.8  # wording alone never makes it the strongest possible


_WORDS = [
    "still",
    "waiting",
    "on",
    "hold",
    "xon",
    "hold_",
    "no",
    "one",
    "answers",
    "again",
    "?!",
    "3",
    "hours",
    "furious",
    "rude",
    "never",
    "again!",
    "_rude",
    "état",
    "İ",
    "refund",
    "not",
    "yet",
    "#notok",
    "lost",
    "my",
    "bag",
    "’s",
    "",
    " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14), st.sampled_from([" ", "", ".", ",", "_", "é"]))
def test_the_fast_search_finds_exactly_what_the_plain_patterns_find(words: list[str], glue: str) -> None:
    text = glue.join(words)
    lex = default_cues()
    assert lex.find(text) == lex.find(text, gated=False)


def _cues(monkeypatch: pytest.MonkeyPatch, prefiltered: bool) -> CueLexicon:
    """The shipped cues with the RE2 prefilter on or off (off: the trigger words gate them)."""
    monkeypatch.setenv("HEARTDESK_NO_PREFILTER", "0" if prefiltered else "1")
    lex = CueLexicon.from_file(Path(str(resources.files("heartdesk.signals") / "lexicons" / "emotion_cues.toml")))
    lex.find("warm up")  # the prefilter reads the switch when first used
    assert lex._prefilter.active == (prefiltered and prefilter.available())
    return lex


def test_the_cues_prefilter_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTDESK_NO_PREFILTER", raising=False)
    lex = CueLexicon.from_file(Path(str(resources.files("heartdesk.signals") / "lexicons" / "emotion_cues.toml")))
    assert lex.find("Still waiting, on hold for 2 hours.")
    assert lex._prefilter.active  # google-re2 is a dependency


def test_trigger_gating_and_the_prefilter_find_the_same_cues(monkeypatch: pytest.MonkeyPatch) -> None:
    plain, fast = _cues(monkeypatch, False), _cues(monkeypatch, True)
    assert fast._prefilter.active and not plain._prefilter.active
    texts = [t for t, _, _ in CUED] + CALM_TEXTS + ["STILL NOT FIXED!!! On HOLD for TWO HOURS?!", "#notimpressed, delayed"]
    texts += [" ".join(_WORDS[i : i + 7]) for i in range(len(_WORDS))]
    for text in texts:
        assert plain.find(text) == fast.find(text) == plain.find(text, gated=False), text


# --- wording that overrules a reading of the model -------------------------------------------------


def test_a_service_verdict_overrules_the_fear_the_model_reads_into_terrible() -> None:
    feared = emotion(anxiety=0.95, neutral=0.03, anger=0.02)  # what the model reads in "terrible"
    adjusted = default_cues().adjust(feared, "Your service is terrible.")
    assert adjusted.label == "anger"
    assert adjusted.scores["anxiety"] < 0.5 < adjusted.scores["anger"]
    assert sum(adjusted.scores.values()) == pytest.approx(1.0)
    spans = [("Your service is terrible."[c.start : c.end], c.emotion) for c in adjusted.cues]
    assert ("Your service is terrible", "anger") in spans


def test_other_anger_cues_never_take_what_the_model_read() -> None:
    # "scam" is an anger cue without overrules: a frightened customer stays frightened (and
    # "terrified", an anxiety cue, may only add to the anxiety).
    feared = emotion(anxiety=0.9, neutral=0.1)
    adjusted = default_cues().adjust(feared, "I'm terrified this is a scam.")
    assert adjusted.label == "anxiety"
    assert adjusted.scores["anxiety"] >= 0.9 - 1e-6
    assert default_cues().adjust(feared, "This is a scam.").scores["anxiety"] == pytest.approx(0.9)


def test_overruled_mass_moves_only_with_the_cue_that_overrules_it() -> None:
    feared = emotion(anxiety=0.9, neutral=0.1)
    cues = default_cues().find("Your service is terrible.")
    plain = apply(feared, cues)  # without the overrule: only calm mass moves
    assert plain.label == "anxiety" and plain.scores["anxiety"] == pytest.approx(0.9)
    overruled = apply(feared, cues, frozenset({"anxiety"}))
    assert overruled.label == "anger"


def test_expectations_let_down_overrule_a_satisfied_reading() -> None:
    pleased = emotion(satisfaction=0.5, neutral=0.3, disappointment=0.2)  # the model on "expected better"
    adjusted = default_cues().adjust(pleased, "I expected better from you guys.")
    assert adjusted.label == "disappointment"
    assert adjusted.scores["satisfaction"] < adjusted.scores["disappointment"]
    # Expectations met are not a cue at all.
    assert default_cues().find("I expected it on Monday and it came on Monday, great!") == ()


@pytest.mark.parametrize(
    ("reading", "text", "overruled", "feeling", "no_cue"),
    [
        # Sarcastic praise of a setback; sincere praise is no cue, nor is a bare "That's just great."
        (
            {"satisfaction": 0.85, "gratitude": 0.1, "neutral": 0.05},
            "Great, another delay. Just great.",
            "satisfaction",
            "frustration",
            ("Great, thanks for sorting it so fast!", "That's just great."),
        ),
        # Disappointment said in so many words, where the model prefers sadness.
        (
            {"sadness": 0.6, "disappointment": 0.35, "neutral": 0.05},
            "Really disappointed with the service this time.",
            "sadness",
            "disappointment",
            ("I'm sad to close my late father's account.",),
        ),
        # A rhetorical why-question is exasperation, not the confusion of a real one.
        (
            {"neutral": 0.5, "confusion": 0.45, "frustration": 0.05},
            "Why is it so hard to get a refund from you people?",
            "confusion",
            "frustration",
            ("Why is the router light blinking orange?",),
        ),
    ],
)
def test_wording_overrules_what_the_model_read(
    reading: dict[str, float], text: str, overruled: str, feeling: str, no_cue: tuple[str, ...]
) -> None:
    adjusted = default_cues().adjust(emotion(**reading), text)
    assert adjusted.label == feeling
    assert adjusted.scores[overruled] < adjusted.scores[feeling]
    for calm in no_cue:
        assert all(c.emotion != feeling for c in default_cues().find(calm)), calm


def test_thanks_or_praise_made_sarcastic_overrules_gratitude_and_satisfaction() -> None:
    thanked = emotion(gratitude=0.85, frustration=0.1, satisfaction=0.05)  # the model on "Thanks for nothing"
    adjusted = default_cues().adjust(thanked, "Thanks for nothing.")
    assert adjusted.label == "frustration"
    pleased = emotion(satisfaction=0.7, frustration=0.2, gratitude=0.1)  # the model on "This is a joke"
    assert default_cues().adjust(pleased, "This is a joke.").label == "frustration"
    assert default_cues().adjust(pleased, "Not happy at all.").label == "frustration"
    # "thanks to" a failing, praise of a setback and "love how" about one are sarcasm too (cues 14).
    for text in ("Thanks to you my trip is all screwed up.", "No thanks to your call centre, the bag turned up."):
        assert default_cues().adjust(thanked, text).label == "frustration", text
    for text in ("Well done, you managed to lose my parcel twice.", "I love how you can't get an agent on the phone."):
        assert default_cues().adjust(pleased, text).label == "frustration", text
    # Anger and spoiled plans said outright rule out the satisfaction read into "absolutely" or "looking forward".
    assert default_cues().adjust(pleased, "I'm absolutely livid.").label == "anger"
    assert default_cues().adjust(pleased, "We were so looking forward to it.").label == "disappointment"
    # Sincere thanks and praise keep their reading.
    assert default_cues().adjust(thanked, "Thanks to your team the issue was fixed in an hour.").label == "gratitude"
    assert default_cues().adjust(thanked, "Thanks, that fixed it.").label == "gratitude"
    assert default_cues().adjust(pleased, "I'm happy with the new plan.").label == "satisfaction"


# --- a bare answer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["no", "No.", "Nope", "No, I haven't.", "No I did not get an email", "Not yet.", "nah"])
def test_a_bare_answer_is_not_read_as_frustration(answer: str) -> None:
    # What the model reads into "No." (GoEmotions' disapproval, which maps to frustration).
    disapproving = emotion(frustration=0.46, anger=0.15, neutral=0.39)
    calmed = default_cues().adjust(disapproving, answer)
    assert calmed.label == "neutral"
    assert calmed.scores["frustration"] < 0.1 and sum(calmed.scores.values()) == pytest.approx(1.0)
    assert calmed.cues == ()


@pytest.mark.parametrize("text", ["No!!! This is unacceptable.", "No, still nothing.", "No. I want my money back.", "No way."])
def test_a_no_with_more_to_say_keeps_its_reading(text: str) -> None:
    disapproving = emotion(frustration=0.46, anger=0.15, neutral=0.39)
    assert default_cues().adjust(disapproving, text).label != "neutral", text


def test_a_bare_answer_the_model_reads_calm_is_left_alone() -> None:
    calm = emotion(neutral=0.8, satisfaction=0.2)
    assert default_cues().adjust(calm, "No.") is calm


@pytest.mark.parametrize(
    "key", ["calm_answers", "calm_requests", "calm_requests_unless", "calm_apologies", "calm_lookups", "calm_resolutions"]
)
def test_a_broken_calm_pattern_is_a_numbered_error(tmp_path: Path, key: str) -> None:
    path = tmp_path / "cues.toml"
    broken = f"{key} = '''(no'''\n[[cues]]\nemotion = \"anger\"\nweight = 0.7\npattern = '''x'''\n"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"E131.*{key}"):
        CueLexicon.from_file(path)


def test_a_plain_request_is_no_satisfaction() -> None:
    # The model on "I'd like to cancel my order please, I ordered the wrong size.": the "like" read as satisfaction.
    liked = emotion(satisfaction=0.35, gratitude=0.16, neutral=0.15, frustration=0.14, sadness=0.2)
    for text in ("I'd like to cancel my order please, I ordered the wrong size.", "I would like a refund."):
        calm = default_cues().adjust(liked, text)
        assert calm.label == "neutral", text
        assert calm.scores["satisfaction"] < 0.1 and calm.scores["frustration"] == pytest.approx(0.14)
    # Thanks or praise keep the reading; so does "like" that is no request.
    for text in ("I'd like to thank Terri for her help, she was great.", "I like the new app a lot."):
        assert default_cues().adjust(liked, text) is liked, text
    # Beside a cue, the request rules satisfaction out: its mass goes to the cue's emotion.
    pleased = emotion(satisfaction=0.6, neutral=0.3, frustration=0.1)
    rebook = "I'd like to book another flight, I've been on hold for 95 minutes."
    assert default_cues().adjust(pleased, rebook).label == "frustration"


def test_resignation_and_exasperation_rule_out_the_calm_or_sad_reading() -> None:
    pleased = emotion(satisfaction=0.5, neutral=0.5)  # the model on "Fine, whatever."
    assert default_cues().adjust(pleased, "Fine, whatever.").label == "frustration"
    assert all(c.emotion != "frustration" for c in default_cues().find("Whatever works best for you, I'm flexible."))
    sad = emotion(sadness=0.41, disappointment=0.18, frustration=0.16, neutral=0.25)  # "tired" read as sad
    assert default_cues().adjust(sad, "Honestly I'm just tired of chasing you for a refund.").label == "frustration"


def test_anger_said_outright_is_anger_even_beside_what_reads_as_frustration() -> None:
    # The model on "I'm furious. You've charged me three times!": frustration first; the charge is a
    # frustration cue too, weaker than the anger said in so many words.
    read = emotion(frustration=0.38, anger=0.13, neutral=0.29, sadness=0.1, disappointment=0.1)
    assert default_cues().adjust(read, "I'm furious. You've charged me three times!").label == "anger"
    sad = emotion(sadness=0.37, disappointment=0.18, frustration=0.15, neutral=0.24, anger=0.06)
    assert default_cues().adjust(sad, "I am so angry right now, this is the third time my order was lost.").label == "anger"
    assert default_cues().adjust(sad, "I'm so mad!!! Nobody answers.").label == "anger"
    # Anger that is over does not rule out the thanks; "mad about" (keen on) is no anger cue at all.
    thanked = emotion(gratitude=0.9, neutral=0.1)
    assert default_cues().adjust(thanked, "I was furious at first, but you fixed it quickly, thank you!").label == "gratitude"
    assert all(c.emotion != "anger" for c in default_cues().find("I was mad about this phone, so I bought two."))


def test_a_reading_stands_when_its_own_cue_is_stronger_than_the_wording_that_rules_it_out(tmp_path: Path) -> None:
    def lexicon(frustration_weight: float) -> CueLexicon:
        path = tmp_path / f"cues{frustration_weight}.toml"
        path.write_text(
            '[[cues]]\nemotion = "anger"\nweight = 0.7\npattern = "\\\\bfurious\\\\b"\ntriggers = ["furious"]\n'
            'overrules = ["frustration"]\n'
            f'[[cues]]\nemotion = "frustration"\nweight = {frustration_weight}\npattern = "\\\\bon hold\\\\b"\n'
            'triggers = ["hold"]\n',
            encoding="utf-8",
        )
        return CueLexicon.from_file(path)

    read = emotion(frustration=0.5, anger=0.1, neutral=0.4)
    text = "Furious, on hold again."
    weaker = lexicon(0.6).adjust(read, text)  # the frustration cue is weaker: frustration is ruled out
    assert weaker.label == "anger" and weaker.scores["frustration"] < 0.5
    stronger = lexicon(0.8).adjust(read, text)  # stronger: the frustration reading stands and gains
    assert stronger.label == "frustration" and stronger.scores["frustration"] > 0.5
    assert len(stronger.cues) == len(weaker.cues) == 2  # both cues stay the turn's evidence


# --- emotion cues 17 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sorry to bother you again, but has there been any update?",
        "Sorry for the late reply, I was travelling.",
        "Sorry if this is a silly question, but how do I change my password?",
        "Apologies for chasing, is there any news?",
        "Sorry, I meant order 1234, not 1243.",
        "Sorry to bother you 🙏 any news on order 5521?",  # past ASCII: the Python search, not RE2
        "Désolé — sorry for the late reply!",
    ],
)
def test_a_customers_polite_apology_is_no_sadness(text: str) -> None:
    # What the model reads into "sorry" (GoEmotions' remorse, which maps to sadness).
    remorse = emotion(sadness=0.8, neutral=0.15, gratitude=0.05)
    calm = default_cues().adjust(remorse, text)
    assert calm.label == "neutral", text
    assert calm.scores["sadness"] < 0.15 and sum(calm.scores.values()) == pytest.approx(1.0)


def test_an_apology_beside_a_loss_or_a_cue_keeps_what_the_wording_says() -> None:
    remorse = emotion(sadness=0.8, neutral=0.15, gratitude=0.05)
    # Grief is sadness, apology or not; a closing "sorry" after a loss is no polite formula.
    assert default_cues().adjust(remorse, "Sorry to bother you, my husband passed away last week.").label == "sadness"
    assert default_cues().adjust(remorse, "My dog died and I need to cancel his insurance, sorry.").label == "sadness"
    # Beside another cue, the apology's sadness goes to neutral first and the cue takes its share.
    chased = default_cues().adjust(remorse, "Sorry to chase, but I've been waiting for 3 weeks for my refund.")
    assert chased.label == "frustration" and chased.scores["sadness"] < 0.15
    # The customer's own late reply is no lateness of the service.
    assert all(c.emotion != "frustration" for c in default_cues().find("Sorry for the late reply."))
    assert any(c.emotion == "frustration" for c in default_cues().find("The engineer was late again."))


def test_thanks_taken_back_is_frustration() -> None:
    thanked = emotion(gratitude=0.9, neutral=0.1)
    for text in (
        "Thanks a lot, now I have to start all over again.",
        "Thanks, but it still doesn't work.",
        "Thanks for the reply, but that doesn't answer my question.",
        "I appreciate your help but this still isn't resolved.",
    ):
        assert default_cues().adjust(thanked, text).label == "frustration", text
    for text in ("Thanks, but I don't need it anymore.", "Thanks, now I know where to look.", "Thanks, but I'm fine now."):
        assert default_cues().adjust(thanked, text).label == "gratitude", text


def test_just_wanting_it_over_is_frustration_and_a_preface_is_not() -> None:
    pleased = emotion(satisfaction=0.5, neutral=0.4, frustration=0.1)
    for text in ("I just want my money back.", "I just want it to work, that's all.", "We just want to go home."):
        assert default_cues().adjust(pleased, text).label == "frustration", text
    prefaces = ("I just want to say thank you to Sam.", "I just want to check the address.", "I just want to thank the crew!")
    for text in prefaces:
        assert all(c.emotion != "frustration" for c in default_cues().find(text)), text


def test_stress_unhappiness_and_a_supervisor_asked_for_rule_out_the_models_reading() -> None:
    sad = emotion(sadness=0.7, neutral=0.2, anxiety=0.1)
    assert default_cues().adjust(sad, "I'm so stressed, the wedding is on Saturday.").label == "anxiety"
    assert default_cues().adjust(sad, "I'm sorry to say I'm very unhappy with the service.").label == "frustration"
    pleased = emotion(satisfaction=0.52, neutral=0.38, frustration=0.1)  # "please" read as satisfaction
    assert default_cues().adjust(pleased, "Please escalate this, I need a supervisor.").label == "frustration"
    confused = emotion(confusion=0.34, neutral=0.3, frustration=0.2, sadness=0.16)
    assert default_cues().adjust(confused, "Honestly I don't even know what to say anymore.").label == "frustration"
    angry_words = "I'm really mad about the situation with my account."
    assert any(c.emotion == "anger" for c in default_cues().find(angry_words))


def test_urgency_denied_is_no_anxiety_cue() -> None:
    for text in ("It's not urgent, but could you check my invoice?", "It isn't an emergency.", "No rush, I'm not worried."):
        assert all(c.emotion != "anxiety" for c in default_cues().find(text)), text
    assert any(c.emotion == "anxiety" for c in default_cues().find("It's urgent, I'm worried."))


def test_chasing_what_has_not_come_and_an_order_with_now_are_frustration() -> None:
    calm = emotion(neutral=0.9, confusion=0.1)
    for text in ("WHERE IS MY REFUND", "Where are our bags?", "Fix it. Now.", "Sort this out now!", "lol ok whatever"):
        assert default_cues().adjust(calm, text).label == "frustration", text
    for text in ("Where is my order number on the invoice?", "Is it fixed now?", "Whatever works best for you."):
        assert default_cues().adjust(calm, text).label == "neutral", text


def test_a_request_opening_on_please_is_no_satisfaction() -> None:
    pleased = emotion(satisfaction=0.36, neutral=0.34, frustration=0.1, gratitude=0.2)  # the model's "please"
    assert default_cues().adjust(pleased, "Please cancel my subscription effective immediately.").label == "neutral"
    assert default_cues().adjust(pleased, "Please send the invoice again, you were great!") is pleased


def test_a_promise_heard_before_is_frustration() -> None:
    thanked = emotion(gratitude=0.9, neutral=0.1)
    heard = ("Thanks, but I've heard that before.", "That's what you said last week.", "You told me the same thing yesterday.")
    for text in heard:
        assert default_cues().adjust(thanked, text).label == "frustration", text
    for text in ("Never heard that before, haha.", "I've heard great things about your new plan!"):
        assert all(c.emotion != "frustration" for c in default_cues().find(text)), text
