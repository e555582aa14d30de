"""The desk: tickets, customers and agents in SQLite or PostgreSQL, and the services that change them.

Layers: ``schema`` (tables), ``db`` (engines and sessions), ``settings``
(``HEARTDESK_*`` variables), ``services`` (the operations, HTTP-free),
``migrations`` (Alembic, run by ``heartdesk db upgrade``). The analysis core
(``heartdesk.model``, ``heartdesk.signals``) never imports this package.
"""

from __future__ import annotations

from heartdesk.desk.db import Database, make_engine
from heartdesk.desk.errors import Conflict, DeskError, Forbidden, InvalidTransition, NotFound, ValidationError
from heartdesk.desk.settings import DeskSettings, load_settings

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
