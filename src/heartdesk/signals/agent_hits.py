"""The agent matcher's checks on a turn's hits: required strings still ahead, overlapping hits.

Pure helpers of :mod:`heartdesk.signals.agent_match`, in a module of their own so that they are
compiled with it (``native.MODULES``); the anchor reading in ``agent_anchors`` runs once, at load,
and stays interpreted.
"""

from __future__ import annotations

from heartdesk.signals.lexicon import Rule


def rest_holds(low: str, at: int, needs: tuple[tuple[str, ...], ...]) -> bool:
    """Whether ``low[at:]`` holds a string of each of ``needs`` (else no match can start at ``at`` or after)."""
    for strings in needs:
        for lit in strings:
            if low.find(lit, at) >= 0:
                break
        else:
            return False
    return True


# Under IGNORECASE "ı" matches "i" and "ſ" matches "s", though neither lower-cases to them.
_FOLDS_ODDLY = ("\u0131", "\u017f")


def lacks(low: str, needs: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the lower-cased turn lacks every string of one of ``needs`` (then the regex they
    come from cannot match anywhere in it)."""
    if not needs or _FOLDS_ODDLY[0] in low or _FOLDS_ODDLY[1] in low:
        return False
    for strings in needs:
        for lit in strings:
            if lit in low:
                break
        else:
            return True
    return False


def resolve_overlaps(hits: list[tuple[int, int, int]], rules: tuple[Rule, ...]) -> list[tuple[int, int, int]]:
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
