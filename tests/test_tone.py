"""The tone scorer: range, ordering, batching, emotion term, lexicon format, odd input."""

from __future__ import annotations

import math

import pytest

from heartdesk.model import EMOTIONS, Conversation, Emotion
from heartdesk.models.wordhash import CHUNK, word_hash
from heartdesk.signals.pipeline import Pipeline
from heartdesk.signals.tone import RuleTone, ToneLexiconError, expand, load_default, tokens


def emo(label: str, p: float = 0.9) -> Emotion:
    scores = {e: 0.0 for e in EMOTIONS}
    scores[label] = p
    if label != "neutral":
        scores["neutral"] = 1.0 - p
    return Emotion(label, p, scores)


NEUTRAL = emo("neutral", 1.0)
TONE = load_default()


def score(text: str, emotion: Emotion = NEUTRAL) -> float:
    return TONE.score([text], [emotion])[0]


def test_load_default_shape() -> None:
    t = load_default()
    assert t is TONE  # built once per process
    assert t.name == "tone"
    assert isinstance(t.version, str) and t.version
    assert t.score([], []) == []


# (rude, neutral, warm) triples from several industries.
ORDERED = [
    (
        "Why did you cancel my order?? You people are useless.",
        "My order was cancelled.",
        "Hi, could you please check why my order was cancelled? Thanks so much!",
    ),
    (
        "Fix my internet NOW. This is a joke.",
        "The internet connection drops in the evening.",
        "Hello! I'd really appreciate it if you could look at my connection when you have a moment.",
    ),
    (
        "Read the policy again. It's not rocket science.",
        "The policy covers water damage.",
        "Great question! I'm happy to help, the policy covers water damage.",
    ),
    (
        "Whatever. Not my problem, deal with it.",
        "The refund takes five days.",
        "Sorry for the wait, and thank you for your patience. The refund takes five days.",
    ),
    (
        "It is what it is. Rules are rules, you'll have to call billing.",
        "The late fee is charged monthly.",
        "I completely understand, that must be frustrating. Let me fix the late fee for you.",
    ),
    (
        "Per my last email, the refund was processed on Monday.",  # passive-aggressive
        "The refund was processed on Monday.",
        "Thanks for checking in! The refund was processed on Monday.",
    ),
    (
        "WHY IS MY ROOM STILL NOT READY!!!",
        "Is my room ready?",
        "Good afternoon, would it be possible to check in a little early? Many thanks.",
    ),
]


@pytest.mark.parametrize(("rude", "neutral", "warm"), ORDERED)
def test_rude_below_neutral_below_warm(rude: str, neutral: str, warm: str) -> None:
    r, n, w = score(rude), score(neutral), score(warm)
    assert r < n < w
    assert r < -0.2
    assert w > 0.3


def test_range_and_batch_equals_single() -> None:
    texts = [t for triple in ORDERED for t in triple] + ["", "ok", "!!!", "THANK YOU"]
    batch = TONE.score(texts, [NEUTRAL] * len(texts))
    assert len(batch) == len(texts)
    for text, b in zip(texts, batch, strict=True):
        assert -1.0 <= b <= 1.0
        assert math.isfinite(b)
        assert b == pytest.approx(score(text), abs=1e-9)


def test_empty_and_no_emotions() -> None:
    assert TONE.score([""], [NEUTRAL]) == [0.0]
    # score() without emotions (e.g. rules-only evaluation) still works.
    assert TONE.score(["Thanks a lot for your help"], [])[0] > 0.3


def test_longest_phrase_wins_sarcasm_over_gratitude() -> None:
    assert score("Thanks for nothing.") < 0 < score("Thanks for the update.")


def test_thanks_for_the_failure_itself_is_sarcasm() -> None:
    assert score("Thanks for losing my bag.") < 0 < score("Thanks for finding my bag.")
    assert score("Thank you for the bad service.") < 0 < score("Thank you for fixing the bad connection.")


