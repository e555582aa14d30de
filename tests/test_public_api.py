"""``heartdesk.__all__`` is exactly the public API, and ``analyze_many`` streams.

Rule (as in httpx's guard): every public (non-underscore) attribute of the
top-level package is either a submodule or listed in ``__all__``; everything in
``__all__`` is importable and defined by heartdesk; and ``__all__`` equals the
set below, so adding or dropping a public name is a deliberate, reviewed change
(update PUBLIC and docs/contract.md together).
"""

from __future__ import annotations
import __future__

import subprocess
import sys
import types
from collections.abc import Iterator
from itertools import count, islice

import heartdesk

PUBLIC = {
    "Analysis",
    "Conversation",
    "Dimension",
    "Emotion",
    "Evidence",
    "Finding",
    "HeartdeskError",
    "InputError",
    "Pipeline",
    "Scorecard",
    "Trajectory",
    "Turn",
    "TurnAnalysis",
    "__version__",
    "analyze",
    "analyze_many",
    "conversation_from_dict",
    "load_conversations",
}


def test_all_is_exactly_the_reviewed_public_api() -> None:
    assert len(heartdesk.__all__) == len(set(heartdesk.__all__)), "duplicates in __all__"
    assert set(heartdesk.__all__) == PUBLIC


def test_everything_in_all_is_importable_and_ours() -> None:
    for name in heartdesk.__all__:
        obj = getattr(heartdesk, name)  # AttributeError = a name listed but not defined
        if name == "__version__":
            assert isinstance(obj, str) and obj
            continue
        module = getattr(obj, "__module__", "")
        assert module.startswith("heartdesk."), f"{name} comes from {module!r}: re-exported by accident?"


def test_nothing_public_is_exported_by_accident() -> None:
    leaked = [
        name
        for name, value in vars(heartdesk).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType | __future__._Feature)  # submodules; `from __future__ import annotations`
        and name not in heartdesk.__all__
    ]
    assert not leaked, f"public names in heartdesk not in __all__ (prefix with _ or add to __all__): {leaked}"


def test_star_import_gives_exactly_all() -> None:
    ns: dict[str, object] = {}
    exec("from heartdesk import *", ns)
    assert set(ns) - {"__builtins__"} == set(heartdesk.__all__)


def test_the_documented_import_line_works() -> None:
    from heartdesk import Conversation, Turn, analyze, analyze_many

    conv = Conversation(
        id="c1", turns=(Turn(role="customer", text="Where is my parcel?"), Turn(role="agent", text="Let me check."))
    )
    assert analyze(conv).id == "c1"
    assert [a.id for a in analyze_many([conv, conv])] == ["c1", "c1"]


def test_importing_heartdesk_pulls_in_no_web_database_or_training_code() -> None:
    code = (
        "import sys, heartdesk; heartdesk.analyze(heartdesk.Conversation.of('x', ('customer', 'hi')));"
        "bad = [m for m in ('fastapi', 'uvicorn', 'sqlalchemy', 'sqlite3', 'sklearn', 'scipy', 'torch', 'dask', 'vaderSentiment')"
        " if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def _endless() -> Iterator[heartdesk.Conversation]:
    for i in count():
        yield heartdesk.Conversation.of(f"c{i}", ("customer", f"Order {i} is late."), ("agent", "Sorry, I'll check."))


def test_analyze_many_is_lazy_on_an_endless_stream() -> None:
    pulled = 0

    def tracked() -> Iterator[heartdesk.Conversation]:
        nonlocal pulled
        for conv in _endless():
            pulled += 1
            yield conv

    stream = heartdesk.analyze_many(tracked())
    assert pulled == 0, "analyze_many must not read its input before the first result is asked for"
    first = list(islice(stream, 3))
    assert [a.id for a in first] == ["c0", "c1", "c2"]
    assert pulled < 10_000, f"analyze_many read {pulled} conversations to give 3: it is not streaming"


def test_analyze_many_small_batches_read_little_ahead() -> None:
    pulled = 0

    def tracked() -> Iterator[heartdesk.Conversation]:
        nonlocal pulled
        for conv in _endless():
            pulled += 1
            yield conv

    got = [a.id for a in islice(heartdesk.analyze_many(tracked(), batch_size=4), 5)]
    assert got == ["c0", "c1", "c2", "c3", "c4"]
    assert pulled <= 8
