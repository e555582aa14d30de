"""Fast matching of the agent lexicons: only the patterns whose words occur in the turn are run.

A lexicon is one alternation of case-insensitive patterns, and Python's regex engine tries
every alternative at every position: 20-80 µs per lexicon on a 100-character turn, far over
the agent budget. Nearly every pattern, though, needs some word that starts with a known
literal ("sorry", "apolog", "frustrat"). Those anchors are read off the parsed pattern,
the turn's words are indexed once by their first four letters, and only the patterns whose
anchor is present are run, lower-cased and case-sensitive so that the regex engine can skip
positions in C (see :class:`_Pat`). One scan per turn serves every agent detector. Overlapping
matches of different patterns of one lexicon are resolved in favour of the longest, then the surest.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

from heartdesk.signals.agent_text import APOS, WORD_BYTES, sentence_at
from heartdesk.signals.lexicon import Rule, top_level_alternatives

# The regex parser is what reads anchors off a pattern; it has no public API (nor type stubs).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")


def _ends_with_space(sub: Any) -> bool:
    items = list(sub)
    if not items:
        return False
    op, av = items[-1]
    if op is _c.LITERAL:
        return bool(av == 32)
    if op is _c.SUBPATTERN:
        return _ends_with_space(av[3])
    if op is _c.BRANCH:
        return all(_ends_with_space(b) for b in av[1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return _ends_with_space(av[2])
    return False


def _is_nonword(sub: Any) -> bool:
    """True for ``\\W`` or ``\\s`` (what can only sit between words)."""
    items = list(sub)
    if len(items) != 1 or items[0][0] is not _c.IN:
        return False
    return all(op is _c.CATEGORY and av in (_c.CATEGORY_NOT_WORD, _c.CATEGORY_SPACE) for op, av in items[0][1])


# Words so common that an anchor on them barely narrows anything down.
_COMMON = frozenset(
    """you your that this the how what why not was will have has had help feel like its been bein just with from
    ther they them can coul woul shou did does are for and but get got all one out now any very real some want
    know make take good time thin more when whic who here abou able it is in to of on at be do so we me my if or
    an as by no go up us i a d s m re ve ll t""".split()
)


def _word_ends(sub: list[Any], k: int, follow_end: bool) -> bool:
    """Whether a word surely ends before item ``k`` of ``sub``."""
    if k >= len(sub):
        return follow_end
    op, av = sub[k]
    if op is _c.LITERAL:
        return not chr(av).isalnum()
    return op is _c.AT and av is _c.AT_BOUNDARY


def _anchors(
    sub: Any,
    word_start: bool = True,
    follow_end: bool = False,
    collect: list[set[str]] | None = None,
    whole: bool = False,
) -> set[str] | None:
    """Keys of words, one of which every match contains (None: no such set).

    A key is the whole word when the pattern spells it out ("refunded", "ok"), else the first
    four letters of the word ("frus" for ``frustrat\\w*``).
    """
    items: list[Any] = list(sub)
    best: tuple[float, set[str]] | None = None

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if not found:
            return
        if collect is not None:
            collect.append(found)
        common = sum(1 for f in found if f[:4] in _COMMON)
        score = min(len(s) for s in found) - 0.01 * len(found) - 10 * common / len(found)
        if best is None or score > best[0]:
            best = (score, found)

    k = 0
    while k < len(items):
        op, av = items[k]
        if op is _c.LITERAL:
            ch = chr(av).lower()
            if ch.isalnum() and word_start:
                run = []
                while k < len(items) and items[k][0] is _c.LITERAL and chr(items[k][1]).isalnum():
                    run.append(chr(items[k][1]).lower())
                    k += 1
                word = "".join(run)
                if _word_ends(items, k, follow_end):
                    # With ``whole``, a word spelt out in full is its own key: more selective than
                    # its first letters ("refunded" is not in "a full refund").
                    consider({word if whole else word[:4]})
                elif len(word) >= 4:
                    consider({word[:4]})
                word_start = False
                continue
            word_start = not ch.isalnum()
            k += 1
            continue
        after_end = _word_ends(items, k + 1, follow_end)
        if op is _c.AT:
            word_start = av is _c.AT_BOUNDARY or av is _c.AT_BEGINNING or word_start
        elif op is _c.SUBPATTERN:
            consider(_anchors(av[3], word_start, after_end, whole=whole))
            word_start = _ends_with_space(av[3])
        elif op is _c.BRANCH:
            union: set[str] | None = set()
            for br in av[1]:
                got = _anchors(br, word_start, after_end, whole=whole)
                if got is None or union is None:
                    union = None
                else:
                    union |= got
            consider(union)
            word_start = all(_ends_with_space(br) for br in av[1])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, _, inner = av
            if lo >= 1:
                consider(_anchors(inner, word_start, after_end, whole=whole))
            ends = _ends_with_space(inner) or _is_nonword(inner)
            word_start = (word_start and ends) if lo == 0 else ends
        elif op not in (_c.ASSERT, _c.ASSERT_NOT):
            word_start = False
        k += 1
    return None if best is None else best[1]


def anchors_of(pattern: str) -> frozenset[str] | None:
    """Keys of the words one of which any match of ``pattern`` contains (None: no useful set)."""
    sets = required_sets(pattern)
    return sets[0] if sets else None


def required_sets(pattern: str, most: int = 3, whole: bool = False) -> list[frozenset[str]]:
    """Up to ``most`` key sets, each of which any match of ``pattern`` must hit, best first.

    With ``whole``, a word the pattern spells out in full is keyed by the whole word (see
    :func:`word_index`), else by its first four letters.

    Parts of a sequence are all required, so a pattern like ``i can see why .. frustrat\\w*``
    needs a word from {see, unde..} *and* one from {frus, upse..}: checking both keeps a
    common word from setting the pattern off on most turns.
    """
    found: list[set[str]] = []
    _anchors(_parser.parse(pattern, re.IGNORECASE), collect=found, whole=whole)

    def score(keys: frozenset[str]) -> float:
        common = sum(1 for f in keys if f[:4] in _COMMON)
        return min(len(k) for k in keys) - 0.01 * len(keys) - 10 * common / len(keys)

    uniq = {frozenset(f) for f in found if f}
    return sorted(uniq, key=score, reverse=True)[:most]


_G4 = itemgetter(slice(0, 4))
_last_index_text: str | None = None
_last_index: set[bytes] = set()


def keys_of(words: frozenset[str]) -> frozenset[bytes]:
    """Anchor keys in the form :func:`word_index` uses."""
    return frozenset(w.encode("ascii", "replace") for w in words)


def word_index(text: str) -> set[bytes]:
    """Every word of ``text``, lower-cased, and the first four letters of each (cached for the last text)."""
    global _last_index_text, _last_index
    if text is not _last_index_text:
        found = set(text.lower().encode("ascii", "replace").translate(WORD_BYTES).split())
        _last_index = found.union(map(_G4, found))
        _last_index_text = text
    return _last_index


def lower_pattern(pattern: str) -> str:
    """``pattern`` with its literal letters lower-cased (escapes such as ``\\W`` or ``\\B`` kept)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out)