def test_clearing_the_customer_of_blame_is_warm_where_blaming_is_cold() -> None:
    assert score("It's your fault for ordering the wrong size.") < 0 < score("It's not your fault at all.")


@pytest.mark.parametrize(
    "empathic",
    [
        "I completely get why you're angry.",
        "No wonder you're frustrated.",
        "That sounds incredibly frustrating, especially after calling four times.",
        "It must be really difficult to work from home without a connection.",
        "You're right, that shouldn't have happened.",  # agreeing, not the accusing opening "you"
        "Don't worry, we'll get this sorted for you.",  # reassurance, not a cold negation
        "You're in good hands.",
    ],
)
def test_naming_the_customers_feeling_is_warm(empathic: str) -> None:
    # "why" and "angry" count against a turn alone; inside an acknowledgement they are warmth.
    assert score(empathic) > 0.2
    assert score("Why are you so angry? It's not a big deal.") < 0


def test_service_courtesies_are_not_read_as_cold() -> None:
    # A sentence-initial "you" and a negation count against a turn; these courtesies hold both.
    assert score("You're all set!") > 0
    assert score("Take care, and don't hesitate to reach out again.") > score("Don't do that again.")


def test_sentence_start_markers() -> None:
    # "please" opening a bare command is colder than "please" inside a request.
    assert score("Please send the invoice.") < score("Could you send the invoice, please?")
    # "You ..." opening a sentence reads as accusatory; later in the sentence it does not count.
    assert "sentence-initial you" in TONE.explain("You never reply to emails.")
    assert "sentence-initial you" not in TONE.explain("Thank you, that helps.")


def test_shouting_lowers_tone() -> None:
    assert score("MY PARCEL HAS NOT ARRIVED YET") < score("My parcel has not arrived yet")
    # A couple of acronyms are not shouting.
    assert "shouting" not in TONE.explain("My VPN and the SMS codes fail")


def test_emotion_term_moves_tone() -> None:
    text = "The delivery was moved to Thursday."
    angry, calm, grateful = score(text, emo("anger")), score(text), score(text, emo("gratitude"))
    assert angry < calm < grateful


def test_pipeline_reports_tone_for_every_turn() -> None:
    class Neutral:
        name = "n"
        version = "0"

        def predict(self, texts: list[str]) -> list[Emotion]:
            return [NEUTRAL for _ in texts]

    pipe = Pipeline(detectors=[], emotion_model=Neutral())
    a = pipe.analyze(Conversation.of("c", ("customer", "This is a joke, you people are useless."), ("agent", "Thank you!")))
    assert a.turns[0].tone < 0 < a.turns[1].tone


ODD = [
    "I\u2019m so grateful, thank you \U0001f64f",
    "\u05ea\u05d5\u05d3\u05d4 \u202ethanks\u202c",
    "Cafe\u0301 au lait, please",
    "\x00\x07\x1e\x1f control \x1e chars",
    "\ud800 lone surrogate thanks",
    "a" * 100_000,
    "\u0130\u0130\u0130 I\u0307",
    "\u3053\u3093\u306b\u3061\u306f\u3002\u3042\u308a\u304c\u3068\u3046",
]


def test_odd_unicode_is_scored() -> None:
    out = TONE.score(ODD, [NEUTRAL] * len(ODD))
    assert len(out) == len(ODD)
    assert all(-1.0 <= x <= 1.0 for x in out)
    # The record separator inside a text must not shift the other texts' scores.
    assert out[1:] == TONE.score(ODD[1:], [NEUTRAL] * (len(ODD) - 1))
    assert out[0] > 0  # typographic apostrophe, emoji: gratitude still counts


def test_tokens_and_expand() -> None:
    assert tokens("Thanks!! Don\u2019t") == [b"thanks", b"!", b"!", b"don't"]
    assert expand("i (really|) appreciate") == ["i really appreciate", "i appreciate"]
    assert word_hash(b"ab") != word_hash(b"ba")


