"""Text helpers: sentences with offsets, facts, the language check, polishing and reflection."""

from __future__ import annotations

from heartdesk.coach.paraphrase import reflect
from heartdesk.coach.text import english_enough, facts, pick, polish, sentences


def test_sentences_keep_offsets_and_do_not_split_inside_tokens() -> None:
    text = "Email billing@example.com now. Ref GPA.3341-2219 is fine! Really?\nBest,\nSam"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Email billing@example.com now.",
        "Ref GPA.3341-2219 is fine!",
        "Really?",
        "Best,",
        "Sam",
    ]


def test_facts_are_numbers_ids_amounts_dates_and_names() -> None:
    found = facts("Hi Anna, order #A1234 for $12.50 ships Friday 12/05 via UPS; ref GPA.3341-2219, mail help@example.com.")
    for fact in ("#A1234", "$12.50", "Friday", "12/05", "GPA.3341-2219", "help@example.com", "Anna", "UPS"):
        assert fact in found, fact
    assert "I" not in facts("Then I checked.")


def test_language_check() -> None:
    assert english_enough("My order arrived broken and I need a refund now")
    assert english_enough("ok")  # too short to judge
    assert not english_enough("Hola, mi pedido llegó roto y necesito un reembolso ahora mismo por favor")
    assert not english_enough("注文した商品が壊れて届きました。返金してください。")


def test_pick_is_deterministic_and_varies() -> None:
    options = ["a", "b", "c"]
    assert pick(options, "seed") == pick(options, "seed")
    assert len({pick(options, f"seed {i}") for i in range(20)}) > 1


def test_polish_fixes_splices() -> None:
    assert polish("can you help?. that is fine ,ok") == "Can you help? That is fine, ok."
    assert polish("Thanks. Thanks.\nBest,\nSam") == "Thanks.\nBest,\nSam"
    assert polish("Done {name} today") == "Done today."
    assert polish("Is it? , yes") == "Is it? Yes."


def test_reflect_turns_the_customer_words_into_the_agents() -> None:
    assert reflect("My order arrived broken and I need it by Friday!!") == "your order arrived broken and you need it by Friday"
    assert reflect("Honestly, you charged me twice.") == "we charged you twice"
    assert reflect("I was told you would call me") == "you were told we would call you"
