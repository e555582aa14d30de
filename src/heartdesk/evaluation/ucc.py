"""Unhealthy Comments Corpus (UCC, Price et al. 2020): confrontational/dismissive vs healthy.

Definition used here (documented in docs/signals.md):

* unhealthy (positive class): the comment is labelled with at least one of
  antagonize, condescending, dismissive, hostile, sarcastic — the attributes that
  correspond to confrontational/dismissive behaviour in a service reply;
* healthy (negative class): labelled healthy and none of those five;
* comments that are neither (e.g. only "generalisation") are left out.

Each comment is analysed as an AGENT turn through the public pipeline, and scored
``max(confidence of a confrontational / dismissive / defensive finding, (1 - tone) / 2)``
so a rule hit can lift a comment and tone ranks the rest. Target: ROC-AUC >= 0.75.
Also reported: tone alone, to show how much the agent detectors add.

CC BY-NC-SA 4.0: evaluation and rule tuning only, nothing that ships is trained on it.
Expected file: ``<data_dir>/ucc/val.csv``.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.evaluation.metrics import roc_auc
from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline

TARGET = 0.75
FILE = Path("ucc") / "val.csv"
UNHEALTHY = ("antagonize", "condescending", "dismissive", "hostile", "sarcastic")
HOSTILE_LABELS = frozenset({"confrontational", "dismissive", "defensive"})


def load(data_dir: Path) -> tuple[list[str], list[int]]:
    """(comments, 1 = unhealthy / 0 = healthy), ambiguous rows left out."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            bad = any(float(row[k] or 0) >= 0.5 for k in UNHEALTHY)
            healthy = float(row["healthy"] or 0) >= 0.5
            if bad or healthy:
                texts.append(row["comment"])
                labels.append(1 if bad else 0)
    return texts, labels


def scores(texts: list[str], pipeline: Pipeline | None = None) -> tuple[list[float], list[float]]:
    """(combined score, tone-only score) per comment, each higher = more unhealthy."""
    pipe = pipeline or Pipeline()
    convs = (Conversation(id=str(i), turns=(Turn(role="agent", text=t),)) for i, t in enumerate(texts))
    combined: list[float] = []
    tone_only: list[float] = []
    for a in pipe.analyze_many(convs):
        turn = a.turns[0]
        from_tone = (1.0 - turn.tone) / 2.0
        hit = max((f.confidence for f in turn.findings if f.label in HOSTILE_LABELS), default=0.0)
        combined.append(max(hit, from_tone))
        tone_only.append(from_tone)
    return combined, tone_only


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    texts, labels = load(data_dir)
    pipe = Pipeline()
    combined, tone_only = scores(texts, pipe)
    n_pos = sum(labels)
    metrics = (
        Metric("ROC-AUC unhealthy vs healthy (findings + tone)", round(roc_auc(labels, combined), 4), TARGET, n=len(labels)),
        Metric("ROC-AUC unhealthy vs healthy (tone only)", round(roc_auc(labels, tone_only), 4), None, n=len(labels)),
    )
    return EvalResult(
        dataset="ucc",
        split="val",
        metrics=metrics,
        seconds=round(time.perf_counter() - t0, 2),
        notes=f"{n_pos} unhealthy / {len(labels) - n_pos} healthy; detectors: {', '.join(d.name for d in pipe.detectors)}",
    )
