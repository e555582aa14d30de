"""Tone of every turn in [-1, 1], from hostile/cold (-1) to warm/polite (+1).

Rules, not a fitted model: the weighted phrases of ``lexicons/tone.toml`` stand for
politeness strategies (Danescu-Niculescu-Mizil et al., 2013) and hostility cues; the
share of upper-case letters (shouting) and the emotion model's positive and negative
mass nudge the result. Per turn::

    raw  = sum over strategies of weight x min(matches, cap)
         + shouting + sum over emotions of EMO_WEIGHTS[label] x probability
    tone = tanh(scale x raw)

Speed is the point of the layout (budget: ~5 µs per turn). Python's regex engine
tries every alternative at every character, which costs 50-500 µs per turn for a
lexicon this size, so the scorer matches WORDS instead: the whole batch is
lower-cased and split into tokens by bytes.translate/split (C speed), tokens become
ids through one dict lookup each, and every phrase of 1-6 tokens is found at once
by hashing the n-grams of the id array in numpy. Longer phrases win over the
shorter ones they contain ("thanks for nothing" is sarcasm, not gratitude).

A single short text (the reply coach scores one draft at a time) takes a plain-Python
path instead: a few dozen tokens cost less in Python than the ~40 numpy calls of the
batch path. It computes the very same hashes, ids and counts, so the floats are equal.
"""

from __future__ import annotations

import operator
import re
import string
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from heartdesk.errors import HeartdeskError
from heartdesk.model import Emotion
from heartdesk.models.wordhash import CHUNK, MULT_INT, SLOT_MULTIPLIERS, slot_of, span_hashes, word_hash  # emotion's too

if TYPE_CHECKING:
    from heartdesk.signals.tone_one import OneText

# Emotion mass -> raw points. Positive emotions warm the tone, hostile ones chill it;
# sadness/anxiety/confusion are distress but not hostility, so they weigh little.
EMO_WEIGHTS: dict[str, float] = {
    "gratitude": 1.0,
    "satisfaction": 0.5,
    "anger": -1.2,
    "disgust": -1.0,
    "frustration": -0.6,
    "disappointment": -0.4,
    "sadness": -0.1,
    "anxiety": -0.1,
    "confusion": -0.1,
}

MAX_N = 6  # longest phrase, in tokens (including the sentence-start marker)
_SEP = b"\x1e"  # joins the batch; also a sentence start
_BOUNDS = (b".", b"!", b"?", _SEP)
# Token ids: 1 unknown word, 2 "sentence start" (anchored keys only), 4-7 . ! ? and the separator, words from 8.
_UNK, _BOUND = 1, 2
_MULT = np.uint64(MULT_INT)  # the n-gram hash uses the word hash's odd multiplier too
_BOUND_U = np.uint64(_BOUND)
_SEP_S = "\x1e"
_ALT = re.compile(r"\(([^()]*)\)")


def _table() -> bytes:
    """bytes.translate table: letters lower-cased, digits and ' kept, .!? kept, the rest a space.

    Bytes >= 0x80 (UTF-8 of non-ASCII letters) are kept so "café" stays one token.
    """
    t = bytearray(b" " * 256)
    for c in string.ascii_lowercase + string.digits + "'.!?":
        t[ord(c)] = ord(c)
    for c in string.ascii_uppercase:
        t[ord(c)] = ord(c.lower())
    t[0x1E] = 0x1E
    t[0x0A] = ord(".")  # a line break ends a sentence
    for b in range(0x80, 0x100):
        t[b] = b
    return bytes(t)


