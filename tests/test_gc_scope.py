"""The collector's thresholds while analyses run (signals/gc_scope.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest

from heartdesk.model import Conversation, Finding, Turn
from heartdesk.signals.base import Reads, TurnContext, register, unregister
from heartdesk.signals.gc_scope import GEN0, GEN1, relaxed
from heartdesk.signals.pipeline import Pipeline


class _Watcher:
    """Test plugin: records the collector's thresholds each time it reads a turn."""

    name: ClassVar[str] = "test_gc_watcher"
    version: ClassVar[str] = "0"
    reads: ClassVar[Reads] = "any"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ()
    seen: ClassVar[list[tuple[int, int, int]]] = []

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        _Watcher.seen.append(gc.get_threshold())
        return iter(())


@pytest.fixture(autouse=True)
def _setup() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    register(_Watcher)
    _Watcher.seen = []
    yield
    unregister(_Watcher.name)
    gc.set_threshold(*before)


def _convs(n: int) -> list[Conversation]:
    return [Conversation.of(f"c{i}", ("customer", "Where is my parcel?"), ("agent", "Let me check.")) for i in range(n)]


def test_the_young_and_middle_thresholds_are_raised_while_analysing_and_restored_after() -> None:
    pipe = Pipeline(detectors=["test_gc_watcher"])
    results = list(pipe.analyze_many(_convs(3)))
    assert len(results) == 3
    assert _Watcher.seen and set(_Watcher.seen) == {(GEN0, GEN1, 10)}
    assert gc.get_threshold() == (700, 10, 10)


def test_none_leaves_the_collector_alone() -> None:
    pipe = Pipeline(detectors=["test_gc_watcher"])
    pipe.gc_gen1 = None
    list(pipe.analyze_many(_convs(2)))
    assert set(_Watcher.seen) == {(700, 10, 10)}


def test_a_dropped_iterator_restores_the_setting() -> None:
    pipe = Pipeline(detectors=["test_gc_watcher"])
    it = pipe.analyze_many(_convs(5), batch_size=1)
    next(it)
    assert gc.get_threshold() == (GEN0, GEN1, 10)
    del it  # closed when dropped: its ``finally`` runs
    assert gc.get_threshold() == (700, 10, 10)
    pipe.analyze(_convs(1)[0])  # analyze() takes one result of analyze_many and drops the rest
    assert gc.get_threshold() == (700, 10, 10)


def test_interleaved_analyses_restore_once_the_last_one_ends() -> None:
    pipe = Pipeline(detectors=["test_gc_watcher"])
    a = pipe.analyze_many(_convs(2), batch_size=1)
    b = pipe.analyze_many(_convs(2), batch_size=1)
    next(a)
    next(b)
    assert list(a) and gc.get_threshold() == (GEN0, GEN1, 10)  # b still runs
    assert list(b) and gc.get_threshold() == (700, 10, 10)


def test_threads_analysing_at_once_leave_the_setting_as_they_found_it() -> None:
    pipe = Pipeline(detectors=["test_gc_watcher"])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                list(pipe.analyze_many(_convs(2)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.get_threshold() == (700, 10, 10)


def test_a_setting_the_caller_changes_meanwhile_is_kept() -> None:
    with relaxed():
        assert gc.get_threshold() == (GEN0, GEN1, 10)
        gc.set_threshold(1000, 20, 20)
    assert gc.get_threshold() == (1000, 20, 20)


def test_a_higher_setting_or_a_disabled_collector_is_left_alone() -> None:
    gc.set_threshold(GEN0 + 1, 500, 10)
    with relaxed():
        assert gc.get_threshold() == (GEN0 + 1, 500, 10)
    gc.set_threshold(700, 500, 10)
    with relaxed():  # only the threshold below ours is raised
        assert gc.get_threshold() == (GEN0, 500, 10)
    assert gc.get_threshold() == (700, 500, 10)
    gc.set_threshold(0, 10, 10)
    with relaxed():
        assert gc.get_threshold() == (0, 10, 10)
    assert gc.get_threshold() == (0, 10, 10)
