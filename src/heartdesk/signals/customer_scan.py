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
import importlib
import re
from typing import Any

from heartdesk.signals.lexicon import top_level_alternatives
from heartdesk.signals.text import sentence_bounds

# The regex parser is what reads head words off a pattern; it has no public API (nor type stubs).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

APOS = "['\u2019\u02bc]"
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# bytes.translate tables: ASCII letters/digits (and ' for the first) stay, the rest is a space.
_WORD_BYTES = bytes(c if (chr(c).isascii() and chr(c).isalnum()) or c == 39 else 32 for c in range(256))
_HEAD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))
_MAX_HEADS = 3000


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


_SPACE_DIGITS = tuple(b" %d" % d for d in range(10))
_DIGIT_RUN = re.compile(r"\d\d*")  # a character class first: the regex engine skips to it in C


class Prep:
    """What the customer detectors share about one turn."""

    __slots__ = ("_b", "_bounds", "_digits", "_heads", "_padded", "_pos", "_starts", "low", "norm", "present", "text", "version")

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
        tokens = b.translate(_WORD_BYTES).split()
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

    @property
    def words(self) -> frozenset[bytes]:
        """Every lower-case ASCII word of the turn (apostrophes kept)."""
        return frozenset(self._b.translate(_WORD_BYTES).split())

    @property
    def heads(self) -> set[bytes]:
        """The watched head words in the turn (runs of ASCII letters and digits: "can", "t")."""
        if self._heads is None:
            self._heads = _HEADS.intersection(self._b.translate(_HEAD_BYTES).split())
        return self._heads

    def positions(self, key: bytes) -> list[int]:
        """Where the head word ``key`` (one of :attr:`heads`) starts, as a whole word."""
        got = self._pos.get(key)
        if got is not None:
            return got
        got = self._pos[key] = []
        if self._padded is not None:
            padded = self.padded()
            needle = b" " + key + b" "
            i = padded.find(needle)
            while i >= 0:
                got.append(i)  # the space before the word is at i + 1 - 1 (padding)
                i = padded.find(needle, i + len(needle) - 1)
            return got
        norm = self.norm or ""
        word = key.decode()
        n = len(word)
        i = norm.find(word)
        while i >= 0:
            j = i + n
            if (i == 0 or norm[i - 1] not in _ALNUM) and (j >= len(norm) or norm[j] not in _ALNUM):
                got.append(i)
            i = norm.find(word, j)
        return got

    def digit_starts(self) -> list[int]:
        """Where a run of digits starts (every place a ``\\b\\d`` match can start)."""
        if self._digits is None:
            if self._padded is not None:
                # ASCII: a digit after a space in the padded word bytes starts a word; ten finds in C.
                padded = self._padded or self.padded()
                got = []
                for needle in _SPACE_DIGITS:
                    i = padded.find(needle)
                    while i >= 0:
                        got.append(i)
                        i = padded.find(needle, i + 2)
                self._digits = got
            else:
                self._digits = [m.start() for m in _DIGIT_RUN.finditer(self.norm or self.text)]
        return self._digits

    def padded(self) -> bytes:
        """The ASCII turn's word bytes (letters and digits, the rest spaces), with a space at both ends."""
        if not self._padded:
            self._padded = b" " + self._b.translate(_HEAD_BYTES) + b" "
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


def prepare(text: str) -> Prep:
    """The shared per-turn data of ``text`` (a one-entry cache: detectors read one turn after another)."""
    global _last
    p = _last
    if p is not None and p.text is text and p.version == _version:
        return p
    p = _last = Prep(text)
    return p


# --- reading head words off a pattern ------------------------------------------------------


def _heads(items: list[Any], prefix: str, bounded: bool) -> set[str] | None:
    """Every first run of [a-z0-9] a match of ``items`` can start with (None: cannot tell).

    Only for matches that start at a word boundary (``bounded``): then the run is a whole
    ASCII word of the text, or the part of one before an apostrophe or a hyphen.
    """
    if not items:
        return None  # the match may stop inside a word: its word is not known
    op, av = items[0]
    rest = items[1:]
    if op is _c.AT:
        if av is _c.AT_BOUNDARY:
            return _heads(rest, prefix, True) if not prefix else {prefix}
        return None
    if op is _c.LITERAL:
        ch = chr(av)
        if ch in _ALNUM:
            return _heads(rest, prefix + ch, bounded) if bounded else None
        return {prefix} if prefix else None
    if op is _c.SUBPATTERN:
        return _heads(list(av[3]) + rest, prefix, bounded)
    if op is _c.BRANCH:
        return _union([list(br) + rest for br in av[1]], prefix, bounded)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, hi, inner = av
        if hi <= 3:
            return _union([list(inner) * n + rest for n in range(lo, hi + 1)], prefix, bounded)
        if prefix and _starts_nonword(list(inner)):
            tail = _heads(rest, prefix, bounded) if lo == 0 else set()
            return None if tail is None else tail | {prefix}
        return None
    if op is _c.IN:
        if prefix and _starts_nonword([items[0]]):
            return {prefix}
        if all(o is _c.LITERAL for o, _ in av):
            return _union([[(_c.LITERAL, a), *rest] for _, a in av], prefix, bounded)
        return None
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return _heads(rest, prefix, bounded)  # zero-width: ignoring it only admits more
    return None


