"""One RE2 pass per customer turn names the groups of the customer lexicons that can match in it.

A customer :class:`~heartdesk.signals.customer_scan.Scanner` finds where a group's head words
stand and tries an anchored match there. On most turns most groups match nothing, yet their head
words ("i", "my", "this") are everywhere, so the scanners spent most of their time confirming
that. Every scanner's groups now go into one RE2 set (:mod:`heartdesk.signals.prefilter`), run
once on the turn's lower-cased, apostrophe-normalised text (what the scanners match on): a group
the set does not name cannot match anywhere in the turn, and its scanner skips it. The set may
name too many groups, never too few, so the scanners find exactly what they found without it.
"""

from __future__ import annotations

from heartdesk.signals.prefilter import Prefilter

#: Every scanner's groups, by prefilter id.
_PREFILTER = Prefilter()
#: Prefilter id -> (scanner number, group).
_OWNER: list[tuple[int, int]] = []
_scanners = 0

#: What :func:`reported` returns: how many scanners the set knew of, and per scanner number the
#: groups that may match (a scanner it knew of and does not list has none).
Reported = tuple[int, dict[int, frozenset[int]]]


def register(sources: list[str]) -> int:
    """Add one scanner's groups (each as the regex it runs on the lower-cased turn); its number."""
    global _scanners
    sid = _scanners
    for g, src in enumerate(sources):
        _OWNER.append((sid, g))
        _PREFILTER.add(len(_OWNER) - 1, src)
    # Counted only once its groups are in: a turn read meanwhile does not claim to know this scanner.
    _scanners = sid + 1
    return sid


def reported(norm: str) -> Reported | None:
    """The groups that may match in ``norm`` (a lower-cased turn of the turn's own length), by
    scanner; None when the prefilter cannot tell (no RE2 here, or it is switched off)."""
    known = _scanners
    ids = _PREFILTER.candidates_lowered(norm)
    if ids is None:
        return None
    owner = _OWNER
    by: dict[int, list[int]] = {}
    for i in ids:
        sid, g = owner[i]
        got = by.get(sid)
        if got is None:
            by[sid] = [g]
        else:
            got.append(g)
    return known, {sid: frozenset(gs) for sid, gs in by.items()}


def reset() -> None:
    """Forget the built sets (the next turn rebuilds them, reading ``HEARTDESK_NO_PREFILTER`` again)."""
    _PREFILTER.reset()
