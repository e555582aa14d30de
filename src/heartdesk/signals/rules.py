"""A detector driven by one lexicon file: the common case for rule-based labels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from mypy_extensions import mypyc_attr

from heartdesk.model import Finding, Turn
from heartdesk.signals.base import Reads, TurnContext
from heartdesk.signals.lexicon import Lexicon, builtin


# Detectors subclass it (built-ins with @register, plugins too): an ordinary class even when compiled.
@mypyc_attr(native_class=False)
class LexiconDetector:
    """Subclass, set ``name``/``reads``/``produces`` and ``lexicon`` (file stem), and register.

    ``adjust`` may rescale or drop a hit using the context (return None to drop).
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    reads: ClassVar[Reads] = "any"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ()
    lexicon: ClassVar[str]

    def __init__(self) -> None:
        self._lex: Lexicon = builtin(self.lexicon)

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        lex = self._lex
        for hit in lex.hits(turn.text):
            conf = self.adjust(hit.rule.confidence, hit.start, hit.end, turn, ctx)
            if conf is None:
                continue
            yield Finding(
                label=lex.label,
                start=hit.start,
                end=hit.end,
                confidence=round(min(1.0, max(0.0, conf)), 3),
                explanation=hit.rule.explanation,
                detector=self.name,
                version=f"{self.version}+lex{lex.version}",
                suggestion=hit.rule.suggestion,
            )

    def adjust(self, confidence: float, start: int, end: int, turn: Turn, ctx: TurnContext) -> float | None:
        return confidence
