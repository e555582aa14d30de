"""The desk's HTTP API (FastAPI): ``create_app()`` builds it; routes live under /api/v1."""

from __future__ import annotations

from heartdesk.web.app import create_app

__all__ = ["create_app"]
