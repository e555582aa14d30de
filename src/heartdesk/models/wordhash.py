"""Words hashed where they stand: a polynomial hash of each token's bytes, computed for a whole
batch at once in numpy (no token is sliced out as a string, none is hashed by Python's dict).

The tone scorer and the emotion model's tokeniser both use it. A token's hash is
``sum((byte + 1) x M^i) mod 2^64`` over its bytes, M an odd multiplier: prefix sums of
``(byte + 1) x M^position`` over the batch give every token's hash from its start and end,
times the inverse power of its start (M is odd, hence invertible mod 2^64).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MULT_INT = 0x100000001B3  # odd multiplier of the hash (FNV prime)
MASK64 = (1 << 64) - 1
INV_INT = pow(MULT_INT, -1, 1 << 64)
#: Bytes hashed at once; longer batches are cut into pieces (the power tables cost 8 MB).
CHUNK = 1 << 19

Hashes = npt.NDArray[np.uint64]


def word_hash(word: bytes) -> int:
    """The hash of one token's bytes, as :func:`span_hashes` gives it: sum of (byte+1) x M^i mod 2^64."""
    h, p = 0, 1
    for c in word:
        h = (h + (c + 1) * p) & MASK64
        p = (p * MULT_INT) & MASK64
    return h


#: Odd 64-bit multipliers to try in turn for a direct-address table of word hashes (Fibonacci hashing:
#: a word's slot is the top bits of its hash times the multiplier). The polynomial hash's own bit windows
#: collide far more often than chance for short words: tone lexicon 13 (730 words) found no collision-free
#: window of the plain hash in 2^18 slots.
SLOT_MULTIPLIERS = tuple(((0x9E3779B97F4A7C15 * (2 * k + 1)) & MASK64) | 1 for k in range(64))


def slot_of(h: int, mult: int, bits: int) -> int:
    """The slot of word hash ``h`` in a table of ``2**bits`` slots under multiplier ``mult``."""
    return ((h * mult) & MASK64) >> (64 - bits)


def _powers(base: int, n: int) -> Hashes:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)  # wraps mod 2^64, as intended


POW = _powers(MULT_INT, CHUNK + 1)
INV = _powers(INV_INT, CHUNK + 1)


def span_hashes(val: Hashes, starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> Hashes:
    """Hash of each span ``[starts[k], ends[k])`` of a piece of at most ``CHUNK`` bytes, where
    ``val`` holds each byte's ``byte + 1`` (0 for bytes outside every span)."""
    n = val.size
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(val * POW[:n], out=prefix[1:])
    out: Hashes = (prefix[ends] - prefix[starts]) * INV[starts]
    return out
