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
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import ClassVar, Final

from mypy_extensions import mypyc_attr

from heartdesk.model import NEGATIVE_EMOTIONS, Emotion, Finding, Turn
from heartdesk.signals.base import CLAMPED, Reads, TurnContext, clamp_confidence, distress, new_finding, register
from heartdesk.signals.context import rounded
from heartdesk.signals.customer_prep import Prep, prepare, prepare_all, watch
from heartdesk.signals.customer_scan import Scanner, heads_of, shared_scanner
from heartdesk.signals.lexicon import Lexicon, Rule, builtin
from heartdesk.signals.rules import LexiconDetector


def turn_words(text: str) -> frozenset[bytes]:
    """The lower-case ASCII words of ``text`` (apostrophes kept, ’ read as '), as bytes.

    Computed once per turn and shared by the detectors that run on it one after the
    other (see :func:`heartdesk.signals.customer_prep.prepare`).
    """
    return prepare(text).words


def _toml(name: str) -> dict[str, object]:
    res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
    return tomllib.loads(res.read_text(encoding="utf-8"))


def triggers(name: str) -> frozenset[bytes]:
    """The top-level ``triggers`` word list of a built-in lexicon file (empty if none)."""
    raw = _toml(name).get("triggers", [])
    return frozenset(str(t).lower().encode() for t in raw) if isinstance(raw, list) else frozenset()


_ACTIVE_MAX = 4096  # combinations of trigger words remembered per lexicon


@dataclasses.dataclass(frozen=True, slots=True)
class _Pattern:
    index: int
    triggers: frozenset[bytes] | None  # None: always run
    rule: Rule


