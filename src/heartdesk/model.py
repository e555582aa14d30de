"""Domain objects: what a conversation is, and what the engine says about it.

Everything here is frozen. The engine never mutates a conversation: it returns
an :class:`Analysis` beside it, whose findings point into the untouched text by
character offsets (``turn.text[finding.start:finding.end]`` is the evidence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

Role = Literal["customer", "agent"]
ROLES: tuple[Role, ...] = ("customer", "agent")

#: The customer emotions the engine reports (the ``emotion.label`` values).
EMOTIONS: tuple[str, ...] = (
    "anger",
    "frustration",
    "disgust",
    "anxiety",
    "sadness",
    "disappointment",
    "confusion",
    "gratitude",
    "satisfaction",
    "neutral",
)
#: Emotions that count as distress when weighing de-escalation and triage.
NEGATIVE_EMOTIONS: frozenset[str] = frozenset(
    {"anger", "frustration", "disgust", "anxiety", "sadness", "disappointment", "confusion"}
)

#: A finding counts as present when its confidence reaches this (contract).
PRESENT = 0.5

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Turn:
    """One message (chat, email) or one speaker turn (call transcript)."""

    role: Role
    text: str
    at: datetime | None = None
    author: str | None = None
    #: End time of a spoken turn, when a call transcript gives it (for overlap).
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """An ordered exchange between one customer and the service desk."""

    id: str
    turns: tuple[Turn, ...]
    channel: str | None = None
    customer: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    meta: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    @classmethod
    def of(cls, id: str, *turns: tuple[Role, str] | Turn, **kwargs: Any) -> Conversation:
        """Shorthand: ``Conversation.of("c1", ("customer", "hi"), ("agent", "hello"))``."""
        built = tuple(t if isinstance(t, Turn) else Turn(role=t[0], text=t[1]) for t in turns)
        return cls(id=id, turns=built, **kwargs)


class Finding(NamedTuple):
    """One behaviour seen in one turn, with the span of text that shows it.

    A NamedTuple rather than a frozen dataclass: just as immutable and typed, and about three
    times cheaper to create, which matters when every turn of millions yields a few.
    """

    label: str
    start: int
    end: int
    confidence: float
    explanation: str
    detector: str
    version: str
    suggestion: str | None = None

    @property
    def present(self) -> bool:
        return self.confidence >= PRESENT

    def evidence(self, text: str) -> str:
        return text[self.start : self.end]


class EmotionCue(NamedTuple):
    """A span of a customer's text that is evidence of an emotion the model may miss."""

    start: int
    end: int
    emotion: str
    weight: float


@dataclass(frozen=True, slots=True)
class Emotion:
    """The customer's emotion in one turn: the top label, its intensity and all scores.

    ``cues`` are the spans of the turn's text that moved the scores away from what the
    model read (customer-service wording such as "on hold for two hours"); empty when the
    model's reading stands alone.
    """

    label: str
    intensity: float
    scores: Mapping[str, float]
    cues: tuple[EmotionCue, ...] = ()


@dataclass(frozen=True, slots=True)
class TurnAnalysis:
    index: int
    role: Role
    tone: float
    findings: tuple[Finding, ...]
    emotion: Emotion | None = None

    def has(self, label: str) -> bool:
        return any(f.label == label and f.present for f in self.findings)

    def of(self, label: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.label == label)


class Evidence(NamedTuple):
    """A pointer from a score back to the finding (or fact) behind it (a NamedTuple, like Finding)."""

    turn: int
    label: str
    effect: float
    start: int | None = None
    end: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dimension:
    """One scorecard dimension: 0..100, or None when nothing in the conversation bears on it."""

    name: str
    score: int | None
    evidence: tuple[Evidence, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class Trajectory:
    """How the customer's emotion moved from first to last turn (de-escalation)."""

    first: str | None
    last: str | None
    first_distress: float
    last_distress: float
    change: float  # positive = the customer calmed down
    summary: str


@dataclass(frozen=True, slots=True)
class Scorecard:
    empathy: Dimension
    listening: Dimension
    tone: Dimension
    ownership: Dimension
    resolution: Dimension
    etiquette: Dimension
    de_escalation: Trajectory
    last_impression: Emotion | None
    escalation_requests: tuple[Evidence, ...]
    interruptions: tuple[Evidence, ...]

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return (self.empathy, self.listening, self.tone, self.ownership, self.resolution, self.etiquette)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the engine says about one conversation. The conversation itself is untouched."""

    conversation: Conversation
    turns: tuple[TurnAnalysis, ...]
    scorecard: Scorecard

    @property
    def id(self) -> str:
        return self.conversation.id

    def findings(self, label: str | None = None) -> list[tuple[int, Finding]]:
        """All present findings, as (turn index, finding), optionally of one label."""
        return [(t.index, f) for t in self.turns for f in t.findings if f.present and (label is None or f.label == label)]
