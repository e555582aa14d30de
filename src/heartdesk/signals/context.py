"""What a detector sees besides its turn (:class:`TurnContext`), and the small helpers every
detector's hot path shares: customer distress, confidence clamping, building a Finding.

Kept apart from ``base`` (the registry and the Protocols) so that the optional compiled build
(:mod:`heartdesk.native`) can compile it; ``base`` re-exports all of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from heartdesk.model import NEGATIVE_EMOTIONS, Conversation, Emotion, Finding, Turn


class TurnContext:
    """What a detector may look at besides the turn itself.

    ``emotions`` and ``tones`` hold the batch models' outputs for every turn of
    the conversation (emotion is computed for agent turns too, though only the
    customer's is reported), so a detector can ask how the customer felt just
    before the agent wrote.
    """

    # A plain class, not a dataclass: compiled, its ``__init__`` is native code, where the
    # dataclass's generated one ran interpreted (~2,200 instructions for each of the turns).
    __slots__ = ("conversation", "emotions", "found", "history", "index", "tones")

    def __init__(
        self,
        conversation: Conversation,
        index: int,
        emotions: Sequence[Emotion | None],
        tones: Sequence[float],
        history: Sequence[Sequence[Finding]],
        found: list[Finding],
    ) -> None:
        self.conversation = conversation
        self.index = index
        self.emotions = emotions
        self.tones = tones
        #: Findings of earlier turns (complete) — history[i] for i < index.
        self.history = history
        #: Findings already made on this turn by detectors that ran before this one.
        self.found = found

    def __repr__(self) -> str:
        return f"TurnContext(conversation={self.conversation.id!r}, index={self.index})"

    def found_label(self, label: str) -> list[Finding]:
        return [f for f in self.found if f.label == label and f.present]

    @property
    def turn(self) -> Turn:
        return self.conversation.turns[self.index]

    @property
    def previous(self) -> Sequence[Turn]:
        return self.conversation.turns[: self.index]

    def previous_customer_turns(self, limit: int = 3) -> list[tuple[int, Turn]]:
        """The customer's turns since the agent last spoke before this one (at most ``limit``),
        or the last customer turns before that when the agent spoke twice in a row."""
        out: list[tuple[int, Turn]] = []
        turns = self.conversation.turns
        i = self.index - 1
        while i >= 0 and turns[i].role != "customer":
            i -= 1
        while i >= 0 and turns[i].role == "customer" and len(out) < limit:
            out.append((i, turns[i]))
            i -= 1
        out.reverse()
        return out

    def customer_distress(self) -> float:
        """Distress (0..1) in the customer's latest turn before this one."""
        prev = self.previous_customer_turns(1)
        if not prev:
            return 0.0
        emo = self.emotions[prev[0][0]]
        return distress(emo)

    def customer_tone(self) -> float:
        prev = self.previous_customer_turns(1)
        return self.tones[prev[0][0]] if prev else 0.0


def distress(emotion: Emotion | None) -> float:
    """Probability mass on negative emotions, 0 calm .. 1 very upset; confusion counts half.

    A confused customer needs a clear answer more than consolation ("what is this fee?"), so
    confusion weighs half as much as anger or anxiety when empathy is expected or a ticket ranked.
    """
    if emotion is None:
        return 0.0
    # The scorecard and several detectors ask about the same customer turn: remember the last
    # few thousand emotions' (an entry holds its emotion, so a reused id is never mistaken).
    kept = _distress_memo.get(id(emotion))
    if kept is not None and kept[0] is emotion:
        return kept[1]
    get = emotion.scores.get
    value = float(sum([get(k, 0.0) * w for k, w in _NEGATIVE]))
    if len(_distress_memo) >= _DISTRESS_MEMO_MAX:
        _distress_memo.clear()
    _distress_memo[id(emotion)] = (emotion, value)
    return value


_NEGATIVE = tuple((k, 0.5 if k == "confusion" else 1.0) for k in sorted(NEGATIVE_EMOTIONS))

#: ``new_finding(Finding, (label, start, end, confidence, explanation, detector, version, suggestion))``
#: builds the same Finding as ``Finding(...)`` with every field given, in a fifth of the time (the
#: NamedTuple's own ``__new__`` is Python code that sorts out keywords and defaults): the detectors'
#: hot paths make one per hit.
new_finding = tuple.__new__
_DISTRESS_MEMO_MAX = 4096
_distress_memo: dict[int, tuple[Emotion, float]] = {}

_SCALES = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def rounded(x: float, ndigits: int) -> float:
    """``round(x, ndigits)`` for ``0 <= ndigits <= 4``, exactly, mostly without its decimal conversion.

    CPython rounds to digits through a correctly rounded decimal string (~2,300 instructions, the
    costliest arithmetic of a turn). Here ``y = x * 10**n`` is within 1.2e-7 of the exact product
    while ``|y| < 1e9``; when ``y`` is not within 1e-6 of a half, the exact product rounds to the
    same integer ``k`` whatever the tie rule, and ``k / 10**n`` (an exact integer over an exact
    power, divided with correct rounding) is the double nearest to the decimal result, which is
    what ``round`` returns. Halves, zeros (whose sign ``round`` keeps) and the rest take ``round``.
    """
    scale = _SCALES[ndigits]
    y = x * scale
    if -1e9 < y < 1e9 and type(x) is float:  # round() of an int is an int
        low = math.floor(y)
        frac = y - low
        if frac < 0.499999 or frac > 0.500001:
            k = low + 1 if frac > 0.5 else low
            if k != 0:
                return k / scale
    return round(x, ndigits)


#: ``round(min(1.0, max(0.0, c)), 3)`` by ``c``: a finding's confidence is a rule's confidence plus
#: a few fixed adjustments, so few values recur, and a lookup costs a fraction of min, max and round.
#: Hot paths read ``CLAMPED.get(c) or clamp_confidence(c)`` (0.0 just takes the long way).
CLAMPED: dict[float, float] = {}
_CLAMPED_MAX = 4096


def clamp_confidence(c: float) -> float:
    """``c`` clamped to 0..1 and rounded to three decimals, as findings report it."""
    got = CLAMPED.get(c)
    if got is None:
        got = rounded(min(1.0, max(0.0, c)), 3)
        if len(CLAMPED) < _CLAMPED_MAX:
            CLAMPED[c] = got
    return got
