"""Evaluation metrics in plain numpy, shared by every dataset module of ``heartdesk eval``.

scikit-learn and scipy are training extras only; ``heartdesk eval`` must run on the
runtime dependencies, so the few metrics it reports are written out here (and
checked against sklearn/scipy in tests/test_metrics.py).

Conventions follow scikit-learn's: a ratio whose denominator is zero is 0.0
(e.g. precision with no positive prediction), and labels are compared with ``==``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "PRF",
    "accuracy",
    "confusion",
    "macro_f1",
    "pearson",
    "per_label_prf",
    "prf",
    "rankdata",
    "roc_auc",
    "spearman",
]


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 of one label, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        """How many items truly carry the label."""
        return self.tp + self.fn

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> PRF:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, tp, fp, fn)


def _bool(values: Sequence[Any] | npt.ArrayLike) -> npt.NDArray[np.bool_]:
    return np.asarray(values).astype(bool).ravel()


def prf(y_true: Sequence[Any] | npt.ArrayLike, y_pred: Sequence[Any] | npt.ArrayLike) -> PRF:
    """Binary precision/recall/F1: truthy items are the positive class."""
    t, p = _bool(y_true), _bool(y_pred)
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} items but y_pred has {p.size}")
    tp = int(np.count_nonzero(t & p))
    fp = int(np.count_nonzero(~t & p))
    fn = int(np.count_nonzero(t & ~p))
    return PRF.from_counts(tp, fp, fn)


def per_label_prf(
    y_true: Sequence[Hashable], y_pred: Sequence[Hashable], labels: Sequence[Hashable] | None = None
) -> dict[Hashable, PRF]:
    """One-vs-rest P/R/F1 for each label of a single-label (multi-class) task.

    ``labels`` fixes the set and order (default: every label seen in either list, sorted by str).
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    if labels is None:
        labels = sorted(set(y_true) | set(y_pred), key=str)
    out: dict[Hashable, PRF] = {}
    for label in labels:
        tp = fp = fn = 0
        for t, p in zip(y_true, y_pred, strict=True):
            if p == label:
                if t == label:
                    tp += 1
                else:
                    fp += 1
            elif t == label:
                fn += 1
        out[label] = PRF.from_counts(tp, fp, fn)
    return out


def macro_f1(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], labels: Sequence[Hashable] | None = None) -> float:
    """Unweighted mean of per-label F1 (scikit-learn's ``f1_score(average='macro')``).

    Pass ``labels`` to average over a fixed label set (e.g. Ekman's seven groups),
    so a label the model never predicts still counts as 0 rather than vanishing.
    """
    scores = per_label_prf(y_true, y_pred, labels)
    return float(np.mean([s.f1 for s in scores.values()])) if scores else 0.0


def accuracy(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> float:
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    if not y_true:
        return 0.0
    return sum(1 for t, p in zip(y_true, y_pred, strict=True) if t == p) / len(y_true)


def confusion(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], labels: Sequence[Hashable]) -> npt.NDArray[np.int64]:
    """Confusion matrix: rows are true labels, columns predicted, in ``labels`` order (others ignored)."""
    index = {label: i for i, label in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        if t in index and p in index:
            m[index[t], index[p]] += 1
    return m


def rankdata(values: Sequence[float] | npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Ranks 1..n with ties given their average rank (scipy's ``rankdata(method='average')``)."""
    a = np.asarray(values, dtype=np.float64).ravel()
    n = a.size
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    order = np.argsort(a, kind="mergesort")
    s = a[order]
    # Runs of equal values share the mean of the ranks they span.
    new_run = np.empty(n, dtype=bool)
    new_run[0] = True
    np.not_equal(s[1:], s[:-1], out=new_run[1:])
    run_id = np.cumsum(new_run) - 1
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:], n)
    avg = (starts + ends + 1) / 2.0  # mean of the 1-based ranks start+1 .. end
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = avg[run_id]
    return ranks


def pearson(x: Sequence[float] | npt.ArrayLike, y: Sequence[float] | npt.ArrayLike) -> float:
    """Pearson correlation; 0.0 when either side is constant (undefined), rather than NaN."""
    a = np.asarray(x, dtype=np.float64).ravel()
    b = np.asarray(y, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"x has {a.size} items but y has {b.size}")
    if a.size < 2:
        return 0.0
    a = a - a.mean()
    b = b - b.mean()
    denom = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    if denom == 0.0:
        return 0.0
    return float(np.clip(np.dot(a, b) / denom, -1.0, 1.0))


def spearman(x: Sequence[float] | npt.ArrayLike, y: Sequence[float] | npt.ArrayLike) -> float:
    """Spearman's rho: Pearson correlation of average ranks (ties handled as scipy does)."""
    return pearson(rankdata(x), rankdata(y))


def roc_auc(y_true: Sequence[Any] | npt.ArrayLike, scores: Sequence[float] | npt.ArrayLike) -> float:
    """Area under the ROC curve for binary labels (truthy = positive), ties counting one half.

    Computed as the Mann-Whitney U statistic from average ranks, which equals
    scikit-learn's ``roc_auc_score``. Raises ValueError when only one class is present.
    """
    t = _bool(y_true)
    s = np.asarray(scores, dtype=np.float64).ravel()
    if t.shape != s.shape:
        raise ValueError(f"y_true has {t.size} items but scores has {s.size}")
    n_pos = int(np.count_nonzero(t))
    n_neg = t.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC needs both positive and negative items")
    ranks = rankdata(s)
    u = float(ranks[t].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)
