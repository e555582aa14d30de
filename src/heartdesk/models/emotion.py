"""Customer emotion model: numpy-only inference of the weights trained by ``train_emotion.py``.

One batch of texts costs one regex pass and a few dict look-ups per text in Python, then a
couple of numpy gathers (see ``features.py``). The model scores GoEmotions' 28 labels and
Ekman's 7 groups; the 10 customer emotions are derived from both (``labels.py``):

* the Ekman head (bias-tuned for macro-F1) says how much mass each Ekman group gets;
* the 28-label head splits each group's mass among its labels (e.g. anger group ->
  anger vs annoyance/disapproval, i.e. anger vs frustration);
* labels are then summed into the customer emotions, so ``scores`` sums to 1.

The label is picked top-down (the most likely Ekman group, then the customer emotion it gives
most mass). Intensity = the probability of the strongest non-neutral Ekman group, raised for
shouting (words in capitals) and exclamation marks, capped at 1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heartdesk.errors import HeartdeskError
from heartdesk.model import EMOTIONS, Emotion, EmotionCue
from heartdesk.models import DATA_DIR
from heartdesk.models.features import SEP, SHOUT_TOKEN, Batch, WordTable, char_ngrams, segment_sum, softmax
from heartdesk.models.labels import EKMAN, GOEMOTIONS, GROUP_COLUMNS, TO_EKMAN, TO_PRODUCT

DEFAULT_PATH = DATA_DIR / "emotion.npz"
Floats = npt.NDArray[np.float32]

_N_EK = len(EKMAN)
_N_OUT = _N_EK + len(GOEMOTIONS)
# label -> Ekman group, label -> customer emotion, as 0/1 matrices.
_FINE_TO_EK = np.zeros((len(GOEMOTIONS), _N_EK), np.float32)
_FINE_TO_PROD = np.zeros((len(GOEMOTIONS), len(EMOTIONS)), np.float32)
for _i, _name in enumerate(GOEMOTIONS):
    _FINE_TO_EK[_i, EKMAN.index(TO_EKMAN[_name])] = 1.0
    _FINE_TO_PROD[_i, EMOTIONS.index(TO_PRODUCT[_name])] = 1.0
_GROUP_IDX = [np.array(cols) for cols in GROUP_COLUMNS]
#: The same maps as index arrays. Sums over them go column by column, in a fixed order: a matrix
#: product (BLAS) picks its kernel by the number of rows, so one text's scores would differ in the
#: last bits between a batch of one and a batch of many.
_EK_OF_FINE = _FINE_TO_EK.argmax(1)
_PROD_OF_FINE = _FINE_TO_PROD.argmax(1)


def _group_sum(x: npt.NDArray[np.float32], of: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.float32]:
    """``x @ onehot(of, k)``, summed column by column: each row's result is the same in any batch."""
    out = np.zeros((x.shape[0], k), dtype=x.dtype)
    for j, g in enumerate(of.tolist()):
        out[:, g] += x[:, j]
    return out


_EK_NEUTRAL = EKMAN.index("neutral")
#: 1 for the GoEmotions labels that carry a customer emotion, 0 for those read as neutral.
_FELT = np.array([TO_PRODUCT[name] != "neutral" for name in GOEMOTIONS], np.float32)
assert _EK_NEUTRAL == len(EKMAN) - 1
_OOV_CACHE_MAX = 50_000


def _terms(raw: npt.NDArray[np.uint8]) -> list[str]:
    return raw.tobytes().decode("utf-8").split("\n")


