"""The numpy-only metrics of ``heartdesk eval``, by hand and against scikit-learn/scipy (dev extras)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import f1_score, precision_recall_fscore_support, roc_auc_score

from heartdesk.evaluation.metrics import (
    PRF,
    accuracy,
    confusion,
    macro_f1,
    pearson,
    per_label_prf,
    prf,
    rankdata,
    roc_auc,
    spearman,
)


def test_prf_by_hand() -> None:
    # tp=2 (items 0,1), fp=1 (item 2), fn=1 (item 3), tn=1
    r = prf([1, 1, 0, 1, 0], [1, 1, 1, 0, 0])
    assert (r.tp, r.fp, r.fn) == (2, 1, 1)
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(2 / 3)
    assert r.support == 3


def test_prf_zero_denominators_are_zero_not_nan() -> None:
    r = prf([0, 0, 1], [0, 0, 0])
    assert (r.precision, r.recall, r.f1) == (0.0, 0.0, 0.0)
    assert PRF.from_counts(0, 0, 0).f1 == 0.0


def test_prf_rejects_length_mismatch() -> None:
    with pytest.raises(ValueError):
        prf([1, 0], [1])


def test_per_label_and_macro_f1_match_sklearn() -> None:
    rng = np.random.default_rng(7)
    labels = ["anger", "joy", "neutral", "sadness", "fear"]
    y_true = [labels[i] for i in rng.integers(0, 5, 400)]
    y_pred = [labels[i] if rng.random() < 0.6 else labels[(i + 1) % 5] for i in rng.integers(0, 5, 400)]
    ours = per_label_prf(y_true, y_pred, labels)
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    for i, label in enumerate(labels):
        assert ours[label].precision == pytest.approx(p[i])
        assert ours[label].recall == pytest.approx(r[i])
        assert ours[label].f1 == pytest.approx(f[i])
        assert ours[label].support == support[i]
    assert macro_f1(y_true, y_pred, labels) == pytest.approx(f1_score(y_true, y_pred, labels=labels, average="macro"))


def test_macro_f1_counts_a_never_predicted_label_as_zero() -> None:
    y_true = ["a", "a", "b", "c"]
    y_pred = ["a", "a", "b", "b"]
    # a: 1.0, b: p=1/2 r=1 -> 2/3, c: 0
    assert macro_f1(y_true, y_pred, ["a", "b", "c"]) == pytest.approx((1 + 2 / 3 + 0) / 3)
    assert macro_f1(y_true, y_pred, ["a", "b"]) == pytest.approx((1 + 2 / 3) / 2)


def test_accuracy_and_confusion() -> None:
    y_true = ["x", "y", "y", "z"]
    y_pred = ["x", "y", "z", "z"]
    assert accuracy(y_true, y_pred) == pytest.approx(0.75)
    m = confusion(y_true, y_pred, ["x", "y", "z"])
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


def test_rankdata_averages_ties() -> None:
    assert rankdata([10, 20, 20, 5]).tolist() == [2.0, 3.5, 3.5, 1.0]
    assert rankdata([]).size == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spearman_matches_scipy_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, 300).astype(float)  # many ties on purpose
    y = x + rng.normal(0, 2.0, 300)
    y[::7] = 1.0
    assert spearman(x, y) == pytest.approx(float(spearmanr(x, y).statistic), abs=1e-12)


def test_spearman_and_pearson_edge_cases() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0  # constant side: undefined, reported as 0
    assert pearson([1.0], [2.0]) == 0.0
    with pytest.raises(ValueError):
        pearson([1, 2], [1, 2, 3])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_auc_matches_sklearn_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 500)
    s = np.round(y * 0.3 + rng.random(500), 1)  # rounding makes ties
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_roc_auc_by_hand() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    with pytest.raises(ValueError):
        roc_auc([1, 1], [0.2, 0.3])
