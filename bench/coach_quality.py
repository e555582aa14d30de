"""Reply-coach quality on the drafts corpus: false alarms on good drafts, misses on problem drafts.

    .venv/bin/python bench/coach_quality.py                 # tests/coach/data/drafts.jsonl
    .venv/bin/python bench/coach_quality.py -v              # and every failed expectation
    .venv/bin/python bench/coach_quality.py --corpus FILE
    .venv/bin/python bench/coach_quality.py --corpus tests/coach/data/hard_drafts.jsonl   # the hard drafts

A good draft is a false alarm when the coach reports any problem finding, offers any
replacement, or offers an addition its `expect.additions` does not list. A problem draft
fails when an expected label, replaced span, missing kind or addition is absent, a
forbidden addition is offered, a fact is lost, or the re-analysed rewrite has a problem.
Every rewrite also goes through the fluency checker of the tests (tests/coach/fluency.py:
spacing, dashes, capitals, final punctuation, repeated sentences and commitments, stacked
questions); its failures are counted apart. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from heartdesk.coach import Authority, QueueContext, Review, review
from heartdesk.coach.engine import analyze_draft
from heartdesk.coach.types import PROBLEM_LABELS
from heartdesk.model import Conversation, Turn

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "coach" / "data" / "drafts.jsonl"
sys.path.insert(0, str(ROOT))
from tests.coach.fluency import fluency_problems  # noqa: E402  (the tests' checker, not shipped)


def run(entry: dict[str, Any]) -> tuple[Review, Conversation]:
    conv = Conversation(id=entry["id"], turns=tuple(Turn(role=t["role"], text=t["text"]) for t in entry.get("conversation", [])))
    auth = entry.get("authority")
    authority = (
        Authority(max_credit=float(auth.get("max_credit", 0)), gestures=tuple(auth.get("gestures", ("apology",))))
        if auth
        else None
    )
    q = entry.get("queue")
    queue = QueueContext(q["position"], q["reason"], q.get("eta_minutes")) if q else None
    return review(entry["draft"], conv, authority, queue=queue), conv


def covered(draft: str, phrase: str, r: Review) -> bool:
    at = draft.find(phrase)
    if at < 0:
        at = draft.lower().find(phrase.lower())
    return at >= 0 and all(any(x.start <= i < x.end for x in r.replacements) for i in range(at, at + len(phrase)))


def problems(entry: dict[str, Any], r: Review, conv: Conversation) -> list[str]:
    """Every expectation of ``entry`` that the review fails, in words."""
    exp = entry["expect"]
    out: list[str] = []
    labels = {f.label for f in r.findings}
    out += [f"label {x} not found" for x in exp.get("labels", []) if x not in labels]
    for x in exp.get("replaced", []):
        if not covered(entry["draft"], x, r):
            at = entry["draft"].lower().find(x.lower())
            seen = any(f.start < at + len(x) and at < f.end for f in r.findings)
            out.append(f"{x!r} not replaced" + ("" if seen else " (not detected by the signals engine)"))
    kinds = {m.kind for m in r.missing}
    out += [f"missing {x} not reported" for x in exp.get("missing", []) if x not in kinds]
    offered = {a.kind for a in r.additions}
    out += [f"addition {x} not offered" for x in exp.get("additions", []) if x not in offered]
    out += [f"addition {x} offered but forbidden" for x in exp.get("no_additions", []) if x in offered]
    out += [f"fact {x!r} lost" for x in entry.get("facts", []) if x not in r.rewrite]
    if entry["kind"] == "good":
        out += [f"false finding {f.label} {entry['draft'][f.start : f.end]!r}" for f in r.findings]
        out += [f"false replacement of {entry['draft'][x.start : x.end]!r}" for x in r.replacements]
        allowed = set(exp.get("additions", []))
        out += [f"unlisted addition {a.kind}: {a.text!r}" for a in r.additions if a.kind not in allowed]
    after = analyze_draft(conv, r.rewrite).turns[-1]
    out += [
        f"rewrite keeps {f.label} {r.rewrite[f.start : f.end]!r}"
        for f in after.findings
        if f.present and f.label in PROBLEM_LABELS
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    entries = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    good = [e for e in entries if e["kind"] == "good"]
    bad = [e for e in entries if e["kind"] != "good"]
    alarms = failed = clumsy = 0
    for e in entries:
        r, conv = run(e)
        issues = problems(e, r, conv)
        fluency = fluency_problems(r.rewrite)
        clumsy += bool(fluency)
        if fluency and args.verbose:
            print(f"{e['id']} ({e['kind']}): not fluent: " + "; ".join(fluency) + f"\n    rewrite: {r.rewrite}")
        if issues:
            if e["kind"] == "good":
                alarms += 1
            else:
                failed += 1
            if args.verbose:
                print(f"{e['id']} ({e['kind']}): " + "; ".join(issues))
                print(f"    draft:   {e['draft']}\n    rewrite: {r.rewrite}")
    print(f"corpus: {args.corpus} ({len(entries)} drafts: {len(good)} good, {len(bad)} problem)")
    print(f"false-alarm rate on good drafts: {alarms}/{len(good)} = {alarms / max(1, len(good)):.1%} (target < 5%)")
    print(f"problem drafts with a failed expectation: {failed}/{len(bad)} = {failed / max(1, len(bad)):.1%}")
    print(f"rewrites failing the fluency checker: {clumsy}/{len(entries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
