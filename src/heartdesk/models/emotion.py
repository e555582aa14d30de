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

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heartdesk.errors import HeartdeskError
from heartdesk.model import EMOTIONS, Emotion
from heartdesk.models.features import SHOUT_TOKEN, Batch, char_ngrams, segment_sum, softmax
from heartdesk.models.labels import EKMAN, GOEMOTIONS, TO_EKMAN, TO_PRODUCT

DEFAULT_PATH = Path(__file__).parent / "data" / "emotion.npz"
Floats = npt.NDArray[np.float32]

_N_EK = len(EKMAN)
# label -> Ekman group, label -> customer emotion, as 0/1 matrices.
_FINE_TO_EK = np.zeros((len(GOEMOTIONS), _N_EK), np.float32)
_FINE_TO_PROD = np.zeros((len(GOEMOTIONS), len(EMOTIONS)), np.float32)
for _i, _name in enumerate(GOEMOTIONS):
    _FINE_TO_EK[_i, EKMAN.index(TO_EKMAN[_name])] = 1.0
    _FINE_TO_PROD[_i, EMOTIONS.index(TO_PRODUCT[_name])] = 1.0
_EK_NEUTRAL = EKMAN.index("neutral")
assert _EK_NEUTRAL == len(EKMAN) - 1
_OOV_CACHE_MAX = 50_000


def _terms(raw: npt.NDArray[np.uint8]) -> list[str]:
    return raw.tobytes().decode("utf-8").split("\n")