# Detectors subclass it (built-ins with @register, plugins too): an ordinary class even when compiled.
@mypyc_attr(native_class=False)
class FastLexiconDetector(LexiconDetector):
    """A LexiconDetector that costs ~1 µs on the turns it cannot match.

    Python's regex engine tries every alternative of a lexicon at every character
    (40-170 µs per turn with IGNORECASE). So each ``[[patterns]]`` entry of the file
    lists ``triggers``: words of which the pattern needs at least one. A pattern runs
    only when the turn contains one of its trigger words (one set intersection), alone
    (not as part of one big alternation), and then only at the positions where one of its
    head words occurs (see :class:`~heartdesk.signals.customer_scan.Scanner`), on the
    lower-cased text, or on the original text when lower-casing changes its length,
    so offsets always point into the untouched text. Overlapping hits keep the earliest
    (then longest), like one alternation would; ``unless`` works as in ``Lexicon.hits``.
    """

    def __init__(self) -> None:
        super().__init__()
        lex = self._lex
        raw = _toml(self.lexicon).get("patterns", [])
        patterns: list[_Pattern] = []
        for i, (p, rule) in enumerate(zip(raw if isinstance(raw, list) else [], lex.rules, strict=True)):
            trig = p.get("triggers")
            words = frozenset(str(w).lower().encode() for w in trig) if isinstance(trig, list) and trig else None
            patterns.append(_Pattern(i, words, rule))
        self._patterns = tuple(patterns)
        # Each pattern is its own group: its own finditer, as if run alone.
        self._scanner = shared_scanner([[(i, str(p["pattern"]))] for i, p in enumerate(raw if isinstance(raw, list) else [])])
        # One set test rejects most turns; None when some pattern must always run.
        self._any: frozenset[bytes] | None = (
            None if any(p.triggers is None for p in patterns) else frozenset().union(*(p.triggers or () for p in patterns))
        )
        self._unless_fast = None if lex.unless is None else re.compile(lex.unless.pattern)
        # The head words one of which every ``unless`` match starts with (None: cannot tell).
        self._unless_heads = None if lex.unless is None else heads_of(lex.unless.pattern)
        self._all_triggers: frozenset[bytes] = frozenset().union(*(p.triggers or () for p in patterns))
        #: The lexicon's trigger words in a turn -> the patterns to run on it.
        self._active: dict[frozenset[bytes], frozenset[int]] = {}
        watch(triggers=self._all_triggers)

    def prepare(self, texts: Sequence[str]) -> list[bool] | None:
        """Per text, whether one of the lexicon's trigger words is there (None: some pattern always runs)."""
        needed = self._any
        if needed is None:
            return None
        return [not needed.isdisjoint(p.present) for p in prepare_all(texts)]

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        # A plain function (not a generator) so the common "no trigger word" case costs one set test.
        p = prepare(turn.text)
        if self._any is not None and self._any.isdisjoint(p.present):
            return iter(())
        hits = self._hits(p)
        return self._findings(turn, ctx, hits) if hits else iter(())

    def _hits(self, p: Prep) -> list[tuple[int, int, Rule]]:
        """(start, end, rule) of the hits kept: overlaps and ``unless`` sentences removed."""
        # Which patterns run depends only on the turn's trigger words of this lexicon: a handful of
        # combinations recur, so the set of patterns is looked up rather than rebuilt per turn.
        words = frozenset(self._all_triggers.intersection(p.present))
        active = self._active.get(words)
        if active is None:
            pats = self._patterns
            active = frozenset([pat.index for pat in pats if pat.triggers is None or not pat.triggers.isdisjoint(words)])
            if len(self._active) < _ACTIVE_MAX:
                self._active[words] = active
        if not active:
            return []
        found = self._scanner.find(p, active)
        if len(found) > 1:
            found.sort(key=lambda h: (h[0], -h[1], h[2]))  # earliest, then longest, then file order
        rules = self._lex.rules
        hits = [(start, stop, rules[r]) for start, stop, r in found]
        if not hits:
            return hits
        unless, scan, heads = self._veto_plan(p)
        kept: list[tuple[int, int, Rule]] = []
        checked: dict[tuple[int, int], bool] = {}
        end = -1
        for start, stop, rule in hits:
            if start < end:
                continue  # overlaps a hit already kept
            if unless is not None:
                sent = p.sentence_of(start)
                veto = checked.get(sent)
                if veto is None:
                    veto = checked[sent] = _vetoed(unless, scan, sent, p, heads)
                if veto:
                    continue
            end = stop
            kept.append((start, stop, rule))
        return kept

    def _veto_plan(self, p: Prep) -> tuple[re.Pattern[str] | None, str, list[bytes] | None]:
        """How to test the lexicon's ``unless`` on ``p``'s sentences with :func:`_vetoed`: the pattern (None when
        none can match), the text it reads, and the head words where a match may start (None: search)."""
        fast = p.norm is not None
        scan = p.low if fast else p.text
        unless = self._unless_fast if fast else self._lex.unless
        # Every ``unless`` match starts at one of its head words: where none occurs, it cannot match.
        heads = None if not fast or self._unless_heads is None else sorted(self._unless_heads.intersection(p.heads))
        if heads is not None and not heads:
            unless = None
        return unless, scan, heads

    def _findings(self, turn: Turn, ctx: TurnContext, hits: list[tuple[int, int, Rule]]) -> Iterator[Finding]:
        lex = self._lex
        label, name, version = lex.label, self.name, f"{self.version}+lex{lex.version}"
        clamped = CLAMPED.get
        for start, stop, rule in hits:
            conf = self.adjust(rule.confidence, start, stop, turn, ctx)
            if conf is None:
                continue
            yield new_finding(
                Finding,
                (label, start, stop, clamped(conf) or clamp_confidence(conf), rule.explanation, name, version, rule.suggestion),
            )


def _vetoed(unless: re.Pattern[str], scan: str, sent: tuple[int, int], p: Prep, heads: list[bytes] | None) -> bool:
    """``unless.search(scan, *sent)``, tried only where one of its head words starts, when those are known."""
    s, e = sent
    if heads is None:
        return unless.search(scan, s, e) is not None
    match = unless.match
    return any(match(scan, i, e) for h in heads for i in p.positions(h) if s <= i < e)


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


