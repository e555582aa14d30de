"""``heartdesk eval``'s complaints figures, on a small file written for the test (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heartdesk.evaluation.complaints import evaluate, load

# tweet_id, text, label (1 = complaint), domain; no header, as in the published file.
_ROWS = [
    '10,"@shop my parcel never arrived and nobody replies",1,retail',
    '11,"@shop the app keeps crashing when I pay",1,software',
    '12,"@shop do you open on Sundays?",0,retail',
    '13,"@shop where do I find my invoices?",0,software',
    '14,"@shop honestly the best coffee in town",0,food',
    '15,"@shop the milk in my order was a day past its date, not great",1,food',
    "not a row",
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "complaints"
    folder.mkdir()
    (folder / "complaints-data.csv").write_text("\n".join(_ROWS) + "\n", encoding="utf-8")
    return tmp_path


def test_load_reads_rows_and_skips_broken_ones(data_dir: Path) -> None:
    texts, labels, domains, halves = load(data_dir)
    assert len(texts) == 6
    assert labels == [1, 1, 0, 0, 0, 1]
    assert domains == ["retail", "software", "retail", "software", "food", "food"]
    assert halves == [0, 1, 0, 1, 0, 1]


def test_figures_count_what_the_pipeline_finds(data_dir: Path) -> None:
    result = evaluate(data_dir)
    figures = {m.name: m for m in result.metrics}
    f1 = figures["all: complaint F1"]
    # The two explicit complaints are found, the questions and the praise are not; the implicit one
    # ("a day past its date, not great") is the kind of complaint phrases miss.
    assert f1.detail == {"precision": 1.0, "recall": round(2 / 3, 4)}
    assert f1.value == pytest.approx(0.8)
    assert figures["all: complaint precision"].n == 2 and figures["all: complaint recall"].n == 3
    assert figures["all: ROC-AUC (complaint confidence)"].value == pytest.approx(5 / 6, abs=1e-4)
    assert {m.name for m in result.metrics} >= {"domain retail: complaint F1", "domain software: complaint F1"}
    assert result.notes.startswith("3 complaints / 3 other")


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"complaints-data\.csv"):
        evaluate(tmp_path)
