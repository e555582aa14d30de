"""Fewer full garbage collections while ``analyze_many`` runs.

Analysing a batch keeps a few thousand small objects alive for a while (the batch's emotions,
the findings of the conversations in hand). CPython promotes whatever is alive at each of its
middle-generation collections to the oldest generation, and once those promotions add up to a
quarter of the oldest generation it collects the whole heap: every object the process holds,
the caller's too. With 100,000 turns in memory (``bench/throughput.py``) one such pass takes
40-70 ms, and they made up about 2 % of ``analyze_many``'s time, for nothing: the objects they
walk are alive, and the pipeline makes no reference cycles.

:func:`relaxed` raises the middle generation's threshold (CPython's default: 10 collections of
the youngest) while an analysis runs, so that far fewer objects are promoted. It raises the
youngest generation's threshold too (CPython's default: 700 allocations): each of its collections
walks every container object made since the last, most of them still alive (the turn in hand, its
findings), and the pipeline's garbage goes by reference counting anyway. At 10,000 the collector
walks each object less often: 0.8 % fewer instructions on the benchmark's turns (``bench/instructions.py``).

The thresholds are process-wide: when several analyses run at once (threads, or generators
consumed in turn), the first to start raises them and the last to finish restores them. A
caller that changed them meanwhile, or turned the collector off, keeps its own setting.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["GEN0", "GEN1", "relaxed"]

#: The youngest generation's threshold while an analysis runs (at least this; a higher one is kept).
GEN0 = 10_000
#: The middle generation's threshold while an analysis runs.
GEN1 = 100

_lock = threading.Lock()
_depth = 0
#: The thresholds found when the first analysis started, and the ones set in their place.
_saved: tuple[int, int, int] | None = None
_raised: tuple[int, int, int] | None = None


def _enter(gen1: int) -> None:
    global _depth, _saved, _raised
    with _lock:
        if _depth == 0:
            found = gc.get_threshold()
            # A first threshold of 0 means "never collect automatically": that is left alone too.
            if found[0] > 0 and (found[1] < gen1 or found[0] < GEN0):
                _saved, _raised = found, (max(found[0], GEN0), max(found[1], gen1), found[2])
                gc.set_threshold(*_raised)
        _depth += 1


def _leave() -> None:
    global _depth, _saved, _raised
    with _lock:
        _depth -= 1
        if _depth == 0:
            if _saved is not None and gc.get_threshold() == _raised:
                gc.set_threshold(*_saved)
            _saved = _raised = None


@contextmanager
def relaxed(gen1: int | None = GEN1) -> Iterator[None]:
    """Run the block with the middle generation's threshold at least ``gen1`` (None: unchanged)."""
    if gen1 is None:
        yield
        return
    _enter(gen1)
    try:
        yield
    finally:
        _leave()
