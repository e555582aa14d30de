"""The triage summary a ticket stores: what its customer's messages say, for the queue.

What comes from the messages (distress, findings with their quotes, the severity the
words show) is stored in ``tickets.triage`` when they are analysed
(:func:`message_triage`); the rest (tier, value, contacts, incident, a given severity)
can change without a new message and is read fresh when ranking
(:func:`summary_from_triage`). Tickets without a stored summary (written before
revision 0002) have it built from their stored message analyses (:func:`summarize_stored`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from heartdesk.model import NEGATIVE_EMOTIONS, PRESENT
from heartdesk.triage import TicketSummary, normalize
from heartdesk.triage.severity import SeverityRules, default_rules
from heartdesk.triage.summary import QUOTE_CHARS


@cache
def _rules() -> SeverityRules:
    return default_rules()


def _quote(text: str, start: int, end: int) -> str:
    q = " ".join(text[start:end].split())
    return q if len(q) <= QUOTE_CHARS else q[: QUOTE_CHARS - 1] + "…"


def _distress(turn: Mapping[str, Any]) -> float | None:
    emotion = turn.get("emotion")
    if not isinstance(emotion, Mapping):
        return None
    scores = emotion.get("scores")
    if not isinstance(scores, Mapping):
        return None
    return float(sum(float(v) for k, v in scores.items() if k in NEGATIVE_EMOTIONS))


#: Version of the stored ``tickets.triage`` dict; a stored dict of another version is rebuilt on read.
TRIAGE_VERSION = 1


def message_triage(customer_turns: Sequence[tuple[int, str, Mapping[str, Any] | None]]) -> dict[str, Any]:
    """What the customer's messages say for triage, as stored in ``tickets.triage``.

    ``customer_turns`` are (position, text, analysis turn object). Mirrors
    :func:`heartdesk.triage.summarize` (which needs a live Analysis): distress from
    the first and last customer emotions, the first present occurrence of each
    finding label with its quote, and the severity detected from the words (kept
    even when the ticket has a severity, which can change without a new message).
    Everything else in a summary (tier, value, contacts, incident, the given
    severity) is read fresh when ranking.
    """
    distresses: list[float] = []
    found: dict[str, str] = {}
    for _, text, turn in customer_turns:
        if not isinstance(turn, Mapping):
            continue
        d = _distress(turn)
        if d is not None:
            distresses.append(d)
        for f in turn.get("findings") or ():
            label = f.get("label")
            if not isinstance(label, str) or label in found or float(f.get("confidence", 0.0)) < PRESENT:
                continue
            found[label] = _quote(text, int(f.get("start", 0)), int(f.get("end", 0)))
    detected = _rules().detect((index, text) for index, text, _ in customer_turns)
    evidence = ""
    if detected.turn is not None:
        text_of = {index: text for index, text, _ in customer_turns}
        evidence = _quote(text_of[detected.turn], detected.start, detected.end)
    return {
        "v": TRIAGE_VERSION,
        "distress_first": round(distresses[0], 3) if distresses else 0.0,
        "distress_last": round(distresses[-1], 3) if distresses else 0.0,
        "findings": [[label, quote] for label, quote in found.items()],
        "severity": detected.level,
        "severity_evidence": evidence,
    }


def valid_triage(stored: object) -> bool:
    """A stored summary this version wrote (anything else is rebuilt from the messages)."""
    return isinstance(stored, dict) and stored.get("v") == TRIAGE_VERSION


def summary_from_triage(
    ticket_external_id: str,
    triage: Mapping[str, Any],
    *,
    severity: str | None = None,
    customer_id: str | None = None,
    tier: str | None = None,
    monthly_value: float | None = None,
    contacts: int = 0,
    created_at: float | None = None,
    incident: str | None = None,
) -> TicketSummary:
    """The triage summary from a :func:`message_triage` dict and the ticket's current fields.

    A given ``severity`` (the ticket's column) wins over the one detected from the words.
    """
    if severity is not None:
        level, evidence, given = normalize(severity), "", True
    else:
        level, evidence, given = normalize(triage["severity"]), str(triage["severity_evidence"]), False
    return TicketSummary(
        id=ticket_external_id,
        severity=level,
        severity_evidence=evidence,
        severity_given=given,
        incident=incident,
        customer_id=customer_id,
        tier=tier,
        monthly_value=monthly_value,
        contacts=contacts,
        created_at=created_at,
        distress_first=float(triage["distress_first"]),
        distress_last=float(triage["distress_last"]),
        findings=tuple((str(label), str(quote)) for label, quote in triage["findings"]),
    )


def summarize_stored(
    ticket_external_id: str,
    *,
    customer_turns: Sequence[tuple[int, str, Mapping[str, Any] | None]],
    severity: str | None = None,
    customer_id: str | None = None,
    tier: str | None = None,
    monthly_value: float | None = None,
    contacts: int = 0,
    created_at: float | None = None,
    incident: str | None = None,
) -> TicketSummary:
    """The triage summary of a stored ticket: ``customer_turns`` are (position, text, stored analysis).

    :func:`message_triage` then :func:`summary_from_triage`: the read-time fallback for
    tickets without a stored ``triage`` (rows written before revision 0002).
    """
    return summary_from_triage(
        ticket_external_id,
        message_triage(customer_turns),
        severity=severity,
        customer_id=customer_id,
        tier=tier,
        monthly_value=monthly_value,
        contacts=contacts,
        created_at=created_at,
        incident=incident,
    )
