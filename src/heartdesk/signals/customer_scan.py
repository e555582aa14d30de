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

What the detectors share about a turn (its words, where they stand, which groups can match) is in
``customer_prep.py``.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from heartdesk.signals import customer_sets
from heartdesk.signals.customer_prep import Prep, watch
from heartdesk.signals.pattern_heads import (
    class_items,
    first_class,
    parser,
    required_words,
    split_alternatives,
    sre,
    start_words,
)
from heartdesk.signals.text import APOS, widen_apostrophes

#: Per group, the regex of the alternatives that may start at one place.
_Todo = list[tuple[int, re.Pattern[str]]]
#: For a set of active groups: their head words, whether one has fallback alternatives, and (filled
#: as starts are met) the buckets cut to those groups by first word, at plain and at fallback starts.
_Spec = tuple[frozenset[bytes], bool, dict[str, _Todo], dict[str, _Todo]]

#: The most sets of active groups a scanner keeps the head words and buckets of.
_SPECS_MAX = 4096


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
