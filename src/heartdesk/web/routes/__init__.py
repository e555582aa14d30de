"""The API's routers, one module per resource; ``app.py`` mounts them under /api/v1."""

from __future__ import annotations

from heartdesk.web.routes.people import router as people_router
from heartdesk.web.routes.queue import router as queue_router
from heartdesk.web.routes.tickets import router as tickets_router

__all__ = ["people_router", "queue_router", "tickets_router"]
