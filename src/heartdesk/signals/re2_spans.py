"""Spans of a pattern found by RE2 on ASCII text: what Python's ``finditer`` finds, in less time.

Python's regex engine tries an alternation of words (``\\b(?:furious|livid|appalling|...)``) at
nearly every character of a turn: 6-12 µs a search on a typical turn. RE2 scans the turn once
with a DFA. Where both engines accept a pattern they agree on every match over ASCII text
(RE2 keeps Perl's leftmost-first choice among alternatives, and on ASCII ``\\b``, ``\\w``,
``\\d`` and ``\\s`` mean the same in both). Where they may not agree, RE2 only says where
Python's search is to start (see :class:`Re2Finder`):

* a pattern RE2 rejects (look-arounds, back-references) or cannot compile within its memory budget;
* a pattern with ``$`` or ``\\Z``: Python's also matches before a final newline, RE2's does not.

A pattern that can match the empty string gets no finder (``finditer`` resumes after an empty
match in a way a plain loop does not); callers keep their Python path for it, for non-ASCII text,
and when RE2 is off (``HEARTDESK_NO_PREFILTER=1``, or no ``google-re2`` wheel on the platform).
"""

from __future__ import annotations

import re
from typing import Any

from heartdesk.signals import prefilter
from heartdesk.signals.pattern_heads import parser, sre
from heartdesk.signals.re2_form import re2_form

__all__ = ["Re2Finder", "finder"]


class Re2Finder:
    """One compiled pattern: :meth:`spans` is ``[m.span() for m in re.finditer(pattern, text)]``.

    ``verify`` is None when RE2 runs the pattern itself. Otherwise RE2 runs a wider form of it
    (signals/re2_form.py: look-arounds dropped...), which matches at least wherever the pattern
    does: Python's search starts where the wider form first matches, and is spared altogether
    where it matches nowhere.
    """

    __slots__ = ("_match", "_unanchored", "_verify")

    def __init__(self, match: Any, unanchored: Any, verify: re.Pattern[str] | None) -> None:
        self._match = match
        self._unanchored = unanchored
        self._verify = verify

    def spans(self, data: bytes, text: str) -> list[tuple[int, int]]:
        """The matches in ``text``, an ASCII text also given as ``data``, its bytes (so that byte
        offsets are character offsets)."""
        out: list[tuple[int, int]] = []
        match, anchor, verify = self._match, self._unanchored, self._verify
        pos, n = 0, len(data)
        while pos < n:
            start, end = match(anchor, data, pos, n)[0]
            if start < 0:
                break
            if verify is not None:
                m = verify.search(text, start)
                if m is None:
                    break  # none from the leftmost place a match could start: none at all
                start, end = m.span()
            out.append((start, end))
            pos = end  # never empty (see ``finder``): the next search starts where this one ended
        return out

    def found(self, data: bytes, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (ASCII, also given as ``data``)."""
        start = self._match(self._unanchored, data, 0, len(data))[0][0]
        if start < 0:
            return False
        return self._verify is None or self._verify.search(text, start) is not None


def _anchored_at_end(items: Any) -> bool:
    """Whether the parsed pattern holds ``$`` or ``\\Z`` anywhere."""
    for op, av in items:
        if op is sre.AT and av in (sre.AT_END, sre.AT_END_STRING):
            return True
        if op is sre.SUBPATTERN and _anchored_at_end(av[-1]):
            return True
        if op is sre.BRANCH and any(_anchored_at_end(b) for b in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and _anchored_at_end(av[2]):
            return True
        if op in (sre.ASSERT, sre.ASSERT_NOT) and _anchored_at_end(av[1]):
            return True
    return False


def _compile(re2: Any, source: str, case_sensitive: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is expected here, not an error to print
    options.case_sensitive = case_sensitive
    try:
        compiled = re2._re2.RE2(source.encode("utf-8"), options)
    except (re2.error, TypeError, ValueError):
        return None
    return compiled if compiled.ok() else None


def finder(pattern: str, flags: int = 0) -> Re2Finder | None:
    """A :class:`Re2Finder` for ``pattern`` (case-sensitive, no other flags), or None where RE2 must not run it."""
    re2 = prefilter.re2_module()
    if re2 is None or flags & ~re.UNICODE or not prefilter.available():
        return None
    try:
        parsed = parser.parse(pattern)
    except re.error:
        return None
    if parsed.getwidth()[0] == 0:
        return None  # an empty match: ``finditer`` resumes in a way the loop above does not
    unanchored = re2._re2.RE2.Anchor.UNANCHORED
    if not _anchored_at_end(list(parsed)):
        exact = _compile(re2, pattern, True)
        if exact is not None:
            return Re2Finder(exact.Match, unanchored, None)
    wider = re2_form(pattern, flags)
    compiled = None if wider is None else _compile(re2, wider, False)
    if compiled is None:
        return None
    return Re2Finder(compiled.Match, unanchored, re.compile(pattern, flags))
