"""Fit the emotion model's heads with a hidden layer: a small network over the same sparse features.

The linear SVM heads (``train_emotion._Head``) copy a transformer teacher's decisions only as well as a
linear model over n-grams can; on GoEmotions dev they stop ~0.02 short of the teacher. This fits

    z = x W + b + relu(x U + c) V

over the same feature vector ``x`` (word block and subword block), 7 Ekman columns then 28 GoEmotions
columns, to soft targets: the Ekman columns by cross-entropy against a distribution (the teacher's
softmax, or the gold set spread evenly), the GoEmotions columns by binary cross-entropy against
per-label probabilities (the teacher's sigmoids, or the gold labels). Because the hidden layer's
pre-activation ``x U + c`` is linear in ``x``, run time stores ``U`` beside ``W`` in the same tables
and pays only wider rows plus one small matrix product (``emotion.py``).

Plain numpy and scipy (the ``train`` extra), mini-batch Adam with a linearly decaying rate;
deterministic for a given seed (one permutation per epoch from the seed).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
N_EKMAN, N_FINE = 7, 28
N_OUT = N_EKMAN + N_FINE

HIDDEN = 32  # units; 64 reads ~0.001 better on dev and doubles the extra table space and gather cost
EPOCHS = 3
LEARNING_RATE = 0.01
BATCH = 512
MIN_STEPS = 300  # small data (a team's own, a test's) gets more epochs, so the network still settles


@dataclass(frozen=True)
class Targets:
    """Soft targets per training row: an Ekman distribution and per-label GoEmotions probabilities."""

    ekman: Floats  # (n, 7), rows sum to 1
    fine: Floats  # (n, 28), each in [0, 1]

    @classmethod
    def from_teacher(cls, logits: npt.NDArray[np.floating[Any]]) -> Targets:
        z = logits.astype(np.float32)
        fine = (1.0 / (1.0 + np.exp(-z[:, N_EKMAN:]))).astype(np.float32)
        return cls(ekman=_softmax(z[:, :N_EKMAN]).astype(np.float32), fine=fine)

    @classmethod
    def from_gold(cls, ekman_sets: list[list[int]], fine_sets: list[list[int]]) -> Targets:
        ek = np.zeros((len(ekman_sets), N_EKMAN), np.float32)
        fi = np.zeros((len(fine_sets), N_FINE), np.float32)
        for i, (es, fs) in enumerate(zip(ekman_sets, fine_sets, strict=True)):
            ek[i, es] = 1.0 / len(es)
            fi[i, fs] = 1.0
        return cls(ekman=ek, fine=fi)

    def take(self, rows: npt.NDArray[np.int64]) -> Targets:
        return Targets(ekman=self.ekman[rows], fine=self.fine[rows])


@dataclass(frozen=True)
class Network:
    w: Floats  # (features, 35)
    b: Floats  # (35,)
    u: Floats  # (features, hidden)
    c: Floats  # (hidden,)
    v: Floats  # (hidden, 35)

    def scores(self, x: Any) -> Floats:
        """Logits, one row per row of the sparse matrix ``x``."""
        pre = np.asarray(x @ self.u, np.float32) + self.c
        out: Floats = np.asarray(x @ self.w, np.float32) + self.b + np.maximum(pre, 0.0) @ self.v
        return out

    @property
    def columns(self) -> Floats:
        """``W`` and ``U`` side by side: the per-feature rows the run-time tables hold."""
        out: Floats = np.hstack([self.w, self.u]).astype(np.float32)
        return out

    @property
    def bias(self) -> Floats:
        out: Floats = np.concatenate([self.b, self.c]).astype(np.float32)
        return out


def _softmax(z: Floats) -> Floats:
    e = np.exp(z - z.max(1, keepdims=True))
    out: Floats = e / e.sum(1, keepdims=True)  # keeps the input's precision
    return out


def fit(
    x: Any,
    targets: Targets,
    *,
    seed: int,
    hidden: int = HIDDEN,
    epochs: int = EPOCHS,
    lr: float = LEARNING_RATE,
    batch: int = BATCH,
    log: str = "",
) -> Network:
    """Fit the network to ``targets`` (row i of ``x`` goes with row i of the targets)."""
    n, f = x.shape
    rng = np.random.RandomState(seed)
    params = [
        np.zeros((f, N_OUT), np.float32),
        np.zeros(N_OUT, np.float32),
        (rng.standard_normal((f, hidden)) * 0.05).astype(np.float32),
        np.zeros(hidden, np.float32),
        (rng.standard_normal((hidden, N_OUT)) / np.sqrt(hidden)).astype(np.float32),
    ]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    per_epoch = (n + batch - 1) // batch
    epochs = max(epochs, -(-MIN_STEPS // per_epoch))
    steps = epochs * per_epoch
    step = 0
    t0 = time.time()
    for ep in range(epochs):
        order = np.random.RandomState(seed * 1000 + ep).permutation(n)
        total = 0.0
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            grads, loss = _grads(params, x[idx], targets.take(idx))
            total += loss * len(idx)
            rate = lr * max(0.0, 1.0 - step / steps)  # linear decay to 0
            step += 1
            c1, c2 = 1 - beta1**step, 1 - beta2**step
            for p, g, a, q in zip(params, grads, m1, m2, strict=True):
                a *= beta1
                a += (1 - beta1) * g
                q *= beta2
                q += (1 - beta2) * (g * g)
                p -= (rate / c1) * a / (np.sqrt(q / c2) + eps)
        if log and (ep + 1 == epochs or per_epoch > 10):
            print(f"[{time.time() - t0:6.1f}s] {log}: epoch {ep + 1}/{epochs}, loss {total / n:.4f}", file=sys.stderr, flush=True)
    w, b, u, c, v = params
    return Network(w=w, b=b, u=u, c=c, v=v)


def _grads(params: list[Floats], xb: Any, t: Targets) -> tuple[list[Floats], float]:
    """Gradients of the mean loss of one batch, and the loss."""
    w, b, u, c, v = params
    k = xb.shape[0]
    dt = w.dtype  # float32 in training; a test checks the gradients in float64
    pre = np.asarray(xb @ u, dt) + c
    h = np.maximum(pre, 0.0)
    z = np.asarray(xb @ w, dt) + b + h @ v
    p_ek = _softmax(z[:, :N_EKMAN])
    zf = z[:, N_EKMAN:]
    p_fine = 1.0 / (1.0 + np.exp(-zf))
    # Cross-entropy of the Ekman distribution per row, binary cross-entropy per label (mean of both).
    loss = float(-(t.ekman * np.log(np.maximum(p_ek, 1e-12))).sum(1).mean())
    loss += float((np.maximum(zf, 0) - zf * t.fine + np.log1p(np.exp(-np.abs(zf)))).mean())
    dz = np.empty_like(z)
    dz[:, :N_EKMAN] = (p_ek - t.ekman) / k
    dz[:, N_EKMAN:] = (p_fine - t.fine) / (k * N_FINE)
    xt = xb.T.tocsr()
    dh = (dz @ v.T) * (pre > 0)
    grads = [
        np.asarray(xt @ dz, dt),
        dz.sum(0).astype(dt),
        np.asarray(xt @ dh, dt),
        dh.sum(0).astype(dt),
        (h.T @ dz).astype(dt),
    ]
    return grads, loss
