"""The reply coach: review a draft reply and offer better words (docs/coach.md).

::

    from heartdesk.coach import review, Authority
    result = review("That's our policy.", conversation, Authority(max_credit=25, gestures=("apology", "credit")))
    result.rewrite
"""

from __future__ import annotations

from heartdesk.coach.errors import MAX_DRAFT_CHARS, CoachError
from heartdesk.coach.library import PhraseLibrary
from heartdesk.coach.review import review
from heartdesk.coach.types import Addition, Authority, Missing, QueueContext, Replacement, Review, ScoreChange

__all__ = [
    "MAX_DRAFT_CHARS",
    "Addition",
    "Authority",
    "CoachError",
    "Missing",
    "PhraseLibrary",
    "QueueContext",
    "Replacement",
    "Review",
    "ScoreChange",
    "review",
]
