"""Bag-of-n-grams features shared by training and run time (numpy only).

Training (``train_emotion.py``) and analysis must cut text into exactly the same
features, otherwise the learned weights silently stop matching; both therefore
call :func:`ngrams` from here. The run-time side turns a whole batch into one
sparse "CSR-like" layout and scores it with a single gather plus ``reduceat``,
so the per-text Python work is a regex, a few string joins and dict look-ups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

#: Only the head of a very long turn is read: emotion shows early, and a 1 MB
#: paste must not cost more than a normal message.
MAX_CHARS = 2000

# Words (letters of any script, inner apostrophes kept: "don't", "i'm"), numbers,
# "!" and "?" (they carry emotion), and emoji / pictographs as single tokens.
TOKEN_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[!?]|[\U0001F000-\U0001FAFF\u2600-\u27BF]")
# Shouting: a word of 3+ capital letters ("NEVER", "WHY"); emitted as a pseudo-token.
SHOUT_RE = re.compile(r"\b[A-Z]{3,}\b")
SHOUT_TOKEN = "<shout>"

_findall = TOKEN_RE.findall
_shout = SHOUT_RE.search


def words(text: str) -> list[str]:
    """Lower-cased tokens of the head of ``text``."""
    out: list[str] = _findall(text[:MAX_CHARS].lower())
    return out


def char_ngrams(word: str) -> list[str]:
    """Character 2- to 5-grams of one token padded with spaces (" refund " -> " r", "re", ..., "und ").

    They let the model read spelling variants and unseen inflections ("refundd", "frustrating").
    """
    w = " " + word + " "
    n = len(w)
    return [w[i : i + k] for k in (2, 3, 4, 5) for i in range(n - k + 1)]


def ngrams(text: str) -> list[str]:
    """Lower-cased unigrams and adjacent bigrams ("not happy"), plus ``<shout>``."""
    text = text[:MAX_CHARS]
    words: list[str] = _findall(text.lower())
    feats = words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]
    if _shout(text) is not None:
        feats.append(SHOUT_TOKEN)
    return feats


FloatArray = npt.NDArray[np.float32]


class SparseLinear:
    """``softmax``-free linear scores of TF-IDF vectors: ``l2norm(binary * idf) @ W + b``.

    ``vocab`` maps a feature string to its row; ``idf`` and ``weights`` are indexed by that row.
    Binary term frequency (a word counted once per text) matches ``TfidfVectorizer(binary=True)``.
    """

    def __init__(self, vocab: Mapping[str, int], idf: FloatArray, weights: FloatArray, bias: FloatArray) -> None:
        self._get = vocab.get
        self.idf = idf.astype(np.float32)
        self.idf2 = (self.idf * self.idf).astype(np.float32)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)

    def logits(self, texts: Sequence[str]) -> FloatArray:
        get = self._get
        ids: list[int] = []
        lengths: list[int] = []
        extend = ids.extend
        append = lengths.append
        for text in texts:
            found = {get(f) for f in ngrams(text)}
            found.discard(None)
            extend(found)  # type: ignore[arg-type]  # None was just discarded
            append(len(found))
        n, k = len(texts), self.weights.shape[1]
        out = np.zeros((n, k), dtype=np.float32)
        if not ids:
            return out + self.bias
        idx = np.fromiter(ids, dtype=np.int64, count=len(ids))
        lens = np.fromiter(lengths, dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        nonempty = lens > 0
        contrib = self.weights[idx] * self.idf[idx, None]
        out[nonempty] = np.add.reduceat(contrib, starts[nonempty], axis=0)
        sq = np.add.reduceat(self.idf2[idx], starts[nonempty])
        out[nonempty] /= np.sqrt(sq)[:, None]
        out += self.bias
        return out


def softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out
