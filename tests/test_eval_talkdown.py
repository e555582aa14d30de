"""``heartdesk eval``'s TalkDown figures, on small files written for the test (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heartdesk.evaluation.talkdown import evaluate, load

_TALKING_DOWN = [
    "You clearly didn't read the article. Learn to read before you comment.",
    "Do you even know what you're talking about? Educate yourself.",
    "",  # an empty post is left out
]
_OTHER = [
    "We went to the coast last weekend and the weather was lovely.",
    "Thanks for the tip, I'll try the recipe tonight!",
]


def _write(path: Path, posts: list[str]) -> None:
    lines = ["post"] + [f'"{p}"' for p in posts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "talkdown-derived"
    folder.mkdir()
    _write(folder / "is_condescending.csv", _TALKING_DOWN)
    _write(folder / "is_not_condescending.csv", _OTHER)
    return tmp_path


def test_load_reads_both_files_and_skips_empty_posts(data_dir: Path) -> None:
    texts, labels = load(data_dir)
    assert labels == [1, 1, 0, 0]
    assert texts[0].startswith("You clearly didn't read")


def test_talking_down_ranks_above_friendly_posts(data_dir: Path) -> None:
    result = evaluate(data_dir)
    figures = {m.name: m for m in result.metrics}
    assert figures["ROC-AUC condescending vs not (findings + tone)"].value == pytest.approx(1.0)
    assert figures["ROC-AUC condescending vs not (tone only)"].n == 4
    assert result.notes.startswith("2 condescending / 2 other")


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"is_condescending\.csv"):
        evaluate(tmp_path)
