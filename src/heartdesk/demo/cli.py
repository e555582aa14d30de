"""``heartdesk demo``: build the demo desk and serve the API over it."""

from __future__ import annotations

import os
import sys
import time
from typing import Annotated

import typer

#: Where the demo goes when neither --database nor HEARTDESK_DATABASE_URL says: beside, never over, ./heartdesk.db.
DEFAULT_DEMO_URL = "sqlite:///./heartdesk-demo.db"


def demo_url(database: str | None) -> str:
    """--database, else HEARTDESK_DATABASE_URL, else the demo's own SQLite file."""
    return database or os.environ.get("HEARTDESK_DATABASE_URL", "").strip() or DEFAULT_DEMO_URL


def demo_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    database: Annotated[
        str | None,
        typer.Option("--database", help="SQLAlchemy URL (default: HEARTDESK_DATABASE_URL, else sqlite:///./heartdesk-demo.db)."),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API after building (default) or just build.")
    ] = True,
) -> None:
    """Build a demo desk (65 tickets, 5 incidents, 8 agents) and serve the API over it.

    Rebuilding replaces the previous demo. A database holding anything the demo did
    not write is refused (E564), so a real desk is never overwritten.
    """
    from heartdesk.demo.desk import build_demo, refuse_foreign
    from heartdesk.desk import migrate
    from heartdesk.desk.db import Database
    from heartdesk.desk.errors import DeskError
    from heartdesk.desk.settings import load_settings

    url = demo_url(database)
    settings = load_settings(database_url=url)
    db = Database.from_settings(settings)
    started = time.perf_counter()
    try:
        with db.session() as session:
            refuse_foreign(session)  # before migrating: a foreign database is left exactly as it was
        migrate.upgrade(engine=db.engine)
        with db.session() as session:
            summary = build_demo(session)
    except DeskError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    shown = db.engine.url.render_as_string(hide_password=True)
    print(f"demo desk at {shown} ({time.perf_counter() - started:.1f} s)")
    print(
        f"  {summary.tickets} tickets ({summary.open_tickets} open), {summary.incidents} incidents, "
        f"{summary.agents} agents, {summary.customers} customers"
    )
    print("  top of the queue:")
    for item in summary.top:
        print(f"  {item.position}. {item.external_id}  {item.band}  score {item.score}")
        for reason in item.reasons[:3]:
            print(f"       - {reason}")
    if not serve:
        return
    import uvicorn

    from heartdesk.web import create_app

    print(f"  API: http://{host}:{port}/api/v1/queue   docs: http://{host}:{port}/docs", flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
