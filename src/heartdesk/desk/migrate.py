"""Schema migrations without an alembic.ini: the script folder ships inside the package.

``upgrade(url)`` is what ``heartdesk db upgrade`` runs; it works from an
installed wheel because the Alembic config is built here, pointing at
``heartdesk/desk/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from heartdesk.desk.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # The URL goes through attributes, not the ini options, which would %-interpolate a password.
    cfg.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return cfg


def _run(engine: Engine, action: str, revision: str) -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        if action == "upgrade":
            command.upgrade(cfg, revision)
        else:
            command.downgrade(cfg, revision)


def upgrade(*, engine: Engine | None = None, url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (default: the configured one) up to ``revision``."""
    engine = engine or make_engine(url)
    _run(engine, "upgrade", revision)


def downgrade(*, engine: Engine | None = None, url: str | None = None, revision: str = "-1") -> None:
    engine = engine or make_engine(url)
    _run(engine, "downgrade", revision)


def current(*, engine: Engine | None = None, url: str | None = None) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = engine or make_engine(url)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).get_current_head()


def revision(*, message: str, url: str | None = None) -> None:
    """Write a new revision file from the difference between the ORM and the database (for developers)."""
    engine = make_engine(url)
    cfg = alembic_config(engine)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
