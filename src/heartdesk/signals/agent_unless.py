"""The ``unless`` lists of the agent lexicons: a hit whose sentence matches one is dropped.

An ``unless`` regex is one case-insensitive alternation whose alternatives nearly all open with
``\\b``, which stops Python's regex engine from skipping ahead to a likely first letter: it tries
the whole alternation at every position of the sentence. On an ASCII turn the same question is
asked of a lower-cased, case-sensitive form without those ``\\b`` (the engine then skips in C),
and the word boundary is checked on each match: the same verdict, for a fraction of the work.
"""

from __future__ import annotations

import re

from heartdesk.signals.agent_anchors import caseless_source, lower_pattern
from heartdesk.signals.agent_text import context_parts, context_patterns, sentence_at
from heartdesk.signals.lexicon import top_level_alternatives
from heartdesk.signals.re2_spans import Re2Finder, finder


def without_unless(
    text: str,
    hits: list[tuple[int, int, int]],
    unless: re.Pattern[str],
    fast: re.Pattern[str] | None = None,
    low: str | None = None,
) -> list[tuple[int, int, int]]:
    """``hits`` less those whose sentence matches ``unless`` (each sentence searched once: a
    turn of one huge sentence with thousands of hits stays linear).

    ``fast`` (with ``low``, the lower-cased ASCII turn) is ``unless`` lower-cased and without the
    ``\\b`` that opens each alternative (see :func:`unbounded`), which the regex engine can run
    skipping ahead in C; the word boundary is checked on each match instead.
    """
    verdict: dict[tuple[int, int], bool] = {}
    out = []
    for h in hits:
        bounds = sentence_at(text, h[0])
        bad = verdict.get(bounds)
        if bad is None:
            if fast is not None and low is not None:
                bad = bounded_search(fast, low, *bounds)
            else:
                bad = unless.search(text, *bounds) is not None
            verdict[bounds] = bad
        if not bad:
            out.append(h)
    return out


def bounded_search(unbounded: re.Pattern[str], low: str, s: int, e: int) -> bool:
    """Whether ``\\b(?:alt1|alt2|...)`` matches in ``low[s:e]`` (as ``search(low, s, e)``), found
    with ``unbounded``, the alternatives without their ``\\b``: where it matches at a word boundary,
    so does the original; where there is none, every alternative of the original fails."""
    pos = s
    while pos <= e:
        m = unbounded.search(low, pos, e)
        if m is None:
            return False
        st = m.start()
        # ``search(..., e)`` treats ``e`` as the end of the text, and sees the characters before ``s``.
        before = st > 0 and (low[st - 1].isalnum() or low[st - 1] == "_")
        after = st < e and (low[st].isalnum() or low[st] == "_")
        if before != after:
            return True
        pos = st + 1
    return False


def unbounded(unless: re.Pattern[str], parts: list[str]) -> re.Pattern[str] | None:
    """A lexicon's ``unless`` regex, built from its ``parts`` (``(?:p1)|(?:p2)|...``), lower-cased,
    case-sensitive and without the ``\\b`` that opens each alternative of each part; None when one
    does not open so, or when lower-casing cannot stand in for IGNORECASE (see ``caseless_source``)."""
    if "|".join(f"(?:{p})" for p in parts) != unless.pattern or not caseless_source(unless.pattern):
        return None
    # Lower-casing stands in for IGNORECASE only; MULTILINE carries over as it is.
    if not unless.flags & re.IGNORECASE or unless.flags & ~(re.IGNORECASE | re.MULTILINE | re.UNICODE):
        return None
    alternatives = [a for p in parts for a in top_level_alternatives(p)]
    if not alternatives or not all(a.startswith("\\b") and not a.startswith(("\\b(?=", "\\b(?!")) for a in alternatives):
        return None
    try:
        return re.compile(lower_pattern("|".join(a[2:] for a in alternatives)), unless.flags & re.MULTILINE)
    except re.error:
        return None


#: A regex, and its fast form for ASCII text (None: there is none), as :func:`found_in` takes them.
Search = tuple[re.Pattern[str], re.Pattern[str] | None]


def context_search(lexicon: str, key: str) -> Search | None:
    """``agent_text.context_patterns(lexicon, key)`` with its fast form (None: the list is empty)."""
    rx = context_patterns(lexicon, key)
    return None if rx is None else (rx, unbounded(rx, list(context_parts(lexicon, key))))


def found_in(search: Search, text: str) -> bool:
    """``rx.search(text) is not None``, asked of RE2 or of the fast form on an ASCII text.

    RE2 scans the lower-cased turn once with a DFA: bare_policy's "alternatives" (a "but ... I
    can" within 60 characters, among others) cost Python's engine ~23 µs a turn, RE2 ~3 µs.
    """
    rx, fast = search
    if fast is not None and text.isascii():
        low = text.lower()
        entry = _finders.get(id(rx))
        if entry is None or entry[0] is not rx:
            entry = _finders[id(rx)] = (rx, _finder_of(rx))
        found = entry[1]
        if isinstance(found, Re2Finder):
            return found.found(low.encode("ascii"), low)
        return bounded_search(fast, low, 0, len(low))
    return rx.search(text) is not None


#: Per context regex (by ``id``), the regex itself and its RE2 finder on the lower-cased turn, or
#: None where RE2 must not run it. Not keyed by the regex: a ``re.Pattern`` hashes its whole
#: compiled program at every look-up (~16,000 instructions for these lists, 0.8 % of all the
#: engine's instructions). The entry holds the regex, so its id cannot be reused while it stands.
_finders: dict[int, tuple[re.Pattern[str], Re2Finder | None]] = {}


def _finder_of(rx: re.Pattern[str]) -> Re2Finder | None:
    """RE2 for ``rx`` on lower-cased ASCII text: where lower-casing stands in for IGNORECASE."""
    if not rx.flags & re.IGNORECASE or rx.flags & ~(re.IGNORECASE | re.MULTILINE | re.UNICODE):
        return None
    if not caseless_source(rx.pattern):
        return None
    inline = "(?m)" if rx.flags & re.MULTILINE else ""
    return finder(inline + lower_pattern(rx.pattern))
