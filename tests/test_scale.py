"""Batch analysis on a real Dask LocalCluster of worker processes (heartdesk.scale, `analyze --dask`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heartdesk import Conversation, analyze_many
from heartdesk.analysis.contract import analysis_to_dict
from heartdesk.cli import app
from heartdesk.errors import HeartdeskError
from heartdesk.scale import analyze_distributed, local_client

CUSTOMER_LINES = [
    "My order #{n} arrived broken and I need it before Friday!",
    "I've been charged twice this month, this is ridiculous.",
    "Thanks, that fixed it.",
    "Our whole store is down since this morning, we are losing customers.",
    "I'm not sure how to reset my password?",
]
AGENT_LINES = [
    "I'm so sorry about that. I'll send a replacement today.",
    "As I already told you, that's our policy.",
    "Could you tell me the order number?",
    "That's not my department, call billing.",
]


def _conversations(n: int) -> list[Conversation]:
    convs = []
    for i in range(n):
        turns = []
        for j in range(1 + i % 4):
            turns.append(("customer", CUSTOMER_LINES[(i + j) % len(CUSTOMER_LINES)].format(n=1000 + i)))
            turns.append(("agent", AGENT_LINES[(i * 3 + j) % len(AGENT_LINES)]))
        convs.append(Conversation.of(f"c{i}", *turns))
    return convs


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with local_client(workers=2) as c:
        yield c


def _dicts(analyses: object) -> list[dict[str, object]]:
    return [analysis_to_dict(a) for a in analyses]  # type: ignore[attr-defined]


def _same(x: object, y: object) -> bool:
    """Equal, floats within 1e-6: the emotion model's float32 sums differ in the last bits with the batch's size."""
    if isinstance(x, float) and isinstance(y, float):
        return abs(x - y) <= 1e-6
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_same(a, b) for a, b in zip(x, y, strict=True))
    return x == y


def test_results_equal_local_analysis_in_input_order(client: object) -> None:
    convs = _conversations(57)
    # Small chunks and a tight in-flight bound: many tasks finishing out of order must still come back in order.
    got = _dicts(analyze_distributed(convs, client=client, chunk_size=5, max_in_flight=3))  # type: ignore[arg-type]
    assert [d["id"] for d in got] == [c.id for c in convs]
    assert _same(got, _dicts(analyze_many(convs)))


def test_streams_a_generator_without_reading_it_all_first(client: object) -> None:
    pulled = 0

    def source() -> Iterator[Conversation]:
        nonlocal pulled
        for conv in _conversations(40):
            pulled += 1
            yield conv

    stream = analyze_distributed(source(), client=client, chunk_size=4, max_in_flight=2)  # type: ignore[arg-type]
    first = next(stream)
    assert first.conversation.id == "c0"
    # Two chunks submitted, one more after the first is taken: far from all 40.
    assert pulled <= 12
    assert len(list(stream)) == 39


def test_empty_input_gives_nothing(client: object) -> None:
    assert list(analyze_distributed([], client=client)) == []  # type: ignore[arg-type]


def test_bad_chunk_size_is_a_numbered_error(client: object) -> None:
    with pytest.raises(HeartdeskError, match=r"\[E402\]"):
        list(analyze_distributed(_conversations(1), client=client, chunk_size=0))  # type: ignore[arg-type]


def test_a_failure_on_a_worker_names_the_chunk(client: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import heartdesk.scale as scale

    def broken(chunk: list[Conversation]) -> list[object]:
        raise ValueError("model file unreadable")

    monkeypatch.setattr(scale, "analyze_chunk", broken)
    with pytest.raises(HeartdeskError, match=r"\[E401\].*'c0'.*model file unreadable"):
        list(scale.analyze_distributed(_conversations(3), client=client))  # type: ignore[arg-type]


def test_cli_dask_local_writes_the_same_contract(tmp_path: Path) -> None:
    convs = _conversations(9)
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": c.id, "turns": [{"role": t.role, "text": t.text} for t in c.turns]}) for c in convs)
        + "\n{not json\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["analyze", str(src), "-o", str(out), "--dask", "local", "--workers", "2"])
    # The bad last line is reported and skipped (exit 1), the rest analysed on the cluster.
    assert result.exit_code == 1, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert _same(lines, json.loads(json.dumps(_dicts(analyze_many(convs)))))


def test_cli_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "turns": [{"role": "customer", "text": "hi"}]}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(src), "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "E403" in result.output
