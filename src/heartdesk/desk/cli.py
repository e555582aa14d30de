"""``heartdesk db ...``: create and migrate the desk's database.

The database is ``HEARTDESK_DATABASE_URL`` (default ``sqlite:///./heartdesk.db``)
unless ``--url`` says otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

db_app = typer.Typer(help="Create and migrate the desk's database (SQLite or PostgreSQL).", no_args_is_help=True)

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="SQLAlchemy URL of the database (default: HEARTDESK_DATABASE_URL, else ./heartdesk.db)."),
]


def _engine(url: str | None) -> Engine:
    from heartdesk.desk.db import make_engine
    from heartdesk.desk.settings import load_settings

    settings = load_settings() if url is None else load_settings(database_url=url)
    return make_engine(settings.database_url, settings=settings)


@db_app.command()
def upgrade(
    url: UrlOption = None,
    revision: Annotated[str, typer.Option("--revision", help="Target revision.")] = "head",
) -> None:
    """Create the tables, or bring them up to date (safe to run again)."""
    from heartdesk.desk import migrate

    engine = _engine(url)
    try:
        before = migrate.current(engine=engine)
        migrate.upgrade(engine=engine, revision=revision)
        after = migrate.current(engine=engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        print(f"{where}: already at {after}")
    else:
        print(f"{where}: upgraded {before or 'empty'} -> {after}")


@db_app.command()
def current(url: UrlOption = None) -> None:
    """Print the revision the database is at, and the newest one this version of heartdesk knows."""
    from heartdesk.desk import migrate

    engine = _engine(url)
    try:
        at = migrate.current(engine=engine)
    finally:
        engine.dispose()
    head = migrate.head()
    state = "up to date" if at == head else "needs `heartdesk db upgrade`"
    print(f"{at or 'empty'} (head {head}: {state})")


@db_app.command()
def downgrade(
    revision: Annotated[str, typer.Option("--revision", help="Target revision; 'base' removes every table.")] = "-1",
    url: UrlOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: a downgrade deletes the data of the tables it drops.")] = False,
) -> None:
    """Step the schema back (deletes data in dropped tables; needs --yes)."""
    from heartdesk.desk import migrate

    if not yes:
        typer.echo("error: a downgrade can delete data; run again with --yes to confirm", err=True)
        raise typer.Exit(2)
    engine = _engine(url)
    try:
        migrate.downgrade(engine=engine, revision=revision)
        print(f"now at {migrate.current(engine=engine) or 'empty (base)'}")
    finally:
        engine.dispose()


@db_app.command()
def revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What the revision changes, e.g. 'add ticket tags'.")],
    url: UrlOption = None,
) -> None:
    """For developers: write a new migration from the difference between the models and an up-to-date database."""
    from heartdesk.desk import migrate

    migrate.revision(message=message, url=url)


@db_app.command()
def deliver(
    url: UrlOption = None,
    loop: Annotated[bool, typer.Option("--loop", help="Keep delivering every --interval seconds until interrupted.")] = False,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between two rounds with --loop.")] = 30.0,
) -> None:
    """Deliver the outbox (impact summaries) to HEARTDESK_ENGINEERING_WEBHOOK_URL, with retries and backoff."""
    import threading

    from heartdesk.desk.db import Database
    from heartdesk.desk.errors import SettingsError
    from heartdesk.desk.services import deliver_outbox
    from heartdesk.desk.services.outbox import deliver_forever
    from heartdesk.desk.settings import load_settings

    settings = load_settings() if url is None else load_settings(database_url=url)
    if not settings.engineering_webhook_url:
        typer.echo("error: [E589] set HEARTDESK_ENGINEERING_WEBHOOK_URL to deliver the outbox", err=True)
        raise typer.Exit(2)
    database = Database.from_settings(settings)
    try:
        if loop:
            stop = threading.Event()
            try:
                deliver_forever(database, interval_s=interval, stop=stop)
            except KeyboardInterrupt:
                stop.set()
            return
        with database.session() as session:
            try:
                report = deliver_outbox(session=session)
            except SettingsError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from None
        print(f"delivered {len(report.delivered)}, failed {len(report.failed)} (they wait for their next attempt)")
        for item_id, error in report.failed:
            print(f"  outbox item {item_id}: {error}")
    finally:
        database.dispose()


@db_app.command()
def rules(url: UrlOption = None) -> None:
    """Apply the automatic escalation rules once (distress -> lead, business impact -> manager, reach -> engineering)."""
    from heartdesk.desk.db import Database
    from heartdesk.desk.services import run_escalation_rules
    from heartdesk.desk.settings import load_settings

    database = Database.from_settings(load_settings() if url is None else load_settings(database_url=url))
    try:
        with database.session() as session:
            made = run_escalation_rules(session=session)
    finally:
        database.dispose()
    for m in made:
        target = f"incident {m.incident_id}" if m.incident_id is not None else f"ticket {m.ticket_ids[0]}"
        print(f"{target} -> {m.to_level}: {m.reason}")
    print(f"{len(made)} escalation(s)")
