"""Bad input never crashes the analyser: bad records are reported as file:line and skipped.

Exit codes (src/heartdesk/cli.py, docs/cli.md): 0 all analysed, 1 some records skipped,
2 usage error or unreadable input, 3 stopped at the first bad record (--strict).
Property tests (Hypothesis) feed arbitrary Unicode through the library API.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from heartdesk import Conversation, Turn, analyze
from heartdesk.analysis.contract import analysis_to_dict
from heartdesk.cli import app
from heartdesk.model import EMOTIONS

HEARTDESK = Path(sys.executable).parent / "heartdesk"


def cli(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def line(cid: str, *turns: tuple[str, str]) -> str:
    return json.dumps({"id": cid, "turns": [{"role": r, "text": t} for r, t in turns]}, ensure_ascii=False)


def ids(stdout: str) -> list[str]:
    return [json.loads(x)["id"] for x in stdout.splitlines() if x.strip()]


GOOD_A = line("a", ("customer", "My parcel never arrived."), ("agent", "I'm sorry, I'll resend it today."))
GOOD_Z = line("z", ("customer", "Thanks, that fixed it!"))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# ---------------------------------------------------------------- JSONL: one bad line each
BAD_LINES: dict[str, tuple[bytes, str]] = {
    "malformed JSON": (b'{"id": "b", "turns": [', "E002"),
    "not an object": (b'["a", "list"]', "E002"),
    "missing id": (b'{"turns": []}', "E003"),
    "turns not a list": (b'{"id": "b", "turns": "hello"}', "E003"),
    "missing role": (b'{"id": "b", "turns": [{"text": "hi"}]}', "E004"),
    "unknown role": (b'{"id": "b", "turns": [{"role": "bot", "text": "hi"}]}', "E004"),
    "text not a string": (b'{"id": "b", "turns": [{"role": "agent", "text": 42}]}', "E004"),
    "bad timestamp": (b'{"id": "b", "turns": [{"role": "agent", "text": "hi", "at": "yesterday"}]}', "E005"),
    "invalid UTF-8": (b'{"id": "b", "turns": [{"role": "customer", "text": "caf\xe9 \xff"}]}', "E001"),
    "deep nesting": (b'{"id": "b", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b', "turns": []}', "E002"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_a_bad_line_is_reported_as_file_line_and_the_rest_continues(tmp_path: Path, case: str) -> None:
    bad, code = BAD_LINES[case]
    src = write(tmp_path, "in.jsonl", GOOD_A.encode() + b"\n" + bad + b"\n" + GOOD_Z.encode() + b"\n")
    r = cli("analyze", str(src))
    assert r.exit_code == 1, r.output
    assert ids(r.stdout) == ["a", "z"]
    assert f"{src}:2:" in r.stderr
    assert f"[{code}]" in r.stderr
    assert "1 record(s) skipped" in r.stderr


def test_strict_stops_at_the_first_bad_record_with_exit_3(tmp_path: Path) -> None:
    src = write(tmp_path, "in.jsonl", "\n".join([GOOD_A, "{nope", '{"id": "c", "turns": 5}', GOOD_Z]) + "\n")
    r = cli("analyze", str(src), "--strict")
    assert r.exit_code == 3
    assert f"{src}:2:" in r.stderr
    assert f"{src}:3:" not in r.stderr, "strict must stop at the first bad record"
    assert "z" not in ids(r.stdout)


def test_several_bad_lines_each_named_and_counted(tmp_path: Path) -> None:
    src = write(tmp_path, "in.jsonl", "\n".join(["{", GOOD_A, "[]", "", GOOD_Z, "null"]) + "\n")
    r = cli("analyze", str(src))
    assert r.exit_code == 1
    for n in (1, 3, 6):
        assert f"{src}:{n}:" in r.stderr
    assert f"{src}:5:" not in r.stderr
    assert "3 record(s) skipped" in r.stderr
    assert ids(r.stdout) == ["a", "z"]


# ---------------------------------------------------------------- JSONL: odd but valid text
ODD_TEXTS = {
    "empty": "",
    "whitespace": "   \n\t ",
    "control characters": "refund\x00 please\x07\x1b[31m now\x7f\r\n\x0b",
    "emoji": "My order 📦 is lost 😡😡 👎🏽 👨‍👩‍👧 help!!",
    "RTL": "الطلب لم يصل بعد ‏שלום‎ I'm still waiting",
    "combining": "Cafe\u0301 orde\u0301r, Z̴̡̛a̶l̷g̸o text, e\u0308\u0301\u0323",
    "zero-width and bidi controls": "I\u200bam\u200d\u2060angry\u202e!won\u202c\ufeff",
    "case-changing letters": "İSTANBUL ß ŉ ǰ ﬁ İİİ You are wrong İ",
    "lone surrogate (JSON escape)": "bad \ud800 half \udfff pair",
    "astral plane": "𝓨𝓸𝓾'𝓻𝓮 𝔀𝓻𝓸𝓷𝓰 𝟙𝟚𝟛 \U0010ffff",
}


@pytest.mark.parametrize("case", sorted(ODD_TEXTS))
def test_odd_text_is_analysed_in_both_formats(tmp_path: Path, case: str) -> None:
    text = ODD_TEXTS[case]
    # json.dumps escapes surrogates/controls as \uXXXX, which is how such text really arrives.
    obj = {"id": "odd", "turns": [{"role": "customer", "text": text}, {"role": "agent", "text": text}]}
    src = write(tmp_path, "odd.jsonl", json.dumps(obj) + "\n" + GOOD_Z + "\n")
    r = cli("analyze", str(src))
    assert r.exit_code == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["odd", "z"]
    for t in out[0]["turns"]:
        for f in t["findings"]:
            assert 0 <= f["start"] < f["end"] <= len(text)
    t = cli("analyze", str(src), "--format", "table")
    assert t.exit_code == 0, t.stderr
    assert "odd" in t.stdout


def test_raw_control_characters_inside_json_strings_are_accepted(tmp_path: Path) -> None:
    raw = b'{"id": "ctl", "turns": [{"role": "customer", "text": "tab\there\x01\x1f"}]}\n'
    r = cli("analyze", str(write(tmp_path, "c.jsonl", raw)))
    assert r.exit_code == 0, r.stderr
    assert ids(r.stdout) == ["ctl"]


def test_a_1mb_turn_is_analysed_with_spans_in_bounds(tmp_path: Path) -> None:
    text = ("My internet is down again and nobody calls back. " * 21_000)[:1_000_000]
    assert len(text) == 1_000_000
    src = write(tmp_path, "big.jsonl", line("big", ("customer", text), ("agent", "I'm sorry. " + text[:5000])) + "\n")
    r = cli("analyze", str(src))
    assert r.exit_code == 0, r.stderr
    (out,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert out["id"] == "big"
    for f in out["turns"][0]["findings"]:
        assert 0 <= f["start"] < f["end"] <= len(text)


def test_bom_blank_lines_and_crlf(tmp_path: Path) -> None:
    data = "\ufeff" + GOOD_A + "\r\n\r\n   \n" + GOOD_Z + "\r\n"
    r = cli("analyze", str(write(tmp_path, "bom.jsonl", data)))
    assert r.exit_code == 0, r.stderr
    assert ids(r.stdout) == ["a", "z"]


def test_empty_file_and_empty_conversation(tmp_path: Path) -> None:
    r = cli("analyze", str(write(tmp_path, "empty.jsonl", b"")))
    assert (r.exit_code, r.stdout) == (0, "")
    r = cli("analyze", str(write(tmp_path, "none.jsonl", '{"id": "e", "turns": []}\n')))
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["turns"] == []


def test_invalid_utf8_on_stdin(tmp_path: Path) -> None:
    r = cli("analyze", "-", input=b"\xff\xfe\n" + GOOD_Z.encode() + b"\n")
    assert r.exit_code == 1
    assert "<stdin>:1:" in r.stderr and "[E001]" in r.stderr
    assert ids(r.stdout) == ["z"]


# ---------------------------------------------------------------- CSV quirks
CSV_HEAD = "conversation_id,role,text,at,author\r\n"


def test_csv_quoting_newlines_bom_and_extra_columns(tmp_path: Path) -> None:
    data = (
        "\ufeffconversation_id,role,text,at,author,ticket\r\n"
        'c1,customer,"Two lines,\nwith a comma and ""quotes""",2026-11-20T09:42:00Z,,T-1\r\n'
        "c1,agent,Sorry about that.,,Maya,T-1\r\n"
        "c2,customer,short\r\n"  # fewer fields than the header
    )
    r = cli("analyze", str(write(tmp_path, "q.csv", data)))
    assert r.exit_code == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["c1", "c2"]
    assert [t["role"] for t in out[0]["turns"]] == ["customer", "agent"]


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("c2,robot,hello,,\r\n", "E004"),
        (",customer,no id,,\r\n", "E003"),
        ("c2,customer,hi,not-a-time,\r\n", "E005"),
    ],
)
def test_csv_bad_row_names_its_line_and_the_rest_continues(tmp_path: Path, row: str, code: str) -> None:
    data = CSV_HEAD + "c1,customer,Where is my refund?,,\r\n" + row + "c3,agent,Let me check.,,\r\n"
    src = write(tmp_path, "bad.csv", data)
    r = cli("analyze", str(src))
    assert r.exit_code == 1, r.stdout
    assert f"[{code}]" in r.stderr
    if code != "E005":  # a bad time is found when the whole conversation is validated, after reading
        assert f"{src}:3:" in r.stderr
    assert ids(r.stdout) == ["c1", "c3"]


