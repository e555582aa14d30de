"""Read a transformer teacher's soft labels so the linear student can learn from them.

``scripts/teacher_goemotions.py`` fine-tunes all-MiniLM-L6-v2 (Apache-2.0) on GoEmotions train and
labels a *transfer set*: the train texts followed by ``V`` perturbed copies of each (words dropped,
a span kept, two halves joined), in that order. A linear model over n-grams cannot fit the gold labels
of 43k Reddit comments much better than it does, but it can copy a better teacher's decisions on five
times as many texts; on GoEmotions dev the Ekman head alone goes from ~0.56 (gold labels) to ~0.60
(teacher labels). See ``docs/models.md``.

The teacher file is a training input like the data, never shipped. Gold labels still decide the
calibration: ``train_emotion`` tunes ``mix`` and the biases on out-of-fold predictions of the *train
texts* against their gold sets, folding each perturbed copy with the text it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

N_EKMAN, N_FINE = 7, 28


class TeacherError(ValueError):
    """The teacher file does not belong to this training data."""


@dataclass(frozen=True)
class Teacher:
    texts: list[str]  # transfer set: the train texts, then their perturbed copies
    origin: npt.NDArray[np.int64]  # index of the train text each transfer text comes from
    ekman: npt.NDArray[np.int64]  # teacher's Ekman argmax per transfer text
    fine: npt.NDArray[np.int64]  # teacher's GoEmotions argmax per transfer text

    @classmethod
    def load(cls, path: Path, train_texts: Sequence[str]) -> Teacher:
        """``path`` is the logits file; its texts are in the ``.texts.npz`` file beside it."""
        with np.load(path) as z:
            logits = z["logits"].astype(np.float32)
            n_train = int(z["n_train"])
        with np.load(path.with_suffix(".texts.npz")) as z:
            texts = bytes(z["texts"]).decode("utf-8").split("\n")
        n = len(train_texts)
        if n_train != n or texts[:n] != [t.replace("\n", " ") for t in train_texts]:
            raise TeacherError(f"{path}: its transfer set does not start with these {n} train texts")
        if logits.shape != (len(texts), N_EKMAN + N_FINE) or (len(texts) - n) % n:
            raise TeacherError(f"{path}: expected {len(texts)} x {N_EKMAN + N_FINE} logits, got {logits.shape}")
        per_text = (len(texts) - n) // n
        origin = np.concatenate([np.arange(n), np.repeat(np.arange(n), per_text)]).astype(np.int64)
        return cls(
            texts=texts,
            origin=origin,
            ekman=logits[:, :N_EKMAN].argmax(1).astype(np.int64),
            fine=logits[:, N_EKMAN:].argmax(1).astype(np.int64),
        )
