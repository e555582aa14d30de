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
from typing import Any

from heartdesk.signals import agent_words
from heartdesk.signals.agent_anchors import (
    caseless_source,
    has_prefix,
    keys_of,
    lower_pattern,
    required_literals,
    required_sets,
)
from heartdesk.signals.agent_hits import lacks, resolve_overlaps, rest_holds
from heartdesk.signals.agent_text import collect_batch
from heartdesk.signals.agent_unless import unbounded, without_unless
from heartdesk.signals.agent_words import has_any, is_word, word_index, word_starts
from heartdesk.signals.lexicon import top_level_alternatives
from heartdesk.signals.pattern_heads import parser, start_words
from heartdesk.signals.prefilter import Prefilter
from heartdesk.signals.text import widen_apostrophes

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

    def __init__(self, lid: int, index: int, source: str, gates: list[frozenset[bytes]], given: bool = False):
        self.lid = lid
        self.index = index
        self.order = len(_PATS)
        _PATS.append(self)
        _GIVEN.append(given)  # the gate is the entry's own ``anchors``
        self.rx = re.compile(widen_apostrophes(source), re.IGNORECASE)
        self.sent_start = source.startswith(_SENT_START)
        self.boundary = source.startswith("\\b") and not source.startswith("\\b(?=")
        body = source[2:] if self.boundary else source[len(_SENT_START) :] if self.sent_start else source
        self.fast = re.compile(widen_apostrophes(lower_pattern(body)))
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
        _GATES.append(self.gate)
        #: Further key sets the turn must also hit (other required parts of the pattern).
        self.also = tuple(gates[1:])
        _ALSO.append(self.also)
        _SEARCH.append(self.fast.search)
        # Every match ``spans`` keeps is a match of the fast form (on the lower-cased turn).
        _PREFILTER.add(self.order, self.fast.pattern, self.fast.flags)

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
                (self.boundary and is_word(low[st - 1]) and is_word(low[st]))
                or (self.sent_start and not (st >= 2 and low[st - 2] in ".!?" and low[st - 1].isspace()))
            ):
                m = search(low, st + 1)  # started inside a word, or not at a sentence start: look further
                continue
            if en > st:
                out.append((st, en))
                m = search(low, en)
            else:
                m = search(low, st + 1)


_GATED: list[GatedLexicon] = []
_PATS: list[_Pat] = []
#: anchor key -> orders (in _PATS) of the patterns it gates, for every gated lexicon: one pass
#: over a turn's words tells every lexicon at once which of its patterns can match.
_BY_KEY: dict[bytes, tuple[int, ...]] = {}
_UNGATED: set[int] = set()
#: By pattern order: its further required key sets, and its fast search (a
#: bound method: the loop over the patterns whose words are present is then a few bytecodes).
_ALSO: list[tuple[frozenset[bytes], ...]] = []
_GATES: list[frozenset[bytes] | None] = []
_SEARCH: list[Any] = []
_LITERALS: list[tuple[tuple[str, ...], ...]] = []
_HEADS: list[tuple[bytes, ...] | None] = []
#: By pattern order: whether its gate is the entry's own ``anchors`` (a narrowing, not a consequence of its regex).
_GIVEN: list[bool] = []
_NO_KEYS: frozenset[bytes] = frozenset()
_ALL_KEYS: set[bytes] = set()  # the keys of _BY_KEY, as a set: ``&`` then walks the turn's few words
#: All patterns in one RE2 set (signals/prefilter.py): on an ASCII turn it names the few patterns that can
#: match, at a cost that does not grow with their number (None elsewhere: the words gate them).
_PREFILTER = Prefilter()

_NO_HITS: list[tuple[int, int, int]] = []
#: The last text and its hits, as one tuple (swapped whole: safe when threads analyse at once).
_last_scan: tuple[str | None, dict[int, list[tuple[int, int, int]]]] = (None, {})


def scan(text: str) -> dict[int, list[tuple[int, int, int]]]:
    """Hits of every gated lexicon in ``text``, by lexicon id (the last text's are cached).

    Fifteen detectors read each agent turn; scanning once for all of them keeps the cost of a
    detector that finds nothing (the common case) to a dictionary lookup.
    """
    global _last_scan
    last = _last_scan
    if last[0] is text:
        return last[1]
    batched = _batch_by_id.get(id(text))
    if batched is not None and batched[0] is text:
        _last_scan = batched
        return batched[1]
    raw = scan_uncached(text, True)
    _last_scan = (text, raw)
    return raw