def test_csv_invalid_utf8_spoils_only_its_conversation(tmp_path: Path) -> None:
    data = CSV_HEAD.encode() + b"c1,customer,caf\xe9 \xff,,\r\nc2,customer,fine,,\r\nc2,agent,good,,\r\n"
    src = write(tmp_path, "u.csv", data)
    r = cli("analyze", str(src))
    assert r.exit_code == 1
    assert f"{src}:2:" in r.stderr and "[E001]" in r.stderr
    assert ids(r.stdout) == ["c2"]


def test_csv_with_a_1mb_field(tmp_path: Path) -> None:
    big = "x" * 1_000_000
    src = write(tmp_path, "big.csv", CSV_HEAD + f"c1,customer,{big},,\r\nc2,agent,hello,,\r\n")
    r = cli("analyze", str(src))
    assert r.exit_code == 0, r.stderr
    assert ids(r.stdout) == ["c1", "c2"]


def test_csv_without_required_columns_is_an_error_naming_line_1(tmp_path: Path) -> None:
    src = write(tmp_path, "h.csv", "id;role;message\r\n1;customer;hi\r\n")
    r = cli("analyze", str(src))
    assert r.exit_code == 1
    assert f"{src}:1:" in r.stderr and "[E007]" in r.stderr
    assert r.stdout == ""


