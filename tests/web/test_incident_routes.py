"""The incident routes through HTTP, in process, against a real (SQLite) desk."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .helpers import API, error_of, get, post

LOGIN = [
    "I cannot log in to the dashboard, the login page says invalid session error.",
    "Login to the dashboard fails with an invalid session error since this morning.",
    "Our staff can't sign in to the dashboard: invalid session error on the login page.",
]
PARCEL = [
    "My parcel to Lyon has not arrived, the tracking has been stuck in the depot for five days.",
    "Parcel to Lyon not arrived, tracking stuck in the depot for days.",
]


def _ticket(client: TestClient, ext: str, customer: str, text: str) -> dict[str, Any]:
    return post(client, "/tickets", {"external_id": ext, "text": text, "customer": {"external_id": customer, "tier": "premium"}})


@pytest.fixture
def grouped(client: TestClient) -> dict[str, Any]:
    """Two incidents formed automatically: three login tickets and two parcel tickets, each from its own customer."""
    login = [_ticket(client, f"L-{i}", f"l{i}", t) for i, t in enumerate(LOGIN)]
    parcel = [_ticket(client, f"P-{i}", f"p{i}", t) for i, t in enumerate(PARCEL)]
    page = get(client, "/incidents")
    assert page["total"] == 2
    by_size = sorted(page["items"], key=lambda i: len(i["tickets"]))
    return {"login": by_size[1], "parcel": by_size[0], "login_tickets": login, "parcel_tickets": parcel}


def test_openapi_lists_the_incident_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/incidents", "/incidents/{incident_id}", "/incidents/{incident_id}/merge", "/incidents/{incident_id}/split",
                 "/incidents/{incident_id}/tickets", "/incidents/{incident_id}/tickets/{ticket_id}",
                 "/incidents/{incident_id}/status", "/incidents/{incident_id}/impact", "/incidents/{incident_id}/escalate",
                 "/outbox", "/outbox/{item_id}"):  # fmt: skip
        assert API + path in paths, path


def test_list_and_get(client: TestClient, grouped: dict[str, Any]) -> None:
    login = grouped["login"]
    assert [t["external_id"] for t in login["tickets"]] == ["L-0", "L-1", "L-2"]
    assert login["customers_affected"] == 3 and login["reach"] == 3 and login["tiers"] == {"premium": 3}
    assert login["tickets"][2]["reason"].startswith(f"matches incident {login['id']}")
    assert get(client, f"/incidents/{login['id']}") == login
    assert get(client, "/incidents", status="resolved")["total"] == 0
    assert get(client, "/incidents", limit=1)["items"][0]["id"] in (login["id"], grouped["parcel"]["id"])
    # The queue shows the reach.
    queue = get(client, "/queue")["items"]
    assert {i["reach"] for i in queue if i["incident_id"] == login["id"]} == {3}


def test_merge_split_link_unlink(client: TestClient, grouped: dict[str, Any]) -> None:
    login, parcel = grouped["login"], grouped["parcel"]
    merged = post(client, f"/incidents/{login['id']}/merge", {"from": [parcel["id"]]}, expect=200)
    assert len(merged["tickets"]) == 5 and merged["customers_affected"] == 5
    assert get(client, f"/incidents/{parcel['id']}")["status"] == "merged"
    moving = [t["id"] for t in grouped["parcel_tickets"]]
    split = post(client, f"/incidents/{login['id']}/split", {"ticket_ids": moving, "title": "Parcels stuck in Lyon"})
    assert split["title"] == "Parcels stuck in Lyon" and sorted(t["id"] for t in split["tickets"]) == sorted(moving)
    lone = _ticket(client, "Q-1", "q1", "How do I download my invoices as PDF files?")
    linked = post(client, f"/incidents/{split['id']}/tickets", {"ticket_id": lone["id"]}, expect=200)
    assert lone["id"] in [t["id"] for t in linked["tickets"]]
    response = client.delete(f"{API}/incidents/{split['id']}/tickets/{lone['id']}")
    assert response.status_code == 200 and lone["id"] not in [t["id"] for t in response.json()["tickets"]]


def test_errors_use_the_one_format_and_write_nothing(client: TestClient, grouped: dict[str, Any]) -> None:
    login = grouped["login"]
    missing = client.get(f"{API}/incidents/999")
    assert missing.status_code == 404 and error_of(missing)["code"] == "E504"
    assert error_of(client.get(f"{API}/outbox/999"))["code"] == "E505"
    bad = client.post(f"{API}/incidents/{login['id']}/merge", json={"form": [1]})
    assert bad.status_code == 422 and error_of(bad)["code"] == "E570"
    itself = client.post(f"{API}/incidents/{login['id']}/merge", json={"from": [login["id"]]})
    assert itself.status_code == 422 and error_of(itself)["code"] == "E583"
    everything = [t["id"] for t in login["tickets"]]
    whole = client.post(f"{API}/incidents/{login['id']}/split", json={"ticket_ids": everything})
    assert whole.status_code == 409 and error_of(whole)["code"] == "E585"
    bad_status = client.post(f"{API}/incidents/{login['id']}/status", json={"status": "fixed", "message": "x"})
    assert bad_status.status_code == 422 and error_of(bad_status)["code"] == "E532"
    assert get(client, f"/incidents/{login['id']}") == login  # nothing changed
    assert get(client, "/incidents")["total"] == 2


def test_status_back_proposes_a_message_per_ticket(client: TestClient, grouped: dict[str, Any]) -> None:
    login = grouped["login"]
    done = post(
        client, f"/incidents/{login['id']}/status", {"status": "investigating", "message": "Looking at the auth service."}
    )
    assert done["incident"]["status"] == "investigating" and len(done["proposed"]) == 3
    assert all("investigating it right now" in p["text"] and p["kind"] == "update" for p in done["proposed"])
    post(client, f"/incidents/{login['id']}/status", {"status": "resolved", "message": "Sessions fixed."})
    history = get(client, f"/incidents/{login['id']}/updates")
    assert [u["status"] for u in history["updates"]] == ["investigating", "resolved"]
    assert [p["kind"] for p in history["proposed"]].count("resolution") == 3
    late = client.post(f"{API}/incidents/{login['id']}/status", json={"status": "monitoring", "message": "x"})
    assert late.status_code == 409 and error_of(late)["code"] == "E586"


def test_impact_and_escalation_to_engineering(client: TestClient, grouped: dict[str, Any]) -> None:
    login = grouped["login"]
    impact = get(client, f"/incidents/{login['id']}/impact")
    assert impact["customers_affected"] == 3 and len(impact["linked_tickets"]) == 3 and impact["incident"]["id"] == login["id"]
    done = post(client, f"/incidents/{login['id']}/escalate", {"reason": "login outage for three customers"})
    assert len(done["escalations"]) == 3 and done["outbox_item"]["status"] == "pending"
    assert done["outbox_item"]["payload"]["escalation"]["reason"] == "login outage for three customers"
    assert get(client, "/outbox", status="pending")["total"] == 1
    assert get(client, f"/outbox/{done['outbox_item']['id']}")["kind"] == "impact_summary"
    again = client.post(f"{API}/incidents/{login['id']}/escalate", json={"reason": "again"})
    assert again.status_code == 409 and error_of(again)["code"] == "E587"
    assert get(client, "/outbox")["total"] == 1
