"""The FastAPI application: ``create_app()`` wires the database, the error format and the routes.

A factory rather than a module-level ``app`` so that tests (and the demo) can build an
app around their own database without touching environment variables. ``uvicorn
--factory heartdesk.web.app:create_app`` serves one from the HEARTDESK_* settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import FastAPI

from heartdesk.coach.llm import Rewriter, rewriter_from_env
from heartdesk.desk.db import Database
from heartdesk.desk.settings import DeskSettings, load_settings
from heartdesk.web.errors import BodySizeLimit, install_error_handlers
from heartdesk.web.routes import coach_router, incidents_router, outbox_router, people_router, queue_router, tickets_router

API_PREFIX = "/api/v1"
#: Room in a request body beyond its longest text: the JSON envelope and the other fields.
_ENVELOPE_BYTES = 64 * 1024


def default_body_limit(settings: DeskSettings) -> int:
    """Bytes a request body may have: enough for the longest message the desk accepts, not more.

    A character may take up to 12 bytes of JSON (a ``\\ud83d\\ude00`` escaped surrogate
    pair), so every message within ``max_message_chars`` fits and is judged by the
    service (422 E531, which names the field), while a body far beyond it is refused
    before being read or parsed (413 E572).
    """
    return settings.max_message_chars * 12 + _ENVELOPE_BYTES


def _warm() -> None:
    """Load the models before the first request, then exempt them from garbage collection.

    The models are a few hundred thousand long-lived objects (vocabularies, lexicons). Without
    ``gc.freeze`` every full collection walks them all, a pause of tens of milliseconds that lands
    on whichever request is running: it set the coach's p99 latency at about twice its median.
    """
    import gc

    from heartdesk.coach.engine import analyze_draft
    from heartdesk.model import Conversation
    from heartdesk.signals.pipeline import default_pipeline

    default_pipeline().analyze(Conversation.of("warm-up", ("customer", "My order is late."), ("agent", "Sorry!")))
    analyze_draft(Conversation.of("warm-up", ("customer", "My order is late.")), "I'm sorry, I'll check it now.")
    gc.collect()
    gc.freeze()


def create_app(
    settings: DeskSettings | None = None,
    *,
    database: Database | None = None,
    max_body_bytes: int | None = None,
    coach_rewriter: Rewriter | Literal["env"] | None = "env",
) -> FastAPI:
    """The API over ``database`` (default: one opened from ``settings``, default: the HEARTDESK_* environment).

    The schema is not created here: run ``heartdesk db upgrade`` (or the migrate helper) first.
    A database passed in stays the caller's to dispose; one opened here is disposed at shutdown.
    """
    owned = database is None
    if database is None:
        database = Database.from_settings(settings or load_settings())
    limit = max_body_bytes if max_body_bytes is not None else default_body_limit(database.settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if owned:  # a server (heartdesk serve, demo, uvicorn --factory), not a test's in-process app
            _warm()
        yield
        if owned:
            database.dispose()

    app = FastAPI(
        title="heartdesk",
        summary="Customer service that reads how the customer feels.",
        version="1",
        docs_url="/docs",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.database = database
    # The coach's optional language-model rewriter: by default from HEARTDESK_COACH_LLM_* (unset:
    # None, templates only). Read once here, so a half-set configuration stops the server at start
    # (E722), not a request.
    app.state.coach_rewriter = rewriter_from_env() if coach_rewriter == "env" else coach_rewriter
    app.state.max_body_bytes = limit
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=limit)
    # The coach first: routes are matched in order, and it is the hot path (a review per keystroke).
    app.include_router(coach_router, prefix=API_PREFIX)
    app.include_router(people_router, prefix=API_PREFIX)
    app.include_router(tickets_router, prefix=API_PREFIX)
    app.include_router(queue_router, prefix=API_PREFIX)
    app.include_router(incidents_router, prefix=API_PREFIX)
    app.include_router(outbox_router, prefix=API_PREFIX)
    return app