# ---------------------------------------------------------------- exit codes of the real process
def run(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(HEARTDESK), *args], input=input, capture_output=True, timeout=120, check=False)


def test_exit_codes_of_the_installed_command(tmp_path: Path) -> None:
    good = write(tmp_path, "good.jsonl", GOOD_A + "\n")
    bad = write(tmp_path, "bad.jsonl", GOOD_A + "\n{oops\n" + GOOD_Z + "\n")
    assert run("analyze", str(good)).returncode == 0
    skipped = run("analyze", str(bad))
    assert skipped.returncode == 1
    assert f"{bad}:2:".encode() in skipped.stderr
    assert run("analyze", str(bad), "--strict").returncode == 3
    missing = run("analyze", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and b"[E009]" in missing.stderr
    assert run("analyze", str(tmp_path)).returncode == 2  # a directory is unreadable input
    assert run("analyze", str(good), "--format", "pdf").returncode == 2  # usage error
    piped = run("analyze", "-", input=b"\xc3\x28\n" + GOOD_Z.encode() + b"\n")
    assert piped.returncode == 1 and b"<stdin>:1:" in piped.stderr
    assert [json.loads(x)["id"] for x in piped.stdout.splitlines()] == ["z"]
    assert b"Traceback" not in skipped.stderr + missing.stderr + piped.stderr


# ---------------------------------------------------------------- property tests (library API)
# Phrases detectors look for, so generated turns actually produce findings whose spans get checked.
PHRASES = [
    "I'm so sorry",
    "I understand how frustrating this is",
    "You're wrong",
    "That's our policy",
    "not my department",
    "my business is down",
    "I'm cancelling my account",
    "I need it today",
    "Let me make sure I understand:",
    "I'll take care of it",
    "Thanks for your patience",
    "Hello, this is Maya",
    "Is there anything else?",
    "I want to speak to a manager",
    "Could you tell me your order number?",
]
# Letters whose case mapping changes length (İ -> i̇, ß -> SS) catch offset bugs in lower-cased scans.
TRICKY = st.sampled_from(["İ", "ß", "ﬁ", "\u0301", "\u200d", "\u202e", "\n", "\r\n", "  ", "😡", "’", "?!", "\x00"])
TEXT = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=30), TRICKY), max_size=12).map(" ".join)
ANY_TEXT = st.one_of(TEXT, st.text(max_size=300), st.text(st.characters(codec=None, exclude_categories=()), max_size=60))
TURNS = st.lists(st.tuples(st.sampled_from(["customer", "agent"]), ANY_TEXT), min_size=1, max_size=6)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_analysis(conv: Conversation) -> None:
    result = analyze(conv)
    assert len(result.turns) == len(conv.turns)
    for ta, turn in zip(result.turns, conv.turns, strict=True):
        assert ta.role == turn.role
        assert -1.0 <= ta.tone <= 1.0
        for f in ta.findings:
            assert 0 <= f.start < f.end <= len(turn.text), (f, turn.text)
            assert turn.text[f.start : f.end], f
            assert f.evidence(turn.text) == turn.text[f.start : f.end]
            assert 0.0 <= f.confidence <= 1.0
            assert f.label and f.explanation
        if turn.role == "customer":
            assert ta.emotion is not None
            assert ta.emotion.label in EMOTIONS
            assert 0.0 <= ta.emotion.intensity <= 1.0
            assert all(0.0 <= v <= 1.0 for v in ta.emotion.scores.values())
        else:
            assert ta.emotion is None
    for dim in result.scorecard.dimensions:
        assert dim.score is None or 0 <= dim.score <= 100
    d: dict[str, Any] = analysis_to_dict(result)
    json.dumps(d)  # serialisable (ensure_ascii escapes any lone surrogate)
    json.dumps(d, ensure_ascii=False).encode("utf-8", "backslashreplace")


@PROPERTY
@given(TURNS)
def test_any_unicode_turns_analyse_without_error_and_spans_hold(turns: list[tuple[str, str]]) -> None:
    conv = Conversation(id="prop", turns=tuple(Turn(role="customer" if r == "customer" else "agent", text=t) for r, t in turns))
    check_analysis(conv)


@PROPERTY
@given(ANY_TEXT, ANY_TEXT)
def test_any_unicode_customer_then_agent(customer: str, agent: str) -> None:
    check_analysis(Conversation.of("pair", ("customer", customer), ("agent", agent)))
