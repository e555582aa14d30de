"""The coach's notion of trouble: a charge from somewhere the customer has never been (nineteenth session)."""

from __future__ import annotations

from heartdesk import Conversation
from heartdesk.coach import review

FRAUD = "There's a payment of $412.80 to a store in Lisbon on my card. I've never been to Portugal. Card ending 9021."
DRAFT = "The payment on the card ending 9021 was made with chip and PIN."


def missing(customer: str, draft: str) -> list[str]:
    return [m.kind for m in review(draft, Conversation.of("t", ("customer", customer))).missing]


def test_a_charge_from_somewhere_never_visited_is_owed_an_acknowledgment() -> None:
    assert "acknowledgment" in missing(FRAUD, DRAFT)


def test_a_newcomers_question_is_owed_none() -> None:
    assert "acknowledgment" not in missing("I've never used the app before. How do I add a card?", "Go to Wallet > Add card.")
