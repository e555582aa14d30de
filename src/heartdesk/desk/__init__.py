"""The desk: tickets, customers and agents in SQLite or PostgreSQL, and the services that change them.

Layers: ``schema`` (tables), ``db`` (engines and sessions), ``settings``
(``HEARTDESK_*`` variables), ``services`` (the operations, HTTP-free),
``migrations`` (Alembic, run by ``heartdesk db upgrade``). The analysis core
(``heartdesk.model``, ``heartdesk.signals``) never imports this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heartdesk.desk.db import Database, make_engine
    from heartdesk.desk.errors import Conflict, DeskError, Forbidden, InvalidTransition, NotFound, ValidationError
    from heartdesk.desk.settings import DeskSettings, load_settings

# Imported on first use: `heartdesk analyze` mounts the `db` commands but must not pay for
# importing SQLAlchemy (a third of a second) on every start.
_LAZY = {
    "Database": "db",
    "make_engine": "db",
    "Conflict": "errors",
    "DeskError": "errors",
    "Forbidden": "errors",
    "InvalidTransition": "errors",
    "NotFound": "errors",
    "ValidationError": "errors",
    "DeskSettings": "settings",
    "load_settings": "settings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"heartdesk.desk.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'heartdesk.desk' has no attribute {name!r}")


__all__ = [
    "Conflict",
    "Database",
    "DeskError",
    "DeskSettings",
    "Forbidden",
    "InvalidTransition",
    "NotFound",
    "ValidationError",
    "load_settings",
    "make_engine",
]
