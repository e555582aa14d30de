"""Desk write speed: tickets of 4 messages created through the service layer, in tickets per second.

    python bench/desk_write.py -n 1000                   # SQLite (a temporary file)
    python bench/desk_write.py -n 1000 --postgres URL    # and PostgreSQL (a throw-away schema)
    python bench/desk_write.py -n 1000 --postgres        # URL from HEARTDESK_TEST_POSTGRES_URL
    python bench/desk_write.py --batch 100               # 100 tickets per transaction (a bulk load)

Each ticket is what a live desk writes: ``create_ticket`` with the customer's first
message (a new customer every fifth ticket, found by external id otherwise), then
``add_message`` three times (agent, customer, agent). Every call analyses the whole
conversation so far with the real engine, stores each message's analysis and the
ticket's triage summary, and (by default) matches the new ticket against open
incidents. By default each call commits on its own, as through the API;
``--batch K`` wraps K tickets in one transaction (each call a savepoint), as the demo
and imports do. The default is 10,000 tickets: minutes; use ``-n`` for a quick figure.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from heartdesk.desk import services
from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.schema import Base

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIRST = [
    "Our shop has been down since {h}am and nobody can check out. We are losing sales!",
    "I can't log in since I reset my password (order {n}). Please help.",
    "The invoice for order {n} shows the wrong amount, I was charged twice.",
    "How do I add a second user to my account? Asking for our {h} staff.",
    "The app is really slow today and keeps logging me out, order {n} is stuck.",
    "Just wanted to say the new export is great, thanks! ({n})",
]
AGENT = [
    "Thanks for telling us. I'm sorry about the trouble, I'm looking into order {n} now.",
    "I've found the cause and fixed it on our side. Could you try again and let me know?",
]
FOLLOW_UP = [
    "Still not working, this is really frustrating.",
    "Thanks, that seems better now.",
    "Any news? It has been an hour.",
]


def write(db: Database, n: int, batch: int, seed: int = 11) -> float:
    """Create ``n`` tickets of 4 messages; the seconds it took."""
    rnd = random.Random(seed)
    with db.session() as session:
        agent = services.create_agent(session=session, name="Bench Agent", email=f"bench-{uuid.uuid4().hex[:8]}@example.com")
        started = time.perf_counter()
        for first in range(0, n, batch):
            scope = services.batch(session) if batch > 1 else nullcontext(session)
            with scope:
                for i in range(first, min(n, first + batch)):
                    at = T0 + timedelta(minutes=i)
                    customer = services.CustomerIn(external_id=f"bench-c-{i // 5}", tier=rnd.choice(["standard", "business"]))
                    words = {"n": 10_000 + i, "h": 1 + i % 11}
                    ticket = services.create_ticket(
                        session=session,
                        external_id=f"bench-{i}",
                        customer=customer,
                        text=rnd.choice(FIRST).format(**words),
                        at=at,
                    )
                    turns = [
                        ("agent", AGENT[0].format(**words)),
                        ("customer", rnd.choice(FOLLOW_UP)),
                        ("agent", AGENT[1]),
                    ]
                    for k, (role, body) in enumerate(turns, start=1):
                        services.add_message(
                            session=session,
                            ticket_id=ticket.id,
                            role=role,
                            text=body,
                            agent_id=agent.id if role == "agent" else None,
                            at=at + timedelta(seconds=30 * k),
                        )
            session.expunge_all()  # a bench of 10,000 tickets should not keep them all in the identity map
        return time.perf_counter() - started


@contextmanager
def postgres_database(url: str) -> Iterator[Database]:
    """A database in a new schema of the server at ``url``, dropped afterwards."""
    schema = f"hd_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(make_engine(url, connect_args={"options": f"-csearch_path={schema}"}))
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run(db: Database, label: str, n: int, batch: int) -> None:
    Base.metadata.create_all(db.engine)
    seconds = write(db, n, batch)
    how = "one transaction per call" if batch <= 1 else f"{batch} tickets per transaction"
    print(f"[{label}] {n:,} tickets x 4 messages in {seconds:.1f} s: {n / seconds:,.1f} tickets/s ({how})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10_000, help="tickets to create (default 10,000)")
    ap.add_argument("--batch", type=int, default=1, help="tickets per transaction (default 1: every call commits)")
    ap.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get("HEARTDESK_TEST_POSTGRES_URL", ""),
        default=None,
        metavar="URL",
        help="also on PostgreSQL (default URL: HEARTDESK_TEST_POSTGRES_URL)",
    )
    ap.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = ap.parse_args()
    if args.n < 1 or args.batch < 1:
        ap.error("-n and --batch must be at least 1")
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database.from_url(f"sqlite:///{Path(tmp) / 'write.db'}")
            try:
                run(db, "sqlite", args.n, args.batch)
            finally:
                db.dispose()
    if args.postgres is not None:
        if not args.postgres:
            ap.error("--postgres needs a URL or HEARTDESK_TEST_POSTGRES_URL")
        with postgres_database(args.postgres) as db:
            run(db, "postgresql", args.n, args.batch)


if __name__ == "__main__":
    main()
