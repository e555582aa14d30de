"""GoEmotions dev (Demszky et al., 2020, Apache-2.0): customer-emotion model on Ekman's 7 groups.

Protocol (fixed so that figures stay comparable, see docs/models.md):

* gold of a comment = the *set* of Ekman groups of its labels (official ``ekman_mapping.json``;
  ``neutral`` is its own group), so a comment labelled annoyance + disappointment has gold
  {anger, sadness};
* prediction = argmax of the model's ``ekman_scores`` (one group per comment);
* per group: a prediction in the gold set is a true positive of that group, otherwise a false
  positive of it; every gold group that is not the prediction is a false negative of that group;
* the headline is the macro mean of the 7 groups' F1 (target >= 0.60). The "lenient" variant, where
  a correct prediction leaves no false negative for the other gold groups, is reported beside it.

Expected files: ``<data_dir>/goemotions/{dev.tsv, emotions.txt, ekman_mapping.json}``. The model
was trained on GoEmotions *train* only; dev is never used to fit or tune anything.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.models.calibrate import gold_matrix, per_class_f1
from heartdesk.models.emotion import load_default
from heartdesk.models.labels import EKMAN, GOEMOTIONS, TO_EKMAN

TARGET = 0.60
FOLDER = Path("goemotions")


def load(data_dir: Path) -> tuple[list[str], list[list[int]]]:
    """Dev texts and, for each, the sorted indexes (into ``EKMAN``) of its gold groups."""
    folder = Path(data_dir) / FOLDER
    path = folder / "dev.tsv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found")
    names = GOEMOTIONS
    if (folder / "emotions.txt").is_file():
        names = tuple((folder / "emotions.txt").read_text(encoding="utf-8").split())
    to_group = dict(TO_EKMAN)
    if (folder / "ekman_mapping.json").is_file():
        official: dict[str, list[str]] = json.loads((folder / "ekman_mapping.json").read_text(encoding="utf-8"))
        to_group = {label: group for group, labels in official.items() for label in labels} | {"neutral": "neutral"}
    texts: list[str] = []
    gold: list[list[int]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            text, ids, _ = line.split("\t")
            groups = {EKMAN.index(to_group[names[int(i)]]) for i in ids.split(",")}
        except (ValueError, KeyError, IndexError) as exc:
            # A broken row would silently shift every figure if skipped: say where it is instead.
            raise ValueError(f"{path}:{n}: expected 'text<TAB>label ids<TAB>comment id' with known labels ({exc})") from exc
        texts.append(text)
        gold.append(sorted(groups))
    return texts, gold


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    texts, gold = load(data_dir)
    model = load_default()
    scores = model.ekman_scores(texts)
    pred = np.array([EKMAN.index(max(s, key=s.__getitem__)) for s in scores], dtype=np.int64)
    g = gold_matrix(gold, len(EKMAN))
    per = per_class_f1(pred, g)
    # Lenient: a hit covers the whole gold set (no false negatives for its other groups).
    hit = g[np.arange(len(pred)), pred]
    lenient = per_class_f1(pred, g & ~hit[:, None] | (np.eye(len(EKMAN), dtype=bool)[pred] & hit[:, None]))
    n = len(texts)
    per_group = {e: round(float(v), 4) for e, v in zip(EKMAN, per, strict=True)}
    metrics = [
        Metric("Ekman macro-F1 (argmax)", round(float(per.mean()), 4), TARGET, n, per_group),
        Metric("Ekman macro-F1 (lenient)", round(float(lenient.mean()), 4), None, n),
        Metric("accuracy (prediction in gold set)", round(float(hit.mean()), 4), None, n),
    ]
    metrics += [Metric(f"F1 {e}", per_group[e], None, int(g[:, i].sum())) for i, e in enumerate(EKMAN)]
    return EvalResult(
        dataset="goemotions",
        split="dev",
        metrics=tuple(metrics),
        seconds=time.perf_counter() - t0,
        notes=f"model {model.name} v{model.version}; trained on {model.trained_on}",
    )
