"""Text features shared by training and run time (numpy only).

Training (``train_emotion.py``) and analysis must cut text into exactly the same
features, otherwise the learned weights silently stop matching; both use the
tokeniser defined here. At run time a whole batch is tokenised with *one* regex
call over the joined texts and every look-up is a C-level ``map``: per-text
Python work is what limits throughput, so there is none left in the hot path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise, repeat

import numpy as np
import numpy.typing as npt

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
#: The same tokens on pure-ASCII text (most turns), with plain ASCII classes: ``[^\W\d_]`` asks the
#: Unicode tables about every character, ``[a-zA-Z]`` is one bitmap test. On ASCII the two agree
#: exactly (ASCII letters are the only ASCII characters in ``[^\W\d_]``, ASCII digits the only ones
#: in ``\d``, and no pictograph is ASCII); a test holds them to it.
_BATCH_ASCII_RE = re.compile(r"[a-zA-Z]+(?:'[a-zA-Z]+)*|[0-9]+|[!?" + SEP + "]")
#: ASCII bytes that can be part of a token keep their value (``bytes.translate``), the rest become spaces.
_TOKEN_BYTES = bytes(c if chr(c) in "'!?" + SEP or (chr(c).isascii() and chr(c).isalnum()) else 32 for c in range(256))


def ascii_tokens(text: str) -> list[str]:
    """``_BATCH_ASCII_RE.findall(text)`` for ASCII ``text``, mostly without the regex engine.

    The regex walks every character (~5 µs a customer turn). Every other character becomes a
    space in one C pass and the rest splits on spaces; a piece made only of letters, or of
    digits, is a whole token as it stands, and only the few others (``don't``, ``it!``, ``a1``)
    go through the regex. No token spans a character outside the pieces, so the tokens are the same
    (``tests/test_emotion_model.py`` holds the two to it).
    """
    b = text.encode("ascii").translate(_TOKEN_BYTES)
    # "!", "?" and the separator are tokens of their own: spaced out, they end up pieces of their own.
    b = b.replace(b"!", b" ! ").replace(b"?", b" ? ").replace(b"\x01", b" \x01 ")
    out: list[str] = []
    findall = _BATCH_ASCII_RE.findall
    for piece in b.decode("ascii").split():
        if piece.isalpha() or piece.isdigit() or piece in _SINGLES:
            out.append(piece)
        elif (
            # letters with single apostrophes inside ("don't", "rock'n'roll"): one token
            piece[0] != "'" and piece[-1] != "'" and "''" not in piece and piece.replace("'", "").isalpha()
        ):
            out.append(piece)
        else:
            out += findall(piece)
    return out


_SINGLES = frozenset(["!", "?", SEP])


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


class Batch:
    """A batch of texts as one flat token sequence, looked up in a token vocabulary once.

    ``tokens`` holds the lower-cased tokens with ``SEP`` between texts; ``ids`` their rows in
    ``vocab`` (-1 when absent; ``vocab`` must contain ``SEP``); ``doc`` the text index of every
    position (a separator counts with the text after it); ``shouting`` the texts with a shouted token.
    """

    __slots__ = ("doc", "ids", "n", "sep", "shouting", "tokens")

    def __init__(self, texts: Sequence[str], vocab: dict[str, int]) -> None:
        self.n = n = len(texts)
        joined = SEP.join([t[:MAX_CHARS] for t in texts])
        if joined.count(SEP) != max(n - 1, 0):  # a text contains the separator itself
            joined = SEP.join([t[:MAX_CHARS].replace(SEP, " ") for t in texts])
        raw: list[str]
        if joined.isascii():
            raw = ascii_tokens(joined)
        else:  # text by text, so that the ASCII ones still take the fast form (no token spans a SEP)
            raw = []
            any_re = _BATCH_RE.findall
            for i, text in enumerate(joined.split(SEP)):
                if i:
                    raw.append(SEP)
                raw += ascii_tokens(text) if text.isascii() else any_re(text)
        self.tokens: list[str] = list(map(str.lower, raw))
        count = len(raw)
        self.ids: Ints = np.fromiter(map(vocab.get, self.tokens, repeat(-1)), dtype=np.int64, count=count)
        self.sep = self.ids == vocab[SEP]
        self.doc: Ints = np.cumsum(self.sep, dtype=np.int64)
        # is_shout(), vectorised: capitals are rare, so the length check runs on few tokens.
        upper = np.flatnonzero(np.fromiter(map(str.isupper, raw), dtype=bool, count=count))
        loud = [i for i in upper.tolist() if len(raw[i]) >= 3]
        self.shouting: Ints = np.unique(self.doc[loud]) if loud else np.zeros(0, np.int64)


def segment_sum(rows: Ints, doc: Ints, table: npt.NDArray[np.float32], n: int) -> npt.NDArray[np.float32]:
    """Per-text sum of ``table[rows]``; ``rows``/``doc`` are aligned and sorted by ``doc``.

    Summed in float64 and rounded once to float32: numpy adds a long ``reduceat`` in buffered
    chunks whose edges fall where the batch puts them, so float32 sums would make one text's
    features depend, in the last bit, on the texts batched with it.
    """
    out = np.zeros((n, *table.shape[1:]), dtype=np.float64)
    if rows.size == 0:
        return out.astype(np.float32)
    counts = np.bincount(doc, minlength=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    nz = counts > 0
    out[nz] = np.add.reduceat(table.take(rows, axis=0).astype(np.float64), starts[nz], axis=0)
    return out.astype(np.float32)


def softmax(z: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: npt.NDArray[np.float32] = e / e.sum(axis=1, keepdims=True)
    return out