#: Emotions of a customer who is unhappy with the service (not worried, sad or puzzled): with an
#: emotion cue of one of them, the turn is a complaint even in words the lexicon does not name.
DISSATISFIED: Final = ("anger", "frustration", "disgust", "disappointment")
#: The least share of the customer's emotion on ``DISSATISFIED`` for a cue to make a complaint.
#: Complaints on Twitter, with the "I/we" and question checks below: F1 0.468 -> 0.593 at precision
#: 0.810 (the lexicon alone: 0.913). Without those checks, 0.25 gave F1 0.615, 0.3 0.608, 0.4 0.590.
CUE_COMPLAINT_AT: Final = 0.3
_DISSATISFIED: Final = frozenset(DISSATISFIED)
#: A cue right after the customer names themself is usually their own doing, not the service's:
#: "I might be 10 minutes late", "I lost my card", "I'm stuck on step 3", "I cancelled my order".
_SELF: Final = frozenset(["i", "i'm", "im", "i've", "ive", "i'd", "we", "we're", "we've"])
_OPENERS: Final = "\"'(\u201c\u2018["
_SELF_FIRST: Final = frozenset("iIwW" + _OPENERS)
#: Questions that ask why are complaints ("why is my order delayed again?"); other questions ask
#: for information ("what does error 43 mean?", "is it too late to change the address?").
_WHY = re.compile(r"\W*why\b", re.IGNORECASE)
#: The end of the sentence around a cue: the first run of stops after it, or a line break.
_STOP = re.compile(r"[.!?]+|\n")


@register
class Complaint(FastLexiconDetector):
    """A statement of dissatisfaction. An upset customer makes the phrase more likely a
    complaint (e.g. "broken" in an angry turn vs "I broke my screen, can you fix it?").

    Customers also complain in words no lexicon lists ("3 days no calls", "what gives").
    When the customer reads as dissatisfied (``DISSATISFIED`` >= ``CUE_COMPLAINT_AT``) and the
    emotion cues found wording of that kind, the cue is the complaint's evidence too, in
    sentences where the lexicon found none and its ``unless`` does not apply, unless the cue
    follows "I" or "we" (the customer's own doing) or a word cue sits in a question that does
    not ask why."""

    name = "complaint"
    version = "2"
    reads = "customer"
    requires = ("emotion",)
    produces = ("complaint",)
    lexicon = "complaint"

    def __init__(self) -> None:
        super().__init__()
        #: (share, leading emotion) -> the cue route's explanation: formatting one costs more than a lookup.
        self._why: dict[tuple[float, str], str] = {}
        self._ver = f"{self.version}+lex{self._lex.version}"

    def prepare(self, texts: Sequence[str]) -> list[bool] | None:
        # Every customer turn: the emotion cues, found after ``prepare`` runs, can make a complaint.
        return None

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        # One finding per sentence (the strongest cue): three complaint words in one
        # sentence are one complaint, and the QA view should not list them thrice.
        p = prepare(turn.text)
        emo = ctx.emotions[ctx.index] if ctx.index < len(ctx.emotions) else None
        cued = emo is not None and bool(emo.cues)
        if self._any is not None and self._any.isdisjoint(p.present):
            return iter(self._cued(p, emo, [])) if cued else iter(())
        hits = self._hits(p)
        if len(hits) < 2:
            if not cued:
                return self._findings(turn, ctx, hits)
            return iter([*self._findings(turn, ctx, hits), *self._cued(p, emo, [h[0] for h in hits])])
        upset = 0.1 * distress(emo)
        best: dict[int, tuple[int, int, Rule, float]] = {}
        for start, stop, rule in hits:
            conf = clamp_confidence(rule.confidence + upset)
            key = p.sentence_index(start)  # bisect: linear in the text, however many hits
            old = best.get(key)
            if old is None or conf > old[3]:
                best[key] = (start, stop, rule, conf)
        lex = self._lex
        ver = self._ver
        found = [
            new_finding(Finding, (lex.label, start, stop, conf, rule.explanation, self.name, ver, rule.suggestion))
            for start, stop, rule, conf in best.values()
        ]
        if cued:
            found += self._cued(p, emo, [h[0] for h in best.values()])
        return iter(found)

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        emo = ctx.emotions[ctx.index] if ctx.index < len(ctx.emotions) else None
        return confidence + 0.1 * distress(emo)

    def _cued(self, p: Prep, emo: Emotion | None, found_at: list[int]) -> list[Finding]:
        """Complaints evidenced by the emotion cues, one per sentence without a lexicon complaint
        (``found_at``: where those start)."""
        if emo is None or not emo.cues:
            return []
        get = emo.scores.get
        parts = [get(k, 0.0) for k in DISSATISFIED]
        share = parts[0] + parts[1] + parts[2] + parts[3]
        if share < CUE_COMPLAINT_AT:
            return []
        text = p.text
        # Sentences are found around each cue (from the last stop before it to the next one after it):
        # the turn's sentence bounds are not needed, and most turns with a cue never compute them.
        strongest: dict[int, tuple[int, int, float, int]] = {}
        taken: set[int] | None = None  # the sentences of ``found_at``, on first need
        for cue in emo.cues:
            start, end = cue.start, cue.end
            if cue.emotion not in _DISSATISFIED:
                continue
            if _after_self(text, start):
                continue
            if found_at:
                if taken is None:
                    taken = {p.sentence_index(h) for h in found_at}
                if p.sentence_index(start) in taken:
                    continue
            s = (
                max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start), text.rfind("\n", 0, start))
                + 1
            )
            stop = _STOP.search(text, end)
            if stop is None:
                e = len(text)
            else:
                e = stop.end()
                if _asks(text, s, stop.group(), start, end):
                    continue
            old = strongest.get(s)
            if old is None or cue.weight > old[2]:
                strongest[s] = (start, end, cue.weight, e)
        if not strongest:
            return []
        unless, scan, heads = self._veto_plan(p)
        lead = DISSATISFIED[parts.index(max(parts))]
        conf = clamp_confidence(min(0.8, 0.5 + 0.5 * (share - CUE_COMPLAINT_AT)))
        why_key = (round(share, 2), lead)
        why = self._why.get(why_key)
        if why is None:
            why = f"a complaint in the customer's own words: they read as dissatisfied ({share:.2f}, mostly {lead})"
            if len(self._why) < 4096:  # two decimals and four emotions: a few hundred at most
                self._why[why_key] = why
        ver = self._ver
        out: list[Finding] = []
        for s, (start, end, _, e) in sorted(strongest.items()):
            if unless is not None and _vetoed(unless, scan, (s, e), p, heads):
                continue
            out.append(new_finding(Finding, ("complaint", start, end, conf, why, self.name, ver, None)))
        return out