# A pattern that starts a sentence, ``(?:^|(?<=[.!?]\s))so``: the look-behind would make the
# regex engine try every position, so the fast form drops it and the start is checked on each match.
_SENT_START = "(?:^|(?<=[.!?]\\s))"


class _Pat:
    """One pattern, compiled twice.

    ``fast`` is lower-cased, case-sensitive and without its leading ``\\b``, run on the
    lower-cased turn: then the regex engine can skip, in C, every position whose letter cannot
    start a match (case-insensitive patterns and a leading ``\\b`` both defeat that). The
    word boundary is checked on each match instead. ``rx`` is the plain case-insensitive form,
    for the rare text whose lower-case form has another length.
    """

    __slots__ = ("also", "boundary", "fast", "gate", "index", "lid", "order", "rx", "sent_start")

    def __init__(self, lid: int, index: int, source: str, gates: list[frozenset[bytes]]):
        self.lid = lid
        self.index = index
        self.order = len(_PATS)
        _PATS.append(self)
        self.rx = re.compile(source.replace("'", APOS), re.IGNORECASE)
        self.sent_start = source.startswith(_SENT_START)
        self.boundary = source.startswith("\\b") and not source.startswith("\\b(?=")
        body = source[2:] if self.boundary else source[len(_SENT_START) :] if self.sent_start else source
        self.fast = re.compile(lower_pattern(body).replace("'", APOS))
        self.gate = gates[0] if gates else None
        #: Further key sets the turn must also hit (other required parts of the pattern).
        self.also = tuple(gates[1:])
        _ALSO.append(self.also)
        _SEARCH.append(self.fast.search)

    def spans(self, text: str, low: str | None, first: re.Match[str] | None) -> list[tuple[int, int]]:
        """Spans of the matches; ``first`` is the fast form's first match in ``low``, when found already."""
        if low is None:
            return [(m.start(), m.end()) for m in self.rx.finditer(text) if m.end() > m.start()]
        out: list[tuple[int, int]] = []
        search = self.fast.search
        m = first if first is not None else search(low)
        while True:
            if m is None:
                return out
            st, en = m.span()
            if st > 0 and (
                (self.boundary and _is_word(low[st - 1]) and _is_word(low[st]))
                or (self.sent_start and not (st >= 2 and low[st - 2] in ".!?" and low[st - 1].isspace()))
            ):
                m = search(low, st + 1)  # started inside a word, or not at a sentence start: look further
                continue
            if en > st:
                out.append((st, en))
                m = search(low, en)
            else:
                m = search(low, st + 1)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_GATED: list[GatedLexicon] = []
