"""Micro-benchmark: µs per turn of the customer-turn detectors, interruption and the tone scorer.

    python bench/customer_detectors.py              # 20,000 turns
    python bench/customer_detectors.py -n 5000 --repeat 5

Runs on the generated customer-service conversations of ``bench/throughput.py``
(templates written for the benchmarks, no dataset text). Emotions are computed once
up front and not timed. Each detector is timed alone over every turn it reads (best
of ``--repeat`` passes, so a busy machine shows less), the way Pipeline calls it; "together"
also runs each detector's ``prepare`` and skips the turns it rules out, as Pipeline does.
VADER is timed over the same texts in the same run, to compare with a moving machine.
Budgets (CONTRIBUTING.md and issue 2): customer detectors together <= 20 µs per
customer turn, interruption <= 3 µs per agent turn, tone <= 6 µs per turn.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import conversations  # bench/ is not a package

from heartdesk.model import Conversation, Emotion, Finding, Turn
from heartdesk.signals.base import Detector, TurnContext, create, preparer

_PREPARE_TURNS = 64  # as Pipeline.prepare_turns
CUSTOMER = ("business_impact", "churn_threat", "urgency", "complaint", "real_issue", "escalation_request")


def _time_detector(det: Detector, convs: list[Conversation], emotions: list[list[Emotion]], repeat: int) -> tuple[int, float]:
    """(turns run, best seconds) of ``det`` over the turns of its role."""
    jobs: list[tuple[Turn, TurnContext]] = []
    for conv, emo in zip(convs, emotions, strict=True):
        tones = [0.0] * len(conv.turns)
        history: list[list[Finding]] = [[] for _ in conv.turns]
        for i, turn in enumerate(conv.turns):
            if det.reads in ("any", turn.role):
                jobs.append((turn, TurnContext(conv, i, emo, tones, history, [])))
    detect = det.detect
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        for turn, ctx in jobs:
            for _f in detect(turn, ctx):
                pass
        best = min(best, time.perf_counter() - t0)
    return len(jobs), best


def _time_together(dets: list[Detector], convs: list[Conversation], emotions: list[list[Emotion]], repeat: int) -> float:
    """Best seconds of all ``dets`` run one after the other on each customer turn, as Pipeline does."""
    jobs: list[tuple[Turn, TurnContext]] = []
    for conv, emo in zip(convs, emotions, strict=True):
        tones = [0.0] * len(conv.turns)
        history: list[list[Finding]] = [[] for _ in conv.turns]
        jobs += [(t, TurnContext(conv, i, emo, tones, history, [])) for i, t in enumerate(conv.turns) if t.role == "customer"]
    detects = [d.detect for d in dets]
    prepares = [preparer(d) for d in dets]
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        # As Pipeline does: each detector's ``prepare`` over a few dozen turns, then ``detect``
        # on the turns it did not rule out.
        for k in range(0, len(jobs), _PREPARE_TURNS):
            chunk = jobs[k : k + _PREPARE_TURNS]
            texts = [turn.text for turn, _ in chunk]
            verdicts = [None if p is None else p(texts) for p in prepares]
            for j, (turn, ctx) in enumerate(chunk):
                for detect, verdict in zip(detects, verdicts, strict=True):
                    if verdict is not None and not verdict[j]:
                        continue
                    for _f in detect(turn, ctx):
                        pass
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("-n", "--turns", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-vader", action="store_true")
    args = ap.parse_args(argv)

    from heartdesk.models.emotion import load_default as load_emotion
    from heartdesk.signals.tone import load_default as load_tone

    convs = list(conversations(args.turns, args.seed))
    texts = [t.text for c in convs for t in c.turns]
    n = len(texts)
    n_cust = sum(1 for c in convs for t in c.turns if t.role == "customer")
    print(f"corpus: {n:,} turns ({n_cust:,} customer), mean {sum(map(len, texts)) / n:.0f} chars/turn")
    flat = load_emotion().predict(texts)
    emotions: list[list[Emotion]] = []
    pos = 0
    for c in convs:
        emotions.append(list(flat[pos : pos + len(c.turns)]))
        pos += len(c.turns)

    total_cust = 0.0
    print(f"  {'part':<22} {'turns run':>10} {'µs/turn run':>12}")
    for name in (*CUSTOMER, "interruption"):
        runs, secs = _time_detector(create(name), convs, emotions, args.repeat)
        print(f"  {name:<22} {runs:>10,} {1e6 * secs / max(runs, 1):>12.2f}")
        if name in CUSTOMER:
            total_cust += secs
    print(f"  sum of the above (each pays the shared per-turn work): {1e6 * total_cust / max(n_cust, 1):.2f} µs")
    secs = _time_together([create(name) for name in CUSTOMER], convs, emotions, args.repeat)
    print(f"  customer detectors together: {1e6 * secs / max(n_cust, 1):.2f} µs per customer turn (budget 20)")

    tone = load_tone()
    best = float("inf")
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        for b in range(0, n, 2048):  # Pipeline scores ~2,000-4,000 turns per call
            tone.score(texts[b : b + 2048], flat[b : b + 2048])
        best = min(best, time.perf_counter() - t0)
    print(f"  tone: {1e6 * best / n:.2f} µs per turn (budget 6)")

    if not args.no_vader:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        score = SentimentIntensityAnalyzer().polarity_scores
        best = float("inf")
        for _ in range(args.repeat):
            gc.collect()
            t0 = time.perf_counter()
            for t in texts:
                score(t)
            best = min(best, time.perf_counter() - t0)
        print(f"  VADER (same run, for reference): {1e6 * best / n:.1f} µs per turn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
