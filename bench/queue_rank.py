"""Desk queue speed: ``ranked_queue(limit=50)`` over 10,000 open tickets (target <= 200 ms).

    python bench/queue_rank.py                 # 10,000 tickets, best and median of 7 runs
    python bench/queue_rank.py -n 50000 -r 3   # bigger queue
    python bench/queue_rank.py --fallback      # also time it with no stored summaries (rows before revision 0002)
    python bench/queue_rank.py --json          # figures as JSON too
    python bench/queue_rank.py --postgres      # also on PostgreSQL (URL given, or HEARTDESK_TEST_POSTGRES_URL)

The desk lives in a temporary SQLite file. Creating 10,000 tickets of 4 messages each
through the services (which analyse every conversation) would take minutes, so the
rows are inserted directly in bulk instead: 2,000 customers (mixed tiers and monthly
values), 10,000 open tickets of 4 messages (customer, agent, customer, agent) whose
stored analyses come from six conversations analysed once with the real engine, and
whose ``tickets.triage`` holds the summary precomputed from those analyses with
:func:`heartdesk.desk.services.queue.message_triage` — what ``create_ticket`` and
``add_message`` store. A quarter of the tickets have a severity set; a third are
linked to 150 open incidents. Timed: ``ranked_queue(limit=50)`` (its reads, the
arithmetic, the sort, the 50 reasons and wait explanations). ``--fallback`` then clears
every stored summary and times it again: the cost of building them from the messages
on read. ``--postgres`` builds the same desk in a throw-away schema of that server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, null, text, update

from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.schema import Base, Customer, Incident, Message, Ticket, incident_tickets
from heartdesk.desk.services import ranked_queue
from heartdesk.desk.services._ticket import analyze_turns
from heartdesk.desk.services.queue import message_triage
from heartdesk.model import Conversation, Turn

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TIERS = ["enterprise", "business", "standard", "standard", "free"]
SEVERITIES = ["service_down", "blocked", "degraded", "question", "feedback"]
CONVERSATIONS = [
    ("Our shop is down and we can't take any orders, this is costing us thousands.", "Still down, we are losing customers!"),
    ("I can't log in since the password reset, please help.", "Still locked out, I need this today."),
    ("The dashboard font looks wrong after the update.", "It is only cosmetic, no rush."),
    ("How do I add a second user to my account?", "Found the settings page, but where is the invite button?"),
    ("Just wanted to say the new export is great, thanks!", "Also the CSV import works nicely now."),
    ("The app is really slow today and keeps logging me out.", "This is really frustrating, I keep losing my work."),
]
AGENT = ("Thanks for reaching out, I am looking into it now.", "I have escalated this and will update you within the hour.")


def _templates() -> list[tuple[list[tuple[str, str, dict[str, Any]]], dict[str, Any]]]:
    """Each conversation's 4 (role, text, analysis) messages and its triage summary."""
    out = []
    for i, (first, second) in enumerate(CONVERSATIONS):
        texts = [("customer", first), ("agent", AGENT[0]), ("customer", second), ("agent", AGENT[1])]
        turns = tuple(Turn(role=r, text=t, at=T0 + timedelta(minutes=k)) for k, (r, t) in enumerate(texts))  # type: ignore[arg-type]
        analyses = analyze_turns(Conversation(id=f"tmpl-{i}", turns=turns, channel="email"))
        messages = [(r, t, a) for (r, t), a in zip(texts, analyses, strict=True)]
        triage = message_triage([(k, t, a) for k, (r, t, a) in enumerate(messages) if r == "customer"])
        out.append((messages, triage))
    return out


