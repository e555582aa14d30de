"""Politeness (Wikipedia requests, Danescu-Niculescu-Mizil et al. 2013): does ``tone`` rank like people do?

Each request is analysed as a one-turn conversation through the public pipeline
(emotion model, then tone), and the turn's tone is compared with the human
politeness score (z-scored mean of five raters). Target: Spearman >= 0.5.

The corpus is a research release of unclear licence: it is used here to evaluate
and to sanity-check the hand-set weights of ``lexicons/tone.toml``, never to fit
anything that ships. Expected file: ``<data_dir>/politeness/wikipedia.annotated.csv``.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.evaluation.metrics import roc_auc, spearman
from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline

TARGET = 0.5
FILE = Path("politeness") / "wikipedia.annotated.csv"


def load(data_dir: Path) -> tuple[list[str], list[float]]:
    path = Path(data_dir) / FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    texts: list[str] = []
    scores: list[float] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["Request"])
            scores.append(float(row["Normalized Score"]))
    return texts, scores


def tones(texts: list[str], pipeline: Pipeline | None = None) -> list[float]:
    """Tone of each text as the pipeline reports it for a one-turn conversation."""
    pipe = pipeline or Pipeline(detectors=[])
    convs = (Conversation(id=str(i), turns=(Turn(role="customer", text=t),)) for i, t in enumerate(texts))
    return [a.turns[0].tone for a in pipe.analyze_many(convs)]


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    texts, human = load(data_dir)
    pipe = Pipeline(detectors=[])
    tone = tones(texts, pipe)
    rules_only = pipe.tone_model.score(texts, [])  # without the emotion term, for the record
    y = np.asarray(human)
    lo, hi = np.quantile(y, [0.25, 0.75])
    ends = (y <= lo) | (y >= hi)  # the paper's polite / impolite quartiles
    t = np.asarray(tone)
    metrics = (
        Metric("Spearman(tone, politeness)", round(spearman(tone, human), 4), TARGET, n=len(texts)),
        Metric("Spearman(rules only, politeness)", round(spearman(rules_only, human), 4), None, n=len(texts)),
        Metric("quartile ROC-AUC (polite vs impolite)", round(roc_auc(y[ends] >= hi, t[ends]), 4), None, n=int(ends.sum())),
    )
    return EvalResult(
        dataset="politeness",
        split="wikipedia",
        metrics=metrics,
        seconds=round(time.perf_counter() - t0, 2),
        notes=f"tone model {pipe.tone_model.name} {pipe.tone_model.version}, emotion model {pipe.emotion_model.name}",
    )
