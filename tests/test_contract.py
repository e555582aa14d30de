"""The input and output contract of docs/contract.md, checked key by key."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from heartdesk import Conversation, InputError, analyze, analyze_many, conversation_from_dict
from heartdesk.analysis.contract import analysis_to_dict
from heartdesk.connectors.contract import conversation_to_dict
from heartdesk.model import EMOTIONS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

CONV = {
    "id": "T-1042",
    "channel": "email",
    "customer": {"id": "cust-9", "tier": "business"},
    "turns": [
        {
            "role": "customer",
            "text": "I was charged twice and my shop can't take payments. Fix it today or I cancel.",
            "at": "2026-11-20T09:00:00Z",
        },
        {
            "role": "agent",
            "author": "Rob",
            "text": "You're wrong, you clicked pay twice. That's our policy.",
            "at": "2026-11-20T09:05:00+01:00",
        },
        {"role": "customer", "text": "I want to speak to a manager."},
        {"role": "agent", "author": "Ana", "text": "I'm so sorry. I've refunded the second charge and I'll call you at 3pm."},
    ],
    "meta": {"queue": "billing"},
}

TURN_KEYS = {"index", "role", "tone", "findings"}
FINDING_REQUIRED = {"label", "start", "end", "confidence", "explanation", "detector"}
FINDING_OPTIONAL = {"suggestion"}
DIMENSIONS = {"empathy", "listening", "tone", "ownership", "resolution", "etiquette"}
SCORECARD_KEYS = DIMENSIONS | {"de_escalation", "last_impression", "escalation_requests", "interruptions"}
EVIDENCE_KEYS = {"turn", "label", "effect", "start", "end", "note"}


def out(obj: dict[str, Any]) -> dict[str, Any]:
    d = analysis_to_dict(analyze(conversation_from_dict(obj)))
    return json.loads(json.dumps(d))  # what a consumer of the JSONL sees


def check_emotion(e: dict[str, Any]) -> None:
    # ``cues`` is optional: only a turn whose service wording moved the model's reading has it.
    assert set(e) - {"cues"} == {"label", "intensity", "scores"}
    for cue in e.get("cues", []):
        assert set(cue) == {"start", "end", "emotion", "weight"} and cue["emotion"] in EMOTIONS
        assert 0 <= cue["start"] < cue["end"] and 0.0 < cue["weight"] <= 1.0
    assert "cues" not in e or e["cues"]  # present only when there are some
    assert e["label"] in EMOTIONS
    assert 0.0 <= e["intensity"] <= 1.0
    assert set(e["scores"]) == set(EMOTIONS)
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in e["scores"].values())


def check_evidence(ev: dict[str, Any], n_turns: int) -> None:
    assert {"turn", "label", "effect"} <= set(ev) <= EVIDENCE_KEYS
    assert 0 <= ev["turn"] < n_turns
    assert ("start" in ev) == ("end" in ev)


def test_output_shape_is_exactly_the_contract() -> None:
    d = out(CONV)
    assert set(d) == {"id", "turns", "scorecard"}
    assert d["id"] == "T-1042"
    texts = [t["text"] for t in CONV["turns"]]  # type: ignore[index]
    assert [t["index"] for t in d["turns"]] == list(range(len(texts)))
    assert [t["role"] for t in d["turns"]] == ["customer", "agent", "customer", "agent"]
    for t in d["turns"]:
        if t["role"] == "customer":
            assert set(t) == TURN_KEYS | {"emotion"}
            check_emotion(t["emotion"])
        else:
            assert set(t) == TURN_KEYS
        assert isinstance(t["tone"], float) and -1.0 <= t["tone"] <= 1.0
        text = texts[t["index"]]
        for f in t["findings"]:
            assert FINDING_REQUIRED <= set(f) <= FINDING_REQUIRED | FINDING_OPTIONAL
            assert isinstance(f["start"], int) and isinstance(f["end"], int)
            assert 0 <= f["start"] < f["end"] <= len(text)
            assert 0.0 <= f["confidence"] <= 1.0
            assert f["explanation"] and "\n" not in f["explanation"]
            assert re.fullmatch(r"[a-z_][a-z0-9_]*@\S+", f["detector"]), f["detector"]
            if "suggestion" in f:
                assert isinstance(f["suggestion"], str) and f["suggestion"]
        keys = [(f["start"], f["end"], f["label"]) for f in t["findings"]]
        assert keys == sorted(keys), "findings are sorted by start, end, label"


def test_scorecard_shape() -> None:
    d = out(CONV)
    s = d["scorecard"]
    assert set(s) == SCORECARD_KEYS
    n = len(d["turns"])
    for dim in DIMENSIONS:
        assert set(s[dim]) == {"score", "summary", "evidence"}
        assert s[dim]["score"] is None or (isinstance(s[dim]["score"], int) and 0 <= s[dim]["score"] <= 100)
        assert isinstance(s[dim]["summary"], str)
        for ev in s[dim]["evidence"]:
            check_evidence(ev, n)
    de = s["de_escalation"]
    assert set(de) == {"first", "last", "first_distress", "last_distress", "change", "summary"}
    assert de["first"] in (*EMOTIONS, None) and de["last"] in (*EMOTIONS, None)
    assert de["change"] == pytest.approx(de["first_distress"] - de["last_distress"], abs=1e-3)
    check_emotion(s["last_impression"])
    for ev in s["escalation_requests"] + s["interruptions"]:
        check_evidence(ev, n)


def test_seed_phrase_finding_points_at_its_evidence() -> None:
    d = out(CONV)
    agent = d["turns"][1]
    text = CONV["turns"][1]["text"]  # type: ignore[index]
    hits = [f for f in agent["findings"] if f["label"] == "confrontational" and f["confidence"] >= 0.5]
    assert hits, "seed 002 phrase 'You're wrong' must be found"
    assert text[hits[0]["start"] : hits[0]["end"]] == "You're wrong"


def test_no_customer_turn_means_no_emotion_and_null_last_impression() -> None:
    d = out({"id": "a-only", "turns": [{"role": "agent", "text": "Hello! How can I help?"}]})
    assert "emotion" not in d["turns"][0]
    assert d["scorecard"]["last_impression"] is None


def test_empty_turns_give_empty_output_turns() -> None:
    d = out({"id": "empty", "turns": []})
    assert d["turns"] == []
    assert set(d["scorecard"]) == SCORECARD_KEYS


def test_output_order_is_input_order_across_batches() -> None:
    convs = [Conversation.of(f"id-{i:04d}", ("customer", "Where is my order?")) for i in range(700)]
    got = [a.id for a in analyze_many(convs, batch_size=64)]
    assert got == [c.id for c in convs]


# ---------------------------------------------------------------- input side
def test_input_optional_fields_and_extras() -> None:
    conv = conversation_from_dict({**CONV, "priority": "high", "id": 1042})
    assert conv.id == "1042"  # an integer id is accepted as its string
    assert conv.channel == "email"
    assert dict(conv.customer) == {"id": "cust-9", "tier": "business"}
    assert conv.meta["queue"] == "billing"
    assert conv.meta["extra"] == {"priority": "high"}  # unknown top-level keys are kept, not refused
    assert conv.turns[0].at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert conv.turns[1].at is not None and conv.turns[1].at.utcoffset() is not None
    assert conv.turns[1].author == "Rob"
    assert conversation_from_dict({"id": "n", "turns": [{"role": "agent", "text": None}]}).turns[0].text == ""


def test_input_round_trip() -> None:
    conv = conversation_from_dict(CONV)
    assert conversation_from_dict(conversation_to_dict(conv)) == conv


@pytest.mark.parametrize(
    ("obj", "code"),
    [
        ([], "E002"),
        ({"turns": []}, "E003"),
        ({"id": "", "turns": []}, "E003"),
        ({"id": "x"}, "E003"),
        ({"id": "x", "turns": [], "channel": 5}, "E003"),
        ({"id": "x", "turns": [], "meta": "billing"}, "E003"),
        ({"id": "x", "turns": ["hi"]}, "E004"),
        ({"id": "x", "turns": [{"role": "Customer", "text": "hi"}]}, "E004"),
        ({"id": "x", "turns": [{"role": "agent", "text": ["hi"]}]}, "E004"),
        ({"id": "x", "turns": [{"role": "agent", "text": "hi", "at": 1700000000}]}, "E005"),
        ({"id": "x", "turns": [{"role": "agent", "text": "x" * 4_000_001}]}, "E006"),
    ],
)
def test_input_errors_have_their_documented_codes(obj: Any, code: str) -> None:
    with pytest.raises(InputError) as info:
        conversation_from_dict(obj)
    assert info.value.code == code
    assert f"[{code}]" in str(info.value)


# ---------------------------------------------------------------- the docs keep up with the code
def _codes_in_source(prefixes: tuple[str, ...]) -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "src" / "heartdesk").rglob("*.py"):
        codes |= {c for c in re.findall(r"\bE\d{3}\b", path.read_text(encoding="utf-8")) if c.startswith(prefixes)}
    return codes


def test_every_input_and_eval_error_code_is_documented() -> None:
    errors_md = (DOCS / "errors.md").read_text(encoding="utf-8")
    contract_md = (DOCS / "contract.md").read_text(encoding="utf-8")
    codes = _codes_in_source(("E0", "E3"))
    assert {"E001", "E002", "E004", "E301"} <= codes  # the scan itself works
    missing = {c for c in codes if f"| {c} |" not in errors_md}
    assert not missing, f"error codes used in src/ but not in docs/errors.md: {sorted(missing)}"
    missing_contract = {c for c in codes if c.startswith("E0") and f"| {c} |" not in contract_md}
    assert not missing_contract, f"input error codes not in docs/contract.md: {sorted(missing_contract)}"


def test_every_output_key_is_named_in_contract_md() -> None:
    page = (DOCS / "contract.md").read_text(encoding="utf-8")
    d = out(CONV)
    keys: set[str] = set(d) | set(d["scorecard"]) | set(d["scorecard"]["de_escalation"])
    for t in d["turns"]:
        keys |= set(t)
        for f in t["findings"]:
            keys |= set(f)
    for dim in DIMENSIONS:
        keys |= set(d["scorecard"][dim])
        for ev in d["scorecard"][dim]["evidence"]:
            keys |= set(ev)
    missing = {k for k in keys if f"`{k}`" not in page and f'"{k}"' not in page}
    assert not missing, f"output keys not documented in docs/contract.md: {sorted(missing)}"
