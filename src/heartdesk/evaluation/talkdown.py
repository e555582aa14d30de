"""TalkDown-derived condescension posts (Wang & Potts 2019, a second-hand copy): a generality check.

No target: the issue's hostility target is UCC's. TalkDown asks a narrower question of other text
(Reddit posts that a reply called condescending, against posts of the same threads that none did), so
it shows whether what the engine reads as talking down in UCC's news comments carries over. Each post
is analysed as an AGENT turn and scored as UCC is (:func:`heartdesk.evaluation.ucc.scores`):
``max(confidence of a confrontational / dismissive / defensive finding, (1 - tone) / 2)``.

The files are a student project's split of TalkDown's balanced train set by label (2,604 + 2,604 posts,
one column ``post``); the licence is unstated: evaluation only, nothing is trained on it. Phrases read
from its posts go into the tone lexicon only when UCC and the politeness ratings agree (docs/accuracy.md).
Expected files: ``<data_dir>/talkdown-derived/is_condescending.csv`` and ``is_not_condescending.csv``.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.evaluation.metrics import roc_auc
from heartdesk.evaluation.ucc import scores
from heartdesk.signals.pipeline import Pipeline

FOLDER = Path("talkdown-derived")
FILES = (("is_condescending.csv", 1), ("is_not_condescending.csv", 0))


def load(data_dir: Path) -> tuple[list[str], list[int]]:
    """(posts, 1 = condescending / 0 = not); empty posts left out."""
    texts: list[str] = []
    labels: list[int] = []
    for name, label in FILES:
        path = Path(data_dir) / FOLDER / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found")
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                post = (row.get("post") or "").strip()
                if post:
                    texts.append(post)
                    labels.append(label)
    return texts, labels


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    texts, labels = load(data_dir)
    combined, tone_only = scores(texts, Pipeline())
    n_pos = sum(labels)
    metrics = (
        Metric("ROC-AUC condescending vs not (findings + tone)", round(roc_auc(labels, combined), 4), None, n=len(labels)),
        Metric("ROC-AUC condescending vs not (tone only)", round(roc_auc(labels, tone_only), 4), None, n=len(labels)),
    )
    return EvalResult(
        dataset="talkdown",
        split="derived train",
        metrics=metrics,
        seconds=round(time.perf_counter() - t0, 2),
        notes=f"{n_pos} condescending / {len(labels) - n_pos} other Reddit posts; scored as UCC is",
    )
