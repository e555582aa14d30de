"""The API's routers, one module per resource; ``app.py`` mounts them under /api/v1."""

from __future__ import annotations

from heartdesk.web.routes.coach import router as coach_router
from heartdesk.web.routes.incidents import outbox_router
from heartdesk.web.routes.incidents import router as incidents_router
from heartdesk.web.routes.people import router as people_router
from heartdesk.web.routes.queue import router as queue_router
from heartdesk.web.routes.tickets import router as tickets_router

__all__ = ["coach_router", "incidents_router", "outbox_router", "people_router", "queue_router", "tickets_router"]