def test_vectorised_tokenizer_matches_reference() -> None:
    text = "Hi there. Could you, PLEASE, check it?! Thanks\u2019 a lot\nwe'll see"
    vocab = TONE.vocab
    big = ("\x1e" + text).encode()
    expected = [vocab.get(t, 1) for t in tokens(big)]
    assert TONE.token_ids(big).tolist() == expected


def _lexicon(phrases: list[object], **extra: object) -> dict[str, object]:
    return {"version": "t", "scale": 1.0, "strategies": phrases, **extra}


def test_custom_lexicon_and_errors() -> None:
    t = RuleTone(_lexicon([{"name": "thanks", "weight": 1.0, "phrases": ["thank you", "^cheers"]}]))
    assert t.score(["Thank you"], [])[0] == pytest.approx(math.tanh(1.0), abs=1e-4)
    assert t.score(["cheers. Cheers"], [])[0] == pytest.approx(math.tanh(2.0), abs=1e-4)
    assert t.score(["I said cheers"], [])[0] == 0.0  # ^ = only at a sentence start
    with pytest.raises(ToneLexiconError):
        RuleTone(_lexicon([]))
    with pytest.raises(ToneLexiconError):
        RuleTone(_lexicon([{"name": "x", "phrases": ["a"]}]))  # no weight
    with pytest.raises(ToneLexiconError):
        RuleTone(_lexicon([{"name": "x", "weight": 1, "phrases": ["a b c d e f g"]}]))  # too long
    with pytest.raises(ToneLexiconError):
        RuleTone(_lexicon([{"name": "x", "weight": 1, "phrases": ["a"]}, {"name": "y", "weight": -1, "phrases": ["a"]}]))


def test_cap_limits_repeats() -> None:
    t = RuleTone(_lexicon([{"name": "sorry", "weight": 0.5, "cap": 2, "phrases": ["sorry"]}]))
    assert t.score(["sorry sorry sorry sorry"], [])[0] == pytest.approx(math.tanh(1.0), abs=1e-4)


def test_shipped_lexicon_declares_its_origin() -> None:
    assert "Danescu-Niculescu-Mizil" in TONE.origin


def test_emotions_with_missing_labels_are_read_as_zero() -> None:
    partial = Emotion("anger", 0.9, {"anger": 0.9, "neutral": 0.1})  # a model that reports fewer labels
    full = emo("anger")
    text = "The delivery was moved to Thursday."
    assert TONE.score([text, text], [partial, full]) == [score(text, full), score(text, full)]
    assert score(text, partial) < score(text)


