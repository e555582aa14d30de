"""Customer emotion in the service domain: US airline tweets (negative vs neutral/positive).

GoEmotions measures emotion in Reddit comments; customers write differently ("on hold for 2
hours", "still no refund"). This set, 14,640 customer tweets to six airlines labelled
negative / neutral / positive, checks the customer emotion the pipeline reports:

* ROC-AUC of distress (``heartdesk.signals.base.distress``) for negative vs the rest, for the
  emotion model alone and for the pipeline (model + customer-service cues,
  ``heartdesk.signals.emotion_cues``);
* recall and precision of a distress label (anger, frustration, disgust, anxiety, sadness,
  disappointment) on the negative tweets, both ways.

There is no split: the cue lexicon was written from support wording and checked on the tweets
with an even id (the figures are reported for both halves, so a gap would show). CC BY-NC-SA 4.0:
evaluation only; nothing that ships is trained on it. Expected file:
``<data_dir>/airline-tweets/Tweets.csv``.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from pathlib import Path

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.evaluation.metrics import roc_auc
from heartdesk.model import Conversation, Emotion, Turn
from heartdesk.signals.base import distress
from heartdesk.signals.pipeline import Pipeline

FILE = Path("airline-tweets") / "Tweets.csv"
DISTRESS_LABELS = frozenset({"anger", "frustration", "disgust", "anxiety", "sadness", "disappointment"})


def load(data_dir: Path) -> tuple[list[str], list[int], list[int]]:
    """(texts, 1 = negative / 0 = neutral or positive, 0 = even tweet id / 1 = odd)."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    texts: list[str] = []
    labels: list[int] = []
    halves: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["text"])
            labels.append(1 if row["airline_sentiment"] == "negative" else 0)
            halves.append(int(row["tweet_id"]) % 2)
    return texts, labels, halves


def _figures(name: str, emotions: Sequence[Emotion], labels: Sequence[int]) -> list[Metric]:
    n = len(labels)
    auc = round(roc_auc(labels, [distress(e) for e in emotions]), 4)
    predicted = [1 if e.label in DISTRESS_LABELS else 0 for e in emotions]
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    return [
        Metric(f"{name}: ROC-AUC negative vs rest (distress)", auc, None, n),
        Metric(f"{name}: distress-label recall on negative", round(tp / max(1, sum(labels)), 4), None, sum(labels)),
        Metric(f"{name}: distress-label precision", round(tp / max(1, sum(predicted)), 4), None, sum(predicted)),
    ]


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    texts, labels, halves = load(data_dir)
    pipe = Pipeline(detectors=[])
    model_only = pipe.emotion_model.predict(texts)
    convs = (Conversation(id=str(i), turns=(Turn(role="customer", text=t),)) for i, t in enumerate(texts))
    combined: list[Emotion] = []
    for a in pipe.analyze_many(convs):
        emotion = a.turns[0].emotion
        assert emotion is not None  # a customer turn always has one
        combined.append(emotion)
    metrics = _figures("model", model_only, labels) + _figures("pipeline", combined, labels)
    for half in (0, 1):
        idx = [i for i, h in enumerate(halves) if h == half]
        sub = [labels[i] for i in idx]
        if len(set(sub)) < 2:
            continue  # a half with one class has no ROC-AUC; the whole file's figures still stand
        metrics.append(
            Metric(
                f"pipeline, {'even' if half == 0 else 'odd'} ids: ROC-AUC negative vs rest",
                round(roc_auc(sub, [distress(combined[i]) for i in idx]), 4),
                None,
                len(idx),
            )
        )
    return EvalResult(
        dataset="airline",
        split="all",
        metrics=tuple(metrics),
        seconds=round(time.perf_counter() - t0, 2),
        notes=f"{sum(labels)} negative / {len(labels) - sum(labels)} neutral or positive customer tweets",
    )
