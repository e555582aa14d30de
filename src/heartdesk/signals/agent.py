"""Detectors that read the agent's turns.

Most agent behaviours are carried by their wording, so each is a :class:`LexiconDetector`
over a data file in ``lexicons/``; ``adjust`` adds what the wording alone cannot tell
(position in the conversation, how the customer sounded, what else the agent said in the
turn). Paraphrase and clarifying questions need more context and live in
``agent_context.py``; importing it here registers them with the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from mypy_extensions import mypyc_attr

from heartdesk.model import Finding, Turn
from heartdesk.signals.agent_match import gated, scan, scan_all
from heartdesk.signals.agent_text import agent_spoke_before, context_patterns, history_has, sentence_at
from heartdesk.signals.agent_unless import Search, context_search, found_in
from heartdesk.signals.base import CLAMPED, TurnContext, clamp_confidence, distress, new_finding, register
from heartdesk.signals.rules import LexiconDetector
from heartdesk.signals.text import stop_before

#: The stable agent-turn labels (issue contract), one registered detector each.
AGENT_LABELS: tuple[str, ...] = (
    "empathy",
    "apology",
    "paraphrase",
    "ownership",
    "clarifying_question",
    "reassurance",
    "confrontational",
    "bare_policy",
    "passing_buck",
    "dismissive",
    "defensive",
    "greeting",
    "closing",
    "logical_fix",
    "emotional_fix",
)

_NOTHING: Iterator[Finding] = iter(())
_QUESTION_START = re.compile(
    r"\W*(?:\w+,? )?(?:how|do|does|did|are|is|was|were|would|will|what|why|when|have|has|can|could)\b", re.IGNORECASE
)


# Detectors subclass it (built-ins with @register, plugins too): an ordinary class even when compiled.
@mypyc_attr(native_class=False)
class AgentLexiconDetector(LexiconDetector):
    """A :class:`LexiconDetector` that only runs the patterns whose anchor words occur in the turn."""

    def __init__(self) -> None:
        super().__init__()
        self._gated = gated(self.lexicon)
        self._version = f"{self.version}+lex{self._lex.version}"

    def prepare(self, texts: Sequence[str]) -> list[bool]:
        """Per text, whether the lexicon matches there (one shared scan per batch of agent turns)."""
        lid = self._gated.id
        return [bool(found.get(lid)) for found in scan_all(texts)]

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        hits = scan(turn.text).get(self._gated.id)
        # Most turns show most behaviours not at all: return at once, without a generator.
        return self._findings(hits, turn, ctx) if hits else _NOTHING

    def _findings(self, hits: list[tuple[int, int, int]], turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        rules = self._lex.rules
        label, name, version = self._lex.label, self.name, self._version
        adjust = self.adjust
        clamped = CLAMPED.get
        for start, end, i in hits:
            rule = rules[i]
            conf = adjust(rule.confidence, start, end, turn, ctx)
            if conf is None:
                continue
            # Finding(label, start, end, confidence, explanation, detector, version, suggestion)
            yield new_finding(
                Finding,
                (label, start, end, clamped(conf) or clamp_confidence(conf), rule.explanation, name, version, rule.suggestion),
            )


class _TurnFlag:
    """Whether any of some patterns occurs in a text, remembered for the last text.

    ``adjust`` runs once per hit; searching the whole turn there each time would make a long
    turn with many hits quadratic.
    """

    __slots__ = ("_last", "_searches")

    def __init__(self, *searches: Search | None) -> None:
        self._searches = [s for s in searches if s is not None]
        #: (text, found) as one tuple: threads may ask at once, and one text's answer must never
        #: be paired with another text.
        self._last: tuple[str | None, bool] = (None, False)

    def __call__(self, text: str) -> bool:
        last = self._last
        if last[0] is text:
            return last[1]
        found = any(found_in(s, text) for s in self._searches)
        self._last = (text, found)
        return found


@register
class Empathy(AgentLexiconDetector):
    name = "empathy"
    reads = "agent"
    produces = ("empathy",)
    lexicon = "empathy"

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        # "Do you feel that...?" asks about a feeling; it does not acknowledge one.
        text = turn.text
        s, e = sentence_at(text, start)
        if text[e - 1] == "?" and _QUESTION_START.match(text, s) and not text.startswith("sound", start):
            return None
        return confidence


@register
class Apology(AgentLexiconDetector):
    name = "apology"
    reads = "agent"
    produces = ("apology",)
    lexicon = "apology"


@register
class Ownership(AgentLexiconDetector):
    name = "ownership"
    reads = "agent"
    produces = ("ownership",)
    lexicon = "ownership"


@register
class Reassurance(AgentLexiconDetector):
    name = "reassurance"
    reads = "agent"
    produces = ("reassurance",)
    lexicon = "reassurance"


@register
class Confrontational(AgentLexiconDetector):
    name = "confrontational"
    reads = "agent"
    produces = ("confrontational",)
    lexicon = "confrontational"


@register
class BarePolicy(AgentLexiconDetector):
    """A constraint is bare only when nothing in the turn softens it or offers a way forward."""

    name = "bare_policy"
    reads = "agent"
    produces = ("bare_policy",)
    lexicon = "bare_policy"

    def __init__(self) -> None:
        super().__init__()
        self._softened = _TurnFlag(context_search("bare_policy", "softeners"), context_search("bare_policy", "alternatives"))

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        text = turn.text
        if not self._softened(text):
            return confidence
        # A softener before a contrast that opens the constraint's sentence is taken back by it: "I'm sorry for
        # your loss. However, that's our policy: the account holder must call." is bare.
        s = _contrast_opens(text, start)
        if s is None or self._softened(text[s:]):
            return None
        return confidence


#: Words that, opening a sentence, take back what the sentences before it conceded.
_CONTRASTS = ("however", "but ", "but,", "that said", "even so", "nevertheless", "nonetheless")


def _contrast_opens(text: str, at: int) -> int | None:
    """Where the sentence holding ``text[at]`` starts, when it opens with a contrast ("However, …") after an
    earlier sentence; else None."""
    s = stop_before(text, at)
    if s <= 0:
        return None
    while s < at and text[s] in " \t\n\"'":
        s += 1
    head = text[s : s + 12].lower()
    return s if head.startswith(_CONTRASTS) else None


@register
class PassingBuck(AgentLexiconDetector):
    name = "passing_buck"
    reads = "agent"
    produces = ("passing_buck",)
    lexicon = "passing_buck"

    _handoff = gated("passing_buck").lexicon.unless

    def __init__(self) -> None:
        super().__init__()
        handoff = gated("passing_buck")
        self._seen = _TurnFlag(None if self._handoff is None else (self._handoff, handoff.unless_fast))

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        # A handoff anywhere in the turn ("I'll transfer you now") means the case was handed over.
        # (Searched once per turn, not once per hit: a long turn repeating the phrase stays linear.)
        return None if self._seen(turn.text) else confidence


@register
class Dismissive(AgentLexiconDetector):
    name = "dismissive"
    reads = "agent"
    produces = ("dismissive",)
    lexicon = "dismissive"


@register
class Defensive(AgentLexiconDetector):
    """Blame or self-justification counts as defensive when it answers a hostile customer."""

    name = "defensive"
    reads = "agent"
    requires = ("emotion", "tone")
    produces = ("defensive",)
    lexicon = "defensive"
    _hostile = context_search("defensive", "hostile_customer")
    _shouting = context_patterns("defensive", "hostile_shouting")

    def hostility(self, ctx: TurnContext) -> float:
        prev = ctx.previous_customer_turns(2)
        if not prev:
            return 0.0
        # The most upset of the burst's last two turns: "The box arrived crushed and the vase is broken." then "I've
        # kept the box and the pieces." is an upset customer, though the last line alone reads calm.
        level = 0.0
        for i, _ in prev:
            emo = ctx.emotions[i] if i < len(ctx.emotions) else None
            angry = 0.0
            if emo is not None:
                angry = (
                    float(emo.scores.get("anger", 0.0))
                    + float(emo.scores.get("frustration", 0.0))
                    + 0.5 * float(emo.scores.get("disgust", 0.0))
                )
            tone = ctx.tones[i] if i < len(ctx.tones) else 0.0
            level = max(level, angry, 0.6 * distress(emo), -tone)
        if level < 0.8 and any(self._hostile_words(t.text) for _, t in prev):
            level = 0.8
        return min(1.0, level)

    def _hostile_words(self, text: str) -> bool:
        """Whether ``text`` holds hostile wording or shouting (the lexicon's ``[context]`` lists)."""
        if self._hostile is not None and found_in(self._hostile, text):
            return True
        return self._shouting is not None and self._shouting.search(text) is not None

    _last: tuple[TurnContext | None, float] = (None, 0.0)

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        # Once per turn, not per hit (it reads the customer's earlier turns).
        last = self._last
        if last[0] is ctx:
            h = last[1]
        else:
            h = self.hostility(ctx)
            self._last = (ctx, h)
        # Without a hostile customer the same words are a weaker sign (kept, below the bar).
        return confidence * (0.5 + 0.5 * min(1.0, h / 0.6))


@register
class Greeting(AgentLexiconDetector):
    name = "greeting"
    reads = "agent"
    produces = ("greeting",)
    lexicon = "greeting"

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        # "Thanks for contacting us" opens the first reply; later it is part of the closing.
        if turn.text.startswith("than", start) or turn.text.startswith("Than", start) or turn.text.startswith("THAN", start):
            return None if agent_spoke_before(ctx) else confidence
        return confidence


@register
class Closing(AgentLexiconDetector):
    name = "closing"
    reads = "agent"
    produces = ("closing",)
    lexicon = "closing"

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        # "Thank you for your patience" early on is courtesy, not a close; count it at the end: not in
        # the first reply while the customer speaks again, nor where three more sentences follow it
        # (the opening line of an email reply).
        text = turn.text
        if text[start : start + 4].lower() == "than":
            later = ctx.conversation.turns[ctx.index + 1 :]
            if any(t.role == "customer" for t in later) and not agent_spoke_before(ctx):
                return None
            if text.count(".", end) + text.count("?", end) + text.count("!", end) >= 3:
                return None
        return confidence


@register
class LogicalFix(AgentLexiconDetector):
    name = "logical_fix"
    reads = "agent"
    produces = ("logical_fix",)
    lexicon = "logical_fix"


_CARE = frozenset({"apology", "empathy"})


@register
class EmotionalFix(AgentLexiconDetector):
    """A goodwill gesture; it makes the emotional fix when it comes with an apology or empathy."""

    name = "emotional_fix"
    reads = "agent"
    produces = ("emotional_fix",)
    lexicon = "emotional_fix"
    _apology = gated("apology")
    _empathy = gated("empathy")

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        text = turn.text
        cared = bool(self._apology.hits(text)) or bool(self._empathy.hits(text)) or history_has(ctx, _CARE)
        return max(confidence, 0.85) if cared else confidence * 0.7


from heartdesk.signals import agent_context  # noqa: E402,F401  (registers paraphrase and clarifying_question)
