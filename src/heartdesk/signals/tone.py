"""Tone of every turn in [-1, 1] (placeholder: 0 until the tone scorer lands)."""

from __future__ import annotations

from collections.abc import Sequence

from heartdesk.model import Emotion


class RuleTone:
    name = "tone"
    version = "0"

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion]) -> list[float]:
        return [0.0 for _ in texts]


def load_default() -> RuleTone:
    return RuleTone()
