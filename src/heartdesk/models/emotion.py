"""Customer emotion model (placeholder until the trained model lands: always neutral)."""

from __future__ import annotations

from collections.abc import Sequence

from heartdesk.model import EMOTIONS, Emotion


class NeutralEmotionModel:
    name = "neutral"
    version = "0"

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        scores = {e: (1.0 if e == "neutral" else 0.0) for e in EMOTIONS}
        return [Emotion("neutral", 0.0, scores) for _ in texts]


def load_default() -> NeutralEmotionModel:
    return NeutralEmotionModel()
