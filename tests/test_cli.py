"""The ``heartdesk`` command line: analyze (files, stdin/stdout, CSV, table), signals and eval."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from heartdesk.cli import app
from heartdesk.evaluation import EvalResult, Metric
from heartdesk.signals.base import registered

CONVERSATIONS = [
    {
        "id": "order-17",
        "channel": "chat",
        "customer": {"tier": "business"},
        "turns": [
            {"role": "customer", "text": "My blender arrived with a cracked jug.", "at": "2026-11-20T09:42:00Z"},
            {"role": "agent", "author": "Ana", "text": "You're wrong, it left us intact.", "at": "2026-11-20T09:43:00Z"},
        ],
        "meta": {"source": "test"},
    },
    {
        "id": "billing-3",
        "turns": [{"role": "customer", "text": "I was charged twice."}, {"role": "agent", "text": "Let me check."}],
    },
    {"id": "empty-1", "turns": []},
]
IDS = ["order-17", "billing-3", "empty-1"]


def cli(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def jsonl(objs: list[dict[str, object]]) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


def parse(text: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in text.splitlines() if x.strip()]


@pytest.fixture
def conv_file(tmp_path: Path) -> Path:
    p = tmp_path / "convs.jsonl"
    p.write_text(jsonl(CONVERSATIONS), encoding="utf-8")
    return p


CSV_TEXT = (
    "conversation_id,role,text,at,author\n"
    "order-17,customer,My blender arrived with a cracked jug.,2026-11-20T09:42:00Z,\n"
    "billing-3,customer,I was charged twice.,,\n"
    'order-17,agent,"You\'re wrong, it left us intact.",2026-11-20T09:43:00Z,Ana\n'
    "billing-3,agent,Let me check.,,Rob\n"
)


# ---------------------------------------------------------------- analyze
def test_analyze_file_to_file_keeps_order_and_contract(conv_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    r = cli("analyze", str(conv_file), "--output", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    results = parse(out.read_text(encoding="utf-8"))
    assert [o["id"] for o in results] == IDS
    first = results[0]
    assert set(first) == {"id", "turns", "scorecard"}
    turns = first["turns"]
    assert isinstance(turns, list)
    assert [t["index"] for t in turns] == [0, 1]
    assert [t["role"] for t in turns] == ["customer", "agent"]
    assert "emotion" in turns[0] and "emotion" not in turns[1]
    labels = [f["label"] for f in turns[1]["findings"]]
    assert "confrontational" in labels


def test_stdin_to_stdout(conv_file: Path) -> None:
    r = cli("analyze", "-", "--output", "-", input=conv_file.read_bytes())
    assert r.exit_code == 0, r.stderr
    assert [o["id"] for o in parse(r.stdout)] == IDS


def test_default_output_is_stdout(conv_file: Path) -> None:
    r = cli("analyze", str(conv_file))
    assert [o["id"] for o in parse(r.stdout)] == IDS


def test_csv_file_in_jsonl_out_groups_rows_in_first_seen_order(tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_text(CSV_TEXT, encoding="utf-8")
    r = cli("analyze", str(src))
    assert r.exit_code == 0, r.stderr
    results = parse(r.stdout)
    assert [o["id"] for o in results] == ["order-17", "billing-3"]
    turns = results[0]["turns"]
    assert isinstance(turns, list)
    assert [t["role"] for t in turns] == ["customer", "agent"]
    assert "confrontational" in [f["label"] for f in turns[1]["findings"]]


def test_csv_on_stdin_needs_input_format(tmp_path: Path) -> None:
    r = cli("analyze", "-", "--input-format", "csv", input=CSV_TEXT)
    assert r.exit_code == 0, r.stderr
    assert [o["id"] for o in parse(r.stdout)] == ["order-17", "billing-3"]
    # Without it, stdin is read as JSONL: every CSV line is a bad record, reported and skipped.
    r = cli("analyze", "-", input=CSV_TEXT)
    assert r.exit_code == 1
    assert "<stdin>:1:" in r.stderr and "[E002]" in r.stderr


def test_csv_and_jsonl_give_the_same_findings(conv_file: Path, tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_text(CSV_TEXT, encoding="utf-8")
    from_csv = {o["id"]: o["turns"] for o in parse(cli("analyze", str(src)).stdout)}
    from_jsonl = {o["id"]: o["turns"] for o in parse(cli("analyze", str(conv_file)).stdout)}
    assert from_csv["order-17"] == from_jsonl["order-17"]
    assert from_csv["billing-3"] == from_jsonl["billing-3"]


def test_table_format_highlights_findings_without_colour_when_not_a_terminal(conv_file: Path) -> None:
    r = cli("analyze", str(conv_file), "--format", "table")
    assert r.exit_code == 0, r.stderr
    assert "== order-17" in r.stdout and "== billing-3" in r.stdout
    assert r.stdout.index("order-17") < r.stdout.index("billing-3") < r.stdout.index("empty-1")
    assert "[You're wrong]<confrontational>" in r.stdout
    assert "scorecard:" in r.stdout
    assert "\x1b[" not in r.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.stdout.splitlines()[0])


def test_progress_goes_to_stderr_only(conv_file: Path) -> None:
    r = cli("analyze", str(conv_file), "--progress")
    assert r.exit_code == 0
    assert [o["id"] for o in parse(r.stdout)] == IDS
    assert "conv" in r.stderr  # the bar's unit
    quiet = cli("analyze", str(conv_file), "--no-progress")
    assert quiet.stderr == ""


def test_unreadable_input_and_unwritable_output_are_usage_errors(conv_file: Path, tmp_path: Path) -> None:
    r = cli("analyze", str(tmp_path / "missing.jsonl"))
    assert r.exit_code == 2 and "[E009]" in r.stderr
    r = cli("analyze", str(conv_file), "--output", str(tmp_path))  # a directory
    assert r.exit_code == 2 and "[E010]" in r.stderr
    r = cli("analyze", str(conv_file), "--output", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert r.exit_code == 2 and "[E010]" in r.stderr


def test_bad_records_still_write_the_good_ones_to_the_output_file(tmp_path: Path) -> None:
    src = tmp_path / "mixed.jsonl"
    src.write_text(jsonl(CONVERSATIONS[:1]) + "not json\n" + jsonl(CONVERSATIONS[1:2]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = cli("analyze", str(src), "-o", str(out))
    assert r.exit_code == 1
    assert [o["id"] for o in parse(out.read_text(encoding="utf-8"))] == ["order-17", "billing-3"]


def test_no_arguments_prints_help() -> None:
    r = cli()
    assert r.exit_code in (0, 2)
    assert "analyze" in r.output and "signals" in r.output and "eval" in r.output


# ---------------------------------------------------------------- signals
def test_signals_lists_every_registered_detector() -> None:
    r = cli("signals")
    assert r.exit_code == 0
    for name in registered():
        assert name in r.stdout
    rows = json.loads(cli("signals", "--json").stdout)
    assert [row["name"] for row in rows] == list(registered())
    for row in rows:
        assert row["reads"] in ("customer", "agent", "any")
        assert row["produces"], row
        assert isinstance(row["version"], str) and row["version"]
    assert any("confrontational" in row["produces"] for row in rows)


# ---------------------------------------------------------------- eval (runner, with stand-in dataset modules)
def _fake(name: str, result: EvalResult | Exception) -> types.ModuleType:
    mod = types.ModuleType(f"heartdesk.evaluation.{name}")

    def evaluate(data_dir: Path) -> EvalResult:
        if isinstance(result, Exception):
            raise result
        assert data_dir.is_dir()
        return result

    mod.evaluate = evaluate  # type: ignore[attr-defined]
    return mod


@pytest.fixture
def fake_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    """goemotions meets its target, esconv misses one, politeness raises, ucc's module is missing, the rest have no target."""
    goemo = EvalResult("goemotions", "dev", (Metric("Ekman macro-F1", 0.61, 0.60, n=5426),), seconds=1.0)
    esconv = EvalResult(
        "esconv",
        "valid",
        (Metric("clarifying_question F1", 0.93, 0.90, n=300), Metric("paraphrase F1", 0.41, 0.60, n=120), Metric("note", 3.0)),
    )
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.goemotions", _fake("goemotions", goemo))
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.esconv", _fake("esconv", esconv))
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.politeness", _fake("politeness", FileNotFoundError("no csv here")))
    # None in sys.modules makes `import` raise ModuleNotFoundError, as for a module not written yet.
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.ucc", None)
    talkdown = EvalResult("talkdown", "derived train", (Metric("ROC-AUC condescending vs not (findings + tone)", 0.59, n=5208),))
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.talkdown", _fake("talkdown", talkdown))
    airline = EvalResult("airline", "all", (Metric("pipeline: ROC-AUC negative vs rest (distress)", 0.83, n=14640),))
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.airline", _fake("airline", airline))
    complaints = EvalResult("complaints", "all", (Metric("all: complaint F1", 0.43, n=3449),))
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.complaints", _fake("complaints", complaints))
    intents = EvalResult("intents", "manual", (Metric("clarifying_question F1 (questioning)", 0.95, n=506),))
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.intents", _fake("intents", intents))