class EmotionClassifier:
    name = "emotion-goemotions"
    # 2: heads learnt from a MiniLM teacher's labels; 3: the 28-label head from every label the
    # teacher scores >= 0.3, not its top label alone; 4: both heads one network with a hidden layer,
    # fitted to the teacher's probabilities (docs/models.md).
    version = "4"

    def __init__(self, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        toks = _terms(arrays["tok_terms"])  # type: ignore[arg-type]
        n_tok = len(toks)
        # Token vocabulary: every training token, plus the batch separator on an all-zero row.
        self._tok_base = {t: i for i, t in enumerate(toks)}
        self._tok_base[SEP] = n_tok
        self._tok = dict(self._tok_base)
        #: The training tokens by hash: a batch's ASCII tokens are looked up in numpy (features.WordTable).
        self._table = WordTable(self._tok_base)
        self._n_base = n_tok + 1
        self._bang_row = self._tok_base.get("!", -2)
        # Word-block vocabulary, keyed by token rows: unigram -> row via an array, bigram
        # (tok_a * n + tok_b) -> row via a sorted key array (numpy search, no Python per pair).
        self._uni_of = np.full(n_tok + 1 + _OOV_CACHE_MAX, -1, np.int64)
        bi_keys: list[int] = []
        bi_rows: list[int] = []
        self._shout_row = -1
        for i, t in enumerate(_terms(arrays["word_terms"])):  # type: ignore[arg-type]
            if t == SHOUT_TOKEN:
                self._shout_row = i
            elif " " in t:
                a, b = t.split(" ")
                ra, rb = self._tok_base.get(a), self._tok_base.get(b)
                if ra is not None and rb is not None:
                    bi_keys.append(ra * self._n_base + rb)
                    bi_rows.append(i)
            elif (r := self._tok_base.get(t)) is not None:
                self._uni_of[r] = i
        order = np.argsort(bi_keys)
        self._bi_keys = np.asarray(bi_keys, np.int64)[order]
        self._bi_rows = np.asarray(bi_rows, np.int64)[order]
        idf = arrays["word_idf"].astype(np.float32)
        # One table per block: weights times idf, and the squared weight as a last column, so a
        # single gather + segment sum yields both a text's score and its norm.
        # C order matters: ndarray.take on a Fortran-ordered table (what hstack gives here) copies
        # the whole table first, which made a one-text call cost ~2.7 ms instead of ~0.1 ms.
        self._word_t = np.ascontiguousarray(np.hstack([arrays["word_w"].astype(np.float32) * idf[:, None], (idf**2)[:, None]]))
        # Known tokens' subword vectors, plus spare rows where unseen tokens' vectors are cached
        # (entered into ``self._tok`` too, so the next look-up is a plain hit).
        k = arrays["tok_w"].shape[1]
        self._tok_t = np.zeros((n_tok + 1 + _OOV_CACHE_MAX, k + 1), np.float32)
        self._tok_t[:n_tok, :k] = arrays["tok_w"]
        self._tok_t[:n_tok, k] = arrays["tok_sq"]
        self._char = {t: i for i, t in enumerate(_terms(arrays["char_terms"]))}  # type: ignore[arg-type]
        char_idf = arrays["char_idf"].astype(np.float32)
        self._char_t = np.ascontiguousarray(
            np.hstack([arrays["char_w"].astype(np.float32) * char_idf[:, None], (char_idf**2)[:, None]])
        )
        self._bias = arrays["bias"].astype(np.float32)
        # A hidden layer (model version 4): the tables' columns past the 35 outputs are its units'
        # pre-activations, and ``hidden_out`` maps the units to the outputs.
        self._hidden_out = arrays["hidden_out"].astype(np.float32) if "hidden_out" in arrays else None
        self._mix, self._ek_temp, self._fine_temp = (float(v) for v in arrays["head"].astype(np.float64))
        self._k = k
        meta = json.loads(_terms(arrays["meta"])[0]) if "meta" in arrays else {}  # type: ignore[arg-type]
        self.trained_on = str(meta.get("trained_on", "unknown"))

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> EmotionClassifier:
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls({k: z[k] for k in z.files})
        except (OSError, ValueError, KeyError) as exc:
            raise HeartdeskError("E201", f"emotion model {path} is missing or corrupt ({exc}); reinstall or retrain") from exc

    def _add_unseen(self, toks: Sequence[str]) -> None:
        """Compute the subword vectors of tokens unseen so far into spare rows, all at once."""
        start = len(self._tok)
        end = start + len(toks)
        while end > self._tok_t.shape[0]:  # a batch full of new words: grow until the next batch
            self._tok_t = np.concatenate([self._tok_t, np.zeros_like(self._tok_t[:_OOV_CACHE_MAX])])
            self._uni_of = np.concatenate([self._uni_of, np.full(_OOV_CACHE_MAX, -1, np.int64)])
        get = self._char.get
        ids: list[int] = []
        lens: list[int] = []
        for t in toks:
            found = [j for j in map(get, char_ngrams(t)) if j is not None]
            ids.extend(found)
            lens.append(len(found))
        self._tok_t[start:end] = segment_sum(
            np.asarray(ids, np.int64), np.repeat(np.arange(len(toks)), lens), self._char_t, len(toks)
        )
        self._tok.update(zip(toks, range(start, end), strict=True))

    def logits(self, texts: Sequence[str]) -> Floats:
        """Raw scores, one row per text: 7 Ekman columns then 28 GoEmotions columns."""
        return self._logits(texts)[0]

    def _logits(self, texts: Sequence[str]) -> tuple[Floats, Batch]:
        n = len(texts)
        if len(self._tok) > self._n_base + _OOV_CACHE_MAX // 2:
            # Forget cached unseen words between batches only: rows in use are never overwritten.
            self._tok = dict(self._tok_base)
        b = Batch(texts, self._tok, self._table)
        tok = b.ids
        missing = np.flatnonzero(tok < 0)
        if missing.size:
            # Tokens outside the training vocabulary: their subword vectors, cached by string.
            unseen = b.strings(missing.tolist())
            known = self._tok
            new = [t for t in dict.fromkeys(unseen) if t not in known]
            if new:
                self._add_unseen(new)
            tok[missing] = np.fromiter(map(self._tok.__getitem__, unseen), np.int64, len(unseen))
        # Word block, binary: (text, term) keys de-duplicated, which also sorts them by text.
        v = self._word_t.shape[0]
        uni = self._uni_of[tok]
        keys = [b.doc[uni >= 0] * v + uni[uni >= 0]]
        if tok.size > 1:
            # Only pairs of training tokens can be bigrams (cached unseen rows would alias keys).
            left, right = tok[:-1], tok[1:]
            at = np.flatnonzero((left < self._n_base) & (right < self._n_base))
            pair = left[at] * self._n_base + right[at]
            pos = np.minimum(np.searchsorted(self._bi_keys, pair), max(self._bi_keys.size - 1, 0))
            hit = np.flatnonzero(self._bi_keys[pos] == pair) if self._bi_keys.size else np.zeros(0, np.int64)
            keys.append(b.doc[at[hit]] * v + self._bi_rows[pos[hit]])
        if self._shout_row >= 0:
            keys.append(b.shouting * v + self._shout_row)
        uniq = np.concatenate(keys)
        uniq.sort()
        uniq = uniq[np.concatenate(([True], uniq[1:] != uniq[:-1]))] if uniq.size else uniq
        word = segment_sum(uniq % v, uniq // v, self._word_t, n)
        char = segment_sum(tok, b.doc, self._tok_t, n)
        k = self._k
        out: Floats = np.asarray(word[:, :k] / np.sqrt(np.maximum(word[:, k:], 1e-12)), dtype=np.float32)
        out += char[:, :k] / np.sqrt(np.maximum(char[:, k:], 1e-12))
        out += self._bias
        if self._hidden_out is not None:
            h = np.maximum(out[:, _N_OUT:], 0.0)
            z = out[:, :_N_OUT].copy()
            # Unit by unit, not as one matrix product: BLAS picks its kernel by the number of rows,
            # so a text's scores would differ in the last bits between a batch of one and of many.
            for j, row in enumerate(self._hidden_out):
                z += h[:, j : j + 1] * row
            out = z
        return out, b

    def _probs(self, texts: Sequence[str]) -> tuple[Floats, Floats, Batch]:
        z, b = self._logits(texts)
        ek, fine = z[:, :_N_EK], z[:, _N_EK:]
        # Ekman decision: its own margin plus the best margin among each group's GoEmotions labels.
        score = ek + self._mix * np.stack([fine[:, idx].max(1) for idx in _GROUP_IDX], axis=1)
        p_ek = softmax((score * self._ek_temp).astype(np.float32))
        return p_ek, softmax((fine * self._fine_temp).astype(np.float32)), b

    def ekman_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        p_ek, _, _ = self._probs(texts)
        return [dict(zip(EKMAN, row, strict=True)) for row in p_ek.tolist()]

    def _fine_mass(self, texts: Sequence[str]) -> tuple[Floats, Floats, Batch]:
        """Mass of each GoEmotions label: its Ekman group's probability split by the 28-label head."""
        p_ek, p_fine, b = self._probs(texts)
        group_mass = _group_sum(p_fine, _EK_OF_FINE, _N_EK)  # (n, 7)
        within = p_fine / np.maximum(group_mass[:, _EK_OF_FINE], 1e-12)
        mass: Floats = (within * p_ek[:, _EK_OF_FINE]).astype(np.float32, copy=False)
        return mass, p_ek, b

    def product_scores(self, texts: Sequence[str]) -> Floats:
        """(n, 10) scores over ``EMOTIONS``, each row summing to 1."""
        out: Floats = _group_sum(self._fine_mass(texts)[0], _PROD_OF_FINE, len(EMOTIONS))
        return out

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        if not texts:
            return []
        mass, p_ek, b = self._fine_mass(texts)
        scores = _group_sum(mass, _PROD_OF_FINE, len(EMOTIONS))
        # The label is chosen top-down: the most likely Ekman group (its biases were tuned for
        # macro-F1), then the customer emotion that this group's labels give the most mass. A flat
        # argmax over the 10 scores would favour neutral (never split) over anger that is split
        # into anger + frustration.
        in_group = _group_sum(mass * _FINE_TO_EK.T[p_ek.argmax(1)], _PROD_OF_FINE, len(EMOTIONS))
        top = in_group.argmax(1)
        # Intensity: probability of the strongest non-neutral Ekman family (anger + frustration count
        # together), counting only the labels that carry a customer emotion, raised 5 % per "!" (up to
        # 3) and 15 % for shouting, capped at 1. Curiosity, desire and realization read as neutral in
        # support: with them counted, "Which button do I press?" (0.99 surprise, most of it curiosity)
        # was "neutral, intensity 0.99".
        strength = _group_sum(mass * _FELT, _EK_OF_FINE, _N_EK)[:, :_EK_NEUTRAL].max(1)
        bang = np.bincount(b.doc[b.ids == self._bang_row], minlength=b.n)
        boost = 1.0 + 0.05 * np.minimum(bang, 3)
        boost[b.shouting] += 0.15
        intensity = np.clip(strength * boost, 0.0, 1.0).round(4)
        labels = [EMOTIONS[t] for t in top.tolist()]
        return [
            make_emotion(label, i, {k: row[j] for j, k in enumerate(EMOTIONS)}, ())
            for label, i, row in zip(labels, intensity.tolist(), scores.tolist(), strict=True)
        ]


_SET_EMOTION = [vars(Emotion)[name].__set__ for name in ("label", "intensity", "scores", "cues")]


def make_emotion(label: str, intensity: float, scores: Mapping[str, float], cues: tuple[EmotionCue, ...]) -> Emotion:
    """``Emotion(label, intensity, scores, cues)``, built through its slots: the same object at a third of the
    cost of the frozen dataclass's ``__init__``. Here, compiled with the engine (this module is in
    ``native.MODULES``): the model and the emotion cues make one or two per customer turn, and the same helper
    interpreted cost ~0.3 µs more a call."""
    out = object.__new__(Emotion)
    set_label, set_intensity, set_scores, set_cues = _SET_EMOTION
    set_label(out, label)
    set_intensity(out, intensity)
    set_scores(out, scores)
    set_cues(out, cues)
    return out


@lru_cache(maxsize=1)
def load_default() -> EmotionClassifier:
    """The shipped model, or the file ``HEARTDESK_EMOTION_MODEL`` names (one a team trained itself)."""
    chosen = os.environ.get("HEARTDESK_EMOTION_MODEL", "").strip()
    return EmotionClassifier.load(Path(chosen) if chosen else DEFAULT_PATH)
