"""The drafts corpus (``data/drafts.jsonl``): every draft reviewed against its ``expect`` and ``facts``.

Strict for what the coach guarantees on every draft (a clean rewrite that keeps the facts, every
problem finding replaced, good drafts free of findings and replacements); measured in aggregate
where the signals engine's detection and judgement also play a part (the false-alarm rate on
good drafts, target < 5%, and the share of problem drafts meeting every expectation).
``bench/coach_quality.py`` prints the same figures with the failing drafts.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from heartdesk.coach import Authority, QueueContext, Review, review
from heartdesk.coach.engine import analyze_draft
from heartdesk.coach.types import PROBLEM_LABELS
from heartdesk.model import Conversation, Turn

from .fluency import fluency_problems

CORPUS = Path(__file__).parent / "data" / "drafts.jsonl"
ENTRIES: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
BY_ID = {e["id"]: e for e in ENTRIES}
GOOD = [e["id"] for e in ENTRIES if e["kind"] == "good"]
PROBLEM = [e["id"] for e in ENTRIES if e["kind"] != "good"]


@cache
def run(entry_id: str) -> tuple[Review, Conversation]:
    e = BY_ID[entry_id]
    conv = Conversation(id=entry_id, turns=tuple(Turn(role=t["role"], text=t["text"]) for t in e["conversation"]))
    a = e.get("authority")
    authority = (
        Authority(max_credit=float(a.get("max_credit", 0)), gestures=tuple(a.get("gestures", ("apology",)))) if a else None
    )
    q = e.get("queue")
    queue = QueueContext(q["position"], q["reason"], q.get("eta_minutes")) if q else None
    return review(e["draft"], conv, authority, queue=queue), conv


def _covered(draft: str, phrase: str, r: Review) -> bool:
    at = draft.lower().find(phrase.lower())
    return at >= 0 and all(any(x.start <= i < x.end for x in r.replacements) for i in range(at, at + len(phrase)))


def unmet(entry_id: str) -> list[str]:
    """Every expectation of the entry that its review does not meet."""
    e = BY_ID[entry_id]
    r, _ = run(entry_id)
    exp = e["expect"]
    out = [f"label {x}" for x in exp.get("labels", []) if x not in {f.label for f in r.findings}]
    out += [f"replace {x!r}" for x in exp.get("replaced", []) if not _covered(e["draft"], x, r)]
    out += [f"missing {x}" for x in exp.get("missing", []) if x not in {m.kind for m in r.missing}]
    offered = {a.kind for a in r.additions}
    out += [f"add {x}" for x in exp.get("additions", []) if x not in offered]
    out += [f"no {x}" for x in exp.get("no_additions", []) if x in offered]
    if e["kind"] == "good":
        out += [f"unlisted {a.kind}" for a in r.additions if a.kind not in exp.get("additions", [])]
    return out


def test_the_corpus_is_what_the_issue_asks_for() -> None:
    assert len(ENTRIES) >= 150 and len({e["id"] for e in ENTRIES}) == len(ENTRIES)
    assert GOOD and PROBLEM and len({e["industry"] for e in ENTRIES}) >= 5


@pytest.mark.parametrize("entry_id", [e["id"] for e in ENTRIES])
def test_rewrite_is_clean_fluent_and_keeps_every_fact(entry_id: str) -> None:
    r, conv = run(entry_id)
    lost = [f for f in BY_ID[entry_id].get("facts", []) if f not in r.rewrite]
    assert lost == [], r.rewrite
    after = analyze_draft(conv, r.rewrite).turns[-1]
    left = [(f.label, r.rewrite[f.start : f.end]) for f in after.findings if f.present and f.label in PROBLEM_LABELS]
    assert left == [], r.rewrite
    assert "{" not in r.rewrite and "}" not in r.rewrite
    assert fluency_problems(r.rewrite) == [], r.rewrite


@pytest.mark.parametrize("entry_id", PROBLEM)
def test_every_problem_finding_is_replaced(entry_id: str) -> None:
    r, _ = run(entry_id)
    for f in r.findings:
        assert any(x.start <= f.start < x.end for x in r.replacements), (f.label, r.draft[f.start : f.end])


@pytest.mark.parametrize("entry_id", GOOD)
def test_good_drafts_get_no_findings_and_no_replacements(entry_id: str) -> None:
    r, _ = run(entry_id)
    assert [r.draft[f.start : f.end] for f in r.findings] == []
    assert r.replacements == ()


def test_false_alarm_rate_on_good_drafts_is_under_5_percent() -> None:
    alarms = {i: unmet(i) for i in GOOD}
    alarms = {i: u for i, u in alarms.items() if u}
    assert len(alarms) / len(GOOD) < 0.05, alarms


def test_problem_drafts_meet_their_expectations() -> None:
    # The rest are mostly wording the signals engine does not flag yet (bench/coach_quality.py lists them).
    failed = {i: u for i in PROBLEM if (u := unmet(i))}
    assert len(failed) / len(PROBLEM) < 0.10, failed
