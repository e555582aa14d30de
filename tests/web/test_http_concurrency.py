"""A real server under concurrent writes: every answer is 2xx or a clean 409, and no update is lost.

uvicorn serves the app in a thread on a free loopback port, over a SQLite file (the
``database`` fixture). Several client threads reassign the same two tickets and add
messages to them at once. Afterwards the history must hold exactly one row per
successful request: assignments = 1 (the first assign) + successful reassignments,
messages = 1 (the first message) + successful additions.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from heartdesk.desk.db import Database
from heartdesk.desk.schema import Assignment, Message
from heartdesk.web import create_app

THREADS = 6
REQUESTS_PER_THREAD = 8
#: A clean refusal of a concurrent write: changed meanwhile (E514), SQLite busy (E518), a conflicting
#: write (E519), or a reassignment to the agent who got the ticket a moment earlier (E522).
CLEAN_409 = {"E514", "E518", "E519", "E522"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(database: Database) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(database=database), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        srv.should_exit = True
        thread.join(timeout=15)


def _setup(base: str) -> tuple[list[int], list[int]]:
    with httpx.Client(base_url=base, timeout=30) as c:
        agents = [
            c.post("/agents", json={"name": f"Agent {k}", "email": f"agent{k}@example.com"}).raise_for_status().json()["id"]
            for k in range(THREADS)
        ]
        tickets = []
        for k in range(2):
            body = {"external_id": f"T-{k}", "customer": {"external_id": f"c-{k}"}, "text": "The export fails every time."}
            ticket = c.post("/tickets", json=body).raise_for_status().json()["id"]
            c.post(f"/tickets/{ticket}/assign", json={"agent_id": agents[0]}).raise_for_status()
            tickets.append(ticket)
    return agents, tickets


def test_concurrent_reassignments_and_messages_lose_nothing(server: str, database: Database) -> None:
    agents, tickets = _setup(server)
    outcomes: list[tuple[str, int, int, str | None]] = []  # (action, ticket, status, error code)
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(k: int) -> None:
        rnd = random.Random(k)
        with httpx.Client(base_url=server, timeout=30) as c:
            start.wait()
            for i in range(REQUESTS_PER_THREAD):
                ticket = tickets[rnd.randrange(len(tickets))]
                response: Any
                if rnd.random() < 0.6:
                    action = "reassign"
                    body = {"agent_id": agents[k], "reason": f"thread {k} takes it ({i})"}
                    response = c.post(f"/tickets/{ticket}/reassign", json=body)
                else:
                    action = "message"
                    body = {"role": "agent", "agent_id": agents[k], "text": f"Update {i} from agent {k}: still on it."}
                    response = c.post(f"/tickets/{ticket}/messages", json=body)
                code = response.json().get("error", {}).get("code") if response.status_code >= 400 else None
                with lock:
                    outcomes.append((action, ticket, response.status_code, code))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == THREADS * REQUESTS_PER_THREAD
    for action, ticket, status, code in outcomes:
        assert 200 <= status < 300 or (status == 409 and code in CLEAN_409), (action, ticket, status, code)
    ok = Counter((action, ticket) for action, ticket, status, _ in outcomes if 200 <= status < 300)
    assert sum(ok.values()) > THREADS, "most writes should succeed: they queue rather than fail"
    with database.session() as s:
        for ticket in tickets:
            assignments = s.scalar(select(func.count()).select_from(Assignment).where(Assignment.ticket_id == ticket))
            messages = s.scalar(select(func.count()).select_from(Message).where(Message.ticket_id == ticket))
            assert assignments == 1 + ok[("reassign", ticket)]
            assert messages == 1 + ok[("message", ticket)]
            positions = s.scalars(select(Message.position).where(Message.ticket_id == ticket).order_by(Message.position))
            assert list(positions) == list(range(messages or 0))
