"""One error format for every error the API answers with.

Every 4xx (and the rare 5xx) body is ``{"error": {"code": "E5xx", "message": "...", "field": "..."}}``,
``field`` only when one input is to blame. The codes are the desk's (docs/errors.md), so a
client, a log line and the docs all speak of the same error; the HTTP layer adds its own
few (E570-E579) for what never reaches a service: a body that is not valid JSON or does not
fit the request model, a body over the size limit, an unknown route.

The body-size limit is an ASGI middleware rather than a dependency because it must act
before FastAPI reads and parses the body: a 50 MB "message" should cost us 50 MB of
nothing, not 50 MB of JSON parsing followed by a 422.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heartdesk.desk.errors import DeskError
from heartdesk.desk.errors import ValidationError as DeskValidationError

log = logging.getLogger(__name__)

#: Codes of the HTTP layer itself (documented in docs/errors.md with the desk's).
BAD_REQUEST_BODY = "E570"
MALFORMED_JSON = "E571"
BODY_TOO_LARGE = "E572"
NO_SUCH_ROUTE = "E573"
METHOD_NOT_ALLOWED = "E574"
HTTP_OTHER = "E575"
INTERNAL = "E579"


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    inner: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        inner["field"] = field
    return {"error": inner}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status)


def _field_of(loc: Sequence[Any]) -> str:
    """``("body", "customer", "external_id")`` -> ``"customer.external_id"``: the name the client sent."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _desk_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DeskError)
    field = exc.field if isinstance(exc, DeskValidationError) else None
    if exc.status >= 500:
        log.error("desk error %s: %s", exc.code, exc.message)
    return error_response(exc.status, exc.code, exc.message, field)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if not errors:  # pragma: no cover - FastAPI always reports at least one
        return error_response(422, BAD_REQUEST_BODY, "the request is invalid")
    first = errors[0]
    if first.get("type") == "json_invalid":
        # Not JSON at all: there is no field to blame, only a position in the text.
        ctx = first.get("ctx") or {}
        detail = ctx.get("error", "invalid JSON")
        return error_response(422, MALFORMED_JSON, f"the request body is not valid JSON: {detail}", "body")
    # Name every problem (a client fixing one at a time is tedious) but point at the first.
    described = []
    for err in errors:
        where = _field_of(err.get("loc", ()))
        what = "unknown field" if err.get("type") == "extra_forbidden" else str(err.get("msg", "invalid"))
        described.append(f"{where}: {what}")
    return error_response(422, BAD_REQUEST_BODY, "; ".join(described), _field_of(first.get("loc", ())))


_HTTP_CODES = {404: NO_SUCH_ROUTE, 405: METHOD_NOT_ALLOWED, 413: BODY_TOO_LARGE}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, HTTP_OTHER)
    message = str(exc.detail)
    if exc.status_code in (404, 405) and code != HTTP_OTHER:
        # Starlette's bare "Not Found" does not say what was not found; the route is what the client got wrong.
        message = f"{message}: {request.method} {request.url.path}"
    response = error_response(exc.status_code, code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log, never to the client (it may quote customer text or SQL).
    log.exception("unhandled error in the API", exc_info=exc)
    return error_response(500, INTERNAL, "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DeskError, _desk_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, before anything parses them.

    A declared Content-Length over the limit is refused without reading. Otherwise
    (including chunked uploads, which declare nothing) the body is read up to the
    limit and replayed to the app, so the app never sees a body it would have refused.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client went away: let the app see that as it normally would.
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, BODY_TOO_LARGE, f"the request body is larger than the limit of {self.max_bytes} bytes")
        # Connection: close, since the rest of the body may still be on its way and we will not read it.
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _replay(messages: list[Message], upstream: Receive) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        # After the body, the server's own receive() waits for (and reports) the real disconnect.
        return await upstream()

    return receive
