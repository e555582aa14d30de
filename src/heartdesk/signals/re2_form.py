"""A Python regex rewritten for RE2 so that, on a turn's stand-in, it matches wherever Python's does.

The prefilter (:mod:`heartdesk.signals.prefilter`) runs every pattern of a lexicon in one RE2
pass; a pattern it does not report is never tried. So the RE2 form must match (at least)
wherever the Python pattern matches: it may be wider, never narrower. It is produced from
Python's own parse of the pattern, not from its text, so Python syntax RE2 reads otherwise
(``{,3}``, ``\\u00e9``, ``[[:alpha:]]``) cannot slip through:

- every character test (a literal under IGNORECASE, a class, ``.``, ``\\s``, ``\\w``...) becomes
  an explicit class of the ASCII characters Python's compiled test accepts (so ``\\s`` keeps
  ``\\x0b`` and ``\\x1c``-``\\x1f``, which RE2's ``\\s`` lacks), plus the stand-ins below when the
  test may accept a character past ASCII;
- look-arounds are dropped, back-references become "any text", atomic groups and possessive
  repeats become plain ones, a conditional group both of its branches: each only widens;
- ``^`` and ``$`` become their multi-line forms (Python's ``$`` also matches before a final
  newline); repeat counts above RE2's limit of 1000 are relaxed.

RE2 scans the turn's :func:`stand_in`: the lower-cased turn with each character past ASCII
replaced by ``_`` when Python's ``\\w`` accepts it and by ``\\x7f`` otherwise. Word and non-word
characters stay what they were, so ``\\b`` and ``\\B`` hold at the same places, and every test
that may accept a character past ASCII accepts both stand-ins. Anything this module does not know
(``re.ASCII``, under which ``\\b`` reads letters past ASCII otherwise) gives None: the caller then
reports the pattern for every text.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_compiler: Any = importlib.import_module("re._compiler")
_c: Any = importlib.import_module("re._constants")

_ASCII = [chr(c) for c in range(128)]
#: What stands in for a character past ASCII: Python's ``\\w`` accepts it, or not.
WORD_STAND_IN = "_"
OTHER_STAND_IN = "\x7f"
_NON_ASCII = re.compile("[^\x00-\x7f]+")
#: Stand-in per character met (bounded: a turn may hold any of a million code points).
_stand_ins: dict[str, str] = {}
_STAND_INS_MAX = 1 << 16


def _stand_in_run(m: re.Match[str]) -> str:
    out = []
    for ch in m.group():
        got = _stand_ins.get(ch)
        if got is None:
            got = WORD_STAND_IN if ch.isalnum() or ch == "_" else OTHER_STAND_IN
            if len(_stand_ins) < _STAND_INS_MAX:
                _stand_ins[ch] = got
        out.append(got)
    return "".join(out)


def stand_in(low: str) -> bytes:
    """The ASCII text RE2 scans for the lower-cased turn ``low`` (same length; see the module's docstring)."""
    if low.isascii():
        return low.encode("ascii")
    return _NON_ASCII.sub(_stand_in_run, low).encode("ascii")


#: The RE2 class of a character test, by (op, argument, flags): lexicons repeat ``\\s`` and ``\\w``.
_classes: dict[tuple[str, str, int], str] = {}
#: RE2 repeat counts stop at 1000.
_MAX_COUNT = 1000


#: Which stand-ins a class escape may accept past ASCII: \\d and \\w word characters only, \\s and \\W
#: others only (a Unicode space is no word character), the rest both.
_CATEGORY_STAND_INS: dict[Any, set[str]] = {
    _c.CATEGORY_DIGIT: {WORD_STAND_IN},
    _c.CATEGORY_WORD: {WORD_STAND_IN},
    _c.CATEGORY_SPACE: {OTHER_STAND_IN},
    _c.CATEGORY_NOT_WORD: {OTHER_STAND_IN},
}


class _Unknown(Exception):
    """A construct this module does not rewrite."""


def re2_form(source: str, flags: int = 0) -> str | None:
    """``source`` (a Python pattern compiled with ``flags``) as an RE2 pattern at least as wide on a stand-in.

    None when it cannot be rewritten (or Python refuses it): report the pattern for every text.
    """
    try:
        parsed = _parser.parse(source, flags)
        return _sequence(parsed, int(parsed.state.flags))
    except (_Unknown, re.error, RecursionError, OverflowError, Warning):
        return None  # a Warning: Python warns about the pattern and warnings are errors here


def _sequence(items: Any, flags: int) -> str:
    return "".join(_node(op, av, flags) for op, av in items)


def _node(op: Any, av: Any, flags: int) -> str:
    c = _c
    if flags & re.ASCII:
        raise _Unknown("re.ASCII")  # its \\b and \\w read letters past ASCII as non-word: not stand-in safe
    if op is c.LITERAL:
        ch = chr(av)
        if ch.isascii() and not flags & re.IGNORECASE:
            return ch if ch.isalnum() else f"\\x{av:02x}"
        return _class(op, av, flags)
    if op is c.NOT_LITERAL or op is c.IN or op is c.ANY:
        return _class(op, av, flags)
    if op is c.AT:
        at = {
            c.AT_BEGINNING: "(?m:^)",
            c.AT_BEGINNING_STRING: "\\A",
            c.AT_END: "(?m:$)",
            c.AT_END_STRING: "\\z",
            c.AT_BOUNDARY: "\\b",
            c.AT_NON_BOUNDARY: "\\B",
        }.get(av)
        if at is None:
            raise _Unknown(str(av))
        return at
    if op is c.BRANCH:
        return "(?:" + "|".join(_sequence(b, flags) for b in av[1]) + ")"
    if op is c.SUBPATTERN:
        _group, add, remove, items = av
        if add & re.ASCII:
            raise _Unknown("re.ASCII")
        return "(?:" + _sequence(items, (flags | add) & ~remove) + ")"
    if op is c.MAX_REPEAT or op is c.MIN_REPEAT or op is c.POSSESSIVE_REPEAT:
        lo, hi, items = av
        return "(?:" + _sequence(items, flags) + ")" + _count(lo, hi)
    if op is c.ATOMIC_GROUP:
        return "(?:" + _sequence(av, flags) + ")"
    if op is c.ASSERT or op is c.ASSERT_NOT:
        return ""  # a look-around only ever narrows: without it the pattern is wider
    if op is c.GROUPREF:
        return "(?s:.*)"  # the group's text is some text
    if op is c.GROUPREF_EXISTS:
        _group, yes, no = av
        return "(?:" + _sequence(yes, flags) + "|" + (_sequence(no, flags) if no is not None else "") + ")"
    raise _Unknown(str(op))


def _count(lo: int, hi: int) -> str:
    lo = min(lo, _MAX_COUNT)  # fewer required copies: wider
    if hi is _c.MAXREPEAT or hi > _MAX_COUNT:
        return "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
    if (lo, hi) == (0, 1):
        return "?"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


def _class(op: Any, av: Any, flags: int) -> str:
    """The ASCII characters Python's single-character test accepts, as an RE2 class (with the stand-ins
    when it may accept a character past ASCII)."""
    key = (str(op), repr(av), flags)
    got = _classes.get(key)
    if got is None:
        one = _parser.SubPattern(_parser.State())
        one.state.flags = flags
        one.append((op, av))
        test = _compiler.compile(one, flags).fullmatch
        chars = {ch for ch in _ASCII if test(ch)}
        chars |= _past_ascii(op, av, flags)
        got = _class_source(sorted(ord(ch) for ch in chars))
        _classes[key] = got
    return got


def _past_ascii(op: Any, av: Any, flags: int) -> set[str]:
    """The stand-ins of the characters past ASCII the test may accept (both when unsure: wider is safe)."""
    c = _c
    both = {WORD_STAND_IN, OTHER_STAND_IN}
    if flags & re.IGNORECASE or op is c.NOT_LITERAL or op is c.ANY:
        return both  # IGNORECASE: "k" also matches the Kelvin sign, "s" the long s
    items = [(c.LITERAL, av)] if op is c.LITERAL else av
    out: set[str] = set()
    for kind, arg in items:  # IN: (LITERAL, code), (RANGE, (lo, hi)), (CATEGORY, name), (NEGATE, None)...
        if kind is c.LITERAL:
            if arg >= 128:
                ch = chr(arg)
                out.add(WORD_STAND_IN if ch.isalnum() or ch == "_" else OTHER_STAND_IN)
        elif kind is c.RANGE:
            if arg[1] >= 128:
                return both
        elif kind is c.CATEGORY:
            out |= _CATEGORY_STAND_INS.get(arg, both)
        else:
            return both
    return out


def _class_source(codes: list[int]) -> str:
    if not codes:
        return "[^\\x00-\\x{10FFFF}]"  # matches no character
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\x{codes[i]:02x}" if i == j else f"\\x{codes[i]:02x}-\\x{codes[j]:02x}")
        i = j + 1
    return "[" + "".join(parts) + "]"
