"""Replacements for problem wording: the seeds' pairs and the variants agents write (seeds 002 and 003)."""

from __future__ import annotations

import itertools

import pytest

from heartdesk.coach import Authority, review

from .conftest import chat, problems_in

UPSET = chat("My order #A1234 arrived broken and nobody answers my emails. This is ridiculous!!")


@pytest.mark.parametrize(
    ("draft", "phrase", "better"),
    [
        # Seed 002: elicit information without confrontation.
        ("I don't understand you.", "I don't understand you", "Can you give me more information?"),
        ("You're lying.", "You're lying", "Are you sure?"),
        ("You're wrong.", "You're wrong", "Is this correct?"),
        ("You made a mistake.", "You made a mistake", "Is this correct?"),
    ],
)
def test_seed_pairs_become_questions(draft: str, phrase: str, better: str) -> None:
    r = review(draft)
    assert [f.label for f in r.findings] == ["confrontational"]
    (rep,) = r.replacements
    assert draft[rep.start : rep.end].startswith(phrase)
    assert rep.text == better
    assert r.rewrite == better
    assert problems_in(r.rewrite) == []


@pytest.mark.parametrize(
    ("draft", "phrase"),
    [
        ("You didn't read the instructions, the charger goes in the left port.", "You didn't read the instructions"),
        ("As I already told you, the refund takes 5 days.", "As I already told you"),
        ("Calm down and send me the order number.", "Calm down"),
        ("That's impossible, the parcel was scanned at 9:40.", "That's impossible"),
        ("You must have deleted the file yourself.", "You must have deleted"),
        ("You made a mistake in the billing form.", "You made a mistake"),
        ("The refund takes 5 days, as I told you.", "as I told you"),
    ],
)
def test_variants_are_replaced_and_the_rewrite_is_clean(draft: str, phrase: str) -> None:
    r = review(draft, UPSET)
    at = draft.index(phrase)
    assert any(x.start <= at and at + len(phrase) <= x.end for x in r.replacements), r.replacements
    assert problems_in(r.rewrite, UPSET) == []
    for fact in ("5 days", "9:40"):
        if fact in draft:
            assert fact in r.rewrite


def test_a_replacement_keeps_the_rest_of_the_thought() -> None:
    r = review("You're wrong about the delivery fee.")
    assert r.replacements[0].text == "Could there be a mix-up about the delivery fee?"
    r = review("You must have entered the wrong card number.")
    assert "entered the wrong card number" in r.rewrite and "must have" not in r.rewrite


def test_bare_policy_gets_regret_and_what_the_agent_can_do() -> None:
    # Seed 003: "I wish there was something I could do..." shows empathy; bare policy drives customers away.
    r = review("That's our policy.", UPSET)
    (rep,) = r.replacements
    assert rep.label == "bare_policy"
    # The policy itself stays said: the customer is owed the reason, with regret and an alternative.
    assert rep.text.startswith("That's our policy, and I wish I could") and "what I can do is" in rep.text
    assert problems_in(r.rewrite, UPSET) == []


def test_bare_policy_offers_a_gesture_within_authority() -> None:
    authority = Authority(max_credit=20, gestures=("apology", "credit"))
    alone = review("We can't offer refunds after 30 days.", None, authority)
    (rep,) = alone.replacements
    assert "I wish I could offer refunds after 30 days" in rep.text
    assert "$" in rep.text and 0 < int(rep.text.split("$")[1].split()[0]) <= 20
    # With an upset customer the credit becomes the emotional fix, offered once, not twice.
    upset = review("We can't offer refunds after 30 days.", UPSET, authority)
    assert upset.rewrite.count("$") == 1 and "30 days" in upset.rewrite
    assert 0 < int(upset.rewrite.split("$")[1].split()[0]) <= 20


def test_passing_the_buck_becomes_ownership() -> None:
    r = review("You'll have to contact the billing department about that charge.", UPSET)
    (rep,) = r.replacements
    assert rep.label == "passing_buck"
    assert rep.text.startswith("I'll personally take this up with our billing department")
    assert "ownership" in {a.kind for a in r.additions}
    assert problems_in(r.rewrite, UPSET) == []


def test_every_problem_finding_gets_a_replacement_even_without_a_rule() -> None:
    draft = "Honestly, it is what it is. Not my department either."
    r = review(draft, UPSET)
    assert r.findings
    for f in r.findings:
        assert any(x.start <= f.start < x.end for x in r.replacements), f


def test_replacements_are_sorted_and_do_not_overlap() -> None:
    r = review("You made a mistake in the form, as I already told you. That's our policy, there is nothing I can do.")
    spans = [(x.start, x.end) for x in r.replacements]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_facts_inside_a_replaced_span_survive() -> None:
    r = review("It's only a $5 fee, and order #77-310 shipped.", UPSET)
    assert "$5" in r.rewrite and "#77-310" in r.rewrite
    assert problems_in(r.rewrite, UPSET) == []