def _union(options: list[list[Any]], prefix: str, bounded: bool) -> set[str] | None:
    out: set[str] = set()
    for items in options:
        got = _heads(items, prefix, bounded)
        if got is None:
            return None
        out |= got
        if len(out) > _MAX_HEADS:
            return None
    return out


def _starts_nonword(items: list[Any]) -> bool:
    """True when the first character ``items`` consume is surely not an ASCII letter or digit."""
    if not items:
        return False
    op, av = items[0]
    if op is _c.LITERAL:
        return chr(av) not in _ALNUM
    if op is _c.IN:
        for o, a in av:
            if o is _c.LITERAL and chr(a) not in _ALNUM:
                continue
            if o is _c.CATEGORY and a in (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD):
                continue
            return False
        return True
    if op is _c.SUBPATTERN:
        return _starts_nonword(list(av[3]))
    if op is _c.BRANCH:
        return all(_starts_nonword(list(br)) for br in av[1])
    return False


def _first_class(items: list[Any]) -> str | None:
    """The inside of a regex class for the first character a match consumes (None: cannot tell)."""
    for op, av in items:
        if op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
            continue  # zero-width
        if op is _c.LITERAL:
            return re.escape(chr(av))
        if op is _c.SUBPATTERN:
            return _first_class(list(av[3]))
        if op is _c.BRANCH:
            got = [_first_class(list(br)) for br in av[1]]
            return None if any(g is None for g in got) else "".join(g for g in got if g)
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            return _first_class(list(av[2]))
        if op is _c.IN:
            parts: list[str] = []
            for o, a in av:
                if o is _c.LITERAL:
                    parts.append(re.escape(chr(a)))
                elif o is _c.RANGE:
                    parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                elif o is _c.CATEGORY and a is _c.CATEGORY_DIGIT:
                    parts.append("\\d")
                else:
                    return None
            return "".join(parts)
        return None
    return None


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
                for a in _split(src):
                    self._rule.append(rule)
                    self._src.append(a)
                    self._group.append(g)
        self.groups = len(groups)
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
            items = list(_parser.parse(a))
            got = _heads(items, "", False) if a == a.lower() else None
            if got is not None:
                req = _required(items)
                for h in got:
                    heads.setdefault(h, []).append(k)
                    if h not in needs or needs[h] is not None:
                        needs[h] = None if req is None else (needs.get(h) or frozenset()) | req
                continue
            cls = _first_class(items)
            if cls is None or a != a.lower():
                self._plain.add(self._group[k])
                continue
            fallback.append(k)
            if cls == "\\d" and items[0] == (_c.AT, _c.AT_BOUNDARY):
                digits.append(k)  # starts a run of digits: only run starts are tried
            elif all((len(x) == 1 and x != "-") or (x[0] == "\\" and not x[1].isalnum()) for x in _class_items(cls)):
                chars.update(x[-1] for x in _class_items(cls))
            else:
                classes.append(cls)
        self._heads = {h.encode(): (h, tuple(ks)) for h, ks in heads.items()}
        self._head_keys = frozenset(self._heads)
        self._needs = {h.encode(): n for h, n in needs.items() if n is not None}
        watch(heads=self._head_keys.union(*self._needs.values()))
        self._fallback = tuple(fallback)
        self._chars = tuple(sorted(chars))
        self._chars_rx = re.compile(f"[{''.join(re.escape(c) for c in self._chars)}]") if chars else None
        self._classes = re.compile(f"[{''.join(classes)}]") if classes else None
        # One character class first, so the regex engine skips to it in C.
        self._digits = re.compile("\\d\\d*") if digits else None
        self._specs: dict[frozenset[int] | None, tuple[frozenset[bytes], bool]] = {}
        #: (word, fallback?) -> per group: the regex of the alternatives that may start there.
        self._buckets: dict[tuple[str, bool], list[tuple[int, re.Pattern[str]]]] = {}

    def _compile(self, group: int, ks: Any, flags: int) -> re.Pattern[str]:
        alts = [f"(?P<u{k}>{self._src[k].replace(chr(39), APOS)})" for k in ks if self._group[k] == group]
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
        norm = p.norm
        rule = self._rule
        out: list[tuple[int, int, int]] = []
        if self._plain or norm is None:
            for g in self._plain if norm is not None else range(self.groups):
                if active is None or g in active:
                    rx = self._whole[g] if norm is not None else self._slow[g]
                    found = rx.finditer(norm or p.text)
                    out += [(m.start(), m.end(), rule[int(m.lastgroup[1:])]) for m in found if m.lastgroup]
            if norm is None:
                return out
        spec = self._specs.get(active)
        if spec is None:
            spec = self._specs[active] = self._spec(active)
        keys, use_fb = spec
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
            bkey = (cand[i], fb is not None and i in fb)
            todo = buckets.get(bkey)
            if todo is None:
                todo = buckets[bkey] = self._bucket(*bkey)
            for g, rx in todo:
                if i < limit[g] or (active is not None and g not in active):
                    continue
                m = rx.match(norm, i)
                if m is None or m.end() == i or m.lastgroup is None:
                    continue
                limit[g] = m.end()
                out.append((i, m.end(), rule[int(m.lastgroup[1:])]))
        return out

    def _spec(self, active: frozenset[int] | None) -> tuple[frozenset[bytes], bool]:
        """The head words of the groups in ``active``, and whether one of them has fallback alternatives."""
        if active is None:
            return self._head_keys, bool(self._fallback)
        keys = frozenset(key for key, (_, ks) in self._heads.items() if any(self._group[k] in active for k in ks))
        return keys, any(self._group[k] in active for k in self._fallback)

    def _bucket(self, word: str, fb: bool) -> list[tuple[int, re.Pattern[str]]]:
        """Per group: the alternatives that may start with ``word`` (and the fallback ones), in order."""
        ks = set(self._heads[word.encode()][1]) if word else set()
        if fb:
            ks.update(self._fallback)
        groups = sorted({self._group[k] for k in ks} - self._plain)
        return [(g, self._compile(g, sorted(ks), 0)) for g in groups]


