"""Bad input through HTTP: a clear 4xx in the one error format, and nothing half-written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.testclient import TestClient

from heartdesk.desk.db import Database
from heartdesk.web.app import default_body_limit

from .helpers import API, error_of, get, post


def _ticket_body(**extra: Any) -> dict[str, Any]:
    return {"external_id": "T-new", "customer_id": 1, "text": "Hello, I need help.", **extra}


def test_malformed_json_is_422_naming_the_body(client: TestClient, desk: dict[str, Any]) -> None:
    response = client.post(API + "/tickets", content=b'{"external_id": "T-2", ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    err = error_of(response)
    assert err["code"] == "E571" and err["field"] == "body" and "not valid JSON" in err["message"]


def test_wrong_type_is_422_naming_the_field(client: TestClient, desk: dict[str, Any]) -> None:
    response = client.post(API + f"/tickets/{desk['ticket']['id']}/csat", json={"score": "great"})
    assert response.status_code == 422
    err = error_of(response)
    assert err["code"] == "E570" and err["field"] == "score" and err["message"].startswith("score:")


def test_missing_nested_field_is_named_with_its_path(client: TestClient) -> None:
    response = client.post(API + "/tickets", json={"external_id": "T-2", "text": "hi", "customer": {"name": "no id"}})
    assert response.status_code == 422
    assert error_of(response)["field"] == "customer.external_id"


def test_missing_body_is_422(client: TestClient) -> None:
    response = client.post(API + "/customers")
    assert response.status_code == 422
    assert error_of(response) == {"code": "E570", "message": "body: Field required", "field": "body"}


def test_extra_fields_are_refused(client: TestClient, desk: dict[str, Any]) -> None:
    response = client.post(API + "/tickets", json=_ticket_body(custmer_id=1))
    assert response.status_code == 422
    assert error_of(response) == {"code": "E570", "message": "custmer_id: unknown field", "field": "custmer_id"}
    nested = client.post(API + "/tickets", json=_ticket_body(customer_id=None, customer={"external_id": "x", "vip": True}))
    assert nested.status_code == 422 and error_of(nested)["field"] == "customer.vip"
    assert get(client, "/tickets")["total"] == 1


def test_unknown_customer_is_404_with_code(client: TestClient) -> None:
    response = client.post(API + "/tickets", json=_ticket_body(customer_id=999))
    assert response.status_code == 404
    err = error_of(response)
    assert err["code"] == "E500" and "999" in err["message"]
    assert error_of(client.get(API + "/customers/999"))["code"] == "E500"
    assert get(client, "/customers", external_id="nobody") == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert get(client, "/tickets")["total"] == 0


def test_unknown_agent_and_ticket_are_404(client: TestClient, desk: dict[str, Any]) -> None:
    tid = desk["ticket"]["id"]
    assert error_of(client.get(API + "/agents/999"))["code"] == "E501"
    response = client.post(API + f"/tickets/{tid}/assign", json={"agent_id": 999})
    assert response.status_code == 404 and error_of(response)["code"] == "E501"
    assert get(client, f"/tickets/{tid}")["assignee_id"] is None
    missing = client.get(API + "/tickets/999")
    assert missing.status_code == 404 and error_of(missing)["code"] == "E503"


def test_non_numeric_id_is_422_naming_it(client: TestClient) -> None:
    response = client.get(API + "/tickets/abc")
    assert response.status_code == 422 and error_of(response)["field"] == "ticket_id"


def test_duplicates_are_409_and_write_nothing(client: TestClient, desk: dict[str, Any]) -> None:
    # The inline customer would be new: the duplicate ticket id must take it back too.
    body = {"external_id": "T-1", "text": "again", "customer": {"external_id": "ghost"}}
    response = client.post(API + "/tickets", json=body)
    assert response.status_code == 409 and error_of(response)["code"] == "E513"
    assert get(client, "/customers", external_id="ghost")["total"] == 0
    assert get(client, "/tickets")["total"] == 1
    again = client.post(API + "/customers", json={"external_id": "cust-1"})
    assert again.status_code == 409 and error_of(again)["code"] == "E510"
    twin = client.post(API + "/agents", json={"name": "Sam 2", "email": "SAM@example.com"})
    assert twin.status_code == 409 and error_of(twin)["code"] == "E511"


def test_resolving_a_closed_ticket_is_409(client: TestClient, desk: dict[str, Any]) -> None:
    tid, aid = desk["ticket"]["id"], desk["agent"]["id"]
    closed = post(client, f"/tickets/{tid}/close", {}, expect=200)
    assert closed["status"] == "closed"
    resolve = {"by_agent_id": aid, "logical_fix": "fixed", "emotional_fix_kind": "apology"}
    response = client.post(API + f"/tickets/{tid}/resolve", json=resolve)
    assert response.status_code == 409
    err = error_of(response)
    assert err["code"] == "E526" and "closed" in err["message"]
    after = get(client, f"/tickets/{tid}")
    assert after["status"] == "closed" and after["resolutions"] == [] and after["version"] == closed["version"]
    message = client.post(API + f"/tickets/{tid}/messages", json={"role": "customer", "text": "hello?"})
    assert message.status_code == 409 and error_of(message)["code"] == "E520"
    assert error_of(client.post(API + f"/tickets/{tid}/close"))["code"] == "E528"
    assert post(client, f"/tickets/{tid}/reopen", {}, expect=200)["status"] == "open"


def test_workflow_conflicts_are_409(client: TestClient, desk: dict[str, Any]) -> None:
    tid, aid = desk["ticket"]["id"], desk["agent"]["id"]
    early = client.post(API + f"/tickets/{tid}/csat", json={"score": 5})
    assert early.status_code == 409 and error_of(early)["code"] == "E529"
    stale = client.post(API + f"/tickets/{tid}/assign", json={"agent_id": aid, "expected_version": 7})
    assert stale.status_code == 409 and error_of(stale)["code"] == "E515"
    post(client, f"/tickets/{tid}/assign", {"agent_id": aid})
    twice = client.post(API + f"/tickets/{tid}/assign", json={"agent_id": aid})
    assert twice.status_code == 409 and error_of(twice)["code"] == "E521"


def test_gesture_above_authority_is_403(client: TestClient, desk: dict[str, Any]) -> None:
    tid, aid = desk["ticket"]["id"], desk["agent"]["id"]
    body = {"by_agent_id": aid, "logical_fix": "fixed", "emotional_fix_kind": "credit", "emotional_fix_value": 100}
    response = client.post(API + f"/tickets/{tid}/resolve", json=body)
    assert response.status_code == 403 and error_of(response)["code"] == "E550"
    assert get(client, f"/tickets/{tid}")["status"] == "new"


def test_service_validation_is_422_naming_the_field(client: TestClient, desk: dict[str, Any]) -> None:
    tid = desk["ticket"]["id"]
    naive = client.post(API + f"/tickets/{tid}/messages", json={"role": "agent", "text": "hi", "at": "2026-01-01T10:00:00"})
    assert naive.status_code == 422 and error_of(naive) | {"message": ""} == {"code": "E535", "message": "", "field": "at"}
    role = client.post(API + f"/tickets/{tid}/messages", json={"role": "bot", "text": "hi"})
    assert role.status_code == 422 and error_of(role)["field"] == "role"
    score = client.post(API + f"/tickets/{tid}/csat", json={"score": 9})
    assert score.status_code == 422 and error_of(score)["code"] == "E539"
    page = client.get(API + "/tickets", params={"limit": 10_000})
    assert page.status_code == 422 and error_of(page) | {"message": ""} == {"code": "E537", "message": "", "field": "limit"}


def test_oversized_message_is_422_and_not_stored(client: TestClient, database: Database, desk: dict[str, Any]) -> None:
    tid, limit = desk["ticket"]["id"], database.settings.max_message_chars
    response = client.post(API + f"/tickets/{tid}/messages", json={"role": "customer", "text": "x" * (limit + 1)})
    assert response.status_code == 422
    err = error_of(response)
    assert err["code"] == "E531" and err["field"] == "text" and str(limit) in err["message"]
    assert len(get(client, f"/tickets/{tid}")["messages"]) == 1


def test_the_default_body_limit_admits_the_longest_message(client: TestClient, database: Database, desk: dict[str, Any]) -> None:
    # JSON escapes an emoji as a 12-byte surrogate pair: the worst case still fits under the default limit.
    text = "\U0001f600" * (database.settings.max_message_chars // 2)
    assert len(text.encode("utf-16-le")) // 2 == database.settings.max_message_chars
    body = {"role": "customer", "text": text}
    assert post(client, f"/tickets/{desk['ticket']['id']}/messages", body)["text"] == text
    assert default_body_limit(database.settings) > 12 * database.settings.max_message_chars


def test_body_over_the_limit_is_413_before_parsing(make_client: Callable[..., TestClient], desk: dict[str, Any]) -> None:
    small = make_client(max_body_bytes=1_000)
    tid = desk["ticket"]["id"]
    response = small.post(API + f"/tickets/{tid}/messages", json={"role": "customer", "text": "y" * 5_000})
    assert response.status_code == 413
    err = error_of(response)
    assert err["code"] == "E572" and "1000 bytes" in err["message"] and "field" not in err
    # A chunked body declares no length: it is counted as it arrives and refused all the same.
    payload = b'{"role": "customer", "text": "' + b"z" * 5_000 + b'"}'

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(payload), 512):
            yield payload[start : start + 512]

    streamed = small.post(API + f"/tickets/{tid}/messages", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and error_of(streamed)["code"] == "E572"
    assert len(get(small, f"/tickets/{tid}")["messages"]) == 1
    # Under the limit, the same app answers normally.
    assert post(small, f"/tickets/{tid}/messages", {"role": "customer", "text": "short"})["position"] == 1


def test_unknown_route_and_method_use_the_error_format(client: TestClient) -> None:
    nowhere = client.get(API + "/nowhere")
    assert nowhere.status_code == 404 and error_of(nowhere)["code"] == "E573" and "/api/v1/nowhere" in nowhere.text
    wrong = client.delete(API + "/customers")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "E574"