def build(db: Database, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    templates = _templates()
    n_customers = max(1, n // 5)
    with db.engine.begin() as conn:
        conn.execute(
            insert(Customer),
            [
                {
                    "id": c + 1,
                    "external_id": f"cust-{c}",
                    "name": f"Customer {c}",
                    "tier": rnd.choice(TIERS),
                    "monthly_value": round(rnd.uniform(0, 2000), 2),
                    "created_at": T0 - timedelta(days=400),
                }
                for c in range(n_customers)
            ],
        )
        tickets, messages, links = [], [], []
        for t in range(n):
            body, triage = templates[rnd.randrange(len(templates))]
            opened = T0 + timedelta(minutes=rnd.uniform(-720, 0))
            tickets.append(
                {
                    "id": t + 1,
                    "external_id": f"T-{t}",
                    "customer_id": rnd.randrange(n_customers) + 1,
                    "status": rnd.choice(["new", "open", "open", "pending", "escalated"]),
                    "channel": "email",
                    "severity": rnd.choice(SEVERITIES) if rnd.random() < 0.25 else None,
                    "level": "agent",
                    "created_at": opened,
                    "updated_at": opened,
                    "version": 1,
                    "triage": triage,
                }
            )
            for k, (role, text, analysis) in enumerate(body):
                at = opened + timedelta(minutes=k)
                messages.append({"ticket_id": t + 1, "position": k, "role": role, "text": text, "at": at, "analysis": analysis})
            if rnd.random() < 1 / 3:
                links.append({"incident_id": rnd.randrange(150) + 1, "ticket_id": t + 1, "linked_at": opened})
        conn.execute(
            insert(Incident),
            [
                {"id": i + 1, "title": f"Incident {i}", "status": "open", "first_seen_at": T0, "created_at": T0}
                for i in range(150)
            ],
        )
        conn.execute(insert(Ticket), tickets)
        conn.execute(insert(Message), messages)
        conn.execute(insert(incident_tickets), links)


def time_queue(db: Database, repeats: int, now: datetime) -> tuple[list[float], int]:
    times: list[float] = []
    total = 0
    for _ in range(repeats):
        with db.session() as session:
            t = time.perf_counter()
            page = ranked_queue(session=session, now=now, limit=50)
            times.append((time.perf_counter() - t) * 1000)
            total = page.total
    return times, total


def bench(db: Database, args: argparse.Namespace, label: str, now: datetime) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    Base.metadata.create_all(db.engine)
    t = time.perf_counter()
    build(db, args.n)
    print(f"[{label}] built {args.n:,} open tickets (4 messages each) in {time.perf_counter() - t:.1f} s")
    times, total = time_queue(db, args.repeats, now)
    figures["stored_ms"] = {"best": round(min(times), 1), "median": round(statistics.median(times), 1)}
    print(
        f"[{label}] ranked_queue(limit=50), {total:,} open, stored summaries: "
        f"first {times[0]:.1f} ms, best {min(times):.1f} ms, median {statistics.median(times):.1f} ms"
    )
    if args.fallback:
        with db.engine.begin() as conn:
            conn.execute(update(Ticket).values(triage=null()))
        times, total = time_queue(db, args.repeats, now)
        figures["fallback_ms"] = {"best": round(min(times), 1), "median": round(statistics.median(times), 1)}
        print(
            f"[{label}] ranked_queue(limit=50), {total:,} open, built from messages: "
            f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms"
        )
    return figures


def postgres_database(url: str) -> tuple[Database, str]:
    """A database in a new schema of the server at ``url`` (dropped by the caller)."""
    schema = f"hd_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return Database(make_engine(url, connect_args={"options": f"-csearch_path={schema}"})), schema


def drop_schema(url: str, schema: str) -> None:
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10_000, help="open tickets in the queue (default 10,000)")
    ap.add_argument("-r", "--repeats", type=int, default=7, help="timed runs (default 7)")
    ap.add_argument("--fallback", action="store_true", help="also time it with every stored summary cleared")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    ap.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get("HEARTDESK_TEST_POSTGRES_URL", ""),
        default=None,
        metavar="URL",
        help="also on PostgreSQL (default URL: HEARTDESK_TEST_POSTGRES_URL)",
    )
    args = ap.parse_args()
    now = T0 + timedelta(minutes=30)
    figures: dict[str, Any] = {"tickets": args.n}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(f"sqlite:///{Path(tmp) / 'queue.db'}")
        try:
            figures["sqlite"] = bench(db, args, "sqlite", now)
        finally:
            db.engine.dispose()
    if args.postgres is not None:
        if not args.postgres:
            ap.error("--postgres needs a URL or HEARTDESK_TEST_POSTGRES_URL")
        db, schema = postgres_database(args.postgres)
        try:
            figures["postgresql"] = bench(db, args, "postgresql", now)
        finally:
            db.engine.dispose()
            drop_schema(args.postgres, schema)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
