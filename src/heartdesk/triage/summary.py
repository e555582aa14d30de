"""What triage needs to know about one ticket, computed once when it is analysed.

:class:`TicketSummary` is small and flat on purpose: ranking 10,000 open tickets is
then arithmetic over summaries and one sort, never a re-analysis. Build one with
:func:`summarize` from an engine :class:`~heartdesk.model.Analysis` (the desk stores
it beside the ticket), or directly (tests, other desks' data).

Ticket fields are read from the conversation: ``customer: {id, tier, monthly_value,
contacts}`` (a known top-level key) and the top-level ``created_at``, ``severity``,
``incident``, ``affected`` and ``contacts``, which the input contract keeps in
``meta["extra"]``; the same names directly in ``meta`` are read too (desk exports).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from heartdesk.errors import InputError
from heartdesk.model import Analysis, Conversation
from heartdesk.signals.base import distress
from heartdesk.triage.severity import Severity, SeverityError, SeverityRules, default_rules, normalize

QUOTE_CHARS = 60


@dataclass(frozen=True, slots=True)
class TicketFields:
    """The triage fields a ticket carries besides its conversation (all optional)."""

    severity: Severity | None = None
    incident: str | None = None
    affected: int | None = None
    customer_id: str | None = None
    tier: str | None = None
    monthly_value: float | None = None
    contacts: int = 0
    created_at: float | None = None  # epoch seconds, UTC


@dataclass(frozen=True, slots=True)
class TicketSummary:
    """Everything :func:`heartdesk.triage.prioritize` reads. Times are epoch seconds (UTC)."""

    id: str
    severity: Severity
    #: The customer's words that gave the severity; "" when the ticket gave it (or nothing matched).
    severity_evidence: str = ""
    severity_given: bool = False
    incident: str | None = None
    #: Customers affected as stated on the ticket (e.g. by an incident record); else counted from the queue.
    affected: int | None = None
    customer_id: str | None = None
    tier: str | None = None
    monthly_value: float | None = None
    contacts: int = 0
    created_at: float | None = None
    distress_first: float = 0.0
    distress_last: float = 0.0
    #: (label, quote) for each label present in the customer's turns, first occurrence.
    findings: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form, for storing beside a ticket (e.g. a JSON column)."""
        d = {f: getattr(self, f) for f in _SUMMARY_FIELDS}
        d["findings"] = [list(pair) for pair in self.findings]
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketSummary:
        """The inverse of :meth:`to_dict`; unknown keys are ignored (summaries stored by a newer version)."""
        kwargs = {k: data[k] for k in _SUMMARY_FIELDS if k in data}
        kwargs["severity"] = normalize(data.get("severity"))
        kwargs["findings"] = tuple((str(label), str(quote)) for label, quote in data.get("findings", ()))
        return cls(**kwargs)


_SUMMARY_FIELDS = tuple(TicketSummary.__dataclass_fields__)


def to_epoch(value: datetime) -> float:
    """Seconds since the epoch; a time without a zone is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def parse_time(value: Any, where: str) -> float:
    if isinstance(value, datetime):
        return to_epoch(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            return to_epoch(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise InputError("E612", f"{where} is not an ISO-8601 time: {str(value)[:40]!r}")


def _get(conv: Conversation, name: str) -> Any:
    extra = conv.meta.get("extra")
    if isinstance(extra, Mapping) and name in extra:
        return extra[name]
    return conv.meta.get(name)


def _count(value: Any, where: str) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError("E613", f"{where} must be a whole number >= 0 (or a list of earlier contacts), not {value!r}")
    return value


def ticket_fields(conv: Conversation) -> TicketFields:
    """Read and check the triage fields of ``conv``. Raises InputError (E611-E615) naming the field."""
    cid = conv.id
    severity: Severity | None = None
    raw = _get(conv, "severity")
    if raw is not None:
        try:
            severity = normalize(raw)
        except SeverityError as exc:
            raise InputError("E611", f"conversation {cid!r}: {exc.message}") from None
    incident = _get(conv, "incident")
    if incident is not None:
        if isinstance(incident, bool) or not isinstance(incident, str | int) or incident == "":
            raise InputError("E614", f"conversation {cid!r}: 'incident' must be a non-empty string or a number, not {incident!r}")
        incident = str(incident)
    affected = _get(conv, "affected")
    if affected is not None and (isinstance(affected, bool) or not isinstance(affected, int) or affected < 1):
        raise InputError("E615", f"conversation {cid!r}: 'affected' must be a whole number >= 1, not {affected!r}")
    cust = conv.customer
    customer_id = cust.get("id")
    if customer_id is not None and not isinstance(customer_id, str | int):
        raise InputError("E613", f"conversation {cid!r}: 'customer.id' must be a string or a number")
    tier = cust.get("tier")
    if tier is not None and not isinstance(tier, str):
        raise InputError("E613", f"conversation {cid!r}: 'customer.tier' must be a string, not {tier!r}")
    value = cust.get("monthly_value")
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise InputError("E613", f"conversation {cid!r}: 'customer.monthly_value' must be a number >= 0, not {value!r}")
        value = float(value)
    contacts_raw = cust.get("contacts", _get(conv, "contacts"))
    contacts = 0 if contacts_raw is None else _count(contacts_raw, f"conversation {cid!r}: 'contacts'")
    created = _get(conv, "created_at")
    if created is not None:
        created_at: float | None = parse_time(created, f"conversation {cid!r}: 'created_at'")
    else:
        first = next((t.at for t in conv.turns if t.at is not None), None)
        created_at = None if first is None else to_epoch(first)
    return TicketFields(
        severity=severity,
        incident=incident,
        affected=affected,
        customer_id=None if customer_id is None else str(customer_id),
        tier=None if tier is None else tier.strip().lower() or None,
        monthly_value=value,
        contacts=contacts,
        created_at=created_at,
    )


def _quote(text: str, start: int, end: int) -> str:
    q = " ".join(text[start:end].split())
    return q if len(q) <= QUOTE_CHARS else q[: QUOTE_CHARS - 1] + "…"


def summarize(analysis: Analysis, fields: TicketFields | None = None, rules: SeverityRules | None = None) -> TicketSummary:
    """The triage summary of one analysed ticket (``fields`` default to those read from its conversation)."""
    conv = analysis.conversation
    f = ticket_fields(conv) if fields is None else fields
    customer = [t for t in analysis.turns if t.role == "customer"]
    distresses = [distress(t.emotion) for t in customer if t.emotion is not None]
    found: dict[str, str] = {}
    for t in customer:
        text = conv.turns[t.index].text
        for finding in t.findings:
            if finding.present and finding.label not in found:
                found[finding.label] = _quote(text, finding.start, finding.end)
    if f.severity is not None:
        severity, evidence, given = f.severity, "", True
    else:
        detected = (rules or default_rules()).detect((t.index, conv.turns[t.index].text) for t in customer)
        severity, given = detected.level, False
        evidence = "" if detected.turn is None else _quote(conv.turns[detected.turn].text, detected.start, detected.end)
    return TicketSummary(
        id=conv.id,
        severity=severity,
        severity_evidence=evidence,
        severity_given=given,
        incident=f.incident,
        affected=f.affected,
        customer_id=f.customer_id,
        tier=f.tier,
        monthly_value=f.monthly_value,
        contacts=f.contacts,
        created_at=f.created_at,
        distress_first=round(distresses[0], 3) if distresses else 0.0,
        distress_last=round(distresses[-1], 3) if distresses else 0.0,
        findings=tuple(found.items()),
    )
