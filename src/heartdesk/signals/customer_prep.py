"""What the customer detectors share about one turn, computed once (:class:`Prep`).

Every customer detector reads the same turn: its lower-cased text, the watched trigger and head
words it holds, where a head word stands, its sentence bounds, and which groups of the customer
lexicons can match in it (one RE2 pass, ``customer_sets.py``). :func:`prepare` caches them on the
identity of the text object, for the last turn and for the turns of the batch being read.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from heartdesk.signals import customer_sets
from heartdesk.signals.pattern_heads import ALNUM
from heartdesk.signals.text import PLAIN_WORD_BYTES, WORD_BYTES, sentence_bounds

#: Every trigger word and head word the customer detectors use: a turn's words are
#: intersected with these once, and each detector then tests a set of a few words.
_TRIGGERS: set[bytes] = set()
_HEADS: set[bytes] = set()
_WATCHED: set[bytes] = set()  # both
_version = 0


def watch(triggers: frozenset[bytes] = frozenset(), heads: frozenset[bytes] = frozenset()) -> None:
    """Make :attr:`Prep.present` and :attr:`Prep.heads` report these words too."""
    global _version
    if not (triggers <= _TRIGGERS and heads <= _HEADS):
        _TRIGGERS.update(triggers)
        _HEADS.update(heads)
        _WATCHED.update(triggers, heads)
        _version += 1


#: A space and an ASCII digit, in the padded word bytes (a bytes pattern's \d is ASCII only).
_SPACE_DIGIT = re.compile(rb" \d")
_DIGIT_RUN = re.compile(r"\d\d*")  # a character class first: the regex engine skips to it in C


class Prep:
    """What the customer detectors share about one turn."""

    __slots__ = (
        "_b", "_bounds", "_digits", "_heads", "_padded", "_pos", "_rep", "_rep_done", "_starts",
        "low", "norm", "present", "text", "version",
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        self.text = text
        self.version = _version
        low = text.lower()
        self.low = low
        #: ``low`` with typographic apostrophes read as ', or None when lower-casing changed the length.
        norm = low.replace("\u2019", "'").replace("\u02bc", "'") if len(low) == len(text) else None
        self.norm = norm
        b = low.encode("utf-8", "surrogatepass").replace(b"\xe2\x80\x99", b"'").replace(b"\xca\xbc", b"'")
        self._b = b
        tokens = b.translate(WORD_BYTES).split()
        if b"'" in b:
            #: The watched trigger words in the turn (lower-case ASCII words, apostrophes kept: "can't").
            self.present = _TRIGGERS.intersection(tokens)
            self._heads: set[bytes] | None = None
        else:  # the head words are the same tokens: one split and one pass over them
            found = _WATCHED.intersection(tokens)
            self.present = found & _TRIGGERS
            self._heads = found & _HEADS
        # ASCII text: byte offsets are character offsets, and words can be found in the bytes.
        self._padded = None if norm is None or len(b) != len(norm) else b""
        self._pos: dict[bytes, list[int]] = {}
        self._bounds: list[tuple[int, int]] | None = None
        self._starts: list[int] | None = None
        self._digits: list[int] | None = None
        self._rep: customer_sets.Reported | None = None
        self._rep_done = False

    def reported(self) -> customer_sets.Reported | None:
        """The groups of the scanners that may match in the turn (see ``customer_sets``); None: unknown."""
        if not self._rep_done:
            # Computed once per turn, on the first scanner's need (set before the flag: threads may share a Prep).
            self._rep = None if self.norm is None else customer_sets.reported(self.norm)
            self._rep_done = True
        return self._rep

    @property
    def words(self) -> frozenset[bytes]:
        """Every lower-case ASCII word of the turn (apostrophes kept)."""
        return frozenset(self._b.translate(WORD_BYTES).split())

    @property
    def heads(self) -> set[bytes]:
        """The watched head words in the turn (runs of ASCII letters and digits: "can", "t")."""
        if self._heads is None:
            plain = self._b.translate(PLAIN_WORD_BYTES)
            if self._padded == b"":  # ASCII, padded bytes not made yet: the same translation
                self._padded = b" " + plain + b" "
            self._heads = _HEADS.intersection(plain.split())
        return self._heads

    def positions(self, key: bytes) -> list[int]:
        """Where the head word ``key`` (one of :attr:`heads`) starts, as a whole word."""
        got = self._pos.get(key)
        if got is not None:
            return got
        got = []  # stored only once complete: another thread may read the same turn's Prep
        if self._padded is not None:
            padded = self.padded()
            needle = _NEEDLES.get(key)
            if needle is None:  # head words come from the lexicons: a bounded set
                needle = _NEEDLES[key] = b" " + key + b" "
            i = padded.find(needle)
            while i >= 0:
                got.append(i)  # the space before the word is at i + 1 - 1 (padding)
                i = padded.find(needle, i + len(needle) - 1)
            self._pos[key] = got
            return got
        norm = self.norm or ""
        word = key.decode()
        n = len(word)
        i = norm.find(word)
        while i >= 0:
            j = i + n
            if (i == 0 or norm[i - 1] not in ALNUM) and (j >= len(norm) or norm[j] not in ALNUM):
                got.append(i)
            i = norm.find(word, j)
        self._pos[key] = got
        return got

    def digit_starts(self) -> list[int]:
        """Where a run of digits starts (every place a ``\\b\\d`` match can start)."""
        if self._digits is None:
            if self._padded is not None:
                # ASCII: a digit after a space in the padded word bytes starts a word; one scan in C
                # (the padding's leading space makes the space's offset the digit's offset in the text).
                padded = self._padded or self.padded()
                self._digits = [m.start() for m in _SPACE_DIGIT.finditer(padded)]
            else:
                self._digits = [m.start() for m in _DIGIT_RUN.finditer(self.norm or self.text)]
        return self._digits

    def padded(self) -> bytes:
        """The ASCII turn's word bytes (letters and digits, the rest spaces), with a space at both ends."""
        if not self._padded:
            self._padded = b" " + self._b.translate(PLAIN_WORD_BYTES) + b" "
        return self._padded

    @property
    def bounds(self) -> list[tuple[int, int]]:
        if self._bounds is None:
            self._bounds = sentence_bounds(self.text)
        return self._bounds

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [s for s, _ in self.bounds]
        return self._starts

    def sentence_index(self, pos: int) -> int:
        """Index in ``bounds`` of the sentence holding ``pos``, or -1 (whitespace between sentences)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.bounds[i][1] else -1

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = self.sentence_index(pos)
        return self.bounds[i] if i >= 0 else (0, len(self.text))


_last: Prep | None = None
#: A head word with a space on both sides, as :meth:`Prep.positions` looks for it.
_NEEDLES: dict[bytes, bytes] = {}


def prepare(text: str) -> Prep:
    """The shared per-turn data of ``text`` (cached for the last text, and for the texts of the
    last batch given to :func:`prepare_all`: detectors read one turn after another)."""
    global _last
    p = _last
    if p is not None and p.text is text and p.version == _version:
        return p
    p = _batch_by_id.get(id(text))
    if p is None or p.text is not text or p.version != _version:
        p = Prep(text)
    _last = p
    return p


#: The last batch's texts and their Preps, one tuple swapped whole (threads may analyse at once).
_batch: tuple[Sequence[str] | None, list[Prep]] = (None, [])
#: id(text) -> Prep for the texts of the last batch (a Prep keeps its text: an id is never reused meanwhile).
_batch_by_id: dict[int, Prep] = {}


def prepare_all(texts: Sequence[str]) -> list[Prep]:
    """:func:`prepare` of each text of a batch, kept for the batch: the customer detectors'
    ``prepare`` methods all get the same list object, and ``prepare`` then finds each turn's."""
    global _batch, _batch_by_id
    batch = _batch
    if batch[0] is texts and all(p.version == _version for p in batch[1][:1]):
        return batch[1]
    preps = [Prep(t) for t in texts]
    _batch_by_id = {id(p.text): p for p in preps}
    _batch = (texts, preps)
    return preps
