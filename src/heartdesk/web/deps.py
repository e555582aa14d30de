"""Dependencies shared by the routes, as ``Annotated`` aliases (``session: SessionDep``).

The database lives on ``app.state`` rather than in a module global so that two apps
(two tests, or a test next to a running server) never share an engine by accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from heartdesk.desk.db import Database
from heartdesk.desk.settings import DeskSettings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One session per request. Each service call commits or rolls back on its own; this only closes it."""
    with database.session() as session:
        yield session


def get_settings(database: Annotated[Database, Depends(get_database)]) -> DeskSettings:
    return database.settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[DeskSettings, Depends(get_settings)]
