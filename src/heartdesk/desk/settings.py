"""Settings of the desk, read from ``HEARTDESK_*`` environment variables.

Every field documents itself (``heartdesk db settings`` would print the same
text). Outside development (``HEARTDESK_ENV=production``) the desk refuses the
defaults that are only safe on a laptop: an implicit SQLite file in whatever
directory the process happens to start in, and SQL echo, which would write
customer messages into the logs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from heartdesk.desk.errors import SettingsError

DEFAULT_DATABASE_URL = "sqlite:///./heartdesk.db"

#: Hours until the first response is due, by severity ("" = severity not known yet).
DEFAULT_SLA_HOURS: dict[str, float] = {
    "service_down": 1.0,
    "blocked": 4.0,
    "degraded": 8.0,
    "question": 24.0,
    "feedback": 72.0,
    "": 24.0,
}

Env = Literal["dev", "test", "production"]


class DeskSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    env: Env = Field(
        "dev",
        description="HEARTDESK_ENV: dev, test or production. Production refuses the unsafe development defaults.",
    )
    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="HEARTDESK_DATABASE_URL: SQLAlchemy URL. SQLite file (default ./heartdesk.db, WAL) "
        "or postgresql+psycopg://user:password@host:5432/dbname.",
    )
    database_url_is_default: bool = Field(True, description="Set when HEARTDESK_DATABASE_URL was not given.", exclude=True)
    max_message_chars: int = Field(
        20_000, ge=1, le=1_000_000, description="HEARTDESK_MAX_MESSAGE_CHARS: longest message text accepted (characters)."
    )
    max_page_size: int = Field(200, ge=1, le=10_000, description="HEARTDESK_MAX_PAGE_SIZE: most tickets one list call returns.")
    sqlite_busy_timeout_ms: int = Field(
        5_000, ge=0, description="HEARTDESK_SQLITE_BUSY_TIMEOUT_MS: how long a SQLite writer waits for another to finish."
    )
    sql_echo: bool = Field(False, description="HEARTDESK_SQL_ECHO: log every SQL statement (development only).")
    sla_hours: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_SLA_HOURS),
        description="HEARTDESK_SLA_HOURS: JSON object of first-response hours by severity, merged over the defaults, "
        'e.g. {"blocked": 2}.',
    )

    incident_auto_match: bool = Field(
        True,
        description="HEARTDESK_INCIDENT_AUTO_MATCH: match every new ticket to open incidents and similar open tickets.",
    )
    incident_threshold: float = Field(
        0.12,
        gt=0,
        le=1,
        description="HEARTDESK_INCIDENT_THRESHOLD: minimum similarity (cosine) for two problem statements to match.",
    )
    incident_window_hours: float = Field(
        72.0,
        gt=0,
        description="HEARTDESK_INCIDENT_WINDOW_HOURS: an unlinked open ticket matches only if opened within this many hours.",
    )
    engineering_webhook_url: str | None = Field(
        None,
        description="HEARTDESK_ENGINEERING_WEBHOOK_URL: where impact summaries are POSTed "
        "(http or https); unset: they wait in the outbox.",
    )
    engineering_webhook_secret: str | None = Field(
        None,
        description="HEARTDESK_ENGINEERING_WEBHOOK_SECRET: signs each delivery (X-Heartdesk-Signature: sha256=HMAC of the body).",
    )
    webhook_timeout_s: float = Field(
        10.0,
        gt=0,
        le=300,
        description="HEARTDESK_WEBHOOK_TIMEOUT_S: seconds one delivery may take.",
    )
    outbox_backoff_s: float = Field(
        30.0,
        gt=0,
        description="HEARTDESK_OUTBOX_BACKOFF_S: wait after the first failed delivery; doubles after each failure.",
    )
    outbox_backoff_max_s: float = Field(
        3600.0,
        gt=0,
        description="HEARTDESK_OUTBOX_BACKOFF_MAX_S: longest wait between two delivery attempts (items are never dropped).",
    )
    rule_distress: float = Field(
        0.6,
        ge=0,
        le=1,
        description="HEARTDESK_RULE_DISTRESS: distress (0..1) in the customer's latest message that counts as high.",
    )
    rule_distress_hours: float = Field(
        4.0,
        gt=0,
        description="HEARTDESK_RULE_DISTRESS_HOURS: a highly distressed ticket unresolved this long goes to a lead.",
    )
    rule_manager_tiers: tuple[str, ...] = Field(
        ("enterprise", "premium"),
        description="HEARTDESK_RULE_MANAGER_TIERS: comma-separated tiers whose business impact "
        "or churn threat goes to a manager.",
    )
    rule_reach: int = Field(
        5,
        ge=2,
        description="HEARTDESK_RULE_REACH: an incident affecting this many customers goes to engineering.",
    )

    @field_validator("engineering_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    def sla_for(self, severity: str | None) -> float:
        return self.sla_hours.get(severity or "", self.sla_hours.get("", 24.0))

    def check_safe(self) -> None:
        """Raise SettingsError for a development default used outside development."""
        if self.env != "production":
            return
        if self.database_url_is_default:
            raise SettingsError(
                "E560",
                "HEARTDESK_ENV=production needs HEARTDESK_DATABASE_URL set explicitly "
                "(the default is a SQLite file in the current directory)",
            )
        if self.sql_echo:
            raise SettingsError("E561", "HEARTDESK_SQL_ECHO would log customer messages: refused with HEARTDESK_ENV=production")
        if self.engineering_webhook_url and not self.engineering_webhook_secret:
            raise SettingsError(
                "E589",
                "HEARTDESK_ENGINEERING_WEBHOOK_URL needs HEARTDESK_ENGINEERING_WEBHOOK_SECRET with HEARTDESK_ENV=production "
                "(impact summaries quote customers; the receiver must be able to check they come from the desk)",
            )


_ENV_FIELDS = {
    "HEARTDESK_ENV": "env",
    "HEARTDESK_DATABASE_URL": "database_url",
    "HEARTDESK_MAX_MESSAGE_CHARS": "max_message_chars",
    "HEARTDESK_MAX_PAGE_SIZE": "max_page_size",
    "HEARTDESK_SQLITE_BUSY_TIMEOUT_MS": "sqlite_busy_timeout_ms",
    "HEARTDESK_SQL_ECHO": "sql_echo",
    "HEARTDESK_INCIDENT_AUTO_MATCH": "incident_auto_match",
    "HEARTDESK_INCIDENT_THRESHOLD": "incident_threshold",
    "HEARTDESK_INCIDENT_WINDOW_HOURS": "incident_window_hours",
    "HEARTDESK_ENGINEERING_WEBHOOK_URL": "engineering_webhook_url",
    "HEARTDESK_ENGINEERING_WEBHOOK_SECRET": "engineering_webhook_secret",
    "HEARTDESK_WEBHOOK_TIMEOUT_S": "webhook_timeout_s",
    "HEARTDESK_OUTBOX_BACKOFF_S": "outbox_backoff_s",
    "HEARTDESK_OUTBOX_BACKOFF_MAX_S": "outbox_backoff_max_s",
    "HEARTDESK_RULE_DISTRESS": "rule_distress",
    "HEARTDESK_RULE_DISTRESS_HOURS": "rule_distress_hours",
    "HEARTDESK_RULE_REACH": "rule_reach",
}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> DeskSettings:
    """Settings from ``environ`` (default: the process environment), then ``overrides``; checked for safety."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for var, name in _ENV_FIELDS.items():
        raw = env.get(var)
        if raw is not None and raw.strip() != "":
            values[name] = raw.strip()
    raw_sla = env.get("HEARTDESK_SLA_HOURS")
    if raw_sla:
        try:
            given = json.loads(raw_sla)
        except json.JSONDecodeError as exc:
            raise SettingsError("E562", f"HEARTDESK_SLA_HOURS is not JSON: {exc}") from None
        if not isinstance(given, dict):
            raise SettingsError("E562", "HEARTDESK_SLA_HOURS must be a JSON object of severity -> hours")
        values["sla_hours"] = {**DEFAULT_SLA_HOURS, **given}
    raw_tiers = env.get("HEARTDESK_RULE_MANAGER_TIERS")
    if raw_tiers is not None and raw_tiers.strip():
        values["rule_manager_tiers"] = tuple(t.strip().lower() for t in raw_tiers.split(",") if t.strip())
    values.update(overrides)
    values["database_url_is_default"] = "database_url" not in values
    try:
        settings = DeskSettings.model_validate(values)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError("E563", f"invalid setting {where}: {first['msg']}") from None
    settings.check_safe()
    return settings
