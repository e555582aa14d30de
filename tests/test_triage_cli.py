"""``heartdesk triage``: JSON shape and order, the table, policies, bad lines and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from heartdesk.cli import app

NOW = "2026-11-20T10:00:00Z"


def triage(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, ["triage", *args], input=input)


def ranked(fixtures: Path, *args: str) -> list[dict[str, Any]]:
    res = triage(str(fixtures / "triage" / "queue.jsonl"), "--json", "--now", NOW, *args)
    assert res.exit_code == 0, res.stderr
    out: list[dict[str, Any]] = json.loads(res.stdout)
    return out


def test_json_output_shape_and_rank_order(fixtures: Path) -> None:
    rows = ranked(fixtures)
    assert len(rows) == 16
    for row in rows:
        assert set(row) <= {"id", "score", "band", "reasons", "incident"}
        assert {"id", "score", "band", "reasons"} <= set(row)
        assert isinstance(row["score"], int) and row["band"] in ("P1", "P2", "P3", "P4")
        assert row["reasons"] and all(isinstance(r, str) and r.endswith(")") for r in row["reasons"])
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0]["id"] == "shop-down" and rows[0]["band"] == "P1"
    assert rows[0]["reasons"][0] == "service down for this customer (“Our shop is down”) (+40)"
    shared = [r for r in rows if r["id"].startswith("font-")]
    assert len(shared) == 12 and all(r["incident"] == "INC-7" for r in shared)
    assert all(any("12 customers report the same problem (incident INC-7) (+18)" == x for x in r["reasons"]) for r in shared)
    assert "incident" not in rows[0]
    assert [r["id"] for r in rows][-2:] == ["how-to", "kudos"]


def test_seed_000_reversed_by_a_reach_weighted_policy(fixtures: Path, tmp_path: Path) -> None:
    policy = tmp_path / "reach-first.toml"
    # Generous on purpose: the CLI runs the real detectors, so the single ticket's own weight may grow.
    policy.write_text("[reach]\nper_doubling = 30\ncap = 120\n", encoding="utf-8")
    default_ids = [r["id"] for r in ranked(fixtures)]
    reach_ids = [r["id"] for r in ranked(fixtures, "--policy", str(policy))]
    assert default_ids.index("shop-down") < min(default_ids.index(f"font-{i:02d}") for i in range(1, 13))
    assert reach_ids.index("shop-down") > max(reach_ids.index(f"font-{i:02d}") for i in range(1, 13))


def test_now_decides_the_sla_breach(fixtures: Path) -> None:
    early = {r["id"]: r for r in ranked(fixtures)}
    late_res = triage(str(fixtures / "triage" / "queue.jsonl"), "--json", "--now", "2026-11-22T10:00:00+00:00")
    late = {r["id"]: r for r in json.loads(late_res.stdout)}
    assert late["how-to"]["score"] > early["how-to"]["score"]
    assert any(x.startswith("SLA breached: waiting 2d, target 36h") for x in late["how-to"]["reasons"])


def test_table_output_lists_reasons_under_each_ticket(fixtures: Path) -> None:
    res = triage(str(fixtures / "triage" / "queue.jsonl"), "--now", NOW)
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split()[:4] == ["#", "id", "band", "score"]
    assert lines[1].split()[:3] == ["1", "shop-down", "P1"]
    assert "· service down for this customer" in lines[2]
    assert "\x1b[" not in res.stdout  # no colour when not a terminal


def test_bad_lines_are_named_skipped_and_exit_1(fixtures: Path) -> None:
    path = fixtures / "triage" / "bad.jsonl"
    res = triage(str(path), "--json", "--now", NOW)
    assert res.exit_code == 1
    assert [r["id"] for r in json.loads(res.stdout)] == ["ok-2", "ok-1"]
    err = res.stderr
    assert f"{path}:2: malformed JSON" in err
    assert f"[E611] {path}:3: conversation 'bad-sev'" in err
    assert f"[E612] {path}:5:" in err  # line 4 is blank: numbers are file lines, not record counts
    assert f"[E613] {path}:6:" in err and "monthly_value" in err
    assert f"{path}:7:" in err and "'turns' is required" in err
    assert "5 record(s) skipped" in err


def test_stdin_and_given_fields(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "severity": "feedback", "turns": [{"role": "customer", "text": "Everything is down!"}]},
        {"id": "b", "meta": {"severity": "service down"}, "turns": [{"role": "customer", "text": "hello"}]},
    ]
    res = triage("-", "--json", "--now", NOW, input="\n".join(json.dumps(x) for x in lines) + "\n")
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)
    assert [r["id"] for r in rows] == ["b", "a"]
    assert rows[0]["reasons"] == ["service down for this customer (+40)"]


def test_bad_policy_bad_now_and_missing_input_are_usage_errors(fixtures: Path, tmp_path: Path) -> None:
    queue = str(fixtures / "triage" / "queue.jsonl")
    policy = tmp_path / "p.toml"
    policy.write_text("[reach]\nper_dubling = 3\n", encoding="utf-8")
    res = triage(queue, "--policy", str(policy))
    assert res.exit_code == 2 and "[E603]" in res.stderr and "per_doubling" in res.stderr
    res = triage(queue, "--now", "tomorrow")
    assert res.exit_code == 2 and "[E612]" in res.stderr
    res = triage(str(tmp_path / "missing.jsonl"))
    assert res.exit_code == 2 and "[E009]" in res.stderr


def test_empty_input_prints_an_empty_list(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    res = triage(str(empty), "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []


def test_csv_input_is_ranked_too(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        "conversation_id,role,text\nq1,customer,How do I export my data?\nd1,customer,Our whole platform is offline!\n",
        encoding="utf-8",
    )
    res = triage(str(path), "--json")
    assert res.exit_code == 0, res.stderr
    assert [r["id"] for r in json.loads(res.stdout)] == ["d1", "q1"]
