"""An API over a throw-away SQLite database, in process (no server, no network, no /work/shared).

The HTTP layer adds nothing backend-specific, so one backend is enough here; the
services' behaviour on PostgreSQL is covered by tests/desk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.schema import Base
from heartdesk.desk.settings import load_settings
from heartdesk.web import create_app

from .helpers import post


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    settings = load_settings(environ={}, database_url=url, max_message_chars=2_000)  # small, to test the limits cheaply
    database = Database(make_engine(url, settings=settings), settings=settings)
    Base.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def make_client(database: Database) -> Callable[..., TestClient]:
    def make(**app_kwargs: Any) -> TestClient:
        return TestClient(create_app(database=database, **app_kwargs))

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def desk(client: TestClient) -> dict[str, Any]:
    """A customer, an agent with credit authority 25, a lead, and a new ticket from the customer."""
    customer = post(client, "/customers", {"external_id": "cust-1", "name": "Ada", "tier": "premium", "monthly_value": 499})
    agent = post(client, "/agents", {"name": "Sam", "email": "sam@example.com", "authority": {"credit": 25}})
    lead = post(client, "/agents", {"name": "Lee", "email": "lee@example.com", "role": "lead"})
    ticket = post(
        client,
        "/tickets",
        {
            "external_id": "T-1",
            "customer_id": customer["id"],
            "text": "Checkout has been broken for two hours. We are losing sales!",
        },
    )
    return {"customer": customer, "agent": agent, "lead": lead, "ticket": ticket}
