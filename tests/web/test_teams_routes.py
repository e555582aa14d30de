"""POST /teams, GET /teams (paged), GET /teams/{id}; and agents filtered by team."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .helpers import API, error_of, get, post


def test_create_get_and_list_teams(client: TestClient) -> None:
    made = [post(client, "/teams", {"name": name}) for name in ("Front line", "Billing", "Escalations")]
    assert [t["name"] for t in made] == ["Front line", "Billing", "Escalations"]
    assert set(made[0]) == {"id", "name", "created_at"}
    assert get(client, f"/teams/{made[1]['id']}") == made[1]
    page = get(client, "/teams", limit=2, offset=1)
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert page["items"] == made[1:]
    assert get(client, "/teams", name="Billing")["items"] == [made[1]]
    assert get(client, "/teams", name="Nobody") == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_agents_of_a_team(client: TestClient) -> None:
    billing = post(client, "/teams", {"name": "Billing"})
    ana = post(client, "/agents", {"name": "Ana", "email": "ana@example.com", "team_id": billing["id"]})
    post(client, "/agents", {"name": "Bo", "email": "bo@example.com"})
    assert get(client, "/agents", team_id=billing["id"])["items"] == [ana]


def test_bad_team_requests(client: TestClient) -> None:
    post(client, "/teams", {"name": "Billing"})
    duplicate = client.post(API + "/teams", json={"name": "Billing"})
    assert duplicate.status_code == 409 and error_of(duplicate)["code"] == "E512"
    blank = client.post(API + "/teams", json={"name": "   "})
    assert blank.status_code == 422 and error_of(blank)["code"] == "E530"
    long = client.post(API + "/teams", json={"name": "x" * 201})
    assert long.status_code == 422 and error_of(long)["code"] == "E531"
    extra = client.post(API + "/teams", json={"name": "Sales", "boss": 1})
    assert extra.status_code == 422 and error_of(extra)["code"] == "E570"
    missing = client.get(API + "/teams/4242")
    assert missing.status_code == 404 and error_of(missing)["code"] == "E502"
    bad_page = client.get(API + "/teams", params={"limit": 0})
    assert bad_page.status_code == 422 and error_of(bad_page)["code"] == "E537"
    # Nothing half-written by the refused requests.
    assert get(client, "/teams")["total"] == 1
