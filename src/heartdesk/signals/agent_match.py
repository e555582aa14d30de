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

import re
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

from heartdesk.signals.agent_anchors import has_prefix, keys_of, lower_pattern, required_literals, required_sets
from heartdesk.signals.agent_text import APOS, WORD_BYTES, collect_batch, sentence_at
from heartdesk.signals.lexicon import Rule, top_level_alternatives
from heartdesk.signals.pattern_heads import parser, start_words

_G4 = itemgetter(slice(0, 4))
_last_index_text: str | None = None
_last_index: set[bytes] = set()


#: The last text's words, lower-cased, as ASCII bytes with every other character a space and one
#: space at both ends: one byte per character of ``text.lower()``, so a word's offset in it (less
#: the leading space) is its offset in the lower-cased text.
_last_padded = b""
_last_starts: dict[bytes, list[int]] = {}
#: id(text) -> (text, its words, its padded bytes) for the turns of the batch being scanned.
_batch_words: dict[int, tuple[str, set[bytes], bytes]] = {}
_collecting = False


def word_index(text: str) -> set[bytes]:
    """Every word of ``text``, lower-cased, and the first four letters of each (cached for the last text)."""
    global _last_index_text, _last_index, _last_padded, _last_starts
    if text is not _last_index_text:
        kept = _batch_words.get(id(text))
        if kept is not None and kept[0] is text:  # the entry holds the text: its id is not reused
            _, _last_index, _last_padded = kept
        else:
            # ASCII with "?" for the rest: one byte per character, so offsets carry over.
            spaced = text.lower().encode("ascii", "replace").translate(WORD_BYTES)
            found = set(spaced.split())
            _last_index = found.union(map(_G4, found))
            _last_padded = b" " + spaced + b" "
            if _collecting:
                _batch_words[id(text)] = (text, _last_index, _last_padded)
        _last_starts = {}
        _last_index_text = text
    return _last_index


def word_starts(text: str, word: bytes) -> list[int]:
    """Offsets in ``text.lower()`` where ``word`` (a run of ASCII letters and digits) stands whole."""
    if text is not _last_index_text:
        word_index(text)
    got = _last_starts.get(word)
    if got is None:
        got = _last_starts[word] = []
        padded = _last_padded
        needle = b" " + word + b" "
        step = len(needle) - 1
        i = padded.find(needle)
        while i >= 0:
            got.append(i)  # the word starts at i + 1 in ``padded``, at i in the text
            i = padded.find(needle, i + step)
    return got


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

    __slots__ = ("also", "boundary", "fast", "gate", "heads", "index", "lid", "literals", "order", "rx", "sent_start")

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
        #: Strings the lower-cased turn must contain (one of each tuple) for ``fast`` to match:
        #: ``in`` tests them in C, sparing most of the searches that would find nothing.
        self.literals = tuple(required_literals(self.fast.pattern))
        _LITERALS.append(self.literals)
        #: The words a match starts with (after its ``\\b``), kept when the regex engine cannot
        #: skip positions by itself (an optional first word, ``(?:please )?call``): the fast form
        #: is then only tried where one of them starts (see :func:`_spans_at`).
        self.heads: tuple[bytes, ...] | None = None
        if (self.boundary or self.sent_start) and not has_prefix(self.fast.pattern):
            # A sentence starts after a space, or at 0: at a word boundary too.
            got = start_words(list(parser.parse("\\b" + self.fast.pattern)), "", False)
            if got and all(got):
                self.heads = tuple(sorted(w.encode("ascii") for w in got))
        _HEADS.append(self.heads)
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
_LITERALS: list[tuple[tuple[str, ...], ...]] = []
_HEADS: list[tuple[bytes, ...] | None] = []
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
    batched = _batch_by_id.get(id(text))
    if batched is not None and batched[0] is text:
        _last_scan, _last_scan_text = batched[1], text
        return batched[1]
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
    literals = _LITERALS
    heads = _HEADS
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
        elif heads[o] is not None:
            found = _spans_at(text, low, o, keys)
            if not found:
                continue
        else:
            missing = False
            for strings in literals[o]:
                for lit in strings:
                    if lit in low:
                        break
                else:
                    missing = True  # no string of this tuple in the turn: no match possible
                    break
            if missing:
                continue
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


def _spans_at(text: str, low: str, o: int, keys: set[bytes]) -> list[tuple[int, int]]:
    """What ``_PATS[o].spans`` finds, trying the fast form only where one of its head words starts.

    Positions are visited left to right and a match hides those it covers, as ``finditer``
    does; for a pattern without a fixed first character, a few anchored ``match`` calls cost
    far less than a ``search`` that tries the whole pattern at every position.
    """
    starts: list[int] = []
    for h in _HEADS[o] or ():
        if h in keys:
            starts += word_starts(text, h)
    if not starts:
        return []
    if len(starts) > 1:
        starts.sort()
    pat = _PATS[o]
    match = pat.fast.match
    out: list[tuple[int, int]] = []
    end = 0
    for i in starts:
        if i < end:
            continue
        if i > 0 and (
            # A letter outside ASCII (or "_") before the word: no ``\\b`` there (as in ``spans``).
            (pat.boundary and _is_word(low[i - 1]))
            or (pat.sent_start and not (i >= 2 and low[i - 2] in ".!?" and low[i - 1].isspace()))
        ):
            continue
        m = match(low, i)
        if m is not None:
            en = m.end()
            if en > i:
                out.append((i, en))
                end = en
    return out


_batch_texts: Sequence[str] | None = None
_batch_scans: list[dict[int, list[tuple[int, int, int]]]] = []
#: id(text) -> (text, its scan) for the texts of the last batch (the text is kept, so that an
#: id is never mistaken for that of another object).
_batch_by_id: dict[int, tuple[str, dict[int, list[tuple[int, int, int]]]]] = {}


def scan_all(texts: Sequence[str]) -> list[dict[int, list[tuple[int, int, int]]]]:
    """:func:`scan` of each text of a batch, kept for the batch: every agent detector's
    ``prepare`` gets the same list object, and ``scan`` then finds each turn's result."""
    global _batch_texts, _batch_scans, _batch_by_id, _batch_words, _collecting
    if texts is not _batch_texts:
        _batch_texts, _batch_by_id, _batch_words = None, {}, {}
        # What the scan computes per turn (its words, its sentences) is kept for the batch too:
        # the detectors that read the turn later ask for them again.
        _collecting = True
        collect_batch(True)
        try:
            scans = [scan(t) for t in texts]
        finally:
            _collecting = False
            collect_batch(False)
        _batch_by_id = {id(t): (t, s) for t, s in zip(texts, scans, strict=True)}
        _batch_texts, _batch_scans = texts, scans
    return _batch_scans


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

        global _last_scan_text, _batch_texts, _batch_by_id
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
        # Scans made before this lexicon joined lack its hits.
        _last_scan_text = _batch_texts = None
        _batch_by_id = {}

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
