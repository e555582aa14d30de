"""Incident grouping: quality on the labelled set, and the time to match one new ticket.

    python bench/incidents.py                 # quality + match against 10,000 open tickets
    python bench/incidents.py -n 50000 --repeat 200

Quality: pairwise and B-cubed precision / recall / F1 of ``heartdesk.incidents.group`` on
``src/heartdesk/incidents/data/incidents_eval.jsonl`` (written for heartdesk), on the ``tune``
half (where the thresholds were chosen), the held-out ``test`` half, and the whole set.
Speed: ``n`` open tickets generated from templates written for this benchmark (no dataset
text) go into an ``Index``; then new tickets are matched one at a time. Budget (issue 4):
<= 20 ms to match a new ticket against 10,000 open ones.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from datetime import datetime, timedelta

from heartdesk.incidents import Config, Index, Ticket
from heartdesk.incidents.evaluate import evaluate

_SUBJECT = [
    "login",
    "checkout",
    "invoice",
    "export",
    "the mobile app",
    "search",
    "calendar sync",
    "file upload",
    "password reset",
    "the dashboard",
    "notifications",
    "the API",
    "my order",
    "delivery",
    "refund",
    "payroll",
]
_SYMPTOM = [
    "is not working",
    "fails with an error",
    "is very slow",
    "keeps timing out",
    "shows a blank page",
    "crashes",
    "charged me twice",
    "has been stuck for days",
    "gives a 500 error",
    "stopped syncing",
]
_OPEN = ["Hi,", "Hello team,", "Urgent:", "", "Please help,", "Again!"]
_TAIL = [
    "since this morning.",
    "for our whole team.",
    "and customers are waiting.",
    "after the update.",
    "for the third time this week.",
    "",
    "what is going on?",
    "we are losing money.",
]


def _text(r: random.Random) -> str:
    return " ".join(x for x in (r.choice(_OPEN), r.choice(_SUBJECT), r.choice(_SYMPTOM), r.choice(_TAIL)) if x)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("-n", "--open", type=int, default=10_000, help="open tickets in the index")
    ap.add_argument("--repeat", type=int, default=100, help="new tickets matched (timed one by one)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    cfg = Config()
    res = evaluate(cfg=cfg)
    print(f"threshold {cfg.threshold}  window {cfg.window}  char_weight {cfg.char_weight}  bits {cfg.bits}")
    print(
        f"{'half':6} {'tickets':>7} {'inc':>4}  {'pair P':>6} {'pair R':>6} {'pair F1':>7}  {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}"
    )
    for half in ("tune", "test", "all"):
        h = res[half]
        pw, b3 = h["pairwise"], h["bcubed"]
        print(
            f"{half:6} {h['tickets']:>7} {h['incidents']:>4}  {pw['precision']:>6.3f} {pw['recall']:>6.3f} {pw['f1']:>7.3f}"
            f"  {b3['precision']:>6.3f} {b3['recall']:>6.3f} {b3['f1']:>6.3f}"
        )

    r = random.Random(args.seed)
    t0 = datetime(2026, 10, 1)
    ix = Index(cfg)
    b = time.perf_counter()
    for i in range(args.open):
        ix.add(Ticket(f"O{i}", f"c{r.randrange(args.open)}", t0 + timedelta(minutes=r.randrange(48 * 60)), _text(r)))
    build = time.perf_counter() - b
    news = [Ticket(f"N{i}", f"new{i}", t0 + timedelta(hours=24), _text(r)) for i in range(args.repeat)]
    ix.match(news[0])  # warm the cached arrays
    times = []
    hits = 0
    for t in news:
        s = time.perf_counter()
        m = ix.match(t)
        times.append((time.perf_counter() - s) * 1000)
        hits += m is not None
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"index {args.open} open tickets: built in {build:.2f} s ({build / args.open * 1e6:.0f} µs per add)")
    print(
        f"match one new ticket against {args.open}: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms,"
        f" max {times[-1]:.2f} ms (budget 20 ms); {hits}/{len(news)} matched"
    )
    # Streaming: each new ticket is matched, then added as open (the next match refreshes the norms).
    times = []
    for i, t in enumerate(news):
        s = time.perf_counter()
        ix.match(replace(t, id=f"S{i}"))
        ix.add(replace(t, id=f"S{i}"))
        times.append((time.perf_counter() - s) * 1000)
    times.sort()
    print(f"match then add (streaming), per ticket: median {statistics.median(times):.2f} ms, max {times[-1]:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
