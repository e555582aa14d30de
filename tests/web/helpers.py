"""Small helpers for the API tests: requests under /api/v1 and the error body's shape."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

API = "/api/v1"


def post(client: TestClient, path: str, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
    """POST under /api/v1 and insist on status ``expect`` (showing the body when it differs)."""
    response = client.post(API + path, json=body)
    assert response.status_code == expect, response.text
    data: dict[str, Any] = response.json()
    return data


def get(client: TestClient, path: str, expect: int = 200, **params: Any) -> Any:
    response = client.get(API + path, params=params)
    assert response.status_code == expect, response.text
    return response.json()


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of an error response, after checking it has exactly the documented shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    err: dict[str, Any] = body["error"]
    assert set(err) <= {"code", "message", "field"} and {"code", "message"} <= set(err), err
    assert err["code"].startswith("E5") and len(err["code"]) == 4
    assert err["message"]
    return err
