"""Reading head words off a regular expression: the words a match can start with.

Used by the customer scanner (``customer_scan``) to run a pattern only where a match can
start, and by the agent matcher to try a pattern only at those words. A pattern is parsed
with Python's own regex parser and walked; when the start cannot be read, the functions
return None and the caller falls back to an ordinary search.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from heartdesk.signals.lexicon import structure, top_level_alternatives

# The regex parser is what reads head words off a pattern; it has no public API (nor type stubs).
parser: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")

ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_MAX_HEADS = 3000


def start_words(items: list[Any], prefix: str, bounded: bool) -> set[str] | None:
    """Every first run of [a-z0-9] a match of ``items`` can start with (None: cannot tell).

    Only for matches that start at a word boundary (``bounded``): then the run is a whole
    ASCII word of the text, or the part of one before an apostrophe or a hyphen.
    """
    if not items:
        return None  # the match may stop inside a word: its word is not known
    op, av = items[0]
    rest = items[1:]
    if op is sre.AT:
        if av is sre.AT_BOUNDARY:
            return start_words(rest, prefix, True) if not prefix else {prefix}
        return None
    if op is sre.LITERAL:
        ch = chr(av)
        if ch in ALNUM:
            return start_words(rest, prefix + ch, bounded) if bounded else None
        return {prefix} if prefix else None
    if op is sre.SUBPATTERN:
        return start_words(list(av[3]) + rest, prefix, bounded)
    if op is sre.BRANCH:
        return union([list(br) + rest for br in av[1]], prefix, bounded)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        lo, hi, inner = av
        if hi <= 3:
            return union([list(inner) * n + rest for n in range(lo, hi + 1)], prefix, bounded)
        if prefix and starts_nonword(list(inner)):
            tail = start_words(rest, prefix, bounded) if lo == 0 else set()
            return None if tail is None else tail | {prefix}
        return None
    if op is sre.IN:
        if prefix and starts_nonword([items[0]]):
            return {prefix}
        if all(o is sre.LITERAL for o, _ in av):
            return union([[(sre.LITERAL, a), *rest] for _, a in av], prefix, bounded)
        return None
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return start_words(rest, prefix, bounded)  # zero-width: ignoring it only admits more
    return None


def union(options: list[list[Any]], prefix: str, bounded: bool) -> set[str] | None:
    out: set[str] = set()
    for items in options:
        got = start_words(items, prefix, bounded)
        if got is None:
            return None
        out |= got
        if len(out) > _MAX_HEADS:
            return None
    return out


def starts_nonword(items: list[Any]) -> bool:
    """True when the first character ``items`` consume is surely not an ASCII letter or digit."""
    if not items:
        return False
    op, av = items[0]
    if op is sre.LITERAL:
        return chr(av) not in ALNUM
    if op is sre.IN:
        for o, a in av:
            if o is sre.LITERAL and chr(a) not in ALNUM:
                continue
            if o is sre.CATEGORY and a in (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD):
                continue
            return False
        return True
    if op is sre.SUBPATTERN:
        return starts_nonword(list(av[3]))
    if op is sre.BRANCH:
        return all(starts_nonword(list(br)) for br in av[1])
    return False


def first_class(items: list[Any]) -> str | None:
    """The inside of a regex class for the first character a match consumes (None: cannot tell)."""
    for op, av in items:
        if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width
        if op is sre.LITERAL:
            return re.escape(chr(av))
        if op is sre.SUBPATTERN:
            return first_class(list(av[3]))
        if op is sre.BRANCH:
            got = [first_class(list(br)) for br in av[1]]
            return None if any(g is None for g in got) else "".join(g for g in got if g)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            return first_class(list(av[2]))
        if op is sre.IN:
            parts: list[str] = []
            for o, a in av:
                if o is sre.LITERAL:
                    parts.append(re.escape(chr(a)))
                elif o is sre.RANGE:
                    parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                elif o is sre.CATEGORY and a is sre.CATEGORY_DIGIT:
                    parts.append("\\d")
                else:
                    return None
            return "".join(parts)
        return None
    return None


def required_words(items: list[Any]) -> frozenset[bytes] | None:
    """Words one of which the text must contain for ``items`` (an alternative) to match, besides its head.

    Any later part of the sequence that starts a word (after a space, or after an optional
    ``(?:\\w+ )?`` that follows a space) must match from there on, so the words it can start
    with are required. The most selective such set (longest shortest word) is kept.
    """
    best: frozenset[bytes] | None = None
    word_start = False
    for k in range(1, len(items)):
        op, av = items[k - 1]
        if op is sre.LITERAL:
            word_start = av == 32
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] == 0:
            word_start = word_start and ends_with_space(list(av[2]))
        else:
            word_start = False
        if not word_start:
            continue
        got = start_words(items[k:], "", True)
        if got and all(got):
            cand = frozenset(w.encode() for w in got)
            if best is None or min(map(len, cand)) > min(map(len, best)):
                best = cand
    return best


def ends_with_space(items: list[Any]) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if op is sre.LITERAL:
        return bool(av == 32)
    if op is sre.SUBPATTERN:
        return ends_with_space(list(av[3]))
    if op is sre.BRANCH:
        return all(ends_with_space(list(b)) for b in av[1])
    return False


def class_items(cls: str) -> list[str]:
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


def split_alternatives(src: str, most: int = 800) -> list[str]:
    """Top-level alternatives of ``src``, leading groups distributed: ``\\b(?:a|b)c`` -> ``\\bac``, ``\\bbc``.

    ``x(?:a|b)y`` matches exactly what ``xay|xby`` does, trying the same things in the
    same order; split so, each alternative has fewer head words, and the regex run at
    a position holds only the alternatives that can start there.
    """
    out = [u for alt in top_level_alternatives(src) for u in distribute(alt)]
    return out if len(out) <= most else top_level_alternatives(src)


def distribute(alt: str) -> list[str]:
    lead = "\\b" if alt.startswith("\\b") else ""
    body = alt[len(lead) :]
    if not body.startswith("(?:"):
        return [alt]
    close = group_end(body)
    after = body[close + 1 :]
    if close < 0 or after[:1] in ("?", "*", "+", "{"):
        return [alt]
    return [u for a in top_level_alternatives(body[3:close]) for u in distribute(lead + a + after)]


def group_end(src: str) -> int:
    """Index of the parenthesis closing the group that opens ``src`` (-1: none)."""
    return next((i for i, ch, depth in structure(src) if ch == ")" and depth == 0), -1)
