"""The outbox: payloads for engineering's webhook, written with the change that produced them, delivered later.

An impact summary is written to the ``outbox`` table in the same transaction as the
escalation, so it exists exactly when the escalation does. :func:`deliver_outbox` then
POSTs the due items to ``HEARTDESK_ENGINEERING_WEBHOOK_URL`` in three steps, none of which
holds a transaction open while waiting on the network:

1. claim: due items get ``attempts + 1`` and ``next_attempt_at`` moved past a lease, and commit
   (a second deliverer running at the same time skips them);
2. post each one, with ``X-Heartdesk-Delivery: <id>`` (receivers dedupe on it) and, given a
   secret, ``X-Heartdesk-Signature: sha256=<HMAC of the body>``;
3. record: a 2xx marks the item delivered; anything else keeps it pending with
   ``last_error`` and ``next_attempt_at = now + backoff`` (doubling from
   ``outbox_backoff_s`` up to ``outbox_backoff_max_s``). Nothing is ever dropped.

A deliverer that dies between 2 and 3 leaves the item to be posted again once the lease runs
out: delivery is at least once, exactly once whenever the receiver answers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heartdesk.desk.db import Database
from heartdesk.desk.errors import NotFound, SettingsError
from heartdesk.desk.schema import OUTBOX_STATUSES, OutboxItem, utcnow
from heartdesk.desk.services._base import aware, choice, settings_of, unit
from heartdesk.desk.services.people import page_bounds

#: Longest error text kept per item (a receiver's HTML error page is not worth more).
ERROR_CHARS = 500


class WebhookClient(Protocol):
    """What delivery needs from HTTP: POST bytes, get the status code (raise on network errors)."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int: ...


class UrllibClient:
    """The default client: the standard library, no extra dependency."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    incident_id: int | None = None,
    ticket_id: int | None = None,
    at: datetime | None = None,
) -> OutboxItem:
    """Add an item in the caller's transaction (no commit): it is written exactly when the caller's change is."""
    when = at or utcnow()
    item = OutboxItem(
        kind=kind, payload=payload, incident_id=incident_id, ticket_id=ticket_id, status="pending",
        created_at=when, next_attempt_at=when,
    )  # fmt: skip
    session.add(item)
    return item


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """Wait after the ``attempts``-th failure: base, 2 base, 4 base ... capped."""
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)
    #: (item id, error) of the items that failed this time and wait for their next attempt.
    failed: list[tuple[int, str]] = field(default_factory=list)


def deliver_outbox(
    *,
    session: Session,
    client: WebhookClient | None = None,
    now: datetime | None = None,
    limit: int = 50,
    url: str | None = None,
    secret: str | None = None,
) -> DeliveryReport:
    """POST the due pending items (oldest first, at most ``limit``) to the webhook; see the module docstring."""
    settings = settings_of(session)
    target = url or settings.engineering_webhook_url
    if not target:
        raise SettingsError("E589", "no webhook to deliver to: set HEARTDESK_ENGINEERING_WEBHOOK_URL")
    key = secret if secret is not None else settings.engineering_webhook_secret
    poster = client or UrllibClient()
    at = aware(now, "now") or utcnow()
    lease = timedelta(seconds=2 * settings.webhook_timeout_s + 60)
    with unit(session):
        due = session.scalars(
            select(OutboxItem)
            .where(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= at)
            .order_by(OutboxItem.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for item in due:
            item.attempts += 1
            item.next_attempt_at = at + lease
            claimed.append((item.id, item.attempts, item.payload))
    outcomes: list[tuple[int, int, str | None]] = []
    for item_id, attempt, payload in claimed:
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "heartdesk-outbox",
            "X-Heartdesk-Delivery": str(item_id),
            "X-Heartdesk-Attempt": str(attempt),
        }
        if key:
            headers["X-Heartdesk-Signature"] = signature(key, body)
        try:
            status = poster.post(target, body, headers, settings.webhook_timeout_s)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        outcomes.append((item_id, attempt, error))
    report = DeliveryReport()
    if not outcomes:
        return report
    with unit(session):
        for item_id, attempt, error in outcomes:
            row = session.get(OutboxItem, item_id, populate_existing=True)
            if row is None:  # deleted meanwhile (its incident's history was removed): nothing to record
                continue
            if error is None:
                row.status, row.delivered_at, row.last_error = "delivered", at, None
                report.delivered.append(item_id)
            else:
                wait = backoff_seconds(attempt, settings.outbox_backoff_s, settings.outbox_backoff_max_s)
                row.last_error, row.next_attempt_at = error[:ERROR_CHARS], at + timedelta(seconds=wait)
                report.failed.append((item_id, error))
    return report


def deliver_forever(database: Database, *, interval_s: float, stop: threading.Event, client: WebhookClient | None = None) -> None:
    """Deliver every ``interval_s`` seconds until ``stop`` is set (``heartdesk db deliver --loop``)."""
    while not stop.is_set():
        with database.session() as session:
            report = deliver_outbox(session=session, client=client)
        if not report.delivered:  # a full batch may mean more are due: only sleep when there was nothing to do
            stop.wait(interval_s)


@dataclass(frozen=True, slots=True)
class OutboxPage:
    items: list[OutboxItem]
    total: int
    limit: int
    offset: int


def list_outbox(*, session: Session, status: str | None = None, limit: int = 50, offset: int = 0) -> OutboxPage:
    """Outbox items, newest first, optionally only pending or delivered ones."""
    page_bounds(session, limit, offset)
    query = select(OutboxItem)
    if status is not None:
        query = query.where(OutboxItem.status == choice(status, "status", OUTBOX_STATUSES))
    with unit(session, write=False):
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(OutboxItem.id.desc()).limit(limit).offset(offset)).all()
    return OutboxPage(list(rows), total, limit, offset)


def get_outbox_item(*, session: Session, item_id: int) -> OutboxItem:
    with unit(session, write=False):
        found = session.get(OutboxItem, item_id, populate_existing=True)
        if found is None:
            raise NotFound("E505", f"no outbox item {item_id}")
    return found
