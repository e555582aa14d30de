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


def test_facts_found_word_by_word_are_those_of_the_whole_text() -> None:
    import json
    from pathlib import Path

    from heartdesk.coach.text import _CAPITALISED, _FACT, _NOT_NAMES

    def whole(text: str) -> list[str]:
        found = [m.group(0).rstrip(".,:/-!?'") for m in _FACT.finditer(text)]
        found += [m.group(0) for m in _CAPITALISED.finditer(text) if m.group(0) not in _NOT_NAMES]
        return list(dict.fromkeys(f for f in found if f))

    texts = [
        "Refund of $1,250.00 (order #A-77) on Monday, 3 April; mail ann@example.com.",
        "1,000,000 and 1, 000 and 12,34 and ,123 and x,1234\ttab\u00a0nbsp 5\u2009kg",
        "Call 0800-123-456!\nOr on Friday's shift. (Ref: KL1004.)",
    ]
    for name in ("drafts.jsonl", "hard_drafts.jsonl"):
        for line in (Path(__file__).parent / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                texts += [entry["draft"], *(t["text"] for t in entry.get("conversation", []))]
    for text in texts:
        assert facts(text) == whole(text), text


def test_letters_are_counted_as_the_letter_class() -> None:
    import re

    from heartdesk.coach.text import _NOT_LETTERS

    for text in ("½ ² ٣ café naïve 日本語 _x_ Ⅻ", "ÅÆØ ß ﬁ 123abc", "Order #A1234, $12.50!", ""):
        assert len(_NOT_LETTERS.sub("", text)) == len(re.findall(r"[^\W\d_]", text)), text
