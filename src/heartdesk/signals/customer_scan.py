"""Fast, exact matching for the customer lexicons: the regex runs only where a match can start.

Python's regex engine tries a pattern at every character of a turn and every alternative
at every word start: 3-40 µs per pattern on a 135-character turn. But nearly every
alternative of a lexicon starts, after its ``\\b``, with one of a finite set of words
("broken", "my", "doesn" of "doesn't"...). :class:`Scanner` reads those head words off the
parsed pattern, finds where they occur in the turn (set intersection, then ``str.find``, in C),
and runs, at each such position only, an anchored ``match`` of the alternatives that can start
with that word, in their original order. Alternatives that start otherwise (a digit, ``$``,
``!``) are tried wherever their first character occurs. Positions are visited left to right
and a match hides the positions it covers, so the result is exactly ``finditer`` of the
whole alternation. A pattern whose start cannot be read falls back to plain ``finditer``.

:func:`prepare` computes once per turn what the customer detectors share (lower-cased text,
word sets, sentence bounds), cached on the identity of the text object.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Sequence
from typing import Any

from heartdesk.signals import customer_sets
from heartdesk.signals.pattern_heads import (
    ALNUM,
    class_items,
    first_class,
    parser,
    required_words,
    split_alternatives,
    sre,
    start_words,
)
from heartdesk.signals.text import APOS, PLAIN_WORD_BYTES, WORD_BYTES, sentence_bounds, widen_apostrophes

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


#: Per group, the regex of the alternatives that may start at one place.
_Todo = list[tuple[int, re.Pattern[str]]]
#: For a set of active groups: their head words, whether one has fallback alternatives, and (filled
#: as starts are met) the buckets cut to those groups by first word, at plain and at fallback starts.
_Spec = tuple[frozenset[bytes], bool, dict[str, _Todo], dict[str, _Todo]]

#: A space and an ASCII digit, in the padded word bytes (a bytes pattern's \d is ASCII only).
_SPACE_DIGIT = re.compile(rb" \d")
_DIGIT_RUN = re.compile(r"\d\d*")  # a character class first: the regex engine skips to it in C
#: The most sets of active groups a scanner keeps the head words and buckets of.
_SPECS_MAX = 4096


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


class Scanner:
    """``finditer`` of each of ``groups`` (alternations), run only where a match can start.

    A group is a list of (rule index, source) alternatives (straight apostrophes, lower
    case, for the lower-cased text), and is matched as the one regex ``src1|src2|...``
    would be: each group keeps its own non-overlapping matches. ``find`` returns
    (start, end, rule index) per match, group by group in position order.
    """

    def __init__(self, groups: list[list[tuple[int, str]]]) -> None:
        self._rule: list[int] = []
        self._src: list[str] = []
        self._group: list[int] = []
        for g, patterns in enumerate(groups):
            for rule, src in patterns:
                for a in split_alternatives(src):
                    self._rule.append(rule)
                    self._src.append(a)
                    self._group.append(g)
        self.groups = len(groups)
        #: Match group name (``u<k>``) -> rule index of alternative k: read per match without parsing the name.
        self._rule_of = {f"u{k}": r for k, r in enumerate(self._rule)}
        # Whole-group regexes, for text whose lower-case form has another length (IGNORECASE on the
        # original) and for groups where the starts cannot be read.
        self._whole = [self._compile(g, range(len(self._src)), 0) for g in range(self.groups)]
        self._slow = [self._compile(g, range(len(self._src)), re.IGNORECASE) for g in range(self.groups)]
        heads: dict[str, list[int]] = {}
        # head word -> words one of which the turn must also contain for any of its alternatives to match
        needs: dict[str, frozenset[bytes] | None] = {}
        fallback: list[int] = []
        chars: set[str] = set()  # first characters of alternatives that start with a symbol ($, !)
        classes: list[str] = []  # other first-character classes
        digits: list[int] = []  # alternatives that start with \\b and a digit
        self._plain = set()  # groups that run as plain finditer
        for k, a in enumerate(self._src):
            items = list(parser.parse(a))
            got = start_words(items, "", False) if a == a.lower() else None
            if got is not None:
                req = required_words(items)
                for h in got:
                    heads.setdefault(h, []).append(k)
                    if h not in needs or needs[h] is not None:
                        needs[h] = None if req is None else (needs.get(h) or frozenset()) | req
                continue
            cls = first_class(items)
            if cls is None or a != a.lower():
                self._plain.add(self._group[k])
                continue
            fallback.append(k)
            if cls == "\\d" and items[0] == (sre.AT, sre.AT_BOUNDARY):
                digits.append(k)  # starts a run of digits: only run starts are tried
            elif all((len(x) == 1 and x != "-") or (x[0] == "\\" and not x[1].isalnum()) for x in class_items(cls)):
                chars.update(x[-1] for x in class_items(cls))
            else:
                classes.append(cls)
        self._heads = {h.encode(): (h, tuple(ks)) for h, ks in heads.items()}
        #: Per group, the head words of its alternatives; and the groups with fallback alternatives.
        group_keys: list[set[bytes]] = [set() for _ in groups]
        for key, (_, ks) in self._heads.items():
            for k in ks:
                group_keys[self._group[k]].add(key)
        self._group_keys = [frozenset(x) for x in group_keys]
        self._fallback_groups = frozenset(self._group[k] for k in fallback)
        self._head_keys = frozenset(self._heads)
        self._needs = {h.encode(): n for h, n in needs.items() if n is not None}
        watch(heads=self._head_keys.union(*self._needs.values()))
        self._fallback = tuple(fallback)
        self._chars = tuple(sorted(chars))
        self._chars_rx = re.compile(f"[{''.join(re.escape(c) for c in self._chars)}]") if chars else None
        self._classes = re.compile(f"[{''.join(classes)}]") if classes else None
        # One character class first, so the regex engine skips to it in C.
        self._digits = re.compile("\\d\\d*") if digits else None
        self._specs: dict[frozenset[int] | None, _Spec] = {}
        #: This scanner's number in the customer prefilter (its groups as the regexes run on the lower-cased turn).
        self._sid = customer_sets.register([rx.pattern for rx in self._whole])
        #: (word, fallback?) -> per group: the regex of the alternatives that may start there.
        self._buckets: dict[tuple[str, bool], _Todo] = {}

    def _compile(self, group: int, ks: Any, flags: int) -> re.Pattern[str]:
        alts = [f"(?P<u{k}>{widen_apostrophes(self._src[k])})" for k in ks if self._group[k] == group]
        return re.compile("|".join(alts) or "(?!)", flags)

    def _fallback_starts(self, p: Prep, norm: str) -> set[int]:
        out: set[int] = set()
        if self._chars_rx is not None:
            for c in self._chars:
                if c in norm:  # one substring test in C spares most turns the scan
                    out.update([m.start() for m in self._chars_rx.finditer(norm)])
                    break
        if self._classes is not None:
            out.update([m.start() for m in self._classes.finditer(norm)])
        if self._digits is not None:
            out.update(p.digit_starts())
        return out

    def find(self, p: Prep, active: frozenset[int] | None = None) -> list[tuple[int, int, int]]:
        """Matches of the groups in ``active`` (default: all)."""
        rep = p.reported()
        if rep is not None and self._sid < rep[0]:
            # Only the groups the prefilter names can match: on most turns, none.
            mine = rep[1].get(self._sid)
            if mine is None:
                return []
            active = mine if active is None else active & mine
            if not active:
                return []
        norm = p.norm
        rule_of = self._rule_of
        out: list[tuple[int, int, int]] = []
        if self._plain or norm is None:
            for g in self._plain if norm is not None else range(self.groups):
                if active is None or g in active:
                    rx = self._whole[g] if norm is not None else self._slow[g]
                    found = rx.finditer(norm or p.text)
                    out += [(m.start(), m.end(), rule_of[m.lastgroup]) for m in found if m.lastgroup]
            if norm is None:
                return out
        spec = self._specs.get(active)
        if spec is None:
            if len(self._specs) >= _SPECS_MAX:
                self._specs.clear()  # bounded: a long stream meets ever more combinations of groups
            spec = self._specs[active] = self._spec(active)
        keys, use_fb, picked, picked_fb = spec
        heads = self._heads
        needs = self._needs
        present = p.heads
        cand: dict[int, str] = {}
        for key in keys.intersection(present):
            need = needs.get(key)
            if need is not None and need.isdisjoint(present):
                continue  # "my" with no "router", "order"... after it anywhere in the turn
            word = heads[key][0]
            for i in p.positions(key):
                cand[i] = word
        fb = self._fallback_starts(p, norm) if use_fb else None
        if fb:
            for i in fb:
                cand.setdefault(i, "")
        if not cand:
            return out
        limit = [0] * self.groups
        buckets = self._buckets
        for i in sorted(cand):
            word = cand[i]
            at_fb = fb is not None and i in fb
            # Looked up by the word alone (its hash is cached), in one of two tables: no tuple per start.
            todo = picked_fb.get(word) if at_fb else picked.get(word)
            if todo is None:
                bkey = (word, at_fb)
                todo = buckets.get(bkey)
                if todo is None:
                    todo = buckets[bkey] = self._bucket(*bkey)
                # The bucket's groups in ``active`` only, kept with the spec: no membership test per start.
                todo = todo if active is None else [(g, rx) for g, rx in todo if g in active]
                if at_fb:
                    picked_fb[word] = todo
                else:
                    picked[word] = todo
            for g, rx in todo:
                if i < limit[g]:
                    continue
                m = rx.match(norm, i)
                if m is None:
                    continue
                end = m.end()
                if end == i or m.lastgroup is None:
                    continue
                limit[g] = end
                out.append((i, end, rule_of[m.lastgroup]))
        return out

    def _spec(self, active: frozenset[int] | None) -> _Spec:
        """The head words of the groups in ``active``, whether one of them has fallback alternatives,
        and (filled as starts are met) the buckets cut to those groups."""
        if active is None:
            return self._head_keys, bool(self._fallback), {}, {}
        # Built from per-group tables: a lexicon's combinations of active patterns run into the
        # thousands over a long stream, and a walk over every head word for each cost ~50 µs.
        keys = frozenset().union(*[self._group_keys[g] for g in active if g < self.groups])
        return keys, not self._fallback_groups.isdisjoint(active), {}, {}

    def _bucket(self, word: str, fb: bool) -> _Todo:
        """Per group: the alternatives that may start with ``word`` (and the fallback ones), in order."""
        ks = set(self._heads[word.encode()][1]) if word else set()
        if fb:
            ks.update(self._fallback)
        groups = sorted({self._group[k] for k in ks} - self._plain)
        return [(g, self._compile(g, sorted(ks), 0)) for g in groups]


_shared: dict[tuple[tuple[tuple[int, str], ...], ...], Scanner] = {}
_shared_lock = threading.Lock()


def shared_scanner(groups: list[list[tuple[int, str]]]) -> Scanner:
    """The one :class:`Scanner` of ``groups``: detectors built again (a pipeline per test, per web
    worker) share it, so the customer prefilter holds each lexicon's groups once, not once per build."""
    key = tuple(tuple(g) for g in groups)
    with _shared_lock:
        got = _shared.get(key)
        if got is None:
            got = _shared[key] = Scanner(groups)
        return got


def heads_of(pattern: str) -> frozenset[bytes] | None:
    """The head words one of which every match of ``pattern`` starts with (None: cannot tell); watched."""
    out: set[str] = set()
    for a in split_alternatives(pattern.replace(APOS, "'")):
        got = start_words(list(parser.parse(a)), "", False) if a == a.lower() else None
        if got is None:
            return None
        out |= got
    keys = frozenset(h.encode() for h in out)
    watch(heads=keys)
    return keys
