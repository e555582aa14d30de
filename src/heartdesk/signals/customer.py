"""Detectors that read the customer's turns.

business_impact, churn_threat, urgency and complaint are lexicon detectors (the
phrases live in ``lexicons/<label>.toml``); real_issue, a small scorer, lives in
:mod:`heartdesk.signals.customer_issue`. The emotion model's output may raise a
complaint's confidence.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Final

from mypy_extensions import mypyc_attr

from heartdesk.model import Emotion, Finding, Turn
from heartdesk.signals.base import CLAMPED, TurnContext, clamp_confidence, distress, new_finding, register
from heartdesk.signals.customer_prep import Prep, prepare, prepare_all, watch
from heartdesk.signals.customer_scan import heads_of, shared_scanner
from heartdesk.signals.lexicon import Rule
from heartdesk.signals.rules import LexiconDetector
from heartdesk.signals.text import stop_before


def turn_words(text: str) -> frozenset[bytes]:
    """The lower-case ASCII words of ``text`` (apostrophes kept, ’ read as '), as bytes.

    Computed once per turn and shared by the detectors that run on it one after the
    other (see :func:`heartdesk.signals.customer_prep.prepare`).
    """
    return prepare(text).words


def lexicon_toml(name: str) -> dict[str, object]:
    """A built-in lexicon file (``lexicons/<name>.toml``) as a table."""
    res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
    return tomllib.loads(res.read_text(encoding="utf-8"))


def triggers(name: str) -> frozenset[bytes]:
    """The top-level ``triggers`` word list of a built-in lexicon file (empty if none)."""
    raw = lexicon_toml(name).get("triggers", [])
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
        raw = lexicon_toml(self.lexicon).get("patterns", [])
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
            s = stop_before(text, start)
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
