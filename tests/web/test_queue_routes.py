"""GET /customers, GET /agents (lists) and GET /queue (the ranked queue) over HTTP."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .helpers import API, error_of, get, post

MILD = "The logo on the invoice page looks a little blurry. Not urgent, just letting you know."
DOWN = "Our whole store is down, nobody can buy anything and we are losing money every minute!"


def test_list_customers_pages_and_filters(client: TestClient) -> None:
    made = [post(client, "/customers", {"external_id": f"c-{i}", "tier": "premium" if i % 2 else "standard"}) for i in range(5)]
    page = get(client, "/customers", limit=2, offset=1)
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert page["items"] == made[1:3]
    premium = get(client, "/customers", tier="premium")
    assert premium["total"] == 2 and [c["external_id"] for c in premium["items"]] == ["c-1", "c-3"]
    assert get(client, "/customers", external_id="c-4")["items"] == [made[4]]
    too_big = client.get(API + "/customers", params={"limit": 100_000})
    assert too_big.status_code == 422 and error_of(too_big)["code"] == "E537"


def test_list_agents_filters_by_role(client: TestClient) -> None:
    sam = post(client, "/agents", {"name": "Sam", "email": "sam@example.com"})
    lee = post(client, "/agents", {"name": "Lee", "email": "lee@example.com", "role": "lead"})
    assert get(client, "/agents") == {"items": [sam, lee], "total": 2, "limit": 50, "offset": 0}
    assert get(client, "/agents", role="lead")["items"] == [lee]
    bad = client.get(API + "/agents", params={"role": "boss"})
    assert bad.status_code == 422 and error_of(bad)["code"] == "E532"


def test_queue_shape_and_order(client: TestClient) -> None:
    for i in range(4):
        post(client, "/tickets", {"external_id": f"M-{i}", "customer": {"external_id": f"small-{i}"}, "text": MILD})
    down = post(client, "/tickets", {"external_id": "DOWN", "customer": {"external_id": "shop"}, "text": DOWN})
    queue = get(client, "/queue")
    assert (queue["total"], queue["limit"], queue["offset"]) == (5, 50, 0)
    first = queue["items"][0]
    assert {"id", "external_id", "band", "score", "reasons", "waiting", "wait_message", "eta_minutes"} <= set(first)
    assert (first["id"], first["external_id"]) == (down["id"], "DOWN")
    assert first["reasons"][0].startswith("service down for this customer")
    assert all(re.search(r"\([+-]\d+\)$", r) for item in queue["items"] for r in item["reasons"])
    scores = [item["score"] for item in queue["items"]]
    assert scores == sorted(scores, reverse=True)
    assert first["waiting"].startswith("first in the queue")
    assert first["wait_message"].startswith("I'm so sorry your service is down")
    assert first["eta_minutes"] is None  # nothing resolved recently: no time is promised
    assert "I can't give you a reliable time yet." in first["wait_message"]
    assert queue["items"][1]["waiting"] == "number 2 in the queue, 1 ticket ahead: a customer whose service is down"
    # The four mild reports were grouped into one incident as they arrived: the message says so, truthfully.
    assert "it affects 4 customers" in queue["items"][1]["wait_message"]
    second_page = get(client, "/queue", limit=2, offset=2)
    assert [i["id"] for i in second_page["items"]] == [i["id"] for i in queue["items"][2:4]]


def test_queue_refuses_a_bad_page(client: TestClient) -> None:
    response = client.get(API + "/queue", params={"limit": 0})
    assert response.status_code == 422 and error_of(response)["code"] == "E537"
    assert get(client, "/queue") == {"items": [], "total": 0, "limit": 50, "offset": 0}
