"""Ranking speed: order 10,000 open tickets by impact (target <= 200 ms).

    python bench/rank.py                  # 10,000 tickets, best and median of 7 runs
    python bench/rank.py -n 50000 -r 3    # bigger queue
    python bench/rank.py --json           # figures as JSON too

The queue is made of ticket summaries (what the desk stores beside each ticket when it
is analysed), generated here with a fixed seed: mixed severities, a third of the tickets
in 150 incidents, tiers, monthly values, earlier contacts, ages around six hours,
distress and business-impact findings. Timed: ``heartdesk.triage.rank`` — reach per
incident, the score and band of every ticket, and the sort (the target's figure); then
the same with every ticket's reasons written out as text, as ``heartdesk triage --json`` does.
A last figure times ``summarize`` (the one-off cost per ticket when it is analysed:
fields, severity detection, distress, findings) over hand-built analyses.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from heartdesk.analysis.scorecard import build_scorecard
from heartdesk.model import EMOTIONS, Analysis, Conversation, Emotion, Finding, TurnAnalysis
from heartdesk.triage import SEVERITIES, TicketSummary, default_policy, rank, summarize
from heartdesk.triage.severity import Severity

TIERS = ["enterprise", "business", "standard", "standard", "free", None]
QUOTES = ["we can't take any orders", "our shop is down", "we are losing customers", "costing us thousands"]
TEXTS = [
    "Our shop is down and we can't take any orders, this is costing us thousands.",
    "I can't log in since the password reset, please help.",
    "The dashboard font looks wrong after the update.",
    "How do I add a second user to my account?",
    "Just wanted to say the new export is great, thanks!",
    "The app is really slow today and keeps logging me out.",
]


def make_queue(n: int, now: float, seed: int = 7) -> list[TicketSummary]:
    rng = random.Random(seed)
    weights = [0.05, 0.15, 0.35, 0.3, 0.15]
    out: list[TicketSummary] = []
    for i in range(n):
        sev: Severity = rng.choices(SEVERITIES, weights)[0]
        d0 = rng.random() * 0.6
        out.append(
            TicketSummary(
                id=f"T{i:06d}",
                severity=sev,
                severity_evidence="" if rng.random() < 0.3 else "our shop is down",
                incident=f"INC-{rng.randrange(150)}" if rng.random() < 0.33 else None,
                customer_id=f"C{rng.randrange(n // 2 + 1)}",
                tier=rng.choice(TIERS),
                monthly_value=round(rng.lognormvariate(6, 1.5), 2) if rng.random() < 0.7 else None,
                contacts=rng.choice([0, 0, 0, 1, 2, 4]),
                created_at=now - min(rng.expovariate(1 / (6 * 3600)), 7 * 86400),
                distress_first=round(d0, 3),
                distress_last=round(min(1.0, d0 + rng.uniform(-0.2, 0.4)), 3) if rng.random() < 0.8 else 0.0,
                findings=(("business_impact", rng.choice(QUOTES)),) if rng.random() < 0.1 else (),
            )
        )
    return out


def time_rank(queue: list[TicketSummary], repeats: int, now: float, *, explain: bool) -> tuple[list[float], int]:
    """Seconds per run of ``rank``; with ``explain``, every ticket's reasons are also written out
    (what ``heartdesk triage --json`` does; the queue API writes them for one page only)."""
    pol = default_policy()
    rank(queue[:100], pol, now=now)  # warm the policy's SLA cache and the code paths
    times: list[float] = []
    p1 = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        ranked = rank(queue, pol, now=now)
        if explain:
            for r in ranked:
                r.priority.reasons  # noqa: B018  (formatting the text is what is timed)
        times.append(time.perf_counter() - t0)
        p1 = sum(1 for r in ranked if r.priority.band == "P1")
    return times, p1


def time_summarize(n: int) -> float:
    """Seconds per ``summarize`` call over hand-built analyses (3 customer turns each, with emotions and a
    business-impact finding in some), so the figure is triage's own cost, not the engine's."""
    rng = random.Random(11)
    scores = {e: 0.0 for e in EMOTIONS}
    analyses: list[Analysis] = []
    for i in range(n):
        texts = [rng.choice(TEXTS), "Let me look into it.", rng.choice(TEXTS), "Thanks, I'm on it.", rng.choice(TEXTS)]
        conv = Conversation.of(
            f"c{i}",
            *[("customer" if j % 2 == 0 else "agent", t) for j, t in enumerate(texts)],
            customer={"id": f"k{i}", "tier": "standard", "monthly_value": 500},
            meta={"extra": {"created_at": "2026-11-20T09:00:00Z", "incident": f"INC-{i % 50}"}},
        )
        turns = []
        for j, t in enumerate(conv.turns):
            d = rng.random()
            emo = Emotion("anger", d, {**scores, "anger": d, "neutral": 1 - d}) if t.role == "customer" else None
            found = (Finding("business_impact", 0, 10, 0.9, "", "bench", "1"),) if j == 0 and i % 10 == 0 else ()
            turns.append(TurnAnalysis(j, t.role, 0.0, found, emo))
        analyses.append(Analysis(conv, tuple(turns), build_scorecard(conv, tuple(turns))))
    summarize(analyses[0])
    t0 = time.perf_counter()
    for a in analyses:
        summarize(a)
    return (time.perf_counter() - t0) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10_000, help="open tickets in the queue (default 10,000)")
    ap.add_argument("-r", "--repeats", type=int, default=7, help="timed runs (default 7)")
    ap.add_argument("--summaries", type=int, default=2_000, help="analyses to summarise for the last figure (0: skip)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()
    now = 1_795_000_000.0
    queue = make_queue(args.n, now)
    times, p1 = time_rank(queue, args.repeats, now, explain=False)
    best, median = min(times) * 1000, statistics.median(times) * 1000
    verdict = "OK" if best <= 200 * args.n / 10_000 else "SLOWER THAN TARGET"
    print(f"rank {args.n:,} open tickets: best {best:.1f} ms, median {median:.1f} ms over {args.repeats} runs")
    print(f"  {verdict} (target <= 200 ms per 10,000); {best * 1000 / args.n:.1f} µs per ticket; {p1:,} in P1")
    explained, _ = time_rank(queue, args.repeats, now, explain=True)
    e_best, e_median = min(explained) * 1000, statistics.median(explained) * 1000
    print(f"rank and write every ticket's reasons: best {e_best:.1f} ms, median {e_median:.1f} ms")
    figures: dict[str, float] = {
        "tickets": args.n,
        "best_ms": round(best, 2),
        "median_ms": round(median, 2),
        "with_reasons_best_ms": round(e_best, 2),
        "with_reasons_median_ms": round(e_median, 2),
    }
    if args.summaries:
        per = time_summarize(args.summaries)
        print(f"summarize (once per ticket, at analysis time): {per * 1e6:.1f} µs per ticket over {args.summaries:,} analyses")
        figures["summarize_us"] = round(per * 1e6, 2)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
