"""Text features shared by training and run time (numpy only).

Training (``train_emotion.py``) and analysis must cut text into exactly the same
features, otherwise the learned weights silently stop matching; both use the
tokeniser defined here. At run time a whole batch is cut into tokens and looked up
in numpy (:class:`Batch`): ASCII tokens are found by their byte classes and looked up
by hash, so no token becomes a Python string unless the vocabulary lacks it; only
texts past ASCII go through the regex, text by text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from heartdesk.models.wordhash import CHUNK, span_hashes, word_hash

#: Only the head of a very long turn is read: emotion shows early, and a 1 MB
#: paste must not cost more than a normal message.
MAX_CHARS = 2000

_WORD = r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[!?]|[\U0001F000-\U0001FAFF\u2600-\u27BF]"
# Words (letters of any script, inner apostrophes kept: "don't"), numbers, "!" and "?"
# (they carry emotion), and emoji / pictographs as single tokens.
TOKEN_RE = re.compile(_WORD)
# The batch tokeniser also matches the separator placed between texts.
SEP = "\x01"
_BATCH_RE = re.compile(_WORD + "|" + SEP)
#: The same tokens on pure-ASCII text (most turns), with plain ASCII classes. On ASCII the two agree
#: exactly (ASCII letters are the only ASCII characters in ``[^\W\d_]``, ASCII digits the only ones
#: in ``\d``, and no pictograph is ASCII). :class:`Batch` cuts ASCII text in numpy instead
#: (``_cut``); this regex is the reference the tests hold that cut to.
_BATCH_ASCII_RE = re.compile(r"[a-zA-Z]+(?:'[a-zA-Z]+)*|[0-9]+|[!?" + SEP + "]")
#: Pseudo-token for shouting: a token of 3+ characters written in capitals ("NEVER", "WHY").
SHOUT_TOKEN = "<shout>"


def raw_tokens(text: str) -> list[str]:
    """Tokens of the head of ``text`` in their original case."""
    out: list[str] = TOKEN_RE.findall(text[:MAX_CHARS])
    return out


def is_shout(tok: str) -> bool:
    return len(tok) >= 3 and tok.isupper()


def words(text: str) -> list[str]:
    """Lower-cased tokens (each lower-cased on its own, as the batch path does)."""
    return [t.lower() for t in raw_tokens(text)]


def ngrams(text: str) -> list[str]:
    """Unigrams and adjacent bigrams ("not happy"), plus ``<shout>`` once when the text shouts."""
    raw = raw_tokens(text)
    w = [t.lower() for t in raw]
    feats = w + [a + " " + b for a, b in pairwise(w)]
    if any(is_shout(t) for t in raw):
        feats.append(SHOUT_TOKEN)
    return feats


def char_ngrams(word: str) -> list[str]:
    """Character 2- to 5-grams of one token padded with spaces (" refund " -> " r", "re", ..., "und ").

    They let the model read spelling variants and unseen inflections ("refundd", "frustrating").
    """
    w = " " + word + " "
    n = len(w)
    return [w[i : i + k] for k in (2, 3, 4, 5) for i in range(n - k + 1)]


Ints = npt.NDArray[np.int64]


class WordTable:
    """The ASCII tokens of a vocabulary by their hash (:mod:`heartdesk.models.wordhash`), for :class:`Batch`.

    A batch's ASCII tokens are then looked up in numpy, by hash and length, without a Python
    string or dictionary look-up each (half the cost of the emotion model was there).
    """

    __slots__ = ("keys", "lens", "rows")

    def __init__(self, vocab: dict[str, int]) -> None:
        items = sorted((word_hash(t.encode("ascii")), len(t), r) for t, r in vocab.items() if t.isascii())
        self.keys: npt.NDArray[np.uint64] = np.array([h for h, _, _ in items], dtype=np.uint64)
        self.lens: Ints = np.array([n for _, n, _ in items], dtype=np.int64)
        self.rows: Ints = np.array([r for _, _, r in items], dtype=np.int64)
        if self.keys.size > 1 and bool((self.keys[1:] == self.keys[:-1]).any()):
            raise ValueError("two tokens of the vocabulary share a hash")  # never seen; a test checks the shipped one

    def ids(self, hashes: npt.NDArray[np.uint64], lens: Ints) -> Ints:
        """Row of each token (given by hash and length), -1 where the vocabulary lacks it."""
        if self.keys.size == 0 or hashes.size == 0:
            return np.full(hashes.size, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, hashes), self.keys.size - 1)
        hit = (self.keys[pos] == hashes) & (self.lens[pos] == lens)
        out: Ints = np.where(hit, self.rows[pos], -1)
        return out


# Byte classes of the hashed tokeniser: letters, digits, the apostrophe, tokens of one byte (! ? SEP).
_LETTER, _DIGIT, _APOS, _ONE = 1, 2, 3, 4
_CLS = np.zeros(256, dtype=np.int8)
_CLS[[c for c in range(256) if chr(c).isascii() and chr(c).isalpha()]] = _LETTER
_CLS[[c for c in range(256) if chr(c).isascii() and chr(c).isdigit()]] = _DIGIT
_CLS[ord("'")] = _APOS
_CLS[[ord("!"), ord("?"), ord(SEP)]] = _ONE
#: What a byte adds to its token's hash: its lower-case form + 1 (tokens are looked up lower-cased).
_VAL = np.array([ord(chr(c).lower()) + 1 if c < 128 else 0 for c in range(256)], dtype=np.uint64)
_IS_LOWER = np.array([97 <= c <= 122 for c in range(256)], dtype=np.int64)
# The three tables as bytes.translate tables (every value fits a byte): a translation runs at memory
# speed, several times faster than numpy's gather of a table by a byte array.
_CLS_BYTES = bytes([int(v) for v in _CLS])
_VAL_BYTES = bytes([int(v) for v in _VAL])
_IS_LOWER_BYTES = bytes([int(v) for v in _IS_LOWER])


class Batch:
    """A batch of texts as one flat token sequence, looked up in a token vocabulary once.

    ``ids`` holds the tokens' rows in ``vocab`` (-1 when absent; ``vocab`` must contain ``SEP``),
    with ``SEP`` between texts; ``doc`` the text index of every position (a separator counts with
    the text after it); ``shouting`` the texts with a shouted token; :meth:`strings` (and
    ``tokens``, all of them) the lower-cased tokens themselves.

    The tokens are those of ``_BATCH_RE`` on each text. ASCII texts, nearly all, are cut and
    looked up in numpy (:class:`WordTable`, built from ``vocab`` unless given); the others go
    through the regex and a dictionary look-up each, and are spliced in at their place.
    """

    __slots__ = ("_data", "_ends", "_inserted", "_starts", "doc", "ids", "n", "sep", "shouting")

    def __init__(self, texts: Sequence[str], vocab: dict[str, int], table: WordTable | None = None) -> None:
        self.n = len(texts)
        cut = [t[:MAX_CHARS] for t in texts]
        if sum(t.count(SEP) for t in cut):  # a text contains the separator itself
            cut = [t.replace(SEP, " ") for t in cut]
        odd = [i for i, t in enumerate(cut) if not t.isascii()]
        if odd:  # the regex's texts leave an empty place in the hashed ones
            ascii_texts = list(cut)
            for i in odd:
                ascii_texts[i] = ""
            data = SEP.join(ascii_texts).encode("ascii")
        else:
            data = SEP.join(cut).encode("ascii")
        self._data = data
        starts, ends, loud = _cut(data)
        self._starts, self._ends = starts, ends
        lens = ends - starts
        tab = table if table is not None else WordTable(vocab)
        val = np.frombuffer(data.translate(_VAL_BYTES), dtype=np.uint8).astype(np.uint64)
        ids = tab.ids(_hashes(val, starts, ends), lens)
        self._inserted: dict[int, str] = {}
        shout_docs: list[int] = []
        if odd:
            ids, shout_docs = self._splice(cut, odd, ids, vocab[SEP], vocab)
        self.ids: Ints = ids
        self.sep = ids == vocab[SEP]
        self.doc: Ints = np.cumsum(self.sep, dtype=np.int64)
        if odd:
            # Positions of the hashed tokens in the spliced sequence: where ``_starts`` is not -1.
            at = np.flatnonzero(self._starts >= 0)
            loud = at[loud] if loud.size else loud
        docs = self.doc[loud] if loud.size else np.zeros(0, np.int64)
        if shout_docs:
            docs = np.concatenate([docs, np.asarray(shout_docs, dtype=np.int64)])
        self.shouting: Ints = np.unique(docs) if docs.size else np.zeros(0, np.int64)

    def _splice(self, cut: list[str], odd: list[int], ids: Ints, sep_row: int, vocab: dict[str, int]) -> tuple[Ints, list[int]]:
        """Insert the regex tokens of the texts ``odd`` at their places; the texts among them that shout."""
        sep_at = np.flatnonzero(ids == sep_row)
        where: list[int] = []
        vals: list[int] = []
        words_of: list[str] = []
        shout: list[int] = []
        get = vocab.get
        for i in odd:
            raw: list[str] = _BATCH_RE.findall(cut[i])
            at = 0 if i == 0 else int(sep_at[i - 1]) + 1  # right after the separator that opens text i
            low = [t.lower() for t in raw]
            where += [at] * len(low)
            vals += [get(t, -1) for t in low]
            words_of += low
            if any(is_shout(t) for t in raw):
                shout.append(i)
        if not where:
            return ids, shout
        pos = np.asarray(where, dtype=np.int64)
        out: Ints = np.insert(ids, pos, np.asarray(vals, dtype=np.int64))
        # Spliced tokens carry no span in ``_data``: -1, and their strings are kept by position.
        self._starts = np.insert(self._starts, pos, -1)
        self._ends = np.insert(self._ends, pos, -1)
        new_at = np.flatnonzero(self._starts < 0)
        self._inserted = dict(zip(new_at.tolist(), words_of, strict=True))
        return out, shout

    def strings(self, positions: Sequence[int]) -> list[str]:
        """The lower-cased tokens at these positions of the sequence."""
        data, starts, ends, inserted = self._data, self._starts, self._ends, self._inserted
        out: list[str] = []
        for p in positions:
            s = int(starts[p])
            out.append(inserted[p] if s < 0 else data[s : int(ends[p])].decode("ascii").lower())
        return out

    @property
    def tokens(self) -> list[str]:
        return self.strings(range(self.ids.size))


def _cut(data: bytes) -> tuple[Ints, Ints, Ints]:
    """Starts and ends of the tokens of ``_BATCH_ASCII_RE`` in ASCII bytes, and which of them shout.

    A word is a run of letters and of apostrophes with a letter on both sides ("don't",
    "rock'n'roll"); a number a run of digits; ``!``, ``?`` and ``SEP`` a token each. A shouted
    token (``is_shout``) is a word of three characters or more with no lower-case letter.
    """
    n = len(data)
    cls = np.frombuffer(data.translate(_CLS_BYTES), dtype=np.int8)
    letter = cls == _LETTER
    word = letter.copy()
    if n > 2:
        word[1:-1] |= (cls[1:-1] == _APOS) & letter[:-2] & letter[2:]
    digit = cls == _DIGIT
    one = cls == _ONE
    prev_word = np.zeros(n, dtype=bool)
    prev_word[1:] = word[:-1]
    next_word = np.zeros(n, dtype=bool)
    next_word[:-1] = word[1:]
    prev_digit = np.zeros(n, dtype=bool)
    prev_digit[1:] = digit[:-1]
    next_digit = np.zeros(n, dtype=bool)
    next_digit[:-1] = digit[1:]
    starts = np.flatnonzero((word & ~prev_word) | (digit & ~prev_digit) | one)
    ends = np.flatnonzero((word & ~next_word) | (digit & ~next_digit) | one) + 1
    lower = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(data.translate(_IS_LOWER_BYTES), dtype=np.uint8), dtype=np.int64, out=lower[1:])
    loud = np.flatnonzero(letter[starts] & (ends - starts >= 3) & (lower[ends] == lower[starts]))
    return starts, ends, loud


def _hashes(val: npt.NDArray[np.uint64], starts: Ints, ends: Ints) -> npt.NDArray[np.uint64]:
    """:func:`span_hashes` of the tokens, piece by piece when the batch is longer than ``CHUNK`` bytes."""
    if val.size <= CHUNK:
        return span_hashes(val, starts, ends)
    out: list[npt.NDArray[np.uint64]] = []
    k, total = 0, starts.size
    while k < total:
        lo = int(starts[k])
        # The tokens that end within CHUNK bytes of this one's start (a token is at most MAX_CHARS long).
        k2 = int(np.searchsorted(ends, lo + CHUNK, side="right"))
        out.append(span_hashes(val[lo : int(ends[k2 - 1])], starts[k:k2] - lo, ends[k:k2] - lo))
        k = k2
    return np.concatenate(out) if out else np.zeros(0, np.uint64)


#: Rows summed per piece by :func:`segment_sum`: a batch's gathered rows in float64 (1,800 texts, ~40,000
#: rows of 68 columns: 21 MB) spill every cache; pieces of ~2,000 rows (1 MB) stay in it. Measured on the
#: benchmark's customer turns: 8.9 -> 4.3 µs a turn, the same sums (docs/accuracy.md, sixteenth session).
SEGMENT_ROWS = 2048


def segment_sum(
    rows: Ints, doc: Ints, table: npt.NDArray[np.float32], n: int, piece_rows: int = SEGMENT_ROWS
) -> npt.NDArray[np.float32]:
    """Per-text sum of ``table[rows]``; ``rows``/``doc`` are aligned and sorted by ``doc``.

    Summed in float64 and rounded once to float32: numpy adds a long ``reduceat`` in buffered
    chunks whose edges fall where the batch puts them, so float32 sums would make one text's
    features depend, in the last bit, on the texts batched with it. The rows are gathered and
    summed a piece at a time (``piece_rows``), cut between texts: a text's sum is the same
    whichever piece holds it.
    """
    out = np.zeros((n, *table.shape[1:]), dtype=np.float64)
    if rows.size == 0:
        return out.astype(np.float32)
    counts = np.bincount(doc, minlength=n)
    texts = np.flatnonzero(counts)  # texts with rows, in order
    ends = np.cumsum(counts[texts])
    starts = ends - counts[texts]
    i, m = 0, int(texts.size)
    while i < m:
        lo = int(starts[i])
        # The texts whose rows end within piece_rows of this one's first row (at least this one).
        j = max(int(np.searchsorted(ends, lo + piece_rows, side="right")), i + 1)
        piece = table.take(rows[lo : int(ends[j - 1])], axis=0).astype(np.float64)
        out[texts[i:j]] = np.add.reduceat(piece, starts[i:j] - lo, axis=0)
        i = j
    return out.astype(np.float32)


def softmax(z: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: npt.NDArray[np.float32] = e / e.sum(axis=1, keepdims=True)
    return out