_PATS: list[_Pat] = []
#: anchor key -> orders (in _PATS) of the patterns it gates, for every gated lexicon: one pass
#: over a turn's words tells every lexicon at once which of its patterns can match.
_BY_KEY: dict[bytes, tuple[int, ...]] = {}
_UNGATED: set[int] = set()
#: By pattern order: its further required key sets, and its fast search (a
#: bound method: the loop over the patterns whose words are present is then a few bytecodes).
_ALSO: list[tuple[frozenset[bytes], ...]] = []
_SEARCH: list[Any] = []
_ALL_KEYS: set[bytes] = set()  # the keys of _BY_KEY, as a set: ``&`` then walks the turn's few words
_NO_HITS: list[tuple[int, int, int]] = []
_last_scan_text: str | None = None
_last_scan: dict[int, list[tuple[int, int, int]]] = {}


def scan(text: str) -> dict[int, list[tuple[int, int, int]]]:
    """Hits of every gated lexicon in ``text``, by lexicon id (the last text's are cached).

    Fifteen detectors read each agent turn; scanning once for all of them keeps the cost of a
    detector that finds nothing (the common case) to a dictionary lookup.
    """
    global _last_scan_text, _last_scan
    if text is _last_scan_text:
        return _last_scan
    keys = word_index(text)
    by_key = _BY_KEY
    # The union runs in C; sorting restores a fixed order (lexicon, then pattern) for the overlaps.
    todo = sorted(_UNGATED.union(*[by_key[k] for k in keys & _ALL_KEYS]))
    raw: dict[int, list[tuple[int, int, int]]] = {}
    low: str | None = text.lower()
    if len(low) != len(text):  # type: ignore[arg-type]
        low = None  # a few letters lower-case to two characters: offsets would shift
    alsos = _ALSO
    searches = _SEARCH
    for o in todo:
        also = alsos[o]
        if also:
            for need in also:
                if keys.isdisjoint(need):
                    break  # another required part of the pattern is missing
            else:
                also = ()
            if also:
                continue
        if low is None:
            found = _PATS[o].spans(text, None, None)
            if not found:
                continue
        else:
            m = searches[o](low)
            if m is None:
                continue  # the common case: one search in C, nothing else
            found = _PATS[o].spans(text, low, m)
        pat = _PATS[o]
        idx = pat.index
        got = raw.get(pat.lid)
        if got is None:
            raw[pat.lid] = got = []
        got.extend([(st, en, idx) for st, en in found])
    for lid, out in raw.items():
        lex = _GATED[lid].lexicon
        if len(out) > 1:
            out = _resolve(out, lex.rules)
        if lex.unless is not None:
            out = _without_unless(text, out, lex.unless)
        raw[lid] = out
    _last_scan, _last_scan_text = raw, text
    return raw


def _without_unless(text: str, hits: list[tuple[int, int, int]], unless: re.Pattern[str]) -> list[tuple[int, int, int]]:
    """``hits`` less those whose sentence matches ``unless`` (each sentence searched once: a
    turn of one huge sentence with thousands of hits stays linear)."""
    verdict: dict[tuple[int, int], bool] = {}
    out = []
    for h in hits:
        bounds = sentence_at(text, h[0])
        bad = verdict.get(bounds)
        if bad is None:
            verdict[bounds] = bad = unless.search(text, *bounds) is not None
        if not bad:
            out.append(h)
    return out


