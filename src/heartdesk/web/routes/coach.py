"""The reply coach over HTTP: ``POST /api/v1/coach`` reviews a draft reply (no database involved)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from heartdesk.coach.errors import CoachError
from heartdesk.coach.pool import PROCESSES_INVALID, WORKER_LOST, ReviewPool
from heartdesk.web.errors import error_response
from heartdesk.web.schemas import ErrorOut

_ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (413, 422)}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """With the server: its review processes (HEARTDESK_COACH_PROCESSES), if any, start and stop."""
    processes = os.environ.get("HEARTDESK_COACH_PROCESSES", "").strip() or "0"
    if not processes.isdigit():
        raise CoachError(PROCESSES_INVALID, f"HEARTDESK_COACH_PROCESSES must be a whole number >= 0, not {processes!r}")
    pool = ReviewPool(int(processes)) if int(processes) > 0 else None
    app.state.coach_pool = pool
    if pool is not None:
        pool.start()
    try:
        yield
    finally:
        if pool is not None:
            pool.close()


router = APIRouter(prefix="/coach", tags=["coach"], responses=_ERRORS, lifespan=_lifespan)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthorityIn(_Request):
    max_credit: float = Field(0.0, ge=0, description="The largest credit the agent may offer.")
    currency: str = Field("USD", pattern=r"^[A-Za-z]{3}$", description="A 3-letter currency code.")
    gestures: list[str] = Field(["apology"], description='What the agent may offer: "apology", "credit", "expedite"...')


class AgentIn(_Request):
    authority: AuthorityIn = Field(default_factory=lambda: AuthorityIn(max_credit=0.0, currency="USD", gestures=["apology"]))


class QueueIn(_Request):
    position: int = Field(ge=0, description="The ticket's place in the queue.")
    reason: str = Field("", description='Why it waits, as a clause: "a network outage is affecting many customers".')
    eta_minutes: int | None = Field(None, ge=0, description="Minutes until the ticket is reached, if known.")


class CoachIn(_Request):
    draft: str = Field(description="The reply being written (up to 20,000 characters).")
    conversation: dict[str, Any] | None = Field(
        None, description="The conversation so far, in the input contract (docs/contract.md); `id` may be left out."
    )
    agent: AgentIn | None = None
    queue: QueueIn | None = None


class FindingOut(BaseModel):
    label: str
    start: int
    end: int
    confidence: float
    explanation: str


class MissingOut(BaseModel):
    kind: str
    why: str


class ReplacementOut(BaseModel):
    start: int
    end: int
    text: str
    label: str
    why: str


class AdditionOut(BaseModel):
    kind: str
    text: str


class ScoreOut(BaseModel):
    before: dict[str, int]
    after: dict[str, int]


class ReviewOut(BaseModel):
    findings: list[FindingOut]
    missing: list[MissingOut]
    replacements: list[ReplacementOut]
    additions: list[AdditionOut]
    rewrite: str
    score: ScoreOut
    notes: list[str]


@router.post("", response_model=ReviewOut)
async def coach(body: CoachIn, request: Request) -> Any:
    """Review a draft reply: problem wording, what is missing, better words, a rewrite and the score gain.

    ``async`` on purpose: a review is a few milliseconds of CPU that holds the GIL either way, so
    running it on the event loop spares the thread-pool hand-off and its contention under load.
    With review processes (HEARTDESK_COACH_PROCESSES) the review runs in whichever is free and this
    process only parses and answers. With a language-model rewriter configured (HEARTDESK_COACH_LLM_*)
    the review waits on the network, so it runs in the thread pool instead.
    """
    from heartdesk.coach import MAX_DRAFT_CHARS, Authority, QueueContext, review
    from heartdesk.connectors.contract import conversation_from_dict
    from heartdesk.errors import InputError

    if len(body.draft) > MAX_DRAFT_CHARS:
        return error_response(413, "E710", f"the draft has {len(body.draft)} characters; the limit is {MAX_DRAFT_CHARS}", "draft")
    conversation = None
    if body.conversation is not None:
        try:
            conversation = conversation_from_dict({"id": "coach", **body.conversation})
        except InputError as exc:
            return error_response(422, "E715", f"the conversation does not follow the contract: {exc.message}", "conversation")
    authority = None
    if body.agent is not None:
        a = body.agent.authority
        authority = Authority(max_credit=a.max_credit, currency=a.currency.upper(), gestures=tuple(a.gestures))
    queue = QueueContext(body.queue.position, body.queue.reason, body.queue.eta_minutes) if body.queue else None
    try:
        rewriter = request.app.state.coach_rewriter
        pool = _pool(request.app)
        if rewriter is None and pool is not None:
            return Response(await pool.review(body.draft, conversation, authority, queue), media_type="application/json")
        if rewriter is None:
            result = review(body.draft, conversation, authority, queue=queue)
        else:
            result = await run_in_threadpool(review, body.draft, conversation, authority, queue=queue, rewriter=rewriter)
    except CoachError as exc:
        if exc.code == WORKER_LOST:
            return error_response(503, exc.code, exc.message)
        field = "agent.authority" if exc.code == "E712" else "queue" if exc.code == "E713" else "draft"
        return error_response(422, exc.code, exc.message, field)
    # Already the documented shape: skip re-validating it through the response model.
    return JSONResponse(result.to_dict())


def _pool(app: Any) -> ReviewPool | None:
    # None also for an app whose lifespan did not run (a test client used without ``with``).
    pool: ReviewPool | None = getattr(app.state, "coach_pool", None)
    return pool
