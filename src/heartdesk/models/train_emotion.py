"""Train the shipped customer-emotion model from GoEmotions (Apache-2.0) only.

``heartdesk train emotion --data DIR [--out FILE] [--seed N]`` (needs the ``train`` extra:
scikit-learn, scipy). Reads ``DIR/goemotions/train.tsv`` (or ``DIR/train.tsv``); dev is
only read to print the figure at the end, never to fit or tune anything.

Model: two linear SVM heads (one-vs-rest, class-balanced) over one sparse feature vector per
text, an Ekman-7 head and a GoEmotions-28 head. The vector is made of two L2-normalised blocks:

* word block: binary TF-IDF of word unigrams and bigrams (``features.ngrams``);
* subword block: TF-IDF of character 2-5-grams of every token, summed over the tokens. Its
  norm is taken as ``sqrt(sum over tokens |v(token)|^2)`` rather than the exact norm, which
  makes the block a plain sum of per-token vectors: at run time each known token's
  contribution is precomputed once (a fastText-like table), so subwords cost one dict look-up
  per token instead of ~25 n-gram strings.

The Ekman decision is the Ekman margin plus ``mix`` times, per group, the best margin of the
group's GoEmotions labels; ``mix`` and per-class biases are tuned for macro-F1 on 3-fold
out-of-fold predictions of the training set, and temperatures fitted on the same predictions
turn margins into probabilities. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heartdesk.models import DATA_DIR, student
from heartdesk.models.calibrate import gold_matrix, macro_f1, per_class_f1, tune_bias
from heartdesk.models.distill import Teacher, TeacherError
from heartdesk.models.features import char_ngrams, ngrams, words
from heartdesk.models.labels import EKMAN, GOEMOTIONS, GROUP_COLUMNS, TO_EKMAN

DEFAULT_OUT = DATA_DIR / "emotion.npz"
C_EKMAN = 0.05  # LinearSVC; chosen among 0.02-0.2 by out-of-fold macro-F1 on train
C_FINE = 0.05
MIXES = (0.0, 0.5, 1.0, 2.0)
FOLDS = 3
MIN_DF_WORD = 2
MIN_DF_CHAR = 3


def read_split(data_dir: Path, split: str) -> tuple[list[str], list[list[int]]]:
    folder = data_dir / "goemotions" if (data_dir / "goemotions").is_dir() else data_dir
    texts: list[str] = []
    labels: list[list[int]] = []
    for line in (folder / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        texts.append(text)
        labels.append([int(i) for i in ids.split(",")])
    return texts, labels


def ekman_sets(labels: Sequence[Sequence[int]]) -> list[list[int]]:
    return [sorted({EKMAN.index(TO_EKMAN[GOEMOTIONS[i]]) for i in ls}) for ls in labels]


class Featuriser:
    """Fits the vocabularies on training text and builds the two-block sparse matrix.

    Word block: binary TF-IDF, L2-normalised (as ``TfidfVectorizer(binary=True)``). Subword block:
    a sum over token occurrences divided by ``sqrt(sum of their squared norms)``, so that run time
    can add up precomputed per-token rows.
    """

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.word_vec = CountVectorizer(analyzer=ngrams, min_df=MIN_DF_WORD, binary=True, dtype=np.float32)
        self.tok_vec = CountVectorizer(analyzer=words, dtype=np.float32)
        self.char_vocab: dict[str, int] = {}
        self._cv = CountVectorizer

    def fit(self, texts: Sequence[str]) -> Featuriser:
        import scipy.sparse as sp

        n = len(texts)
        c = self.word_vec.fit_transform(texts)
        self.word_idf = _idf(np.asarray((c > 0).sum(0)).ravel(), n)
        d = self.tok_vec.fit_transform(texts)  # docs x tokens (counts)
        toks = self.tok_vec.get_feature_names_out().tolist()
        cv = self._cv(analyzer=char_ngrams, dtype=np.float32)
        tc = cv.fit_transform(toks)  # tokens x char n-grams (counts)
        df = np.asarray(((d > 0).astype(np.float32) @ (tc > 0).astype(np.float32) > 0).sum(0)).ravel()
        keep = np.flatnonzero(df >= MIN_DF_CHAR)
        names = cv.get_feature_names_out()
        self.char_vocab = {str(names[j]): i for i, j in enumerate(keep)}
        self.char_idf = _idf(df[keep], n)
        self.tok_char = sp.csr_matrix(tc[:, keep] @ sp.diags(self.char_idf), dtype=np.float32)
        return self

    def token_char_matrix(self, toks: Sequence[str]) -> Any:
        """Rows of idf-weighted char n-gram counts for arbitrary tokens (known or not)."""
        import scipy.sparse as sp

        rows, cols, vals = [], [], []
        for r, t in enumerate(toks):
            for g in char_ngrams(t):
                j = self.char_vocab.get(g)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
                    vals.append(self.char_idf[j])
        shape = (len(toks), len(self.char_vocab))
        return sp.csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=shape)

    def transform(self, texts: Sequence[str]) -> Any:
        import scipy.sparse as sp

        c = self.word_vec.transform(texts)
        xw = _rownorm(c @ sp.diags(self.word_idf), c @ (self.word_idf**2))
        tv = self.tok_vec
        d = tv.transform(texts)
        known = d @ self.tok_char
        sq = d @ np.asarray(self.tok_char.multiply(self.tok_char).sum(1)).ravel()
        # Tokens unseen in training still get their subwords, exactly as at run time.
        extra_rows, extra_toks = [], []
        for i, t in enumerate(texts):
            for w in words(t):
                if w not in tv.vocabulary_:
                    extra_rows.append(i)
                    extra_toks.append(w)
        if extra_toks:
            m = self.token_char_matrix(extra_toks)
            assign = sp.csr_matrix((np.ones(len(extra_rows), np.float32), (extra_rows, range(len(extra_rows)))),
                                   shape=(len(texts), len(extra_rows)))  # fmt: skip
            known = known + assign @ m
            sq = sq + assign @ np.asarray(m.multiply(m).sum(1)).ravel()
        xc = _rownorm(known, sq)
        return sp.hstack([xw, xc], format="csr", dtype=np.float32)


def _idf(df: npt.NDArray[np.generic], n: int) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = (np.log((1 + n) / (1 + df.astype(np.float64))) + 1).astype(np.float32)
    return out


def _rownorm(x: Any, sq: npt.NDArray[np.generic]) -> Any:
    import scipy.sparse as sp

    return sp.diags((1.0 / np.sqrt(np.maximum(np.asarray(sq, np.float64), 1e-12))).astype(np.float32)) @ x


class _Head:
    """A linear SVM whose weights always cover all ``k`` classes, even those absent from the data.

    (A user's own data may lack some labels; an absent class gets zero weights and a very low bias.)
    """

    def __init__(self, x: Any, y: npt.NDArray[np.int64], k: int, c: float, seed: int) -> None:
        from sklearn.svm import LinearSVC

        m = LinearSVC(C=c, class_weight="balanced", random_state=seed, max_iter=5000).fit(x, y)
        coef, intercept = m.coef_, m.intercept_
        if len(m.classes_) == 2:  # scikit-learn keeps one row for two classes
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        self.coef = np.zeros((k, x.shape[1]), np.float32)
        self.intercept = np.full(k, -10.0, np.float32)
        self.coef[m.classes_] = coef
        self.intercept[m.classes_] = intercept

    def scores(self, x: Any) -> npt.NDArray[np.float32]:
        out: npt.NDArray[np.float32] = np.asarray(x @ self.coef.T, np.float32) + self.intercept
        return out


def fit_temperature(scores: npt.NDArray[np.float32], gold: npt.NDArray[np.bool_]) -> float:
    """Scale that turns SVM margins into probabilities: minimises the log-loss of the gold *set*."""
    best_t, best_loss = 1.0, np.inf
    for t in np.logspace(-0.5, 1.5, 81):  # a network's logits may need cooling as well as sharpening
        z = scores * t
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        loss = -np.log(np.maximum((p * gold).sum(1), 1e-12)).mean()
        if loss < best_loss:
            best_t, best_loss = float(t), float(loss)
    return best_t


def _expand(label_sets: Sequence[Sequence[int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A multi-label text becomes one training row per label (the softmax then learns the mix)."""
    rows = [i for i, ls in enumerate(label_sets) for _ in ls]
    ys = [c for ls in label_sets for c in ls]
    return np.array(rows, dtype=np.int64), np.array(ys, dtype=np.int64)


def _log(msg: str, t0: float) -> None:
    print(f"[{time.time() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def teacher_fine_rows(
    fine_logits: npt.NDArray[np.float32], threshold: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows for the 28-label head from the teacher's (sigmoid, multi-label) GoEmotions logits.

    Every label whose sigmoid reaches ``threshold`` gives a row, and the argmax always does, so a
    text the teacher reads as two emotions teaches both (as ``_expand`` does with gold sets).
    Returns (transfer-set row per training row, label), rows in transfer-set order.
    """
    p = 1 / (1 + np.exp(-fine_logits.astype(np.float32)))
    hot = p >= threshold
    hot[np.arange(len(p)), p.argmax(1)] = True
    rows, ys = np.nonzero(hot)
    return rows.astype(np.int64), ys.astype(np.int64)


def main(
    data_dir: Path,
    out: Path | None,
    seed: int,
    teacher: Path | None = None,
    fine_multi: float | None = None,
    hidden: int = 0,
) -> int:
    """``fine_multi``: with a teacher, fit the 28-label head to every label whose teacher sigmoid is at
    least this (plus the argmax) instead of the argmax alone; ``None`` keeps the argmax only.
    ``hidden``: fit both heads as one network with this many hidden units (``student.py``) to soft
    targets (the teacher's probabilities, or the gold sets) instead of two linear SVMs."""
    t0 = time.time()
    np.random.seed(seed)
    out = out or DEFAULT_OUT
    try:
        texts, fine = read_split(data_dir, "train")
    except FileNotFoundError as exc:
        print(f"GoEmotions train.tsv not found under {data_dir}: {exc}", file=sys.stderr)
        return 2
    ek = ekman_sets(fine)
    if fine_multi is not None and (teacher is None or not 0.0 < fine_multi < 1.0 or hidden):
        print("--fine-multi-label needs --teacher, no --hidden, and a threshold between 0 and 1", file=sys.stderr)
        return 2
    if hidden < 0:
        print("--hidden must be 0 (linear heads) or a number of hidden units", file=sys.stderr)
        return 2
    feat = Featuriser().fit(texts)
    if teacher is None:
        fit_texts, origin = texts, np.arange(len(texts))
        rows, ys = _expand(ek)
        frows, fys = _expand(fine)
    else:
        try:
            taught = Teacher.load(teacher, texts)
        except (OSError, KeyError, TeacherError) as exc:
            print(f"cannot use the teacher file: {exc}", file=sys.stderr)
            return 2
        # The heads copy the teacher's decisions on the transfer set (train texts first, then their
        # perturbed copies); gold labels still drive the calibration below.
        fit_texts, origin = taught.texts, taught.origin
        rows = frows = np.arange(len(fit_texts))
        ys, fys = taught.ekman, taught.fine
        if fine_multi is not None:
            with np.load(teacher) as z:
                frows, fys = teacher_fine_rows(z["logits"][:, len(EKMAN) :], fine_multi)
            _log(f"28-label head: {len(fys)} rows (teacher sigmoid >= {fine_multi} or argmax)", t0)
    x = feat.transform(fit_texts)  # the train texts are its first rows either way
    _log(f"features {x.shape} from {len(fit_texts)} texts", t0)
    # The network's soft targets: the teacher's probabilities on the transfer set, or the gold sets.
    soft = student.Targets.from_gold(ek, fine)
    if hidden and teacher is not None:
        with np.load(teacher) as z:
            soft = student.Targets.from_teacher(z["logits"])

    # Out-of-fold margins of both heads, for tuning: folds split by train text, never by row, and a
    # perturbed copy always falls in its text's fold.
    rng = np.random.RandomState(seed)
    fold = rng.permutation(len(texts)) % FOLDS
    oof_ek = np.zeros((len(texts), len(EKMAN)), np.float32)
    oof_fine = np.zeros((len(texts), len(GOEMOTIONS)), np.float32)
    for f in range(FOLDS):
        te = np.flatnonzero(fold == f)
        if hidden:
            tr_rows = np.flatnonzero(fold[origin] != f)
            z_oof = student.fit(x[tr_rows], soft.take(tr_rows), seed=seed, hidden=hidden, log=f"fold {f + 1}").scores(x[te])
            oof_ek[te], oof_fine[te] = z_oof[:, : len(EKMAN)], z_oof[:, len(EKMAN) :]
            _log(f"fold {f + 1}/{FOLDS}", t0)
            continue
        tr = fold[origin[rows]] != f
        oof_ek[te] = _Head(x[rows[tr]], ys[tr], len(EKMAN), C_EKMAN, seed).scores(x[te])
        tr = fold[origin[frows]] != f
        oof_fine[te] = _Head(x[frows[tr]], fys[tr], len(GOEMOTIONS), C_FINE, seed).scores(x[te])
        _log(f"fold {f + 1}/{FOLDS}", t0)
    gold = gold_matrix(ek, len(EKMAN))
    # The Ekman decision adds the best-scoring fine label of each group (times ``mix``) to the Ekman
    # margin: two views of the same text; ``mix`` and the biases are picked on out-of-fold predictions.
    best: tuple[float, float, npt.NDArray[np.float32]] = (-1.0, 0.0, np.zeros(len(EKMAN), np.float32))
    for mix in MIXES:
        score = oof_ek + mix * group_max(oof_fine)
        # A network's logits are on a wider scale than the SVMs' margins: a wider bias grid.
        calib = tune_bias(score, gold, span=1.0 if hidden else 0.5)
        f1 = macro_f1((score + calib).argmax(1), gold)
        _log(f"mix {mix}: out-of-fold macro-F1 {macro_f1(score.argmax(1), gold):.4f} -> {f1:.4f} calibrated", t0)
        if f1 > best[0]:
            best = (f1, mix, calib)
    _, mix, calib = best
    ek_temp = fit_temperature(oof_ek + mix * group_max(oof_fine) + calib, gold)
    fine_temp = fit_temperature(oof_fine, gold_matrix(fine, len(GOEMOTIONS)))
    _log(f"chose mix {mix}, biases {np.round(calib, 3).tolist()}, temperatures {ek_temp:.2f} / {fine_temp:.2f}", t0)

    hidden_out: npt.NDArray[np.float32] | None = None
    if hidden:
        net = student.fit(x, soft, seed=seed, hidden=hidden, log="all rows")
        coef, bias, hidden_out = net.columns, net.bias, net.v  # features x (35 + hidden)
        bias[: len(EKMAN)] += calib
    else:
        ek_model = _Head(x[rows], ys, len(EKMAN), C_EKMAN, seed)
        fine_model = _Head(x[frows], fys, len(GOEMOTIONS), C_FINE, seed)
        coef = np.vstack([ek_model.coef, fine_model.coef]).T.astype(np.float32)  # features x 35
        bias = np.concatenate([ek_model.intercept + calib, fine_model.intercept]).astype(np.float32)
    _log("heads fitted", t0)
    trained_on = "GoEmotions train (Apache-2.0)" + (f", labels from the teacher {teacher.name}" if teacher else "")
    save(out, feat, coef, bias, seed, np.array([mix, ek_temp, fine_temp], np.float32), trained_on, hidden_out)
    _log(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", t0)

    try:
        dev_texts, dev_fine = read_split(data_dir, "dev")
    except FileNotFoundError:
        return 0
    from heartdesk.models.emotion import EmotionClassifier

    clf = EmotionClassifier.load(out)
    pred = np.array([max(s, key=s.__getitem__) for s in clf.ekman_scores(dev_texts)])
    pred_idx = np.array([EKMAN.index(p) for p in pred], dtype=np.int64)
    dgold = gold_matrix(ekman_sets(dev_fine), len(EKMAN))
    per = per_class_f1(pred_idx, dgold)
    print(json.dumps({"dev_ekman_macro_f1": round(float(per.mean()), 4),
                      "per_class": {e: round(float(v), 4) for e, v in zip(EKMAN, per, strict=True)}}))  # fmt: skip
    return 0


def group_max(fine: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Per Ekman group, the highest score among its GoEmotions labels."""
    out: npt.NDArray[np.float32] = np.stack([fine[:, idx].max(1) for idx in GROUP_COLUMNS], axis=1)
    return out


def save(
    out: Path,
    feat: Featuriser,
    coef: npt.NDArray[np.float32],
    bias: npt.NDArray[np.float32],
    seed: int,
    head: npt.NDArray[np.float32],
    trained_on: str = "GoEmotions train (Apache-2.0)",
    hidden_out: npt.NDArray[np.float32] | None = None,
) -> None:
    """Write the run-time artifact: vocabularies as newline-joined UTF-8, weights as float16.

    With a hidden layer, ``coef`` holds the 35 output columns then the hidden units' input weights
    (``bias`` likewise), and ``hidden_out`` maps the hidden units to the 35 outputs."""
    n_word = len(feat.word_vec.vocabulary_)
    w_word, w_char = coef[:n_word], coef[n_word:]
    word_terms = sorted(feat.word_vec.vocabulary_, key=feat.word_vec.vocabulary_.__getitem__)
    toks = feat.tok_vec.get_feature_names_out().tolist()
    # Precomputed subword contribution (already times the weights) and squared norm per known token.
    tok_w = np.asarray(feat.tok_char @ w_char, dtype=np.float32)
    tok_sq = np.asarray(feat.tok_char.multiply(feat.tok_char).sum(1), dtype=np.float32).ravel()
    char_terms = sorted(feat.char_vocab, key=feat.char_vocab.__getitem__)

    def joined(terms: Sequence[str]) -> npt.NDArray[np.uint8]:
        assert not any("\n" in t for t in terms)
        return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)

    hidden = 0 if hidden_out is None else int(hidden_out.shape[0])
    extra: dict[str, Any] = {} if hidden_out is None else {"hidden_out": hidden_out.astype(np.float32)}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        np.savez_compressed(
            fh,
            word_terms=joined(word_terms),
            word_idf=feat.word_idf,
            word_w=w_word.astype(np.float16),
            tok_terms=joined(toks),
            tok_w=tok_w.astype(np.float16),
            tok_sq=tok_sq,
            char_terms=joined(char_terms),
            char_idf=feat.char_idf,
            char_w=w_char.astype(np.float16),
            bias=bias,
            head=head,  # mix, Ekman temperature, GoEmotions temperature
            meta=joined([json.dumps({"seed": seed, "trained_on": trained_on, "heads": [7, 28], "hidden": hidden})]),
            **extra,
        )
