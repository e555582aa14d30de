"""Micro-benchmark: µs per agent turn for each agent-turn detector.

    python bench/agent_detectors.py              # 20,000 generated turns
    python bench/agent_detectors.py -n 5000 --profile

Uses the generated customer-service conversations of ``bench/throughput.py`` (templates
written for the benchmarks, no dataset text). The batch models run first, untimed; then
every detector that reads agent turns runs as the pipeline runs it (its ``prepare`` over a
few dozen turns, then ``detect`` turn by turn where ``prepare`` did not rule the turn out) and
is timed alone; the shared scan of the agent lexicons is timed in the first ``prepare``.
VADER is timed over the same agent turns (when installed) so that figures taken on a busy
machine can still be compared: the agent budget is about 0.3x VADER's time.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from throughput import conversations

from heartdesk.model import Finding, Turn
from heartdesk.signals import agent_match
from heartdesk.signals.base import TurnContext, preparer
from heartdesk.signals.pipeline import _LIMIT, default_pipeline

_PREPARE_TURNS = 64  # as Pipeline.prepare_turns


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("-n", "--turns", type=int, default=20_000, help="number of turns (customer and agent)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--profile", action="store_true", help="also run cProfile over the agent detectors")
    args = ap.parse_args(argv)

    convs = list(conversations(args.turns, args.seed))
    pipe = default_pipeline()
    agent = [d for d in pipe.detectors if d.reads in ("agent", "any")]
    # Inputs the detectors see: batch model outputs and the earlier turns' findings (untimed).
    work: list[tuple[Turn, TurnContext]] = []
    for conv in convs:
        texts = [t.text[:_LIMIT] for t in conv.turns]
        emo = pipe.emotion_model.predict(texts)
        ton = pipe.tone_model.score(texts, emo)
        history: list[list[Finding]] = []
        for i, turn in enumerate(conv.turns):
            found: list[Finding] = []
            ctx = TurnContext(conv, i, emo, ton, history, found)
            for d in pipe.detectors:
                if d.reads in ("any", turn.role):
                    found.extend(d.detect(turn, ctx))
            history.append(found)
            if turn.role == "agent":
                work.append((turn, TurnContext(conv, i, emo, ton, history[:i], [])))
    n = len(work)
    chars = sum(len(t.text) for t, _ in work)
    print(f"{n:,} agent turns, mean {chars / n:.0f} chars")
    # HEARTDESK_NO_PREFILTER=1 times the plain path (no RE2 prefilter) for comparison.
    print(f"agent lexicon prefilter: {'RE2' if agent_match._PREFILTER.active else 'off'}")

    prepares = [(d, preparer(d)) for d in agent]

    def run_all() -> dict[str, int]:
        spent = {d.name: 0 for d in agent}
        clock = time.perf_counter_ns
        # As Pipeline does: each detector's ``prepare`` over a few dozen turns (timed as its own),
        # then ``detect`` on the turns it did not rule out.
        for k in range(0, n, _PREPARE_TURNS):
            chunk = work[k : k + _PREPARE_TURNS]
            texts = [t.text for t, _ in chunk]
            verdicts: dict[str, Sequence[bool] | None] = {}
            for d, prepare in prepares:
                t0 = clock()
                verdicts[d.name] = None if prepare is None else prepare(texts)
                spent[d.name] += clock() - t0
            for j, (turn, ctx) in enumerate(chunk):
                ctx.found.clear()
                for d in agent:
                    verdict = verdicts[d.name]
                    if verdict is not None and not verdict[j]:
                        continue
                    t0 = clock()
                    got = list(d.detect(turn, ctx))
                    spent[d.name] += clock() - t0
                    ctx.found.extend(got)
        return spent

    run_all()  # warm the caches the pipeline would have warm
    gc.collect()
    spent = min((run_all() for _ in range(2)), key=lambda s: sum(s.values()))
    total = sum(spent.values())
    for name, ns in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<22} {ns / 1e3 / n:>8.2f} µs/agent turn")
    print(f"  {'all agent detectors':<22} {total / 1e3 / n:>8.2f} µs/agent turn")
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return 0
    score = SentimentIntensityAnalyzer().polarity_scores
    texts = [t.text for t, _ in work]
    t0 = time.perf_counter()
    for t in texts:
        score(t)
    vader = (time.perf_counter() - t0) / n * 1e6
    print(f"  VADER on the same turns {vader:>6.2f} µs/turn; agent detectors = {total / 1e3 / n / vader:.2f}x VADER")
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(run_all)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
