"""``heartdesk coach``: human output with highlighted spans, JSON, conversation files, libraries, errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from heartdesk.cli import app

runner = CliRunner()
CONVERSATION = {
    "id": "order-17",
    "turns": [{"role": "customer", "text": "My blender arrived with a cracked jug and I need it for Saturday!! Ridiculous."}],
}


def test_human_output_marks_spans_and_shows_the_rewrite() -> None:
    result = runner.invoke(app, ["coach", "I don't understand you. That's our policy.", "--no-color"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[I don't understand you]<confrontational>" in out
    assert "[That's our policy]<bare_policy>" in out
    assert "rewrite:\n    Can you give me more information? That's our policy, and I wish I could" in out
    assert "score: empathy" in out


def test_json_output_is_the_http_shape() -> None:
    result = runner.invoke(app, ["coach", "You're lying.", "--customer", "I was charged twice!!", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["replacements"][0]["text"] == "Are you sure?"
    assert "acknowledgment" in {m["kind"] for m in data["missing"]}
    assert set(data) == {"findings", "missing", "replacements", "additions", "rewrite", "score", "notes"}


def test_conversation_from_json_and_jsonl_files(tmp_path: Path) -> None:
    as_json = tmp_path / "c.json"
    as_json.write_text(json.dumps(CONVERSATION, indent=2), encoding="utf-8")
    as_jsonl = tmp_path / "c.jsonl"
    as_jsonl.write_text(json.dumps(CONVERSATION) + "\n", encoding="utf-8")
    outputs = []
    for path in (as_json, as_jsonl):
        result = runner.invoke(app, ["coach", "Send me a photo.", "--conversation", str(path), "--json"])
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    assert outputs[0] == outputs[1]
    assert "empathy" in {a["kind"] for a in outputs[0]["additions"]}


def test_max_credit_and_gestures_reach_the_offer() -> None:
    result = runner.invoke(
        app, ["coach", "We can't offer refunds after 30 days.", "-c", "It broke after a week!!", "--max-credit", "20", "--json"]
    )
    assert result.exit_code == 0, result.output
    text = json.loads(result.output)["rewrite"]
    assert text.count("$") == 1 and int(text.split("$")[1].split()[0]) <= 20


def test_team_library(tmp_path: Path) -> None:
    lib = tmp_path / "team.toml"
    lib.write_text(
        "[[replacements]]\nlabel = 'confrontational'\npattern = '''you're lying'''\ntemplate = 'Could you double-check?'\n"
    )
    result = runner.invoke(app, ["coach", "You're lying.", "--library", str(lib), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rewrite"] == "Could you double-check?"


def test_draft_from_stdin() -> None:
    result = runner.invoke(app, ["coach", "-", "--json"], input="You're wrong.\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["replacements"][0]["text"] == "Is this correct?"


def test_bad_input_exits_2_with_a_numbered_error(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["coach", "Hi", "--conversation", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "E714" in missing.output
    two = tmp_path / "two.jsonl"
    two.write_text(json.dumps(CONVERSATION) + "\n" + json.dumps({**CONVERSATION, "id": "x"}) + "\n")
    result = runner.invoke(app, ["coach", "Hi", "--conversation", str(two)])
    assert result.exit_code == 2 and "E714" in result.output
    bad_lib = tmp_path / "bad.toml"
    bad_lib.write_text("nope = [")
    result = runner.invoke(app, ["coach", "Hi", "--library", str(bad_lib)])
    assert result.exit_code == 2 and "E702" in result.output
    bad_turn = tmp_path / "bad.json"
    bad_turn.write_text(json.dumps({"id": "b", "turns": [{"role": "bot", "text": "hi"}]}))
    result = runner.invoke(app, ["coach", "Hi", "--conversation", str(bad_turn)])
    assert result.exit_code == 2 and "E004" in result.output
    long = runner.invoke(app, ["coach", "x" * 20_001])
    assert long.exit_code == 2 and "E710" in long.output
