"""Detectors that read the customer's turns.

business_impact, churn_threat, urgency and complaint are lexicon detectors (the
phrases live in ``lexicons/<label>.toml``). real_issue is a small scorer: in a
venting message it picks the ONE sentence that states the actual problem, using the
problem cues of ``lexicons/real_issue.toml`` against the venting cues of
``lexicons/venting.toml`` (seed 001's "fifteen seconds": listen for the real issue in
the barrage of words). The emotion model's output may raise a complaint's confidence.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import ClassVar

from heartdesk.model import NEGATIVE_EMOTIONS, Finding, Turn
from heartdesk.signals.base import Reads, TurnContext, distress, register
from heartdesk.signals.lexicon import Lexicon, Rule, builtin
from heartdesk.signals.rules import LexiconDetector
from heartdesk.signals.text import sentence_bounds

_APOS = "['\u2019\u02bc]"
# bytes.translate table for trigger words: ASCII letters, digits and ' stay, the rest is a space.
_WORD_BYTES = bytes(c if (chr(c).isascii() and chr(c).isalnum()) or c == 39 else 32 for c in range(256))
_last_words: tuple[str | None, frozenset[bytes]] = (None, frozenset())


def turn_words(text: str) -> frozenset[bytes]:
    """The lower-case ASCII words of ``text`` (apostrophes kept, ’ read as '), as bytes.

    Computed once per turn and shared by the detectors that run on it one after the
    other (a one-entry cache on the identity of the text object).
    """
    global _last_words
    last = _last_words
    if last[0] is text:
        return last[1]
    b = text.lower().encode("utf-8", "surrogatepass").replace(b"\xe2\x80\x99", b"'").replace(b"\xca\xbc", b"'")
    words = frozenset(b.translate(_WORD_BYTES).split())
    _last_words = (text, words)
    return words


def _toml(name: str) -> dict[str, object]:
    res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
    return tomllib.loads(res.read_text(encoding="utf-8"))


def triggers(name: str) -> frozenset[bytes]:
    """The top-level ``triggers`` word list of a built-in lexicon file (empty if none)."""
    raw = _toml(name).get("triggers", [])
    return frozenset(str(t).lower().encode() for t in raw) if isinstance(raw, list) else frozenset()


@dataclasses.dataclass(frozen=True, slots=True)
class _Pattern:
    triggers: frozenset[bytes] | None  # None: always run
    fast: re.Pattern[str]  # case-sensitive, for the lower-cased text
    slow: re.Pattern[str]  # IGNORECASE, for the original text
    rule: Rule


class FastLexiconDetector(LexiconDetector):
    """A LexiconDetector that costs ~1 µs on the turns it cannot match.

    Python's regex engine tries every alternative of a lexicon at every character
    (40-170 µs per turn with IGNORECASE). So each ``[[patterns]]`` entry of the file
    lists ``triggers``: words of which the pattern needs at least one. A pattern runs
    only when the turn contains one of its trigger words (one set intersection), alone
    (not as part of one big alternation), and case-sensitively on the lower-cased text
    (about 4x faster), or on the original text when lower-casing changes its length,
    so offsets always point into the untouched text. Overlapping hits keep the earliest
    (then longest), like one alternation would; ``unless`` works as in ``Lexicon.hits``.
    """

    def __init__(self) -> None:
        super().__init__()
        lex = self._lex
        raw = _toml(self.lexicon).get("patterns", [])
        patterns: list[_Pattern] = []
        for p, rule in zip(raw if isinstance(raw, list) else [], lex.rules, strict=True):
            pat = str(p["pattern"]).replace("'", _APOS)
            trig = p.get("triggers")
            words = frozenset(str(w).lower().encode() for w in trig) if isinstance(trig, list) and trig else None
            patterns.append(_Pattern(words, re.compile(pat), re.compile(pat, re.IGNORECASE), rule))
        self._patterns = tuple(patterns)
        # One set test rejects most turns; None when some pattern must always run.
        self._any: frozenset[bytes] | None = (
            None if any(p.triggers is None for p in patterns) else frozenset().union(*(p.triggers or () for p in patterns))
        )
        self._unless_fast = None if lex.unless is None else re.compile(lex.unless.pattern)

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        # A plain function (not a generator) so the common "no trigger word" case costs one set test.
        words = turn_words(turn.text)
        if self._any is not None and self._any.isdisjoint(words):
            return iter(())
        active = [p for p in self._patterns if p.triggers is None or not p.triggers.isdisjoint(words)]
        return self._scan(turn, ctx, active) if active else iter(())

    def _scan(self, turn: Turn, ctx: TurnContext, active: list[_Pattern]) -> Iterator[Finding]:
        text = turn.text
        low = text.lower()
        fast = len(low) == len(text)
        scan = low if fast else text
        hits: list[tuple[int, int, Rule]] = []
        for p in active:
            for m in (p.fast if fast else p.slow).finditer(scan):
                if m.end() > m.start():
                    hits.append((m.start(), m.end(), p.rule))
        if not hits:
            return
        hits.sort(key=lambda h: (h[0], -h[1]))
        unless = self._lex.unless if not fast else self._unless_fast
        bounds: list[tuple[int, int]] | None = None
        end = -1
        lex = self._lex
        for start, stop, rule in hits:
            if start < end:
                continue  # overlaps a hit already kept
            if unless is not None:
                if bounds is None:
                    bounds = sentence_bounds(text)
                s, e = next(((s, e) for s, e in bounds if s <= start < e), (0, len(text)))
                if unless.search(scan, s, e):
                    continue
            end = stop
            conf = self.adjust(rule.confidence, start, stop, turn, ctx)
            if conf is None:
                continue
            yield Finding(
                label=lex.label,
                start=start,
                end=stop,
                confidence=round(min(1.0, max(0.0, conf)), 3),
                explanation=rule.explanation,
                detector=self.name,
                version=f"{self.version}+lex{lex.version}",
                suggestion=rule.suggestion,
            )


@register
class BusinessImpact(FastLexiconDetector):
    name = "business_impact"
    reads = "customer"
    produces = ("business_impact",)
    lexicon = "business_impact"


@register
class ChurnThreat(FastLexiconDetector):
    name = "churn_threat"
    reads = "customer"
    produces = ("churn_threat",)
    lexicon = "churn_threat"


@register
class Urgency(FastLexiconDetector):
    name = "urgency"
    reads = "customer"
    produces = ("urgency",)
    lexicon = "urgency"


@register
class Complaint(FastLexiconDetector):
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
        found = list(super().detect(turn, ctx))
        if len(found) < 2:
            return iter(found)
        seen: dict[int, Finding] = {}
        bounds = sentence_bounds(turn.text)
        for f in found:
            key = next((s for s, e in bounds if s <= f.start < e), -1)
            old = seen.get(key)
            if old is None or f.confidence > old.confidence:
                seen[key] = f
        return iter(seen.values())

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


def _weights(lex: Lexicon, regex: re.Pattern[str], text: str, bounds: list[tuple[int, int]]) -> list[float]:
    """Sum of cue weights (the lexicon's confidences) per sentence, each cue capped."""
    out = [0.0] * len(bounds)
    counts: dict[tuple[int, int], int] = {}
    j = 0
    for m in regex.finditer(text):
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
        self._triggers = triggers("venting")
        # Case-sensitive twins, run on the lower-cased text (see FastLexiconDetector).
        self._problem_re = re.compile(self._problem.regex.pattern)
        self._vent_re = re.compile(self._vent.regex.pattern)

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        # Cheap exits first: no strong venting word and no "!!" leaves only the emotion
        # model to call the message venting (its top label must be a negative emotion).
        emo = ctx.emotions[ctx.index] if ctx.index < len(ctx.emotions) else None
        cued = not self._triggers.isdisjoint(turn_words(text)) or "!!" in text or "?!" in text or "!?" in text
        upset = distress(emo) if emo is not None and (cued or emo.label in NEGATIVE_EMOTIONS) else 0.0
        if not cued and upset < 0.5:
            return iter(())
        return self._pick(text, upset)

    def _pick(self, text: str, upset: float) -> Iterator[Finding]:
        low = text.lower()
        bounds = sentence_bounds(text)
        if len(bounds) < 2:
            return
        if len(low) == len(text):
            scan, problem_re, vent_re = low, self._problem_re, self._vent_re
        else:
            scan, problem_re, vent_re = text, self._problem.regex, self._vent.regex
        vent = _weights(self._vent, vent_re, scan, bounds)
        if sum(vent) + 2.0 * upset < VENT_MIN:
            return
        problem = _weights(self._problem, problem_re, scan, bounds)
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