_TABLE = _table()
# Byte class after translation: 1 = part of a word, 2 = a token on its own (. ! ? separator).
_CLASS = np.zeros(256, dtype=np.int8)
_CLASS[[b for b in range(256) if _TABLE[b] == b and b not in b" .!?\x1e"]] = 1
_CLASS[[ord("."), ord("!"), ord("?"), 0x1E]] = 2
_PUNCT_ID = np.zeros(256, dtype=np.int64)
_PUNCT_ID[[ord("."), ord("!"), ord("?"), 0x1E]] = [4, 5, 6, 7]
# What a byte adds to its word's hash before the positional power: byte + 1 inside words, 0 elsewhere.
_VAL = np.where(_CLASS == 1, np.arange(256, dtype=np.uint64) + np.uint64(1), np.uint64(0)).astype(np.uint64)
_SINGLE = _CLASS == 2
# The same two tables as bytes.translate tables: a translation runs at memory speed, where numpy's
# gather of a table by a byte array costs several times more. A value must fit in a byte: byte + 1
# does for every byte but 0xFF, which UTF-8 never holds (a text holding it takes the gather).
_VAL_BYTES = bytes([min(int(v), 255) for v in _VAL])
_SINGLE_BYTES = bytes([int(v) for v in _SINGLE])
_BUCKET_BITS = 18  # direct-address word table: 2^18 slots
_ONE_MAX_CHARS = 4000  # a single text up to this long takes the plain-Python path (tone_one.py)


#: A hyphen before a digit joins a product or model code ("BS-220", "XR-7"): dropped, so the code is one
#: token and never the word before it ("bs" is an insult; "BS-220" is a blender).
_CODE_HYPHEN = re.compile(rb"-(?=[0-9])")


def fold(b: bytes) -> bytes:
    """UTF-8 bytes as the scorer reads them: typographic apostrophes straightened, code hyphens
    dropped, then ``_TABLE`` (lower case; anything but a letter, digit, ' or . ! ? a space)."""
    b = b.replace(b"\xe2\x80\x99", b"'").replace(b"\xca\xbc", b"'")
    if b"-" in b:
        b = _CODE_HYPHEN.sub(b"", b)
    return b.translate(_TABLE)


def tokens(text: str | bytes) -> list[bytes]:
    """The scorer's tokens as bytes (a slow reference of ``RuleTone.token_ids``, used to read phrases)."""
    b = fold(text.encode("utf-8", "replace") if isinstance(text, str) else text)
    for ch in _BOUNDS:
        b = b.replace(ch, b" " + ch + b" ")
    return b.split()


def expand(phrase: str) -> list[str]:
    """'i (really|) appreciate' -> ['i really appreciate', 'i appreciate'] (nested groups not allowed)."""
    m = _ALT.search(phrase)
    if m is None:
        return [" ".join(phrase.split())]
    out: list[str] = []
    for alt in m.group(1).split("|"):
        out.extend(expand(phrase[: m.start()] + " " + alt + " " + phrase[m.end() :]))
    return out


class ToneLexiconError(HeartdeskError):
    pass


@dataclass(frozen=True, slots=True)
class _Table:
    """Phrases of one length (in tokens, counting a leading sentence-start marker)."""

    n: int
    anchored: bool
    keys: npt.NDArray[np.uint64]  # sorted n-gram hashes
    groups: npt.NDArray[np.int64]  # strategy of each hash
    opens: npt.NDArray[np.bool_]  # token id -> may be the first word of such a phrase


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    weight: float
    cap: int


