"""Per-class bias tuning for macro-F1, and the Ekman evaluation protocol (numpy only).

Both the trainer (which tunes biases on out-of-fold training predictions, never on
dev) and ``heartdesk eval`` use :func:`macro_f1`, so the figure tuned for is the
figure reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def gold_matrix(gold: Sequence[Sequence[int]], k: int) -> npt.NDArray[np.bool_]:
    """One row per text, True for each gold label."""
    g = np.zeros((len(gold), k), dtype=bool)
    for i, labels in enumerate(gold):
        g[i, list(labels)] = True
    return g


def per_class_f1(pred: npt.NDArray[np.int64], gold: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """F1 per class when one label is predicted per text and the gold is a *set* of labels.

    A prediction is a true positive of its class when it is in the gold set, otherwise a
    false positive of its class. Every gold label that is not the prediction is a false
    negative of that label (so a two-label text can never be fully recalled by one guess:
    the strict reading, a little lower than counting a hit as covering the whole set).
    """
    k = gold.shape[1]
    hot = np.zeros_like(gold)
    hot[np.arange(len(pred)), pred] = True
    tp = (hot & gold).sum(0)
    fp = (hot & ~gold).sum(0)
    fn = (gold & ~hot).sum(0)
    denom = np.maximum(2 * tp + fp + fn, 1)
    out: npt.NDArray[np.float64] = (2 * tp / denom).astype(np.float64)
    assert out.shape == (k,)
    return out


def macro_f1(pred: npt.NDArray[np.int64], gold: npt.NDArray[np.bool_]) -> float:
    return float(per_class_f1(pred, gold).mean())


def tune_bias(
    logits: npt.NDArray[np.float32], gold: npt.NDArray[np.bool_], rounds: int = 3, grid: int = 41, span: float = 2.0
) -> npt.NDArray[np.float32]:
    """Coordinate ascent on an additive per-class bias that maximises macro-F1 of the argmax.

    Small steps and few rounds keep it from chasing noise; the caller tunes on
    held-out (out-of-fold) predictions, so it learns class priors, not the test split.
    """
    k = logits.shape[1]
    bias = np.zeros(k, dtype=np.float32)
    steps = np.linspace(-span, span, grid, dtype=np.float32)
    best = macro_f1((logits + bias).argmax(1), gold)
    for _ in range(rounds):
        improved = False
        for c in range(k):
            base = bias[c]
            for s in steps:
                bias[c] = base + s
                score = macro_f1((logits + bias).argmax(1), gold)
                if score > best + 1e-6:
                    best, base, improved = score, bias[c], True
            bias[c] = base
        if not improved:
            break
    return bias