def test_batches_longer_than_one_hashing_chunk() -> None:
    long_text = "thank you " * (CHUNK // 5)  # two chunks' worth of bytes
    texts = ["You people are useless.", long_text, "Thanks so much!"]
    out = TONE.score(texts, [NEUTRAL] * 3)
    assert out[0] == score(texts[0]) and out[2] == score(texts[2])
    assert out[1] > 0.3
    big = ("\x1e" + long_text).encode()
    assert TONE.token_ids(big).tolist() == [TONE.vocab.get(t, 1) for t in tokens(big)]


def test_token_ids_read_a_byte_no_utf8_holds_like_the_others() -> None:
    # Bytes are mapped by bytes.translate, except in a string holding 0xFF (never UTF-8), where the
    # numpy table is used: the ids of the words around it must not change.
    tone = load_default()
    plain = tone.token_ids(b"thank you so much . \xfe")
    odd = tone.token_ids(b"thank you so much . \xff")
    assert plain.tolist()[:-1] == odd.tolist()[:-1]
    assert plain.tolist()[-1] == odd.tolist()[-1] == 1  # an unknown word either way


@pytest.mark.parametrize(
    ("talking_down", "plain"),
    [
        ("With your reading comprehension I'm not surprised.", "I'm not surprised the form was confusing."),
        ("Your logic is that the refund is automatic.", "The refund is automatic."),
        ("You clearly didn't read the confirmation email.", "The confirmation email has the details."),
        ("You really think we'd charge you twice on purpose?", "We would never charge you twice on purpose."),
        ("Look buddy, the parcel was delivered.", "The parcel was delivered."),
    ],
)
def test_talking_down_to_the_reader_is_cold(talking_down: str, plain: str) -> None:
    assert score(talking_down) < score(plain)
    assert score(talking_down) < 0


def test_a_question_opening_on_do_is_not_an_imperative() -> None:
    assert "imperative at start" not in TONE.explain("Do you have the order number?")
    assert "imperative at start" in TONE.explain("Do it now.")
    assert score("Do you have the order number?") > score("Do it now.")


def test_making_sure_is_not_the_sarcastic_sure_you_are() -> None:
    assert "sarcasm marker" not in TONE.explain("Please make sure you are signed in to the main account.")
    assert "sarcasm marker" in TONE.explain("Oh sure you are.")


@pytest.mark.parametrize(
    "text", ["Don't hesitate to contact us.", "Take care.", "You're amazing.", "Do you mind sending it again?"]
)
def test_warm_phrases_opening_a_sentence_stay_warm(text: str) -> None:
    assert score(text) > 0


def test_a_suggestion_or_a_polite_why_is_not_questioning_a_decision() -> None:
    for text in ("Why not give the new app a try?", "May I ask why the order was cancelled?", "Thanks buddy!"):
        explained = TONE.explain(text)
        assert "why (questioning a decision)" not in explained and "condescension" not in explained, (text, explained)
    assert "why (questioning a decision)" in TONE.explain("I don't see why the order was cancelled.")


def test_questions_opening_on_do_these_or_now_do_you_are_not_imperatives() -> None:
    for text in ("Do these steps make sense?", "Now do you have the order number?"):
        assert "imperative at start" not in TONE.explain(text), text


def test_owning_ones_own_ignorance_is_no_insult() -> None:
    for text in ("Pardon my ignorance, but where is the reset button?", "Now I feel stupid, it was unplugged."):
        assert "insult" not in TONE.explain(text), text
    assert "insult" in TONE.explain("You are stupid.")


@pytest.mark.parametrize(
    "text",
    [
        "I'm so sorry for your loss. I'll take care of this so you don't have to deal with it more than once.",
        "After three times I don't blame you at all.",
        "Please don't be hard on yourself, it's an easy mistake to make.",
        "I understand why that bill was a shock.",
    ],
)
def test_sparing_clearing_and_understanding_the_customer_is_warm(text: str) -> None:
    explained = TONE.explain(text)
    assert "dismissal" not in explained and "why (questioning a decision)" not in explained, explained
    assert score(text) > 0


def test_an_option_offered_is_not_a_sentence_initial_you_directive() -> None:
    for text in ("You can switch back anytime in your account settings.", "You'll get an email confirming the change."):
        assert "sentence-initial you" not in TONE.explain(text), text
    assert "sentence-initial you" in TONE.explain("You never read my messages.")


def test_an_invitation_to_say_more_is_not_an_order() -> None:
    assert "imperative at start" not in TONE.explain("Tell me more about your situation.")
    assert "imperative at start" in TONE.explain("Tell me your order number.")


@pytest.mark.parametrize(
    ("text", "strategy"),
    [
        ("I tried a few fixes on the account. What do you think?", "direct wh-question"),
        ("So what you're saying is the parcel never came?", "dismissal"),
        ("Think we should add a second address?", "imperative at start"),
        ("Whatever works for you, we can call tomorrow.", "dismissal"),
    ],
)
def test_invitations_and_restatements_are_not_read_as_cold(text: str, strategy: str) -> None:
    assert strategy not in TONE.explain(text)


def test_so_what_and_whatever_alone_still_dismiss() -> None:
    assert "dismissal" in TONE.explain("So what? It still works.")
    assert "dismissal" in TONE.explain("Whatever.")


@pytest.mark.parametrize(
    ("text", "strategy"),
    [
        ("I was curious why the second charge went through.", "why (questioning a decision)"),
        ("Drop me a line if it happens again.", "imperative at start"),
        ("Tell me if anything on the invoice looks wrong.", "imperative at start"),
    ],
)
def test_curiosity_and_friendly_invitations_are_not_cold(text: str, strategy: str) -> None:
    assert strategy not in TONE.explain(text)


def test_praise_for_several_ideas_is_deference() -> None:
    assert "deference" in TONE.explain("You make some good points.")


@pytest.mark.parametrize(
    ("negated", "plain"),
    [
        ("It's not bad at all, it works well now.", "It's bad, it stopped working."),
        ("Nothing wrong with the order, it all arrived.", "Something is wrong with the order."),
        ("Not too bad, thanks.", "Too bad, thanks."),  # not the dismissive "too bad"
        ("No complaints about the new router.", "Complaints about the new router."),
    ],
)
def test_a_negative_word_negated_is_not_read_as_a_complaint(negated: str, plain: str) -> None:
    # Lexicon 13: "not bad", "nothing wrong" are faint praise, above neutral and above the plain wording.
    assert score(negated) > 0.0
    assert score(negated) > score(plain)


def test_a_product_code_is_not_the_word_inside_it() -> None:
    # "BS-220" is a model number, not the insult "bs"; the hyphen before a digit joins the code.
    code = "Your model BS-220 is covered by the warranty until May."
    assert score(code) == pytest.approx(score("Your model QX-220 is covered by the warranty until May."))
    assert score(code) > score("That is BS, your model is covered by the warranty until May.")
    assert tokens("BS-220 and XR-7b, but not well-known") == [b"bs220", b"and", b"xr7b", b"but", b"not", b"well", b"known"]
    # The batch path and the one-text path read the code alike.
    assert TONE.score([code, "x"], [NEUTRAL, NEUTRAL])[0] == pytest.approx(score(code))


def test_naming_the_problem_is_not_hostile() -> None:
    # Lexicon 13: "problem" is how a customer names the reason for writing, not a negative word.
    assert score("I have a problem with my order, could you help?") == pytest.approx(
        score("I have a question about my order, could you help?")
    )
    assert score("No problem at all, thanks!") > 0.3  # still the courtesy


def test_a_large_vocabulary_still_gets_a_collision_free_word_table() -> None:
    # Tone lexicon 13 (730 words) found no collision-free bit window of the plain word hash: short words'
    # polynomial hashes share bits. The table now multiplies the hash first; 3,000 words still fit.
    words = [f"w{i}x" for i in range(3000)]
    t = RuleTone(_lexicon([{"name": "many", "weight": 0.5, "cap": 1, "phrases": words}]))
    expected = [math.tanh(0.5), math.tanh(0.5), 0.0]
    assert t.score(["w2999x", "w17x and w1x", "nothing here"], []) == pytest.approx(expected, abs=1e-4)
    assert t.score(["w2999x"], [])[0] == pytest.approx(math.tanh(0.5), abs=1e-4)  # the one-text path agrees


def test_a_feeling_validated_reads_warm() -> None:
    # Lexicon 13: not the negative word, the "not" or the opening "your" inside these.
    validated = ("Your frustration is valid.", "That's not the experience we want for you.", "Your concerns are understandable.")
    for text in validated:
        assert score(text) > 0.2, text


def test_offering_more_help_at_the_close_is_not_a_cold_question() -> None:
    # Tone lexicon 14: the closing offer reads like its "help" wording, above a bare direct question.
    offer = score("Is there anything else I can do for you?")
    assert offer > 0.0
    assert offer == pytest.approx(score("Is there anything else I can help you with today?"), abs=0.1)
    assert offer > score("Is there anything else?")