def _required(items: list[Any]) -> frozenset[bytes] | None:
    """Words one of which the text must contain for ``items`` (an alternative) to match, besides its head.

    Any later part of the sequence that starts a word (after a space, or after an optional
    ``(?:\\w+ )?`` that follows a space) must match from there on, so the words it can start
    with are required. The most selective such set (longest shortest word) is kept.
    """
    best: frozenset[bytes] | None = None
    word_start = False
    for k in range(1, len(items)):
        op, av = items[k - 1]
        if op is _c.LITERAL:
            word_start = av == 32
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0:
            word_start = word_start and _ends_with_space(list(av[2]))
        else:
            word_start = False
        if not word_start:
            continue
        got = _heads(items[k:], "", True)
        if got and all(got):
            cand = frozenset(w.encode() for w in got)
            if best is None or min(map(len, cand)) > min(map(len, best)):
                best = cand
    return best


def _ends_with_space(items: list[Any]) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if op is _c.LITERAL:
        return bool(av == 32)
    if op is _c.SUBPATTERN:
        return _ends_with_space(list(av[3]))
    if op is _c.BRANCH:
        return all(_ends_with_space(list(b)) for b in av[1])
    return False


def _class_items(cls: str) -> list[str]:
    """The items of a class body made by _first_class: escaped characters, ranges, categories."""
    out: list[str] = []
    i = 0
    while i < len(cls):
        if cls[i] == "\\" and i + 1 < len(cls):
            out.append(cls[i : i + 2])
            i += 2
        else:
            out.append(cls[i])
            i += 1
    return out


def heads_of(pattern: str) -> frozenset[bytes] | None:
    """The head words one of which every match of ``pattern`` starts with (None: cannot tell); watched."""
    out: set[str] = set()
    for a in _split(pattern.replace(APOS, "'")):
        got = _heads(list(_parser.parse(a)), "", False) if a == a.lower() else None
        if got is None:
            return None
        out |= got
    keys = frozenset(h.encode() for h in out)
    watch(heads=keys)
    return keys


def _split(src: str, most: int = 800) -> list[str]:
    """Top-level alternatives of ``src``, leading groups distributed: ``\\b(?:a|b)c`` -> ``\\bac``, ``\\bbc``.

    ``x(?:a|b)y`` matches exactly what ``xay|xby`` does, trying the same things in the
    same order; split so, each alternative has fewer head words, and the regex run at
    a position holds only the alternatives that can start there.
    """
    out = [u for alt in top_level_alternatives(src) for u in _distribute(alt)]
    return out if len(out) <= most else top_level_alternatives(src)


def _distribute(alt: str) -> list[str]:
    lead = "\\b" if alt.startswith("\\b") else ""
    body = alt[len(lead) :]
    if not body.startswith("(?:"):
        return [alt]
    close = _group_end(body)
    after = body[close + 1 :]
    if close < 0 or after[:1] in ("?", "*", "+", "{"):
        return [alt]
    return [u for a in top_level_alternatives(body[3:close]) for u in _distribute(lead + a + after)]


def _group_end(src: str) -> int:
    """Index of the parenthesis closing the group that opens ``src`` (-1: none)."""
    depth = 0
    in_class = False
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
