"""ESConv (emotional support conversations): agent-turn labels against the annotated strategies.

Each ``sys`` utterance is one agent turn and each ``usr`` utterance one customer turn
(consecutive lines of one speaker stay separate turns), so every agent turn is analysed
with the dialogue before it as context. A strategy maps to one label; a turn is predicted
positive when that label is present (confidence >= 0.5). ESConv is CC BY-NC: it is only
read here to measure, never shipped or trained on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from heartdesk.evaluation import EvalResult, Metric
from heartdesk.model import EMOTIONS, Conversation, Emotion, Role, Turn
from heartdesk.signals.agent import AGENT_LABELS

if TYPE_CHECKING:
    from heartdesk.signals.pipeline import Pipeline

#: label -> (ESConv strategy that counts as positive, F1 target from issue 2)
TARGETS: dict[str, tuple[str, float]] = {
    "clarifying_question": ("Question", 0.90),
    "paraphrase": ("Restatement or Paraphrasing", 0.60),
    "empathy": ("Reflection of feelings", 0.65),
}

# Every agent detector, so the three scored labels see the same context findings as in analysis.
AGENT_DETECTORS = AGENT_LABELS


def _split_file(data_dir: Path, split: str) -> Path:
    for cand in (data_dir / "esconv" / f"{split}.txt", data_dir / f"{split}.txt"):
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"no ESConv {split}.txt under {data_dir} (expected {data_dir / 'esconv' / f'{split}.txt'})")


def read(path: Path) -> Iterator[tuple[Conversation, list[str | None]]]:
    """Conversations and, per turn, the annotated strategy (None for customer turns)."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            row = json.loads(line)
            turns: list[Turn] = []
            strategies: list[str | None] = []
            for utt in row.get("dialog", []):
                role: Role = "agent" if utt.get("speaker") == "sys" else "customer"
                turns.append(Turn(role=role, text=str(utt.get("text", ""))))
                strategies.append(str(utt.get("strategy")) if role == "agent" else None)
            yield Conversation(id=f"esconv-{n}", turns=tuple(turns)), strategies


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(data_dir: Path, split: str = "valid", pipeline: Pipeline | None = None) -> EvalResult:
    """Precision/recall/F1 per mapped label on the ESConv ``split`` (valid by default).

    ``data_dir`` is the datasets folder (holding ``esconv/``) or the ESConv folder itself. By
    default the agent detectors run with stand-in emotion and tone models: the three labels
    scored here do not read either, so the figures are the shipped engine's, and they do not
    wait on (or break with) the emotion model.
    """
    path = _split_file(Path(data_dir), split)
    pipe = pipeline if pipeline is not None else agent_pipeline()
    mapped = {label: strat for label, (strat, _) in TARGETS.items()}
    counts = {label: [0, 0, 0] for label in mapped}  # tp, fp, fn
    n_agent = 0
    started = time.perf_counter()
    data = list(read(path))
    for (_, strategies), analysis in zip(data, pipe.analyze_many(c for c, _ in data), strict=True):
        for ta, strat in zip(analysis.turns, strategies, strict=True):
            if ta.role != "agent":
                continue
            n_agent += 1
            for label, gold_strat in mapped.items():
                pred = ta.has(label)
                gold = strat == gold_strat
                c = counts[label]
                if pred and gold:
                    c[0] += 1
                elif pred:
                    c[1] += 1
                elif gold:
                    c[2] += 1
    seconds = time.perf_counter() - started
    metrics: list[Metric] = []
    for label, (tp, fp, fn) in counts.items():
        p, r, f = _prf(tp, fp, fn)
        target = TARGETS[label][1]
        detail = {
            "strategy": mapped[label],
            "precision": round(p, 4),
            "recall": round(r, 4),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "positives": tp + fn,
        }
        metrics.append(Metric(f"{label} F1", round(f, 4), target, n_agent, detail))
        metrics.append(Metric(f"{label} precision", round(p, 4), None, tp + fp, detail))
        metrics.append(Metric(f"{label} recall", round(r, 4), None, tp + fn, detail))
    notes = f"{len(data)} dialogues, {n_agent} agent (sys) turns; positive = the turn's strategy; predicted = label present."
    return EvalResult("esconv", split, tuple(metrics), round(seconds, 2), notes)


class _NeutralEmotion:
    """Stand-in emotion model: the labels scored here do not read emotion."""

    name = "neutral"
    version = "0"

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        scores = {e: float(e == "neutral") for e in EMOTIONS}
        return [Emotion("neutral", 0.0, scores) for _ in texts]


class _FlatTone:
    name = "flat"
    version = "0"

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        return [0.0 for _ in texts]


def agent_pipeline() -> Pipeline:
    """The agent detectors with stand-in batch models (neutral emotion, zero tone)."""
    from heartdesk.signals.pipeline import Pipeline

    return Pipeline(detectors=list(AGENT_DETECTORS), emotion_model=_NeutralEmotion(), tone_model=_FlatTone())


def main(argv: Sequence[str] | None = None) -> None:  # pragma: no cover - a convenience for tuning rules
    """``python -m heartdesk.evaluation.esconv [DATA_DIR] [SPLIT] [--models]`` (``--models``: shipped models)."""
    import sys

    from heartdesk.signals.pipeline import Pipeline

    args = list(sys.argv[1:] if argv is None else argv)
    rest = [a for a in args if a != "--models"]
    data = Path(rest[0]) if rest else Path("../shared/datasets")
    split = rest[1] if len(rest) > 1 else "valid"
    pipe = Pipeline(detectors=list(AGENT_DETECTORS)) if "--models" in args else None
    res = evaluate(data, split, pipe)
    print(f"ESConv {res.split}: {res.notes} ({res.seconds}s)")
    for m in res.metrics:
        if not m.name.endswith(" F1"):
            continue
        d = m.detail
        tgt = "" if m.target is None else f"  target {m.target:.2f} {'met' if m.met else 'NOT met'}"
        print(f"  {m.name:<24} P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {m.value:.3f}  (pos {d['positives']}){tgt}")


if __name__ == "__main__":  # pragma: no cover
    main()
