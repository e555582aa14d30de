"""Threads analysing at once get what each would alone: a web server analyses in a thread pool.

The engine keeps small per-process caches (the last turn's words, sentences and scan; the last
batch's scans): each is swapped as one object, so a thread never pairs one turn's cached data with
another turn. A tiny switch interval makes the interpreter change threads between nearly every
bytecode, where a torn update would show.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from heartdesk import Conversation, analyze, analyze_many, conversation_from_dict
from heartdesk.analysis.contract import analysis_to_dict

DRAFTS = Path(__file__).parent / "coach" / "data" / "drafts.jsonl"


def _conversations() -> list[Conversation]:
    out = []
    for line in DRAFTS.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        turns = [*case["conversation"], {"role": "agent", "text": case["draft"]}]
        out.append(conversation_from_dict({"id": case["id"], "turns": turns}))
    return out


@pytest.fixture
def busy_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _work(share: list[Conversation]) -> list[str]:
    """Batches of one and of many: the per-turn and the per-batch caches both change hands."""
    out = []
    for _ in range(2):
        out += [json.dumps(analysis_to_dict(analyze(c)), sort_keys=True) for c in share[:10]]
        out += [json.dumps(analysis_to_dict(a), sort_keys=True) for a in analyze_many(share, batch_size=7)]
    return out


def test_a_conversation_reads_the_same_alone_and_in_any_batch() -> None:
    # The models sum in a fixed order per text (no BLAS kernel chosen by batch size, no float32
    # sums chunked by batch position): a conversation's scores do not depend on its neighbours.
    convs = _conversations()
    together = [json.dumps(analysis_to_dict(a), sort_keys=True) for a in analyze_many(convs)]
    alone = [json.dumps(analysis_to_dict(analyze(c)), sort_keys=True) for c in convs]
    in_sevens = [json.dumps(analysis_to_dict(a), sort_keys=True) for a in analyze_many(convs[::-1], batch_size=7)][::-1]
    assert alone == together == in_sevens


def test_threads_analysing_different_conversations_agree_with_one_thread(busy_switching: None) -> None:
    convs = _conversations()
    shares = [convs[i::4] for i in range(4)]
    wanted = [_work(share) for share in shares]
    got: list[list[str]] = [[] for _ in shares]
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            got[k] = _work(shares[k])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(wanted[0]) > 20
    for k in range(4):
        assert got[k] == wanted[k]
