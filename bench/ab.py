"""Side by side: two heartdesk source trees timed at the same moment, each pinned to a core, then swapped.

The development host's speed drifts by several per cent over minutes, and its two cores are not
always equal (once one ran 12 % slower than the other), so runs taken one after the other cannot
show a 1-2 % change. Here both engines run at once, one per core, over the same turns; then they
swap cores; each round gives one paired difference per order. Build both trees first
(``heartdesk native build`` in each, or ``HEARTDESK_NO_NATIVE=1`` for both).

    python bench/ab.py --old /tmp/old/src --new src --rounds 2
    git worktree add /tmp/old <commit> && PYTHONPATH=/tmp/old/src python -c \\
        "from heartdesk import native; native.build()"      # the older tree, compiled

Each side times ``analyze_many`` over ``--turns`` turns of ``bench/throughput.py``'s corpus (best of
``--repeat``) with the 100,000-turn corpus in memory, as the throughput benchmark does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

_ONE = """
import gc, sys, time
sys.path.insert(0, {bench!r})
from throughput import conversations
from heartdesk.signals.pipeline import default_pipeline
convs = list(conversations(100_000))
part, n, k = [], 0, {turns}
for c in convs:
    if n >= k:
        break
    part.append(c)
    n += len(c.turns)
pipe = default_pipeline()
for _ in pipe.analyze_many(convs[:50]):
    pass
best = float("inf")
for _ in range({repeat}):
    gc.collect()
    t0 = time.perf_counter()
    for _a in pipe.analyze_many(part):
        pass
    best = min(best, time.perf_counter() - t0)
print(best / n * 1e6)
"""


def _start(src: Path, cpu: int | None, code: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-c", code]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu), *cmd]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)


def _pair(first: Path, second: Path, pinned: bool, code: str) -> tuple[float, float]:
    a = _start(first, 0 if pinned else None, code)
    b = _start(second, 1 if pinned else None, code)
    out_a, _ = a.communicate()
    out_b, _ = b.communicate()
    if a.returncode or b.returncode:
        raise SystemExit(f"a side failed (exit codes {a.returncode}, {b.returncode})")
    return float(out_a.strip().splitlines()[-1]), float(out_b.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--old", type=Path, required=True, help="the older tree's src/ folder")
    ap.add_argument("--new", type=Path, required=True, help="the newer tree's src/ folder")
    ap.add_argument("--rounds", type=int, default=2, help="rounds; each runs both orders (default 2)")
    ap.add_argument("-n", "--turns", type=int, default=30_000, help="turns timed per side (default 30,000)")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many passes per side (default 3)")
    args = ap.parse_args(argv)
    for src in (args.old, args.new):
        if not (src / "heartdesk" / "__init__.py").is_file():
            ap.error(f"{src} holds no heartdesk package (give the tree's src/ folder)")
    pinned = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if not pinned:
        print("note: no taskset or one core: the sides run unpinned, which can bias a pair", file=sys.stderr)
    bench = str(Path(__file__).resolve().parent)
    code = _ONE.format(bench=bench, turns=args.turns, repeat=args.repeat)
    gains: list[float] = []
    print(f"{'order':<22} {'old µs/turn':>12} {'new µs/turn':>12} {'new faster by':>14}")
    for _ in range(args.rounds):
        for old_first in (True, False):
            if old_first:
                old_t, new_t = _pair(args.old, args.new, pinned, code)
                order = "old@cpu0 new@cpu1" if pinned else "old, new"
            else:
                new_t, old_t = _pair(args.new, args.old, pinned, code)
                order = "new@cpu0 old@cpu1" if pinned else "new, old"
            gain = 100.0 * (old_t - new_t) / old_t
            gains.append(gain)
            print(f"{order:<22} {old_t:>12.1f} {new_t:>12.1f} {gain:>13.1f}%")
    mean = statistics.mean(gains)
    print(f"mean over {len(gains)} pairs: new faster by {mean:.1f}% (range {min(gains):.1f} to {max(gains):.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