def scan_uncached(text: str, prefiltered: bool) -> dict[int, list[tuple[int, int, int]]]:
    """What :func:`scan` finds, computed afresh, with or without the RE2 prefilter (the
    same either way: it only spares the regex calls that would find nothing)."""
    low: str | None = text.lower()
    if len(low) != len(text):  # type: ignore[arg-type]
        low = None  # a few letters lower-case to two characters: offsets would shift
    # The prefilter reads the same lower-cased turn (it cannot tell for one whose length changed).
    reported = _PREFILTER.candidates_lowered(low) if prefiltered and low is not None else None
    # Sorting restores a fixed order (lexicon, then pattern) for the overlaps.
    keys: set[bytes] | None = None
    if reported is not None:
        # Gates read off a pattern only spare searches that would find nothing, which the prefilter
        # has mostly done already: the turn's word set (~8 µs) is not built for them. An entry's
        # own ``anchors`` may narrow it beyond its regex: those still apply, read off the padded words.
        gates = _GATES
        given = _GIVEN
        todo = sorted([o for o in reported if not given[o] or has_any(text, gates[o] or _NO_KEYS)])
    else:
        keys = word_index(text)
        by_key = _BY_KEY  # the union runs in C
        todo = sorted(_UNGATED.union(*[by_key[k] for k in keys & _ALL_KEYS]))
    raw: dict[int, list[tuple[int, int, int]]] = {}
    alsos = _ALSO
    searches = _SEARCH
    literals = _LITERALS
    heads = _HEADS
    for o in todo:
        also = alsos[o]
        if also and keys is not None:
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
            search = searches[o]
            m = search(low)
            if m is None:
                continue  # the common case: one search in C, nothing else
            # ``_PATS[o].spans(text, low, m)`` inlined (most candidates are hits, several per turn),
            # each span tagged with the rule index as it is found.
            pat = _PATS[o]
            idx = pat.index
            boundary, sent_start = pat.boundary, pat.sent_start
            hits: list[tuple[int, int, int]] = []
            while m is not None:
                st, en = m.span()
                if st > 0 and (
                    (boundary and (low[st - 1].isalnum() or low[st - 1] == "_") and (low[st].isalnum() or low[st] == "_"))
                    or (sent_start and not (st >= 2 and low[st - 2] in ".!?" and low[st - 1].isspace()))
                ):
                    m = search(low, st + 1)  # started inside a word, or not at a sentence start
                elif en > st:
                    hits.append((st, en, idx))
                    # Most patterns match once: a search for another would scan the rest of the turn.
                    m = search(low, en) if rest_holds(low, en, literals[o]) else None
                else:
                    m = search(low, st + 1)
            if not hits:
                continue
            got = raw.get(pat.lid)
            if got is None:
                raw[pat.lid] = hits
            else:
                got += hits
            continue
        pat = _PATS[o]
        idx = pat.index
        got = raw.get(pat.lid)
        if got is None:
            raw[pat.lid] = got = []
        got.extend([(st, en, idx) for st, en in found])
    for lid, out in raw.items():
        gl = _GATED[lid]
        lex = gl.lexicon
        if len(out) > 1:
            out = resolve_overlaps(out, lex.rules)
        if lex.unless is not None and not (low is not None and lacks(low, gl.unless_needs)):
            fast = gl.unless_fast if low is not None and text.isascii() else None
            out = without_unless(text, out, lex.unless, fast, low)
        raw[lid] = out
    return raw


def _spans_at(text: str, low: str, o: int, keys: set[bytes] | None) -> list[tuple[int, int]]:
    """What ``_PATS[o].spans`` finds, trying the fast form only where one of its head words starts.

    Positions are visited left to right and a match hides those it covers, as ``finditer``
    does; for a pattern without a fixed first character, a few anchored ``match`` calls cost
    far less than a ``search`` that tries the whole pattern at every position.
    """
    starts: list[int] = []
    for h in _HEADS[o] or ():
        if keys is None or h in keys:  # None: no word set built; word_starts finds none then
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
            (pat.boundary and is_word(low[i - 1]))
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


#: The last batch's texts and their scans, one tuple swapped whole (threads may scan at once).
_batch: tuple[Sequence[str] | None, list[dict[int, list[tuple[int, int, int]]]]] = (None, [])
#: id(text) -> (text, its scan) for the texts of the last batch (the text is kept, so that an
#: id is never mistaken for that of another object).
_batch_by_id: dict[int, tuple[str, dict[int, list[tuple[int, int, int]]]]] = {}


def scan_all(texts: Sequence[str]) -> list[dict[int, list[tuple[int, int, int]]]]:
    """:func:`scan` of each text of a batch, kept for the batch: every agent detector's
    ``prepare`` gets the same list object, and ``scan`` then finds each turn's result."""
    global _batch, _batch_by_id
    batch = _batch
    if batch[0] is texts:
        return batch[1]
    # What the scan computes per turn (its words, its sentences) is kept for the batch too:
    # the detectors that read the turn later ask for them again.
    agent_words.collect_batch(True)
    collect_batch(True)
    try:
        scans = [scan(t) for t in texts]
    finally:
        agent_words.collect_batch(False)
        collect_batch(False)
    _batch_by_id = {id(t): (t, s) for t, s in zip(texts, scans, strict=True)}
    _batch = (texts, scans)
    return scans


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

        global _last_scan, _batch, _batch_by_id
        self.lexicon = builtin(name)
        #: Strings every match of ``unless`` contains (lower-cased): where one tuple is missing,
        #: no sentence can be vetoed and the sentences need not be found at all.
        self.unless_needs: tuple[tuple[str, ...], ...] = ()
        unless = self.lexicon.unless
        if unless is not None and caseless_source(unless.pattern):
            self.unless_needs = tuple(required_literals(lower_pattern(unless.pattern), widest=12))
        res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
        doc = tomllib.loads(res.read_text(encoding="utf-8"))
        raw = doc["patterns"]
        #: ``unless`` as the regex engine runs it fast on an ASCII turn (see ``agent_unless.without_unless``).
        self.unless_fast: re.Pattern[str] | None = None
        if unless is not None:
            parts = [widen_apostrophes(str(u["pattern"])) for u in doc.get("unless", [])]
            self.unless_fast = unbounded(unless, parts)
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
                pat = _Pat(self.id, i, alt, [keys_of(g) for g in sets], bool(given))
                self._pats.append(pat)
                if pat.gate is None:
                    _UNGATED.add(pat.order)
                else:
                    for k in pat.gate:
                        _BY_KEY[k] = (*_BY_KEY.get(k, ()), pat.order)
                        _ALL_KEYS.add(k)
        # Scans made before this lexicon joined lack its hits.
        _last_scan = (None, {})
        _batch = (None, [])
        _batch_by_id = {}

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, rule index) of each match; overlaps resolved in favour of the longest."""
        return scan(text).get(self.id, _NO_HITS)
