"""Batch models that score every turn: customer emotion and tone.

Both run over many texts at once (one matrix product per batch), which is what
keeps ``analyze_many`` fast. Their shipped weights live in ``models/data/`` and
are loaded once per process; nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from heartdesk.model import Emotion

#: The shipped weights. Named here, in the package, not by each module's ``__file__``: a module of the
#: compiled build (heartdesk.native) lives elsewhere.
DATA_DIR = Path(__file__).resolve().parent / "data"


class EmotionModel(Protocol):
    name: str
    version: str

    def predict(self, texts: Sequence[str]) -> list[Emotion]: ...


class ToneModel(Protocol):
    name: str
    version: str

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        """Tone in [-1, 1] per text; ``emotions`` has None for agent turns (or is empty)."""
        ...


__all__ = ["DATA_DIR", "EmotionModel", "ToneModel"]
