"""The tone model's path for one short text: plain Python, the same floats as the batch path.

The reply coach scores one draft at a time; a few dozen tokens cost less in Python than the ~40 numpy
calls of ``RuleTone``'s batch path (~60 µs instead of ~300 µs). ``OneText`` computes the very same
tokens, ids, n-gram hashes, longest-phrase-first masking and shouting share, so ``RuleTone.counts``
gives equal results either way (``tests/coach/test_tone_one.py`` compares them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from heartdesk.models.wordhash import MASK64, MULT_INT, slot_of, word_hash
from heartdesk.signals.tone import (
    _BOUND,
    _BOUNDS,
    _BUCKET_BITS,
    _SEP_S,
    _UNK,
    fold,
)

if TYPE_CHECKING:
    from heartdesk.signals.tone import RuleTone

_WORD_MEMO_MAX = 1 << 16  # token -> id memo, emptied when full
_UPPER = bytes(range(65, 91))
_LOWER = bytes(range(97, 123))
_PUNCT_IDS = {b".": 4, b"!": 5, b"?": 6}


class OneText:
    """``RuleTone.counts([text])`` for one text, without numpy until the last step."""

    def __init__(self, tone: RuleTone) -> None:
        # Per phrase table (same order as the batch path's): match length, anchoring, hash -> strategy;
        # per token id, the tables it may open.
        tables = tone._tables
        self._tables = [
            (t.n - 1 if t.anchored else t.n, t.anchored, dict(zip(t.keys.tolist(), t.groups.tolist(), strict=True)))
            for t in tables
        ]
        opens: dict[int, list[int]] = {}
        for ti, t in enumerate(tables):
            for tid in np.flatnonzero(t.opens).tolist():
                opens.setdefault(tid, []).append(ti)
        self._opens = {tid: tuple(tis) for tid, tis in opens.items()}
        self._word_keys, self._word_ids, self._mult = tone._word_keys, tone._word_ids, int(tone._mult)
        self._strategies = tone.strategies
        self._shout_min = tone.shout_min_letters
        self._memo: dict[bytes, int] = {}

    def counts(self, text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """``_counts_batch([text])`` in plain Python: the same tokens, ids, n-gram hashes and shouting share."""
        if _SEP_S in text:
            text = text.replace(_SEP_S, " ")
        raw = text.encode("utf-8", "surrogatepass")
        b = fold(raw)
        for ch in _BOUNDS[:3]:
            if ch in b:
                b = b.replace(ch, b" " + ch + b" ")
        memo = self._memo
        ids = [7]  # the separator that opens the text
        for tok in b.split():
            tid = memo.get(tok)
            if tid is None:
                tid = _PUNCT_IDS.get(tok) or self._word_id(tok)
                if len(memo) >= _WORD_MEMO_MAX:
                    memo.clear()
                memo[tok] = tid
            ids.append(tid)
        total = len(ids)
        tables = self._tables
        hits: list[list[tuple[int, int]]] = [[] for _ in tables]
        opens = self._opens
        for p, tid in enumerate(ids):
            tis = opens.get(tid)
            if tis is None:
                continue
            for ti in tis:
                k, anchored, keys = tables[ti]
                if p + k > total:
                    continue
                if anchored:
                    # The batch path reads the token before p (position 0 has none: never anchored there).
                    if p == 0 or not 4 <= ids[p - 1] <= 7:
                        continue
                    h = _BOUND
                    j = p
                else:
                    h = tid
                    j = p + 1
                for q in range(j, p + k):
                    h = ((h * MULT_INT) & MASK64) ^ ids[q]
                group = keys.get(h)
                if group is not None:
                    hits[ti].append((p, group))
        counts = np.zeros((1, len(self._strategies)), dtype=np.int64)
        if any(hits):
            # Tables longest first; a table sees only what the longer ones left uncovered.
            covered = bytearray(total)
            row = counts[0]
            for (k, _, _), found in zip(tables, hits, strict=True):
                ok = [(p, group) for p, group in found if not any(covered[p : p + k])]
                for p, group in ok:
                    row[group] += 1
                    covered[p : p + k] = b"\x01" * k
        return counts, np.array([_shouting_one(raw, self._shout_min)], dtype=np.float64)

    def _word_id(self, word: bytes) -> int:
        """The id the batch path's direct-address table gives ``word`` (hash and slot, as there)."""
        h = word_hash(word)
        slot = slot_of(h, self._mult, _BUCKET_BITS)
        return int(self._word_ids[slot]) if int(self._word_keys[slot]) == h else _UNK


def _shouting_one(raw: bytes, min_letters: int) -> float:
    """``tone._shouting`` of one text, in the same float operations."""
    upper = len(raw) - len(raw.translate(None, _UPPER))
    if upper < min_letters:
        return 0.0
    lower = len(raw) - len(raw.translate(None, _LOWER))
    share = upper / max(upper + lower, 1)
    return min(max((share - 0.6) / 0.3, 0.0), 1.0)