@cache
def gated(name: str) -> GatedLexicon:
    """The shared :class:`GatedLexicon` of a built-in lexicon (one per name, so one scan serves all)."""
    return GatedLexicon(name)


class GatedLexicon:
    """Runs a built-in lexicon's patterns only where their words occur.

    A pattern runs only when one of its anchor words is in the turn. Use :func:`gated`.
    """

    def __init__(self, name: str) -> None:
        from heartdesk.signals.lexicon import builtin

        global _last_scan_text
        self.lexicon = builtin(name)
        res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
        raw = tomllib.loads(res.read_text(encoding="utf-8"))["patterns"]
        self._pats: list[_Pat] = []
        self.id = len(_GATED)
        _GATED.append(self)
        for i, p in enumerate(raw):
            src = str(p["pattern"])
            # An entry may name its anchors (words one of which every match contains) when the
            # ones read off the pattern are too common to narrow anything down.
            given = p.get("anchors")
            # A top-level alternation is split so each alternative gets its own anchors.
            for alt in top_level_alternatives(src):
                sets = [frozenset(str(a) for a in given)] if given else required_sets(alt, whole=True)
                pat = _Pat(self.id, i, alt, [keys_of(g) for g in sets])
                self._pats.append(pat)
                if pat.gate is None:
                    _UNGATED.add(pat.order)
                else:
                    for k in pat.gate:
                        _BY_KEY[k] = (*_BY_KEY.get(k, ()), pat.order)
                        _ALL_KEYS.add(k)
        _last_scan_text = None

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, rule index) of each match; overlaps resolved in favour of the longest."""
        return scan(text).get(self.id, _NO_HITS)


class GatedPatterns:
    """A ``[context]`` pattern list run like a gated lexicon: only the patterns whose words are in the turn.

    The patterns are compiled lower-cased and case-sensitive (see :class:`_Pat`): give
    :meth:`any_match` the lower-cased slice to test, so that ``^``/``$`` anchor on it.
    """

    def __init__(self, lexicon: str, key: str) -> None:
        res = resources.files("heartdesk.signals").joinpath("lexicons", f"{lexicon}.toml")
        ctx = tomllib.loads(res.read_text(encoding="utf-8")).get("context", {})
        raw = ctx.get(key, []) if isinstance(ctx, dict) else []
        self._always: list[re.Pattern[str]] = []
        self._by_key: dict[bytes, list[tuple[re.Pattern[str], tuple[frozenset[bytes], ...]]]] = {}
        for src in raw:
            for alt in top_level_alternatives(str(src)):
                rx = re.compile(lower_pattern(alt).replace("'", APOS))
                sets = [keys_of(g) for g in required_sets(alt, whole=True)]
                if not sets:
                    self._always.append(rx)
                    continue
                for k in sets[0]:
                    self._by_key.setdefault(k, []).append((rx, tuple(sets[1:])))
        self._keys = set(self._by_key)

    def candidates(self, text: str) -> list[re.Pattern[str]]:
        """The patterns that can match somewhere in ``text`` (by their words)."""
        keys = word_index(text)
        out = list(self._always)
        for k in keys & self._keys:
            for rx, also in self._by_key[k]:
                for g in also:
                    if keys.isdisjoint(g):
                        break
                else:
                    if rx not in out:
                        out.append(rx)
        return out


def _resolve(hits: list[tuple[int, int, int]], rules: tuple[Rule, ...]) -> list[tuple[int, int, int]]:
    """Overlapping hits of one lexicon: keep the longest (the fullest evidence), then the surest."""
    if len(hits) > 64:
        # A huge turn (a pasted log): keep the earliest of overlapping hits, in linear time.
        hits.sort()
        out: list[tuple[int, int, int]] = []
        for h in hits:
            if not out or h[0] >= out[-1][1]:
                out.append(h)
        return out
    hits.sort(key=lambda h: (h[0] - h[1], -rules[h[2]].confidence, h[0]))
    kept: list[tuple[int, int, int]] = []
    for h in hits:
        if all(h[1] <= k[0] or h[0] >= k[1] for k in kept):
            kept.append(h)
    kept.sort()
    return kept
