"""Reading anchor words off a regular expression, for the agent matcher (``agent_match``).

A pattern is parsed with Python's own regex parser and walked: every match must contain a
word from each *required set* found (a literal word, or any word of an alternation), so a
turn lacking all the words of a set cannot match and the pattern need not run there.
A key is the whole word when the pattern spells it out, else its first four letters.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

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
    ``agent_match.word_index``), else by its first four letters.

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


def keys_of(words: frozenset[str]) -> frozenset[bytes]:
    """Anchor keys in the form ``agent_match.word_index`` uses (ASCII bytes)."""
    return frozenset(w.encode("ascii", "replace") for w in words)


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


def _literal_needs(items: list[Any]) -> list[tuple[str, ...]]:
    """Strings one of each tuple of which every match of ``items`` contains, verbatim.

    Runs of literal characters are needed as they stand; a group needs what its inside needs;
    an alternation needs one of its branches' longest runs (when every branch has one).
    """
    out: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(("".join(run),))
            run = []
        if op is _c.SUBPATTERN:
            if not av[1] and not av[2]:  # no inline flags: its literals are matched as written
                out.extend(_literal_needs(list(av[3])))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            out.extend(_literal_needs(list(av[2])))
        elif op is _c.BRANCH:
            options: list[str] = []
            for branch in av[1]:
                runs = [need[0] for need in _literal_needs(list(branch)) if len(need) == 1]
                if not runs:
                    break
                options.append(max(runs, key=len))
            else:
                out.append(tuple(sorted(set(options))))
    if run:
        out.append(("".join(run),))
    return out


def required_literals(pattern: str, most: int = 2, shortest: int = 3, widest: int = 3) -> list[tuple[str, ...]]:
    """Up to ``most`` tuples of strings, one of each of which any match of ``pattern`` contains.

    For a case-sensitive pattern (the agent matcher's lower-cased form, run on lower-cased
    text): a turn that lacks every string of a tuple cannot match, which ``in`` tells in C
    far faster than a regex search. Strings shorter than ``shortest`` say too little to keep,
    and a tuple of more than ``widest`` strings costs more ``in`` tests than it saves.
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return []
    needs = [n for n in _literal_needs(list(parsed)) if len(n) <= widest and min(map(len, n)) >= shortest]
    needs.sort(key=lambda n: (len(n), -min(map(len, n))))
    return needs[:most]


def has_prefix(pattern: str) -> bool:
    """Whether a match's first character is one of a few known ones (a literal, a class, or an
    alternation of literals), which lets the regex engine skip other positions in C."""
    items = list(_parser.parse(pattern))
    while items:
        op, av = items[0]
        if op is _c.SUBPATTERN:
            items = list(av[3])
            continue
        if op is _c.LITERAL or op is _c.IN:
            return True
        if op is _c.BRANCH:
            return all(branch and next(iter(branch))[0] is _c.LITERAL for branch in av[1])
        return False
    return False


def caseless_source(pattern: str) -> bool:
    """Whether lower-casing ``pattern`` and the text does what IGNORECASE does for it: letters are
    ASCII or without case, and nothing spells a character by number or sets flags inline."""
    if re.search(r"\\(?:x|u|U|N|0|[1-9]\d)|\(\?[aiLmsux-]", pattern):
        return False
    return all(c.isascii() or c.lower() == c.upper() for c in pattern)
