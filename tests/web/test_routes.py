"""Each route's happy path, through HTTP, against a real (SQLite) desk."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from .helpers import API, get, post


def test_docs_and_openapi_list_every_route(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
        "/api/v1/agents",
        "/api/v1/agents/{agent_id}",
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/tickets/{ticket_id}/messages",
        "/api/v1/tickets/{ticket_id}/assign",
        "/api/v1/tickets/{ticket_id}/reassign",
        "/api/v1/tickets/{ticket_id}/escalate",
        "/api/v1/tickets/{ticket_id}/resolve",
        "/api/v1/tickets/{ticket_id}/csat",
    ):
        assert path in paths, path


def test_create_and_read_a_customer(client: TestClient) -> None:
    created = post(
        client, "/customers", {"external_id": "acme", "name": "Acme", "email": "ops@acme.test", "monthly_value": "12.5"}
    )
    assert created["external_id"] == "acme" and created["name"] == "Acme" and created["tier"] == "standard"
    assert created["monthly_value"] == "12.50"  # money stays exact: a string, two decimals
    assert get(client, f"/customers/{created['id']}") == created
    assert get(client, "/customers", external_id="acme")["items"] == [created]


def test_create_and_read_an_agent(client: TestClient) -> None:
    created = post(client, "/agents", {"name": "Kim", "email": "Kim@Example.com", "role": "lead", "authority": {"credit": 50}})
    assert created["email"] == "kim@example.com" and created["role"] == "lead"
    assert created["authority"] == {"credit": 50.0} and created["active"] is True
    assert get(client, f"/agents/{created['id']}") == created


def test_create_ticket_with_first_message_analysed(desk: dict[str, Any]) -> None:
    ticket = desk["ticket"]
    assert ticket["external_id"] == "T-1" and ticket["status"] == "new" and ticket["version"] == 1
    assert ticket["customer"]["external_id"] == "cust-1"
    [first] = ticket["messages"]
    assert first["role"] == "customer" and first["author"] == "Ada" and first["position"] == 0
    assert first["analysis"] is not None and first["analysis"]["index"] == 0 and first["analysis"]["role"] == "customer"


def test_create_ticket_creates_a_new_customer_inline(client: TestClient) -> None:
    ticket = post(
        client,
        "/tickets",
        {
            "external_id": "T-9",
            "text": "Where is my invoice?",
            "customer": {"external_id": "new-co", "name": "New Co"},
            "severity": "question",
        },
    )
    assert ticket["customer"]["external_id"] == "new-co" and ticket["severity"] == "question"
    assert get(client, "/customers", external_id="new-co")["items"][0]["id"] == ticket["customer_id"]


def test_get_ticket_returns_messages_and_history(client: TestClient, desk: dict[str, Any]) -> None:
    tid = desk["ticket"]["id"]
    post(
        client,
        f"/tickets/{tid}/messages",
        {"role": "agent", "text": "Sorry about that, looking now.", "agent_id": desk["agent"]["id"]},
    )
    got = get(client, f"/tickets/{tid}")
    assert [m["role"] for m in got["messages"]] == ["customer", "agent"]
    assert all(m["analysis"] is not None for m in got["messages"])
    assert got["status"] == "open" and got["first_response_at"] is not None


def test_add_message(client: TestClient, desk: dict[str, Any]) -> None:
    tid = desk["ticket"]["id"]
    message = post(client, f"/tickets/{tid}/messages", {"role": "customer", "text": "Any news? Still broken."})
    assert message["position"] == 1 and message["role"] == "customer" and message["author"] == "Ada"
    assert message["analysis"]["index"] == 1


def test_list_tickets_paginates_and_filters(client: TestClient, desk: dict[str, Any]) -> None:
    cid, aid = desk["customer"]["id"], desk["agent"]["id"]
    for n in range(2, 6):
        post(client, "/tickets", {"external_id": f"T-{n}", "customer_id": cid, "text": f"Question number {n}"})
    other = post(client, "/customers", {"external_id": "cust-2"})
    post(client, "/tickets", {"external_id": "T-other", "customer_id": other["id"], "text": "Hello"})
    post(client, f"/tickets/{desk['ticket']['id']}/assign", {"agent_id": aid})

    everything = get(client, "/tickets")
    assert everything["total"] == 6 and len(everything["items"]) == 6
    page = get(client, "/tickets", limit=2, offset=2)
    assert page["total"] == 6 and page["limit"] == 2 and page["offset"] == 2
    assert [t["id"] for t in page["items"]] == [t["id"] for t in everything["items"][2:4]]
    assert {t["external_id"] for t in get(client, "/tickets", customer_id=other["id"])["items"]} == {"T-other"}
    assert [t["external_id"] for t in get(client, "/tickets", agent_id=aid)["items"]] == ["T-1"]
    assert [t["external_id"] for t in get(client, "/tickets", status="open")["items"]] == ["T-1"]
    both = client.get(API + "/tickets", params=[("status", "open"), ("status", "new")]).json()
    assert both["total"] == 6


def test_assign_and_reassign(client: TestClient, desk: dict[str, Any]) -> None:
    tid, aid, lid = desk["ticket"]["id"], desk["agent"]["id"], desk["lead"]["id"]
    assigned = post(client, f"/tickets/{tid}/assign", {"agent_id": aid, "expected_version": 1})
    assert assigned["agent_id"] == aid and assigned["previous_agent_id"] is None
    moved = post(client, f"/tickets/{tid}/reassign", {"agent_id": lid, "reason": "needs a lead"})
    assert moved["agent_id"] == lid and moved["previous_agent_id"] == aid
    got = get(client, f"/tickets/{tid}")
    assert got["assignee_id"] == lid and [a["agent_id"] for a in got["assignments"]] == [aid, lid]


def test_escalate(client: TestClient, desk: dict[str, Any]) -> None:
    tid, lid = desk["ticket"]["id"], desk["lead"]["id"]
    row = post(client, f"/tickets/{tid}/escalate", {"reason": "revenue loss", "to_agent_id": lid})
    assert row["from_level"] == "agent" and row["to_level"] == "lead" and row["to_agent_id"] == lid
    got = get(client, f"/tickets/{tid}")
    assert got["status"] == "escalated" and got["level"] == "lead" and got["assignee_id"] == lid


def test_resolve_then_csat(client: TestClient, desk: dict[str, Any]) -> None:
    tid, aid = desk["ticket"]["id"], desk["agent"]["id"]
    resolution = post(
        client,
        f"/tickets/{tid}/resolve",
        {"by_agent_id": aid, "logical_fix": "Rolled back the deploy", "emotional_fix_kind": "credit", "emotional_fix_value": 20},
    )
    assert resolution["emotional_fix_value"] == "20.00" and resolution["by_agent_id"] == aid
    csat = post(client, f"/tickets/{tid}/csat", {"score": 4, "comment": "quick, thanks"})
    assert csat["score"] == 4 and csat["resolution_id"] == resolution["id"]
    got = get(client, f"/tickets/{tid}")
    assert got["status"] == "resolved" and len(got["resolutions"]) == 1 and got["csat"][0]["score"] == 4
