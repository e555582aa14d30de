"""Reviews in worker processes (``HEARTDESK_COACH_PROCESSES``): the same answers, errors and recovery."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heartdesk.coach import Authority, CoachError, QueueContext, review
from heartdesk.coach.pool import ReviewPool, encode_review
from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.settings import load_settings
from heartdesk.model import Conversation
from heartdesk.web import create_app

from .conftest import chat

URL = "/api/v1/coach"
CUSTOMER = "You charged me twice for order #4411!! I'm furious."
DRAFT = "You're wrong. You'll have to contact the billing team."


def test_encoded_review_is_the_json_of_the_review() -> None:
    conv = chat(CUSTOMER)
    body = encode_review(DRAFT, conv, Authority(max_credit=25, gestures=("apology", "credit")), None)
    assert json.loads(body) == review(DRAFT, conv, Authority(max_credit=25, gestures=("apology", "credit"))).to_dict()


def test_pool_answers_reviews_errors_and_replaces_a_lost_worker() -> None:
    async def scenario() -> None:
        pool = ReviewPool(1)
        pool.start()
        try:
            conv = Conversation.of("c1", ("customer", CUSTOMER), meta={"channel": "chat"})
            queue = QueueContext(3, "an outage is affecting many customers", 45)
            drafts = [DRAFT, "Let me check.", "That's our policy."]
            # Several at once: they queue for the one worker and each gets its own answer.
            bodies = await asyncio.gather(*(pool.review(d, conv, None, queue) for d in drafts))
            for d, body in zip(drafts, bodies, strict=True):
                assert body == encode_review(d, conv, None, queue)
            with pytest.raises(CoachError) as bad:
                await pool.review(DRAFT, None, Authority(max_credit=-1), None)
            assert bad.value.code == "E712"
            # A worker that dies fails its request (E717); the next one goes to its replacement.
            pool._workers[0].process.kill()
            with pytest.raises(CoachError) as lost:
                await pool.review(DRAFT, conv, None, None)
            assert lost.value.code == "E717"
            assert await pool.review("Let me check.", None, None, None) == encode_review("Let me check.", None, None, None)
        finally:
            pool.close()
        assert not pool._workers

    asyncio.run(scenario())


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    settings = load_settings(environ={}, database_url=url)
    db = Database(make_engine(url, settings=settings), settings=settings)
    yield db
    db.dispose()


def test_http_answers_are_the_same_with_review_processes(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = [
        {
            "draft": DRAFT,
            "conversation": {"turns": [{"role": "customer", "text": CUSTOMER}]},
            "agent": {"authority": {"max_credit": 25, "gestures": ["apology", "credit"]}},
            "queue": {"position": 3, "reason": "an outage is affecting many customers", "eta_minutes": 45},
        },
        {"draft": ""},
        {"draft": "Lo siento mucho, le enviaremos otro pedido hoy mismo por mensajero."},
        {"draft": "hi", "agent": {"authority": {"currency": "EURO"}}},
        {"draft": "You are wrong.", "agent": {"authority": {"gestures": [" "]}}},  # E712 from the review itself
    ]
    with TestClient(create_app(database=database, coach_rewriter=None)) as inline:
        expected = [inline.post(URL, json=b) for b in bodies]
    monkeypatch.setenv("HEARTDESK_COACH_PROCESSES", "1")
    with TestClient(create_app(database=database, coach_rewriter=None)) as pooled:
        assert pooled.app.state.coach_pool is not None  # type: ignore[attr-defined]
        got = [pooled.post(URL, json=b) for b in bodies]
    for want, have in zip(expected, got, strict=True):
        assert (have.status_code, have.content) == (want.status_code, want.content)
        assert have.headers["content-type"] == want.headers["content-type"]


def test_a_bad_process_count_stops_the_server_at_start(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTDESK_COACH_PROCESSES", "two")
    with pytest.raises(CoachError) as bad, TestClient(create_app(database=database, coach_rewriter=None)):
        pass
    assert bad.value.code == "E716"


def test_serve_passes_the_process_count_to_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from heartdesk.cli import app

    seen: list[str | None] = []
    monkeypatch.setenv("HEARTDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("HEARTDESK_COACH_PROCESSES", "0")  # restored after the test
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.append(os.environ.get("HEARTDESK_COACH_PROCESSES")))
    result = CliRunner().invoke(app, ["serve", "--no-upgrade", "--coach-processes", "2"])
    assert result.exit_code == 0, result.output
    assert seen == ["2"]
    assert CliRunner().invoke(app, ["serve", "--no-upgrade", "--coach-processes", "-1"]).exit_code == 2