def _after_self(text: str, start: int) -> bool:
    """Whether the customer names themself ("I", "we") within the four words before ``start``."""
    for w in text[max(0, start - 40) : start].split()[-5:]:
        # Most words fail the first test: only those that could be "I..." or "we..." are normalised.
        if w[0] in _SELF_FIRST and len(w) <= 8 and w.lstrip(_OPENERS).lower().replace("\u2019", "'") in _SELF:
            return True
    return False


def _asks(text: str, s: int, run: str, start: int, end: int) -> bool:
    """Whether the word cue ``text[start:end]`` sits in a question that does not ask why; ``run`` is the
    stop that ends the sentence, which begins at ``s``."""
    if not run.endswith("?") or run.endswith(("?!", "!?")):
        return False
    if not any(ch.isalpha() for ch in text[start:end]):
        return False  # "?!" and "???" are the cue themselves
    return _WHY.match(text, s) is None


def _scanner(name: str) -> Scanner:
    """finditer of the lexicon's one alternation (one group)."""
    raw = _toml(name).get("patterns", [])
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
        net = [a - 0.8 * v for a, v in zip(problem, vent, strict=True)]
        best = max(range(len(bounds)), key=net.__getitem__)
        if problem[best] < PROBLEM_MIN or net[best] <= 0:
            return
        runner = max((n for i, n in enumerate(net) if i != best), default=0.0)
        margin = net[best] - max(runner, 0.0)
        conf = 0.45 + 0.1 * min(problem[best], 3.0) + 0.2 * min(margin / MARGIN_FULL, 1.0)
        s, e = bounds[best]
        conf = rounded(min(0.95, conf), 3)
        yield new_finding(Finding, ("real_issue", s, e, conf, _REAL_ISSUE_WHY, self.name, self._ver, _REAL_ISSUE_DO))
