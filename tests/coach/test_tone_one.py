"""The tone scorer's single-text path gives exactly the batch path's counts and floats.

The coach scores one draft at a time, so ``RuleTone`` reads a single short text in plain Python
instead of numpy; the two must agree to the last bit on every text, or a review would change.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from heartdesk.model import EMOTIONS, Emotion
from heartdesk.signals.tone import RuleTone, expand, load_default
from heartdesk.signals.tone_one import OneText

TONE = load_default()
DATA = Path(__file__).parent / "data"


def _corpus_texts() -> list[str]:
    texts: list[str] = []
    for name in ("drafts.jsonl", "hard_drafts.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                texts.append(entry["draft"])
                texts += [t["text"] for t in entry.get("conversation", [])]
    return texts


def _phrase_soup(n: int) -> list[str]:
    """Lexicon phrases strung together with every kind of boundary, case and odd character."""
    phrases = [p.lstrip("^") for s in TONE.strategies for p in _phrases_of(s.name)]
    rng = random.Random(7)
    joins = [" ", ". ", "! ", "? ", "\n", ", ", "\x1e", " \u2019 ", "  ", "\t"]
    out = []
    for _ in range(n):
        text = ""
        for p in rng.sample(phrases, rng.randint(1, 6)):
            p = p.upper() if rng.random() < 0.2 else p.capitalize() if rng.random() < 0.3 else p
            text += rng.choice(joins) + p
        if rng.random() < 0.1:
            text += " café ü ½ \U0001f600"
        out.append(text)
    return out


def _phrases_of(strategy: str) -> list[str]:
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("heartdesk.signals").joinpath("lexicons", "tone.toml").read_text(encoding="utf-8"))
    return [p for s in data["strategies"] if s.get("name") == strategy for ph in s["phrases"] for p in expand(ph.lower())]


ODD = [
    "",
    " ",
    ".",
    "!!!",
    "THANK YOU SO MUCH FOR NOTHING!!!",
    "\x1e",
    "a\x1eb thank you",
    "I\u2019m so sorry.\nThank you!",
    "PLEASE HELP ME NOW PLEASE",
    "thanks \ud800 for waiting",  # a lone surrogate, as JSON can carry
    "Thank you. " * 300,
]


def _same(tone: RuleTone, text: str) -> None:
    one_counts, one_shout = OneText(tone).counts(text)
    batch_counts, batch_shout = tone._counts_batch([text])
    assert np.array_equal(one_counts, batch_counts), text
    assert one_shout.tobytes() == batch_shout.tobytes(), text


@pytest.mark.parametrize("text", ODD)
def test_odd_texts_count_the_same(text: str) -> None:
    _same(TONE, text)


def test_corpus_and_phrase_soup_count_the_same() -> None:
    texts = _corpus_texts() + _phrase_soup(1500)
    assert len(texts) > 2000
    for text in texts:
        _same(TONE, text)


def test_single_text_scores_equal_the_batch_floats() -> None:
    anger = Emotion("anger", 0.9, {e: (0.9 if e == "anger" else 0.01) for e in EMOTIONS})
    for text in _corpus_texts()[:300] + ODD:
        for emotion in (None, anger):
            counts, shout = TONE._counts_batch([text])
            raw = np.minimum(counts, TONE._caps) @ TONE._weights + TONE.shout_weight * shout
            raw = raw + TONE._emotion_points([emotion])
            expected = [float(x) for x in np.tanh(raw * TONE.scale).round(4)]
            assert TONE.score([text], [emotion]) == expected


def test_longer_phrases_mask_shorter_ones_on_both_paths() -> None:
    tone = RuleTone(
        {
            "strategies": [
                {"name": "gratitude", "weight": 1.0, "phrases": ["thanks", "^thank you"]},
                {"name": "sarcasm", "weight": -2.0, "phrases": ["thanks for nothing"]},
            ]
        }
    )
    for text in ("Thanks for nothing. Thank you! thank you", "ok thank you thanks", "THANKS FOR NOTHING"):
        _same(tone, text)
    # "thanks" inside "thanks for nothing" is not gratitude; both "thank you"s open a sentence.
    assert OneText(tone).counts("Thanks for nothing. Thank you! thank you")[0].tolist() == [[2, 1]]
    # The anchored "thank you" needs a sentence start; "thanks" alone counts.
    assert OneText(tone).counts("ok thank you thanks")[0].tolist() == [[1, 0]]