def test_eval_prints_table_markdown_and_summary_and_survives_broken_datasets(tmp_path: Path, fake_datasets: None) -> None:
    r = cli("eval", "--data", str(tmp_path))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Ekman macro-F1" in out and "0.610" in out and "0.600" in out
    row = next(x for x in out.splitlines() if "paraphrase F1" in x and not x.startswith("|"))
    assert "NO" in row
    assert "politeness: FAILED" in out and "no csv here" in out
    assert "ucc: not evaluated" in out
    assert "| goemotions (dev) | Ekman macro-F1 | 0.610 | 0.600 | yes | 5426 |" in out
    assert out.rstrip().splitlines()[-1] == "targets met: 2/3; 2 dataset(s) without figures"


def test_eval_json(tmp_path: Path, fake_datasets: None) -> None:
    r = cli("eval", "--data", str(tmp_path), "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert [d["dataset"] for d in doc["results"]] == [
        "goemotions",
        "esconv",
        "politeness",
        "ucc",
        "talkdown",
        "airline",
        "complaints",
        "intents",
    ]
    assert [d["status"] for d in doc["results"]] == ["ok", "ok", "error", "missing", "ok", "ok", "ok", "ok"]
    assert doc["results"][0]["metrics"][0] == {
        "name": "Ekman macro-F1",
        "value": 0.61,
        "target": 0.6,
        "met": True,
        "n": 5426,
        "detail": {},
    }
    assert doc["summary"] == {"targets_met": 2, "targets": 3, "datasets_without_figures": 2}


