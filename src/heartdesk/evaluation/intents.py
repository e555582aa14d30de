"""Listener intents, hand-labelled (EmpatheticIntents, Welivita & Pu 2020): a second check of the
agent labels on text they were not written from.

493 listener replies from EmpatheticDialogues, each annotated with one of 15 intents. ESConv's
*Question* strategy is a judgement about a whole supporter turn; here *questioning* marks the
replies that ask, so it checks ``clarifying_question`` on its own terms. Each reply is read as the
agent turn after one customer turn ("Something happened to me today and I wanted to tell someone.":
the story itself is not in the file). Figures:

* ``clarifying_question`` precision / recall / F1 for *questioning* vs the other 14 intents;
* the share of *sympathizing* and *consoling* replies ("So sorry to hear that", "That must have
  been hard") that get an ``empathy``, ``apology`` or ``reassurance`` finding, and the share of the
  other intents (bar *acknowledging*, *encouraging*, *expressing_care_concern*) that get one.

No licence in the repository (EmpatheticDialogues is CC BY-NC 4.0): evaluation only; nothing that
ships is trained on it. Expected files: ``<data_dir>/empathetic-intents/manual_annotations/<intent>.txt``,
one reply per line.
"""

from __future__ import annotations

import time
from pathlib import Path

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.evaluation.metrics import prf
from heartdesk.model import Conversation, TurnAnalysis
from heartdesk.signals.pipeline import Pipeline

FOLDER = Path("empathetic-intents") / "manual_annotations"
CONTEXT = "Something happened to me today and I wanted to tell someone."
#: Intents whose replies acknowledge the speaker's feelings.
FEELING = frozenset({"sympathizing", "consoling"})
#: Intents that may or may not: counted on neither side.
EITHER = frozenset({"acknowledging", "encouraging", "expressing_care_concern"})
_CARE = frozenset({"empathy", "apology", "reassurance"})


def load(data_dir: Path) -> list[tuple[str, str]]:
    """(intent, reply) pairs, files in name order, blank lines skipped."""
    folder = Path(data_dir) / FOLDER
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        raise FileNotFoundError(f"{folder} has no <intent>.txt files")
    return [(f.stem, line.strip()) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def _has(turn: TurnAnalysis, labels: frozenset[str]) -> bool:
    return any(f.label in labels and f.present for f in turn.findings)


def evaluate(data_dir: Path) -> EvalResult:
    t0 = time.perf_counter()
    rows = load(data_dir)
    convs = (Conversation.of(str(i), ("customer", CONTEXT), ("agent", reply)) for i, (_, reply) in enumerate(rows))
    replies = [a.turns[1] for a in Pipeline().analyze_many(convs)]
    gold = [intent == "questioning" for intent, _ in rows]
    got = prf(gold, [t.has("clarifying_question") for t in replies])
    feeling = [t for (intent, _), t in zip(rows, replies, strict=True) if intent in FEELING]
    other = [t for (intent, _), t in zip(rows, replies, strict=True) if intent not in FEELING | EITHER]
    metrics = [
        Metric(
            "clarifying_question F1 (questioning)",
            round(got.f1, 4),
            None,
            len(rows),
            {"precision": round(got.precision, 4), "recall": round(got.recall, 4)},
        ),
        Metric("clarifying_question precision", round(got.precision, 4), None, got.tp + got.fp),
        Metric("clarifying_question recall", round(got.recall, 4), None, sum(gold)),
        Metric(
            "sympathizing/consoling replies with empathy, apology or reassurance",
            round(sum(_has(t, _CARE) for t in feeling) / max(1, len(feeling)), 4),
            None,
            len(feeling),
        ),
        Metric(
            "other replies with empathy, apology or reassurance",
            round(sum(_has(t, _CARE) for t in other) / max(1, len(other)), 4),
            None,
            len(other),
        ),
    ]
    return EvalResult(
        dataset="intents",
        split="manual",
        metrics=tuple(metrics),
        seconds=round(time.perf_counter() - t0, 2),
        notes=f"{len(rows)} hand-labelled listener replies, {sum(gold)} questioning",
    )