class EmotionClassifier:
    name = "emotion-goemotions-linear"
    version = "1"

    def __init__(self, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        word_terms = _terms(arrays["word_terms"])  # type: ignore[arg-type]
        self._uni: dict[str, int] = {}
        self._bi: dict[tuple[str, str], int] = {}
        self._shout_row = -1
        for i, t in enumerate(word_terms):
            if t == SHOUT_TOKEN:
                self._shout_row = i
            elif " " in t:
                a, b = t.split(" ")
                self._bi[(a, b)] = i
            else:
                self._uni[t] = i
        idf = arrays["word_idf"].astype(np.float32)
        # One table per block: weights times idf, and the squared weight as a last column, so a
        # single gather + segment sum yields both a text's score and its norm.
        self._word_t = np.hstack([arrays["word_w"].astype(np.float32) * idf[:, None], (idf**2)[:, None]])
        self._tok_base = {t: i for i, t in enumerate(_terms(arrays["tok_terms"]))}  # type: ignore[arg-type]
        self._tok = dict(self._tok_base)
        # Known tokens' subword vectors, plus spare rows where unseen tokens' vectors are cached
        # (entered into ``self._tok`` too, so the next look-up is a plain hit).
        n_tok = len(self._tok_base)
        k = arrays["tok_w"].shape[1]
        self._tok_t = np.zeros((n_tok + _OOV_CACHE_MAX, k + 1), np.float32)
        self._tok_t[:n_tok, :k] = arrays["tok_w"]
        self._tok_t[:n_tok, k] = arrays["tok_sq"]
        self._char = {t: i for i, t in enumerate(_terms(arrays["char_terms"]))}  # type: ignore[arg-type]
        char_idf = arrays["char_idf"].astype(np.float32)
        self._char_t = np.hstack([arrays["char_w"].astype(np.float32) * char_idf[:, None], (char_idf**2)[:, None]])
        self._bias = arrays["bias"].astype(np.float32)
        self._k = k

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> EmotionClassifier:
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls({k: z[k] for k in z.files})
        except (OSError, ValueError, KeyError) as exc:
            raise HeartdeskError("E201", f"emotion model {path} is missing or corrupt ({exc}); reinstall or retrain") from exc

    def _add_oov(self, tok: str) -> int:
        """Compute an unseen token's subword vector into a spare row; returns the row."""
        row = len(self._tok)
        if row >= self._tok_t.shape[0]:  # a batch full of new words: grow until the next batch
            self._tok_t = np.concatenate([self._tok_t, np.zeros_like(self._tok_t[:_OOV_CACHE_MAX])])
        get = self._char.get
        ids = [j for j in map(get, char_ngrams(tok)) if j is not None]
        self._tok_t[row] = self._char_t[ids].sum(0) if ids else 0.0
        self._tok[tok] = row
        return row

    def logits(self, texts: Sequence[str]) -> Floats:
        """Raw scores, one row per text: 7 Ekman columns then 28 GoEmotions columns."""
        return self._logits(texts)[0]

    def _logits(self, texts: Sequence[str]) -> tuple[Floats, Batch]:
        n = len(texts)
        if len(self._tok) > len(self._tok_base) + _OOV_CACHE_MAX // 2:
            # Forget cached unseen words between batches only: rows in use are never overwritten.
            self._tok = dict(self._tok_base)
        b = Batch(texts)
        uni = b.lookup(self._uni)
        bi = b.lookup_bigrams(self._bi)
        # Binary features: each term counts once per text, so (text, term) keys are de-duplicated.
        v = self._word_t.shape[0]
        keys = [b.doc[uni >= 0] * v + uni[uni >= 0], b.doc[:-1][bi >= 0] * v + bi[bi >= 0]]
        if self._shout_row >= 0:
            keys.append(b.shouting * v + self._shout_row)
        uniq = np.unique(np.concatenate(keys))
        word = segment_sum(uniq % v, uniq // v, self._word_t, n)
        tok = b.lookup(self._tok)
        missing = np.flatnonzero((tok < 0) & ~b.sep)
        if missing.size:
            get, tokens = self._tok.get, b.tokens
            for p in missing.tolist():
                j = get(tokens[p])  # a word repeated in this batch is cached by its first occurrence
                tok[p] = self._add_oov(tokens[p]) if j is None else j
        char = _segments(tok, b.doc, self._tok_t, n)
        k = self._k
        out: Floats = np.asarray(word[:, :k] / np.sqrt(np.maximum(word[:, k:], 1e-12)), dtype=np.float32)
        out += char[:, :k] / np.sqrt(np.maximum(char[:, k:], 1e-12))
        out += self._bias
        return out, b

    def _probs(self, texts: Sequence[str]) -> tuple[Floats, Floats, Batch]:
        z, b = self._logits(texts)
        return softmax(z[:, :_N_EK]), softmax(z[:, _N_EK:]), b

    def ekman_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        p_ek, _, _ = self._probs(texts)
        return [dict(zip(EKMAN, row, strict=True)) for row in p_ek.tolist()]

    def _fine_mass(self, texts: Sequence[str]) -> tuple[Floats, Floats, Batch]:
        """Mass of each GoEmotions label: its Ekman group's probability split by the 28-label head."""
        p_ek, p_fine, b = self._probs(texts)
        group_mass = p_fine @ _FINE_TO_EK  # (n, 7)
        within = p_fine / np.maximum(group_mass @ _FINE_TO_EK.T, 1e-12)
        mass: Floats = within * (p_ek @ _FINE_TO_EK.T)
        return mass, p_ek, b

    def product_scores(self, texts: Sequence[str]) -> Floats:
        """(n, 10) scores over ``EMOTIONS``, each row summing to 1."""
        out: Floats = self._fine_mass(texts)[0] @ _FINE_TO_PROD
        return out

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        if not texts:
            return []
        mass, p_ek, b = self._fine_mass(texts)
        scores = mass @ _FINE_TO_PROD
        # The label is chosen top-down: the most likely Ekman group (its biases were tuned for
        # macro-F1), then the customer emotion that this group's labels give the most mass. A flat
        # argmax over the 10 scores would favour neutral (never split) over anger that is split
        # into anger + frustration.
        in_group = (mass * _FINE_TO_EK.T[p_ek.argmax(1)]) @ _FINE_TO_PROD
        top = in_group.argmax(1)
        # Intensity: probability of the strongest non-neutral Ekman family (anger + frustration count
        # together), raised 5 % per "!" (up to 3) and 15 % for shouting, capped at 1.
        strength = p_ek[:, :_EK_NEUTRAL].max(1)
        bang = np.bincount(b.doc[np.fromiter(map("!".__eq__, b.tokens), bool, len(b.tokens))], minlength=b.n)
        boost = 1.0 + 0.05 * np.minimum(bang, 3)
        boost[b.shouting] += 0.15
        intensity = np.clip(strength * boost, 0.0, 1.0).round(4)
        labels = [EMOTIONS[t] for t in top.tolist()]
        return [
            Emotion(label, i, dict(zip(EMOTIONS, row, strict=True)))
            for label, i, row in zip(labels, intensity.tolist(), scores.tolist(), strict=True)
        ]


def _segments(rows: npt.NDArray[np.int64], doc: npt.NDArray[np.int64], table: Floats, n: int) -> Floats:
    keep = rows >= 0
    return segment_sum(rows[keep], doc[keep], table, n)


@lru_cache(maxsize=1)
def load_default() -> EmotionClassifier:
    return EmotionClassifier.load(DEFAULT_PATH)