def test_eval_only_and_bad_arguments(tmp_path: Path, fake_datasets: None) -> None:
    r = cli("eval", "--data", str(tmp_path), "--only", "esconv", "--json")
    assert [d["dataset"] for d in json.loads(r.stdout)["results"]] == ["esconv"]
    r = cli("eval", "--data", str(tmp_path / "nowhere"))
    assert r.exit_code == 2 and "[E301]" in r.stderr
    r = cli("eval", "--data", str(tmp_path), "--only", "imdb")
    assert r.exit_code == 2 and "[E302]" in r.stderr


def test_eval_json_survives_numpy_details_and_nan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from heartdesk.evaluation.metrics import prf

    odd = EvalResult(
        "ucc",
        "val",
        (
            Metric("ROC-AUC", float("nan"), 0.75, detail={"scores": np.array([0.1, 0.9]), "best": np.float64(0.5)}),
            Metric("confrontational", 0.5, detail={"prf": prf([1, 0], [1, 1]), "labels": {"a"}}),
        ),
    )
    for name in ("goemotions", "esconv", "politeness"):
        monkeypatch.setitem(sys.modules, f"heartdesk.evaluation.{name}", None)
    monkeypatch.setitem(sys.modules, "heartdesk.evaluation.ucc", _fake("ucc", odd))
    r = cli("eval", "--data", str(tmp_path), "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)  # strict JSON: no NaN token
    assert "NaN" not in r.stdout
    metrics = doc["results"][3]["metrics"]
    assert metrics[0]["value"] is None and metrics[0]["met"] is False
    assert metrics[0]["detail"] == {"scores": [0.1, 0.9], "best": 0.5}
    assert metrics[1]["detail"]["prf"]["tp"] == 1 and metrics[1]["detail"]["labels"] == ["a"]
