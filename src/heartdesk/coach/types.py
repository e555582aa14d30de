"""What a review is made of: the agent's authority, the queue context and the review itself.

All frozen: a review is a value the CLI prints, the API returns and a test compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from heartdesk.model import Finding

#: Problem labels the coach reports and replaces (the signals engine's agent labels).
PROBLEM_LABELS: tuple[str, ...] = ("confrontational", "bare_policy", "passing_buck", "dismissive", "defensive")
MissingKind = Literal["acknowledgment", "paraphrase", "logical_fix", "emotional_fix", "ownership"]
AdditionKind = Literal["paraphrase", "empathy", "gesture", "wait", "ownership"]
MISSING_KINDS: tuple[str, ...] = ("acknowledgment", "paraphrase", "logical_fix", "emotional_fix", "ownership")
ADDITION_KINDS: tuple[str, ...] = ("paraphrase", "empathy", "gesture", "wait", "ownership")
#: Gestures an authority may list; unknown names are refused (E712) rather than ignored.
GESTURES: tuple[str, ...] = ("apology", "credit", "expedite", "refund_shipping", "replacement")


@dataclass(frozen=True, slots=True)
class Authority:
    """What the agent may offer: a credit up to ``max_credit`` and the listed gestures."""

    max_credit: float = 0.0
    currency: str = "USD"
    gestures: tuple[str, ...] = ("apology",)

    def allows(self, gesture: str) -> bool:
        if gesture == "credit":
            return "credit" in self.gestures and self.max_credit > 0
        return gesture in self.gestures


@dataclass(frozen=True, slots=True)
class QueueContext:
    """The ticket waits behind higher-impact work: its place, why, and (if known) when it is reached."""

    position: int
    reason: str
    eta_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Missing:
    kind: MissingKind
    why: str


@dataclass(frozen=True, slots=True)
class Replacement:
    """Better words for ``draft[start:end]``; ``label`` is the problem they answer."""

    start: int
    end: int
    text: str
    label: str
    why: str


@dataclass(frozen=True, slots=True)
class Addition:
    """A sentence the draft lacks; each one can be inserted on its own."""

    kind: AdditionKind
    text: str


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """Scorecard dimensions (0..100) of the conversation with the draft, and with the rewrite."""

    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Review:
    draft: str
    findings: tuple[Finding, ...] = ()
    missing: tuple[Missing, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    additions: tuple[Addition, ...] = ()
    rewrite: str = ""
    score: ScoreChange = field(default_factory=ScoreChange)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The HTTP answer shape (docs/coach.md)."""
        return {
            "findings": [
                {"label": f.label, "start": f.start, "end": f.end, "confidence": f.confidence, "explanation": f.explanation}
                for f in self.findings
            ],
            "missing": [{"kind": m.kind, "why": m.why} for m in self.missing],
            "replacements": [
                {"start": r.start, "end": r.end, "text": r.text, "label": r.label, "why": r.why} for r in self.replacements
            ],
            "additions": [{"kind": a.kind, "text": a.text} for a in self.additions],
            "rewrite": self.rewrite,
            "score": {"before": dict(self.score.before), "after": dict(self.score.after)},
            "notes": list(self.notes),
        }
