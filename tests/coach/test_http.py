"""``POST /api/v1/coach`` in process: the review, the limits and the error format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.settings import load_settings
from heartdesk.web import create_app

URL = "/api/v1/coach"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    # The route needs no database; the app still wants one (an empty SQLite file is enough).
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    settings = load_settings(environ={}, database_url=url)
    database = Database(make_engine(url, settings=settings), settings=settings)
    with TestClient(create_app(database=database)) as c:
        yield c
    database.dispose()


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    err: dict[str, Any] = body["error"]
    assert err["code"][0] == "E" and err["message"]
    return err


def test_review_with_context_authority_and_queue(client: TestClient) -> None:
    body = {
        "draft": "You're wrong. You'll have to contact the billing team.",
        "conversation": {
            "id": "c1",
            "turns": [{"role": "customer", "text": "You charged me twice for order #4411!! I'm furious."}],
        },
        "agent": {"authority": {"max_credit": 25, "currency": "EUR", "gestures": ["apology", "credit"]}},
        "queue": {"position": 3, "reason": "an outage is affecting many customers", "eta_minutes": 45},
    }
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert {f["label"] for f in data["findings"]} == {"confrontational", "passing_buck"}
    assert next(r["text"] for r in data["replacements"]) == "Is this correct?"
    assert {"empathy", "wait", "ownership"} <= {a["kind"] for a in data["additions"]}
    assert "number 3" in data["rewrite"] and "45 minutes" in data["rewrite"]
    assert data["score"]["after"]["empathy"] > data["score"]["before"]["empathy"]


def test_conversation_id_may_be_left_out(client: TestClient) -> None:
    response = client.post(URL, json={"draft": "Let me check.", "conversation": {"turns": [{"role": "customer", "text": "Hi"}]}})
    assert response.status_code == 200, response.text


def test_empty_draft_is_an_empty_review(client: TestClient) -> None:
    response = client.post(URL, json={"draft": ""})
    assert response.status_code == 200
    assert response.json() == {
        "findings": [], "missing": [], "replacements": [], "additions": [], "rewrite": "",
        "score": {"before": {}, "after": {}}, "notes": [],
    }  # fmt: skip


def test_size_limit(client: TestClient) -> None:
    assert client.post(URL, json={"draft": "a " * 10_000}).status_code == 200
    response = client.post(URL, json={"draft": "a" * 20_001})
    assert response.status_code == 413
    err = _error(response)
    assert err["code"] == "E710" and "20000" in err["message"] and err["field"] == "draft"


def test_malformed_json_and_fields_are_422_naming_the_field(client: TestClient) -> None:
    response = client.post(URL, content=b'{"draft": "hi",', headers={"content-type": "application/json"})
    assert response.status_code == 422 and _error(response)["code"] == "E571"
    for body, field in [
        ({"draft": 3}, "draft"),
        ({}, "draft"),
        ({"draft": "hi", "agent": {"authority": {"max_credit": -1}}}, "agent.authority.max_credit"),
        ({"draft": "hi", "queue": {"position": "first"}}, "queue.position"),
        ({"draft": "hi", "colour": "red"}, "colour"),
    ]:
        response = client.post(URL, json=body)
        assert response.status_code == 422, body
        assert _error(response)["field"] == field


def test_a_conversation_off_the_contract_is_422(client: TestClient) -> None:
    response = client.post(URL, json={"draft": "hi", "conversation": {"turns": [{"role": "bot", "text": "x"}]}})
    assert response.status_code == 422
    err = _error(response)
    assert err["code"] == "E715" and err["field"] == "conversation" and "role" in err["message"]


def test_non_english_gets_a_note(client: TestClient) -> None:
    response = client.post(URL, json={"draft": "Lo siento mucho, le enviaremos otro pedido hoy mismo por mensajero."})
    assert response.status_code == 200
    assert response.json()["notes"][0].startswith("language not supported")