class RuleTone:
    """Batched, vectorised rule-based tone scorer (see the module docstring)."""

    name = "tone"

    def __init__(self, data: dict[str, object], where: str = "lexicons/tone.toml") -> None:
        raw = data.get("strategies")
        if not isinstance(raw, list) or not raw:
            raise ToneLexiconError("E120", f"{where}: 'strategies' must be a non-empty list")
        self.version = f"2+lex{data.get('version', '1')}"
        self.origin = str(data.get("origin", ""))
        self.scale = float(str(data.get("scale", 0.5)))
        shout = data.get("shouting", {})
        shout = shout if isinstance(shout, dict) else {}
        self.shout_weight = float(shout.get("weight", 0.0))
        self.shout_min_letters = int(shout.get("min_letters", 8))
        self.vocab: dict[bytes, int] = {b".": 4, b"!": 5, b"?": 6, _SEP: 7}  # token -> id
        strategies: list[Strategy] = []
        # (n, anchored) -> {hash: strategy index}
        tables: dict[tuple[int, bool], dict[int, int]] = {}
        firsts: dict[tuple[int, bool], set[int]] = {}
        for i, s in enumerate(raw):
            if not isinstance(s, dict) or "phrases" not in s or "weight" not in s:
                raise ToneLexiconError("E121", f"{where}: strategies[{i}] needs 'phrases' and 'weight'")
            strategies.append(Strategy(str(s.get("name", f"strategy {i}")), float(s["weight"]), int(s.get("cap", 2))))
            for phrase in s["phrases"]:
                for p in expand(str(phrase).lower().replace("\u2019", "'")):
                    anchored = p.startswith("^")
                    toks = tokens(p.lstrip("^"))
                    n = len(toks) + anchored
                    if not toks or n > MAX_N:
                        raise ToneLexiconError("E122", f"{where}: phrase {p!r} must have 1..{MAX_N} tokens")
                    ids = [_BOUND] if anchored else []
                    ids += [self.vocab.setdefault(t, len(self.vocab) + 4) for t in toks]
                    table = tables.setdefault((n, anchored), {})
                    h = _hash(ids)
                    if table.get(h, i) != i:
                        raise ToneLexiconError("E123", f"{where}: phrase {p!r} is listed under two strategies")
                    table[h] = i
                    firsts.setdefault((n, anchored), set()).add(ids[1] if anchored else ids[0])
        self.strategies = tuple(strategies)
        self._weights = np.array([s.weight for s in strategies], dtype=np.float64)
        self._caps = np.array([s.cap for s in strategies], dtype=np.int64)
        # Longest first, so a phrase masks the shorter ones inside it. Each table keeps the
        # sorted n-gram hashes, their strategies, and which ids may open such a phrase
        # (so only a few candidate positions are hashed).
        size = max(self.vocab.values()) + 1
        self._tables: list[_Table] = []
        for (n, anchored), table in sorted(tables.items(), key=lambda kv: (-kv[0][0], not kv[0][1])):
            keys = np.array(sorted(table), dtype=np.uint64)
            opens = np.zeros(size + 1, dtype=bool)
            for phrase_ids in firsts[(n, anchored)]:
                opens[phrase_ids] = True
            self._tables.append(_Table(n, anchored, keys, np.array([table[int(k)] for k in keys], dtype=np.int64), opens))
        self._size = size
        self._word_keys, self._word_ids, self._mult = _word_table({word_hash(w): i for w, i in self.vocab.items() if i >= 8})
        self._one: OneText | None = None  # the single-text path, built on first use
        self._emo_keys = tuple(EMO_WEIGHTS)
        self._emo_w = np.array([EMO_WEIGHTS[k] for k in self._emo_keys], dtype=np.float64)
        self._emo_get = operator.itemgetter(*self._emo_keys)

    def counts(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Matches per (text, strategy), uncapped, and the shouting share (0..1) per text."""
        if len(texts) == 1 and len(texts[0]) <= _ONE_MAX_CHARS:
            if self._one is None:
                from heartdesk.signals.tone_one import OneText  # imports this module's tables

                self._one = OneText(self)
            return self._one.counts(texts[0])
        return self._counts_batch(texts)

    def _counts_batch(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        n, g = len(texts), len(self.strategies)
        big = _SEP + _SEP.join([t.encode("utf-8", "surrogatepass") for t in texts])
        if big.count(_SEP) != n:  # a text carrying the separator itself: neutralise it
            big = _SEP + _SEP.join([t.replace(_SEP_S, " ").encode("utf-8", "surrogatepass") for t in texts])
        ids = self.token_ids(big)
        doc = np.cumsum(ids == self.vocab[_SEP]) - 1
        total = len(ids)
        u_ids = ids.astype(np.uint64)
        is_bound = np.zeros(total + 1, dtype=bool)
        is_bound[:total] = (ids >= 4) & (ids <= 7)  # . ! ? and the separator open a sentence
        covered = np.zeros(total + 1, dtype=bool)
        hits_doc: list[npt.NDArray[np.int64]] = []
        hits_grp: list[npt.NDArray[np.int64]] = []
        for t in self._tables:
            k = t.n - 1 if t.anchored else t.n  # tokens of the match itself
            m = total - k + 1
            if m <= 0:
                continue
            cand = np.flatnonzero(t.opens[ids[:m]])
            if t.anchored:
                cand = cand[is_bound[cand - 1]] if cand.size else cand  # position 0 is the separator, never opens
            if cand.size == 0:
                continue
            h = np.full(cand.size, _BOUND_U, dtype=np.uint64) if t.anchored else u_ids[cand].copy()
            for j in range(0 if t.anchored else 1, k):
                h *= _MULT
                h ^= u_ids[cand + j]
            pos = np.minimum(np.searchsorted(t.keys, h), len(t.keys) - 1)
            ok = t.keys[pos] == h
            for j in range(k):
                ok &= ~covered[cand + j]
            lo = cand[ok]
            if lo.size == 0:
                continue
            hits_doc.append(doc[lo])
            hits_grp.append(t.groups[pos[ok]])
            for j in range(k):
                covered[lo + j] = True
        if hits_doc:
            key = np.concatenate(hits_doc) * g + np.concatenate(hits_grp)
            counts = np.bincount(key, minlength=n * g).reshape(n, g)
        else:
            counts = np.zeros((n, g), dtype=np.int64)
        return counts, _shouting(big, n, self.shout_min_letters)

    def token_ids(self, big: bytes) -> npt.NDArray[np.int64]:
        """Token ids of a UTF-8 byte string, all in numpy: words are hashed in place, never sliced out."""
        b = fold(big)
        if len(b) > CHUNK:
            cut = b.rfind(b" ", 0, CHUNK)
            cut = CHUNK // 2 if cut <= 0 else cut
            return np.concatenate([self.token_ids(b[:cut]), self.token_ids(b[cut:])])
        arr = np.frombuffer(b, dtype=np.uint8)
        n = arr.size
        if b.find(b"\xff") < 0:
            val = np.frombuffer(b.translate(_VAL_BYTES), dtype=np.uint8).astype(np.uint64)
        else:
            val = _VAL[arr]
        word = np.zeros(n + 2, dtype=bool)
        np.not_equal(val, 0, out=word[1:-1])
        inner = word[1:-1]
        starts = np.flatnonzero(inner & ~word[:-2])
        ids_at = np.zeros(n, dtype=np.int64)
        keep = np.frombuffer(bytearray(b.translate(_SINGLE_BYTES)), dtype=np.bool_)  # written below: a copy
        single = np.flatnonzero(keep)
        if starts.size:
            ends = np.flatnonzero(inner & ~word[2:]) + 1
            wh = span_hashes(val, starts, ends)
            slot = ((wh * self._mult) >> np.uint64(64 - _BUCKET_BITS)).astype(np.int64)  # uint64 wraps: mod 2^64
            ids_at[starts] = np.where(self._word_keys[slot] == wh, self._word_ids[slot], _UNK)
            keep[starts] = True
        ids_at[single] = _PUNCT_ID[arr[single]]
        out: npt.NDArray[np.int64] = ids_at[keep]
        return out

    def raw(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Phrase points plus shouting per text (before the emotion term and squashing)."""
        if not texts:
            return np.zeros(0)
        counts, shout = self.counts(texts)
        # Row by row, not a matrix product: BLAS picks its kernel by the number of rows, and a
        # turn's tone must not change in the last bit with the turns batched with it.
        points: npt.NDArray[np.float64] = (np.minimum(counts, self._caps) * self._weights).sum(axis=1)
        return points + self.shout_weight * shout

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        raw = self.raw(texts)
        if len(emotions) == len(texts) and emotions:
            raw = raw + self._emotion_points(emotions)
        return [float(x) for x in np.tanh(raw * self.scale).round(4)]

    def _emotion_points(self, emotions: Sequence[Emotion | None]) -> npt.NDArray[np.float64]:
        keys = self._emo_keys
        none = (0.0,) * len(keys)  # agent turns (no emotion): nearly half of every batch
        get = self._emo_get
        try:
            # itemgetter fetches all probabilities of a turn in one C call.
            rows = [none if e is None else get(e.scores) for e in emotions]
        except KeyError:  # a model that omits labels
            rows = [tuple(e.scores.get(k, 0.0) for k in keys) if e is not None else none for e in emotions]
        table = np.asarray(rows, dtype=np.float64).reshape(len(emotions), len(keys))
        points: npt.NDArray[np.float64] = (table * self._emo_w).sum(axis=1)  # row by row (see ``raw``)
        return points

    def explain(self, text: str) -> dict[str, int]:
        """Strategy -> number of phrases counted in ``text`` (plus 'shouting' share x 100), for docs and debugging."""
        counts, shout = self.counts([text])
        out = {self.strategies[i].name: int(c) for i, c in enumerate(counts[0]) if c}
        if shout[0]:
            out["shouting"] = round(float(shout[0]) * 100)
        return out


def _hash(ids: list[int]) -> int:
    h = ids[0]
    for t in ids[1:]:
        h = ((h * MULT_INT) & 0xFFFFFFFFFFFFFFFF) ^ t
    return h


def _word_table(words: dict[int, int]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], np.uint64]:
    """Direct-address table hash -> id: pick the first multiplier under which no two words share a slot."""
    size = 1 << _BUCKET_BITS
    for mult in SLOT_MULTIPLIERS:
        slots = {slot_of(h, mult, _BUCKET_BITS) for h in words}
        if len(slots) == len(words):
            keys = np.zeros(size, dtype=np.uint64)
            ids = np.full(size, _UNK, dtype=np.int64)
            for h, i in words.items():
                slot = slot_of(h, mult, _BUCKET_BITS)
                keys[slot] = h
                ids[slot] = i
            # An empty slot holds key 0, which no real word hashes to (it would need all bytes 255).
            return keys, ids, np.uint64(mult)
    raise ToneLexiconError("E124", "tone vocabulary: no collision-free word table")


def _shouting(big: bytes, n: int, min_letters: int) -> npt.NDArray[np.float64]:
    """0..1 per text: how far the share of upper-case ASCII letters goes beyond 60%."""
    arr = np.frombuffer(big, dtype=np.uint8)
    starts = np.flatnonzero(arr == 0x1E)
    upper = np.add.reduceat(((arr >= 65) & (arr <= 90)).astype(np.int64), starts)
    lower = np.add.reduceat(((arr >= 97) & (arr <= 122)).astype(np.int64), starts)
    share = upper / np.maximum(upper + lower, 1)
    out = np.clip((share - 0.6) / 0.3, 0.0, 1.0)
    out[upper < min_letters] = 0.0
    return out[:n]  # type: ignore[no-any-return]


def _load() -> RuleTone:
    res = resources.files("heartdesk.signals").joinpath("lexicons", "tone.toml")
    return RuleTone(tomllib.loads(res.read_text(encoding="utf-8")))


_DEFAULT: RuleTone | None = None


def load_default() -> RuleTone:
    """The shipped tone scorer (built once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = _load()
    return _DEFAULT


__all__ = ["EMO_WEIGHTS", "RuleTone", "expand", "load_default", "tokens"]
