"""Accuracy evaluation on labelled dev splits (``heartdesk eval``).

Each dataset has a module here exposing ``evaluate(data_dir: Path) -> EvalResult``.
The datasets live outside the repository (``../shared/datasets`` by default);
nothing here is needed by the test suite, which uses its own fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure: e.g. name='paraphrase F1', value=0.63, target=0.60 (None when no target)."""

    name: str
    value: float
    target: float | None = None
    n: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value >= self.target


@dataclass(frozen=True, slots=True)
class EvalResult:
    dataset: str
    split: str
    metrics: tuple[Metric, ...]
    seconds: float = 0.0
    notes: str = ""


__all__ = ["EvalResult", "Metric"]
