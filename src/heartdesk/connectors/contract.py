"""The input contract: turn a decoded JSON object into a Conversation, or say exactly why not.

Input, one conversation per JSONL line::

    {"id": str, "channel"?: str, "customer"?: {...},
     "turns": [{"role": "customer"|"agent", "text": str, "at"?: ISO-8601, "author"?: str}],
     "meta"?: {...}}

Unknown top-level keys are kept in ``meta`` under ``"extra"`` (nothing is lost);
a turn may also carry ``end`` (ISO-8601), the end of a spoken turn in a call.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from heartdesk.errors import InputError
from heartdesk.model import ROLES, Conversation, Role, Turn

MAX_TURN_CHARS = 1_000_000 * 4  # a 1 MB turn is fine; far beyond is refused, not truncated
_KNOWN = {"id", "channel", "customer", "turns", "meta"}


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("E005", f"{where} must be an ISO-8601 string, not {type(value).__name__}")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError("E005", f"{where} is not an ISO-8601 time: {value[:40]!r}") from None


def conversation_from_dict(obj: Any) -> Conversation:
    """Validate one decoded input object. Raises InputError with a numbered, field-naming message."""
    if not isinstance(obj, dict):
        raise InputError("E002", f"a conversation must be a JSON object, not {type(obj).__name__}")
    cid = obj.get("id")
    if isinstance(cid, int) and not isinstance(cid, bool):
        cid = str(cid)
    if not isinstance(cid, str) or not cid:
        raise InputError("E003", "'id' is required and must be a non-empty string")
    raw_turns = obj.get("turns")
    if not isinstance(raw_turns, list):
        raise InputError("E003", f"conversation {cid!r}: 'turns' is required and must be a list")
    turns: list[Turn] = []
    for i, t in enumerate(raw_turns):
        where = f"conversation {cid!r} turns[{i}]"
        if not isinstance(t, dict):
            raise InputError("E004", f"{where} must be an object")
        role = t.get("role")
        if role not in ROLES:
            raise InputError("E004", f"{where}.role must be 'customer' or 'agent', not {role!r}")
        text = t.get("text", "")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise InputError("E004", f"{where}.text must be a string, not {type(text).__name__}")
        if len(text) > MAX_TURN_CHARS:
            raise InputError("E006", f"{where}.text has {len(text)} characters; the limit is {MAX_TURN_CHARS}")
        author = t.get("author")
        if author is not None and not isinstance(author, str):
            author = str(author)
        r: Role = role
        turns.append(
            Turn(role=r, text=text, at=_time(t.get("at"), f"{where}.at"), author=author, end=_time(t.get("end"), f"{where}.end"))
        )
    channel = obj.get("channel")
    if channel is not None and not isinstance(channel, str):
        raise InputError("E003", f"conversation {cid!r}: 'channel' must be a string")
    customer = obj.get("customer") or {}
    if not isinstance(customer, dict):
        raise InputError("E003", f"conversation {cid!r}: 'customer' must be an object")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError("E003", f"conversation {cid!r}: 'meta' must be an object")
    extra = {k: v for k, v in obj.items() if k not in _KNOWN}
    if extra:
        meta = {**meta, "extra": extra}
    return Conversation(
        id=cid,
        turns=tuple(turns),
        channel=channel,
        customer=MappingProxyType(customer),
        meta=MappingProxyType(meta),
    )


def conversation_to_dict(conv: Conversation) -> dict[str, Any]:
    """The inverse of :func:`conversation_from_dict` (for exports and round trips)."""
    turns: list[dict[str, Any]] = []
    for t in conv.turns:
        d: dict[str, Any] = {"role": t.role, "text": t.text}
        if t.at is not None:
            d["at"] = t.at.isoformat()
        if t.author is not None:
            d["author"] = t.author
        if t.end is not None:
            d["end"] = t.end.isoformat()
        turns.append(d)
    out: dict[str, Any] = {"id": conv.id}
    if conv.channel is not None:
        out["channel"] = conv.channel
    if conv.customer:
        out["customer"] = dict(conv.customer)
    out["turns"] = turns
    if conv.meta:
        out["meta"] = dict(conv.meta)
    return out
