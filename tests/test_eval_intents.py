"""``heartdesk eval``'s listener-intent figures, on small files written for the test (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heartdesk.evaluation.intents import evaluate, load

_FILES = {
    "questioning": [
        "Which card did you pay with?",
        "When did the parcel leave the depot?",
        "Did the engineer call you back",
        "The parcel left the depot on Monday.",  # annotated as asking, but it does not
    ],
    "sympathizing": ["I'm so sorry to hear that.", "Gosh."],
    "consoling": ["I'm sure everything will be fine."],
    "agreeing": ["Yes, that is the right plan.", ""],
    "acknowledging": ["That sounds stressful."],
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "empathetic-intents" / "manual_annotations"
    folder.mkdir(parents=True)
    for intent, lines in _FILES.items():
        (folder / f"{intent}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_load_pairs_each_reply_with_its_intent(data_dir: Path) -> None:
    rows = load(data_dir)
    assert len(rows) == 9  # the blank line is skipped
    assert rows[0] == ("acknowledging", "That sounds stressful.")
    assert sum(intent == "questioning" for intent, _ in rows) == 4


def test_figures(data_dir: Path) -> None:
    figures = {m.name: m for m in evaluate(data_dir).metrics}
    f1 = figures["clarifying_question F1 (questioning)"]
    # Three questions ask (one without its question mark); the statement does not, and nothing else asks.
    assert f1.detail == {"precision": 1.0, "recall": 0.75}
    assert f1.value == pytest.approx(6 / 7, abs=1e-4)
    # "I'm so sorry to hear that" and "I'm sure everything will be fine" are found; "Gosh." is not.
    assert figures["sympathizing/consoling replies with empathy, apology or reassurance"].value == pytest.approx(round(2 / 3, 4))
    # "acknowledging" counts on neither side: the questions and "Yes, that is the right plan." are the others.
    other = figures["other replies with empathy, apology or reassurance"]
    assert other.n == 5 and other.value == 0.0


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="manual_annotations"):
        evaluate(tmp_path)
