"""Fluent rewrites: neighbouring problems become one thought, nothing is said twice, the vent is restated.

The hard drafts (``data/hard_drafts.jsonl``) pile problems up: several in one sentence, next to
facts, drafts that are nothing but a problem, one-word drafts, long drafts, lists, names and
amounts inside the problem words. Every rewrite must pass the fluency checker (fluency.py),
keep every fact and read clean to the signals engine.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from heartdesk.coach import Review, review
from heartdesk.coach.combine import ASK_WHAT_HAPPENED, ASK_WHAT_IS_NEEDED, is_empathy
from heartdesk.coach.tidy import tidy
from heartdesk.model import Conversation, Turn

from .conftest import chat, problems_in
from .fluency import fluency_problems, split

HARD = Path(__file__).parent / "data" / "hard_drafts.jsonl"
ENTRIES: list[dict[str, Any]] = [json.loads(line) for line in HARD.read_text(encoding="utf-8").splitlines() if line.strip()]
BY_ID = {e["id"]: e for e in ENTRIES}

BLENDER = chat(
    "My blender #A-2231 arrived with a cracked jug and I need it for my daughter's party on Saturday! "
    "This is the second time I write."
)
INVOICE = chat(
    "I was charged twice for my March invoice INV-3381 and nobody answers the phone. "
    "This is ridiculous, I want my money back today."
)


@cache
def run(entry_id: str) -> tuple[Review, Conversation]:
    e = BY_ID[entry_id]
    conv = Conversation(id=entry_id, turns=tuple(Turn(role=t["role"], text=t["text"]) for t in e["conversation"]))
    return review(e["draft"], conv), conv


# --- the checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("To recap,  I wish I could.", "double space"),
        ("To recap, — I wish I could.", "dash after a comma"),
        ("Fine. — I wish I could.", "dash opens a sentence"),
        ("Fine. the refund is out.", "no capital"),
        ("The refund is out", "no final punctuation"),
        ("Is it? . Yes.", "empty sentence"),
        ("Thanks for waiting. Thanks for waiting.", "repeated sentence"),
        ("I'll update you by the end of the day. I'll call and update you by the end of the day.", "commitment made"),
        ("Leave it with me: I'll get back to you soon. I'll check and get back to you.", "commitment made"),
        ("Can you help? Are you sure? Is this correct?", "more than two questions"),
    ],
)
def test_the_checker_catches_each_rule(text: str, rule: str) -> None:
    assert any(p.startswith(rule) for p in fluency_problems(text)), fluency_problems(text)


def test_the_checker_accepts_fluent_text_lists_and_sign_offs() -> None:
    text = (
        "Hi Dana, I'm sorry about the wait. Here is what I did:\n- refunded $12.50\n2. booked a courier for Friday\n"
        "Cancellations within 24 hours are charged. I'll update you within 24 hours. Is that okay? Anything else?\n"
        "Best,\nSam"
    )
    assert fluency_problems(text) == []
    assert split("One. Two?\n- three") == ["One.", "Two?", "- three"]


# --- the hard drafts ------------------------------------------------------------------------


def test_the_hard_set_is_large_and_varied() -> None:
    assert len(ENTRIES) >= 40 and len({e["id"] for e in ENTRIES}) == len(ENTRIES)
    drafts = [e["draft"] for e in ENTRIES]
    assert sum(1 for d in drafts if len(d.split()) <= 3) >= 5  # very short
    assert sum(1 for d in drafts if len(d.split()) >= 40) >= 3  # long
    assert sum(1 for d in drafts if "\n-" in d or "\n1." in d) >= 3  # lists


@pytest.mark.parametrize("entry_id", list(BY_ID))
def test_hard_draft_rewrite_is_fluent_clean_and_keeps_its_facts(entry_id: str) -> None:
    r, conv = run(entry_id)
    assert fluency_problems(r.rewrite) == [], r.rewrite
    assert [f for f in BY_ID[entry_id]["facts"] if f not in r.rewrite] == [], r.rewrite
    assert problems_in(r.rewrite, conv) == [], r.rewrite
    for f in r.findings:
        assert any(x.start <= f.start < x.end for x in r.replacements), (f.label, r.draft[f.start : f.end])


# --- the cases that used to break -----------------------------------------------------------


def test_adjacent_spans_in_one_sentence_make_one_replacement_that_keeps_the_policy() -> None:
    r = review("As I already told you, that's our policy. You must have dropped it.", BLENDER)
    first = r.replacements[0]
    assert first.text.startswith("That's our policy, and I wish I could change it for you; what I can do is")
    assert "To recap" not in r.rewrite and "—" not in first.text and "  " not in r.rewrite
    assert len(re.findall(r"get back to you|update you", r.rewrite)) == 1


def test_passing_the_buck_twice_gives_one_owner_and_one_commitment() -> None:
    r = review("That's not my department, you'll have to call billing. There's nothing I can do.", BLENDER)
    assert "I'll personally take this up with billing." in r.rewrite
    assert "right team" not in r.rewrite  # the generic words give way to the named team
    assert len(re.findall(r"by the end of the day|within one business day|within 24 hours", r.rewrite)) == 1
    assert fluency_problems(r.rewrite) == []


def test_stacked_canned_questions_become_one_question() -> None:
    r = review("Calm down. That's impossible, our system doesn't make mistakes. You're wrong.", BLENDER)
    assert ASK_WHAT_HAPPENED in r.rewrite
    for canned in ("Are you sure?", "Is this correct?", "Can you give me more information?"):
        assert canned not in r.rewrite
    questions = [s for s in split(r.rewrite) if s.endswith("?")]
    assert len(questions) <= 2  # the paraphrase's check and the one question


def test_a_curt_follow_up_is_folded_into_the_question() -> None:
    r = review("I don't understand you. What do you want?", BLENDER)
    assert "What do you want?" not in r.rewrite
    assert r.rewrite.endswith(ASK_WHAT_IS_NEEDED)
    (rep,) = r.replacements
    assert r.draft[rep.start : rep.end] == "I don't understand you. What do you want?"


def test_no_two_empathy_statements_back_to_back() -> None:
    for draft in ("Calm down.", "Calm down, it's only a game.", "You're overreacting. Send me the photo."):
        said = split(review(draft, BLENDER).rewrite)
        pairs = [(a, b) for a, b in itertools.pairwise(said) if is_empathy(a) and is_empathy(b)]
        assert pairs == [], said


def test_paraphrase_after_a_short_vent_reflects_the_issue_and_the_want() -> None:
    r = review("Let me check.", INVOICE)
    paraphrase = next(a.text for a in r.additions if a.kind == "paraphrase")
    assert "you were charged twice for your March invoice INV-3381 and you want your money back today" in paraphrase
    assert "ridiculous" not in paraphrase and "nobody answers" not in paraphrase
    blender = next(a.text for a in review("Let me check.", BLENDER).additions if a.kind == "paraphrase")
    assert "your blender #A-2231 arrived with a cracked jug and you need it for your daughter's party on Saturday" in blender


def test_paraphrase_picks_the_issue_not_the_vent_or_the_reference() -> None:
    conv = chat("This is a joke!! Seriously, the worst service ever. My parcel 7748-2209 never arrived. Ref 99120.")
    paraphrase = next(a.text for a in review("Let me look.", conv).additions if a.kind == "paraphrase")
    assert "your parcel 7748-2209 never arrived" in paraphrase
    assert "joke" not in paraphrase and "worst" not in paraphrase


def test_a_reply_that_apologises_and_acts_after_a_short_vent_needs_no_paraphrase() -> None:
    r = review("I'm so sorry about this. I've refunded the second charge on INV-3381 today.", INVOICE)
    assert "paraphrase" not in {m.kind for m in r.missing}


def test_a_fact_inside_a_replaced_span_survives_as_written() -> None:
    r = review("You should have cancelled before 1 April.", chat("You charged me $89.50 for a plan I cancelled in April."))
    assert "1 April" in r.rewrite


def test_a_tail_that_only_hung_on_the_replaced_words_goes_with_them() -> None:
    r = review("It's not our fault if the router is in a cupboard. The line tests fine.", chat("My internet is down again!!"))
    assert "If the router" not in r.rewrite and "The line tests fine." in r.rewrite


def test_a_subordinate_lead_keeps_its_comma() -> None:
    r = review("If that fails, you'll have to call the technical team.", chat("My internet is down again!!"))
    assert "If that fails, I'll personally take this up with our technical team." in r.rewrite


# --- the last pass --------------------------------------------------------------------------


def test_tidy_removes_only_the_coachs_repeats() -> None:
    added = ["Leave it with me: I'll get back to you within 24 hours."]
    replaced = ["I wish I could; what I can do is check our options and get back to you within 24 hours."]
    text = f"{replaced[0]} {added[0]}"
    assert tidy(text, replaced, added, ("within 24 hours",)) == replaced[0]
    # The agent's own words stay, even when they repeat a commitment.
    own = "I'll get back to you within 24 hours. I'll get back to you within 24 hours about the fee."
    assert tidy(own, [], [], ("within 24 hours",)) == own
    # A rule stated with a time is not a commitment.
    rule = "Cancellations within 24 hours are charged in full. Leave it with me: I'll get back to you within 24 hours."
    assert tidy(rule, [], added, ("within 24 hours",)) == rule


def test_a_name_after_the_replaced_words_moves_to_the_front() -> None:
    r = review("Honestly, that's impossible and you're lying, Dana.", INVOICE)
    assert f"Dana, {ASK_WHAT_HAPPENED[0].lower()}{ASK_WHAT_HAPPENED[1:]}" in r.rewrite
    assert "Honestly" not in r.rewrite and "Dana." not in r.rewrite
    assert "Dana, are you sure?" in review("You're lying, Dana. Thanks.").rewrite


def test_a_connector_between_replacements_does_not_dangle() -> None:
    r = review("Sorry, but that's our policy and you should have read the terms before buying the $499 TV on 3 June.", INVOICE)
    assert " And " not in r.rewrite and ". and" not in r.rewrite.lower()
    assert "$499" in r.rewrite and "3 June" in r.rewrite


def test_additions_go_before_the_sign_off_and_after_a_bare_word() -> None:
    draft = "Hi Maria,\n\nINV-3381 was paid once.\n\nBest regards,\nTom"
    r = review(draft, INVOICE)
    assert r.rewrite.endswith("Best regards,\nTom")
    ownership = next(a.text for a in r.additions if a.kind == "ownership")
    assert r.rewrite.index(ownership) < r.rewrite.index("Best regards")
    assert "Ok. " in review("ok", INVOICE).rewrite


def test_three_questions_in_a_row_turn_the_paraphrase_into_a_statement() -> None:
    draft = (
        "Are you sure you didn't make it yourself? The $412.80 payment on the card ending 9021 was made with chip "
        "and PIN, so you must have shared your PIN with someone."
    )
    r = review(draft, INVOICE)
    assert fluency_problems(r.rewrite) == [], r.rewrite
    paraphrase = next(a.text for a in r.additions if a.kind == "paraphrase")
    assert paraphrase.endswith("?")  # the addition on its own still asks
    assert paraphrase[: paraphrase.index(" — ")] + "." in r.rewrite
    assert "$412.80" in r.rewrite and "9021" in r.rewrite
