"""The contract JSON of a fixed corpus, to show that a speed change leaves every analysis as it was.

    python bench/contract_dump.py /tmp/before.jsonl      # before the change
    python bench/contract_dump.py /tmp/after.jsonl       # after it (rebuild: heartdesk native build)
    cmp /tmp/before.jsonl /tmp/after.jsonl

The corpus is ``bench/throughput.py``'s (30,000 turns by default) plus a rewritten copy of its first
3,000 conversations: typographic apostrophes, capitals, emoji, accents, line breaks, a leading "İ"
(whose lower-case form is longer, so the plain paths run), title case and "y\u00f6u". Each variant
steers turns into a path that the plain benchmark turns never take. One JSON line per conversation,
keys sorted, so two runs of the same engine give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from throughput import conversations

from heartdesk.analysis.contract import analysis_to_dict
from heartdesk.model import Conversation, Turn
from heartdesk.signals.pipeline import Pipeline


def variant(rng: random.Random, text: str) -> str:
    """``text`` rewritten one of eight ways (chosen by ``rng``)."""
    r = rng.random()
    if r < 0.2:
        return text.replace("'", "\u2019")
    if r < 0.35:
        return text.upper()
    if r < 0.5:
        return text.replace(" ", " \U0001f621 ", 2)
    if r < 0.6:
        return text.replace("e", "\u00e9", 3)
    if r < 0.7:
        return text.replace(". ", ".\n")
    if r < 0.8:
        return "\u0130" + text
    if r < 0.9:
        return text.title()
    return text.replace("you", "y\u00f6u")


def corpus(turns: int, variants: int, seed: int = 7) -> list[Conversation]:
    convs = list(conversations(turns))
    rng = random.Random(seed)
    extra = [
        Conversation(id=f"v{i}", turns=tuple(Turn(role=t.role, text=variant(rng, t.text)) for t in c.turns), channel="chat")
        for i, c in enumerate(convs[:variants])
    ]
    return convs + extra


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("output", type=Path, help="where to write the JSON lines")
    ap.add_argument("-n", "--turns", type=int, default=30_000, help="benchmark turns (default 30,000)")
    ap.add_argument("--variants", type=int, default=3_000, help="conversations rewritten (default 3,000)")
    args = ap.parse_args(argv)
    convs = corpus(args.turns, args.variants)
    with args.output.open("w", encoding="utf-8") as out:
        for a in Pipeline().analyze_many(convs):
            out.write(json.dumps(analysis_to_dict(a), sort_keys=True) + "\n")
    print(f"wrote {len(convs):,} analyses to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
