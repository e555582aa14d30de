"""real_issue: the one sentence of a venting message that states the actual problem.

A small scorer over two lexicons: the problem cues of ``lexicons/real_issue.toml``
against the venting cues of ``lexicons/venting.toml`` (seed 001's "fifteen seconds":
listen for the real issue in the barrage of words).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import ClassVar

from heartdesk.model import NEGATIVE_EMOTIONS, Finding, Turn
from heartdesk.signals.base import Reads, TurnContext, distress, new_finding, register
from heartdesk.signals.context import rounded
from heartdesk.signals.customer import lexicon_toml, triggers
from heartdesk.signals.customer_prep import Prep, prepare, watch
from heartdesk.signals.customer_scan import Scanner, shared_scanner
from heartdesk.signals.lexicon import Lexicon, builtin


def _scanner(name: str) -> Scanner:
    """finditer of the lexicon's one alternation (one group)."""
    raw = lexicon_toml(name).get("patterns", [])
    return shared_scanner([[(i, str(p["pattern"])) for i, p in enumerate(raw if isinstance(raw, list) else [])]])


# --- real_issue ---------------------------------------------------------------------

_REAL_ISSUE_WHY = "In this venting message, this sentence states the actual problem: address it first."
_REAL_ISSUE_DO = "Acknowledge the frustration, then restate this problem and act on it."

#: A message needs at least this much venting (cue weights + emotion) to count as venting.
VENT_MIN = 1.0
#: The chosen sentence needs at least this problem score ...
PROBLEM_MIN = 1.0
#: ... and must beat the runner-up by this much, or the choice is not confident.
MARGIN_FULL = 1.0
CAP_PER_CUE = 2  # one cue counts at most twice per sentence


def _weights(lex: Lexicon, hits: list[tuple[int, int, int]], p: Prep) -> list[float]:
    """Sum of cue weights (the lexicon's confidences) per sentence, each cue capped."""
    bounds, starts = p.bounds, p.starts
    out = [0.0] * len(bounds)
    counts: dict[tuple[int, int], int] = {}
    for pos, _, rule in hits:
        j = bisect_right(starts, pos) - 1
        if j < 0 or pos >= bounds[j][1]:
            continue  # whitespace between sentences
        k = (j, rule)
        c = counts.get(k, 0)
        if c >= CAP_PER_CUE:
            continue
        counts[k] = c + 1
        out[j] += lex.rules[rule].confidence
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
        self._triggers = triggers("venting")
        watch(triggers=self._triggers)
        # Each scanner is ``finditer`` of the lexicon's one alternation (see customer_scan).
        self._problem_scan = _scanner("real_issue")
        self._vent_scan = _scanner("venting")

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        # Cheap exits first: no strong venting word and no "!!" leaves only the emotion
        # model to call the message venting (its top label must be a negative emotion).
        emo = ctx.emotions[ctx.index] if ctx.index < len(ctx.emotions) else None
        cued = not self._triggers.isdisjoint(prepare(text).present) or "!!" in text or "?!" in text or "!?" in text
        upset = distress(emo) if emo is not None and (cued or emo.label in NEGATIVE_EMOTIONS) else 0.0
        if not cued and upset < 0.5:
            return iter(())
        return self._pick(text, upset)

    def _pick(self, text: str, upset: float) -> Iterator[Finding]:
        p = prepare(text)
        bounds = p.bounds
        if len(bounds) < 2:
            return
        vent = _weights(self._vent, self._vent_scan.find(p), p)
        if sum(vent) + 2.0 * upset < VENT_MIN:
            return
        problem = _weights(self._problem, self._problem_scan.find(p), p)
        net = [a - 0.8 * vent[k] for k, a in enumerate(problem)]
        best = max(range(len(bounds)), key=net.__getitem__)
        if problem[best] < PROBLEM_MIN or net[best] <= 0:
            return
        runner = max((n for i, n in enumerate(net) if i != best), default=0.0)
        margin = net[best] - max(runner, 0.0)
        conf = 0.45 + 0.1 * min(problem[best], 3.0) + 0.2 * min(margin / MARGIN_FULL, 1.0)
        s, e = bounds[best]
        conf = rounded(min(0.95, conf), 3)
        yield new_finding(Finding, ("real_issue", s, e, conf, _REAL_ISSUE_WHY, self.name, self._ver, _REAL_ISSUE_DO))
