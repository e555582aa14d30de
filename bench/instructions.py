"""Instructions, not seconds: what ``analyze_many`` executes on the benchmark's turns, counted by callgrind.

The development host's speed drifts by several per cent over minutes (and its two cores are not
always equal), so timings cannot show a 1-2 % change even side by side (``bench/ab.py``). The number
of instructions executed can: callgrind counts them, the same to 0.01 % from run to run with
``PYTHONHASHSEED`` fixed. Counting starts after the pipeline is loaded and warmed (on the same turns, so
that one-off work such as compiling a scanner's regex for a word met for the first time is not counted) and
stops when the turns are analysed, so imports, model loading and the corpus do not count.

    python bench/instructions.py --tree src                      # this tree (its compiled build)
    python bench/instructions.py --tree /tmp/old/src --tree src  # two trees, one after the other

Needs ``valgrind`` (Debian: ``apt-get install valgrind``); about 45 s a tree for 3,000 turns. An
instruction is not a unit of time (cache misses and branch mispredictions cost more), so confirm a
change that counts fewer instructions with a timing too; but one that counts more is rarely faster.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_ONE = """
import os, subprocess, sys
sys.path.insert(0, {bench!r})
from throughput import conversations
from heartdesk.signals.pipeline import Pipeline
convs = list(conversations(20000))
pipe = Pipeline()
# Warmed on the very turns counted: the scanners compile their per-word regexes, and the RE2 sets build their
# DFA states, the first time a word or a state is met; counted, that one-off work (~7 % of a 3,000-turn count)
# made a lexicon change that adds head words look costlier than it is in a long run.
for _ in pipe.analyze_many(convs[: {turns} // 6] + convs[-300:]):
    pass
convs = convs[: {turns} // 6]
subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
for _ in pipe.analyze_many(convs):
    pass
subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)
print("turns", sum(len(c.turns) for c in convs))
"""


def count(tree: Path, turns: int) -> tuple[int, int]:
    """(instructions, turns analysed) for the source tree ``tree`` (its ``src`` folder)."""
    bench = str(Path(__file__).resolve().parent)
    env = dict(os.environ, PYTHONPATH=str(tree.resolve()), PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-c",
                _ONE.format(bench=bench, turns=turns),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    collected = re.search(r"Collected : (\d+)", run.stderr)
    analysed = re.search(r"turns (\d+)", run.stdout)
    if run.returncode != 0 or collected is None or analysed is None:
        raise SystemExit(f"callgrind run failed for {tree}:\n{run.stderr[-2000:]}")
    return int(collected.group(1)), int(analysed.group(1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", type=Path, action="append", required=True, help="a source tree (its src folder); repeatable")
    ap.add_argument("--turns", type=int, default=3000, help="about this many turns are analysed (default 3000)")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    first: int | None = None
    for tree in args.tree:
        n, turns = count(tree, args.turns)
        vs = "" if first is None else f"  ({100 * (n - first) / first:+.2f} % against the first tree)"
        print(f"{tree}: {n:,} instructions for {turns:,} turns, {n / turns:,.0f} a turn{vs}")
        first = n if first is None else first
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
