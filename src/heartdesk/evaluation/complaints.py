"""The ``complaint`` finding on customer tweets to companies (Preotiuc-Pietro et al., ACL 2019).

3,449 tweets, 1,232 of them complaints, from nine domains (apparel, cars, electronics, food,
retail, services, software, transport, other) plus random replies and tweets. Each tweet is
read as a one-turn conversation; it counts as a complaint when the pipeline reports a
``complaint`` finding at confidence >= 0.5 (the contract's "present"). Figures: precision,
recall and F1 of that, ROC-AUC of the strongest complaint confidence (0 where there is none),
and F1 per domain.

No split ships with the set. The complaint lexicon was checked against the tweets with an even
id only; the odd ids are reported apart, so a gap would show. The licence is unstated (tweets
under X's terms): evaluation only; nothing that ships is trained on it. Expected file, with no
header row: ``<data_dir>/complaints/complaints-data.csv`` (tweet_id, text, label, domain).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.evaluation.metrics import prf, roc_auc
from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline

FILE = Path("complaints") / "complaints-data.csv"


def load(data_dir: Path) -> tuple[list[str], list[int], list[str], list[int]]:
    """(texts, 1 = complaint / 0 = not, domains, 0 = even tweet id / 1 = odd)."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    texts: list[str] = []
    labels: list[int] = []
    domains: list[str] = []
    halves: list[int] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 4 or not row[0].strip().isdigit():
                continue  # a header or a broken row
            texts.append(row[1])
            labels.append(1 if row[2].strip() == "1" else 0)
            domains.append(row[3].strip())
            halves.append(int(row[0]) % 2)
    return texts, labels, domains, halves


def scores(texts: list[str]) -> list[float]:
    """Per text, the strongest ``complaint`` confidence the pipeline reports (0.0 where none)."""
    pipe = Pipeline()
    convs = (Conversation(id=str(i), turns=(Turn(role="customer", text=t),)) for i, t in enumerate(texts))
    return [
        max((f.confidence for f in a.turns[0].findings if f.label == "complaint"), default=0.0) for a in pipe.analyze_many(convs)
    ]


def _figures(name: str, labels: list[int], conf: list[float]) -> list[Metric]:
    predicted = [1 if c >= 0.5 else 0 for c in conf]
    got = prf(labels, predicted)
    p, r, f1 = got.precision, got.recall, got.f1
    n = len(labels)
    return [
        Metric(f"{name}: complaint F1", round(f1, 4), None, n, {"precision": round(p, 4), "recall": round(r, 4)}),
        Metric(f"{name}: complaint precision", round(p, 4), None, sum(predicted)),
        Metric(f"{name}: complaint recall", round(r, 4), None, sum(labels)),
        Metric(f"{name}: ROC-AUC (complaint confidence)", round(roc_auc(labels, conf), 4), None, n),
    ]


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    texts, labels, domains, halves = load(data_dir)
    conf = scores(texts)
    metrics = _figures("all", labels, conf)
    for half, name in ((0, "even ids (checked)"), (1, "odd ids (not looked at)")):
        idx = [i for i, h in enumerate(halves) if h == half]
        metrics += _figures(name, [labels[i] for i in idx], [conf[i] for i in idx])[:1]
    for domain in sorted(set(domains)):
        idx = [i for i, d in enumerate(domains) if d == domain]
        sub = [labels[i] for i in idx]
        if sum(sub):  # the random tweets hold no complaint: no F1 to give
            metrics += _figures(f"domain {domain}", sub, [conf[i] for i in idx])[:1]
    return EvalResult(
        dataset="complaints",
        split="all",
        metrics=tuple(metrics),
        seconds=round(time.perf_counter() - t0, 2),
        notes=f"{sum(labels)} complaints / {len(labels) - sum(labels)} other customer tweets",
    )
