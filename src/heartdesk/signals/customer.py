"""Detectors that read the customer's turns.

business_impact, churn_threat, urgency and complaint are lexicon detectors (the
phrases live in ``lexicons/<label>.toml``). real_issue is a small scorer: in a
venting message it picks the ONE sentence that states the actual problem, using the
problem cues of ``lexicons/real_issue.toml`` against the venting cues of
``lexicons/venting.toml`` (seed 001's "fifteen seconds": listen for the real issue in
the barrage of words). The emotion model's output may raise a complaint's confidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from heartdesk.model import Finding, Turn
from heartdesk.signals.base import Reads, TurnContext, distress, register
from heartdesk.signals.lexicon import Lexicon, builtin
from heartdesk.signals.rules import LexiconDetector
from heartdesk.signals.text import sentence_bounds


@register
class BusinessImpact(LexiconDetector):
    name = "business_impact"
    reads = "customer"
    produces = ("business_impact",)
    lexicon = "business_impact"


@register
class ChurnThreat(LexiconDetector):
    name = "churn_threat"
    reads = "customer"
    produces = ("churn_threat",)
    lexicon = "churn_threat"


@register
class Urgency(LexiconDetector):
    name = "urgency"
    reads = "customer"
    produces = ("urgency",)
    lexicon = "urgency"


@register
class Complaint(LexiconDetector):
    """A statement of dissatisfaction. An upset customer makes the phrase more likely a
    complaint (e.g. "broken" in an angry turn vs "I broke my screen, can you fix it?")."""

    name = "complaint"
    version = "1"
    reads = "customer"
    requires = ("emotion",)
    produces = ("complaint",)
    lexicon = "complaint"

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        # One finding per sentence (the strongest cue): three complaint words in one
        # sentence are one complaint, and the QA view should not list them thrice.
        seen: dict[int, Finding] = {}
        bounds: list[tuple[int, int]] | None = None
        for f in super().detect(turn, ctx):
            if bounds is None:
                bounds = sentence_bounds(turn.text)
            key = next((s for s, e in bounds if s <= f.start < e), -1)
            old = seen.get(key)
            if old is None or f.confidence > old.confidence:
                seen[key] = f
        yield from seen.values()

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        emo = ctx.emotions[ctx.index] if ctx.index < len(ctx.emotions) else None
        return confidence + 0.1 * distress(emo)


# --- real_issue ---------------------------------------------------------------------

#: A message needs at least this much venting (cue weights + emotion) to count as venting.
VENT_MIN = 1.0
#: The chosen sentence needs at least this problem score ...
PROBLEM_MIN = 1.0
#: ... and must beat the runner-up by this much, or the choice is not confident.
MARGIN_FULL = 1.0
CAP_PER_CUE = 2  # one cue counts at most twice per sentence


def _weights(lex: Lexicon, text: str, bounds: list[tuple[int, int]]) -> list[float]:
    """Sum of cue weights (the lexicon's confidences) per sentence, each cue capped."""
    out = [0.0] * len(bounds)
    counts: dict[tuple[int, int], int] = {}
    j = 0
    for m in lex.regex.finditer(text):
        pos = m.start()
        while j < len(bounds) - 1 and pos >= bounds[j][1]:
            j += 1
        if not bounds[j][0] <= pos < bounds[j][1]:
            continue  # whitespace between sentences
        name = m.lastgroup or "p0"
        k = (j, int(name[1:]))
        c = counts.get(k, 0)
        if c >= CAP_PER_CUE:
            continue
        counts[k] = c + 1
        out[j] += lex.rules[k[1]].confidence
    return out


@register
class RealIssue:
    """Pick the sentence of a venting message that states the actual problem.

    Per sentence: problem = sum of problem-cue weights; vent = sum of venting-cue
    weights. The message is venting when its total vent (plus 2 x the emotion
    model's distress) reaches VENT_MIN. The best sentence maximises
    problem - 0.8 x vent; it must reach PROBLEM_MIN. Confidence grows with its
    problem score and with its margin over the runner-up.
    """

    name: ClassVar[str] = "real_issue"
    version: ClassVar[str] = "1"
    reads: ClassVar[Reads] = "customer"
    requires: ClassVar[tuple[str, ...]] = ("emotion",)
    produces: ClassVar[tuple[str, ...]] = ("real_issue",)

    def __init__(self) -> None:
        self._problem = builtin("real_issue")
        self._vent = builtin("venting")
        self._ver = f"{self.version}+lex{self._problem.version}.{self._vent.version}"

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        # Cheap exit before splitting sentences: no venting cue, no venting message
        # (unless the emotion model says the customer is very upset).
        emo = ctx.emotions[ctx.index] if ctx.index < len(ctx.emotions) else None
        upset = distress(emo)
        if upset < 0.5 and self._vent.regex.search(text) is None:
            return
        bounds = sentence_bounds(text)
        if len(bounds) < 2:
            return
        vent = _weights(self._vent, text, bounds)
        if sum(vent) + 2.0 * upset < VENT_MIN:
            return
        problem = _weights(self._problem, text, bounds)
        net = [p - 0.8 * v for p, v in zip(problem, vent, strict=True)]
        best = max(range(len(bounds)), key=net.__getitem__)
        if problem[best] < PROBLEM_MIN or net[best] <= 0:
            return
        runner = max((n for i, n in enumerate(net) if i != best), default=0.0)
        margin = net[best] - max(runner, 0.0)
        conf = 0.45 + 0.1 * min(problem[best], 3.0) + 0.2 * min(margin / MARGIN_FULL, 1.0)
        s, e = bounds[best]
        yield Finding(
            label="real_issue",
            start=s,
            end=e,
            confidence=round(min(0.95, conf), 3),
            explanation="In this venting message, this sentence states the actual problem: address it first.",
            detector=self.name,
            version=self._ver,
            suggestion="Acknowledge the frustration, then restate this problem and act on it.",
        )
