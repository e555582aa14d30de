"""The demo desk: a realistic desk built from ``desk.toml`` through the desk's own services.

Every customer, agent, ticket, message, assignment, escalation, resolution and CSAT
score goes through ``heartdesk.desk.services``, so each message is analysed and each
ticket carries its triage summary exactly as on a live desk. Incidents are plain rows
in ``incidents`` and ``incident_tickets`` linking tickets from several customers.

Times in the plan are relative ("opened 4.5 hours ago"), so the demo always looks
like the last few days. The build is one transaction: it either leaves a complete
demo desk or nothing new.

A database is a *demo database* when everything in it came from this plan: customer
ids start with ``demo-``, ticket ids with ``DEMO-``, agent emails end with
:data:`AGENT_DOMAIN`, team names are the plan's. Only those are ever wiped and
rebuilt; a database holding anything else is refused (:class:`NotADemoDatabase`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import delete, func, insert, inspect, select
from sqlalchemy.orm import Session

from heartdesk.desk import services
from heartdesk.desk.db import SETTINGS_KEY
from heartdesk.desk.errors import SettingsError
from heartdesk.desk.schema import Agent, Base, Customer, Incident, Team, Ticket, incident_tickets
from heartdesk.desk.services._base import settings_of
from heartdesk.desk.services.queue import QueueItem

CUSTOMER_PREFIX = "demo-"
TICKET_PREFIX = "DEMO-"
AGENT_DOMAIN = "@demo.heartdesk.example"
#: Minutes a customer takes to answer an agent, unless the ticket says otherwise.
CUSTOMER_MINUTES = 12.0


class NotADemoDatabase(SettingsError):
    """The target database holds data the demo did not write: the demo never overwrites it."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    tickets: int
    open_tickets: int
    incidents: int
    agents: int
    customers: int
    #: The head of the ranked queue after the build.
    top: list[QueueItem]


def load_plan(text: str | None = None) -> dict[str, Any]:
    """The demo plan: the bundled ``desk.toml`` unless ``text`` (TOML) is given."""
    if text is None:
        text = resources.files("heartdesk.demo").joinpath("desk.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def foreign_data(session: Session, plan: Mapping[str, Any]) -> list[str]:
    """What in the database the demo did not write, one line per kind (empty: safe to rebuild)."""
    tables = set(inspect(session.connection()).get_table_names())
    team_names = [t["name"] for t in plan.get("teams", [])]
    checks = [
        ("customers", Customer, ~Customer.external_id.startswith(CUSTOMER_PREFIX, autoescape=True)),
        ("tickets", Ticket, ~Ticket.external_id.startswith(TICKET_PREFIX, autoescape=True)),
        ("agents", Agent, ~Agent.email.endswith(AGENT_DOMAIN, autoescape=True)),
        ("teams", Team, Team.name.not_in(team_names) if team_names else Team.id.is_not(None)),
    ]
    found = []
    for name, model, foreign in checks:
        if name not in tables:
            continue
        n = session.scalar(select(func.count()).select_from(model).where(foreign)) or 0
        if n:
            found.append(f"{n} {name}")
    return found


def refuse_foreign(session: Session, plan: Mapping[str, Any] | None = None) -> None:
    """Raise NotADemoDatabase (E564) when the database holds anything the demo did not write."""
    foreign = foreign_data(session, load_plan() if plan is None else plan)
    session.rollback()  # end the read: the build's write transaction starts cleanly
    if foreign:
        raise NotADemoDatabase(
            "E564",
            "the database holds data the demo did not write (" + ", ".join(foreign) + "); "
            "point HEARTDESK_DATABASE_URL or --database at a new or demo database",
        )


def _wipe(session: Session) -> None:
    """Empty every desk table that exists, children first (the demo's own rows only: checked before)."""
    tables = set(inspect(session.connection()).get_table_names())
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in tables:
            session.execute(delete(table))


def _times(opened: datetime, gaps: Sequence[float], now: datetime) -> list[datetime]:
    """When each turn was written: ``gaps`` are minutes after the previous turn, squeezed to end before now."""
    total = sum(gaps)
    room = (now - timedelta(minutes=1) - opened).total_seconds() / 60
    scale = min(1.0, room / total) if total > 0 else 1.0
    out, at = [], opened
    for gap in gaps:
        at = at + timedelta(minutes=gap * scale)
        out.append(at)
    return out


class _Builder:
    def __init__(self, session: Session, plan: Mapping[str, Any], now: datetime) -> None:
        self.session, self.plan, self.now = session, plan, now
        self.teams: dict[str, int] = {}
        self.agents: dict[str, Agent] = {}
        self.reply_minutes: dict[str, float] = {}
        self.customers: dict[str, int] = {}
        self.incidents: dict[str, int] = {}

    def people(self) -> None:
        s = self.session
        for team in self.plan.get("teams", []):
            self.teams[team["key"]] = services.create_team(session=s, name=team["name"]).id
        for a in self.plan.get("agents", []):
            self.agents[a["key"]] = services.create_agent(
                session=s,
                name=a["name"],
                email=f"{a['key']}{AGENT_DOMAIN}",
                role=a.get("role", "agent"),
                team_id=self.teams[a["team"]] if "team" in a else None,
                authority=a.get("authority"),
            )
            self.reply_minutes[a["key"]] = float(a.get("reply_minutes", 10))
        for c in self.plan.get("customers", []):
            self.customers[c["key"]] = services.create_customer(
                session=s,
                external_id=CUSTOMER_PREFIX + c["key"],
                name=c["name"],
                email=f"{c['key']}@customers.example",
                tier=c.get("tier", "standard"),
                monthly_value=c.get("monthly_value", 0),
                since=self.now - timedelta(days=float(c.get("since_days", 365))),
            ).id

    def incident_rows(self) -> None:
        for inc in self.plan.get("incidents", []):
            first = self.now - timedelta(hours=float(inc["first_seen"]))
            resolved = self.now - timedelta(hours=float(inc["resolved"])) if "resolved" in inc else None
            row = Incident(
                title=inc["title"],
                status=inc.get("status", "open"),
                summary=inc.get("summary"),
                first_seen_at=first,
                resolved_at=resolved,
                created_at=first,
            )
            self.session.add(row)
            self.session.flush()
            self.incidents[inc["key"]] = row.id

    def ticket(self, spec: Mapping[str, Any]) -> None:
        s = self.session
        opened = self.now - timedelta(hours=float(spec["opened"]))
        turns = [_split_turn(t, self.agents) for t in spec["turns"]]
        customer_gap = float(spec.get("customer_minutes", CUSTOMER_MINUTES))
        gaps = [0.0] + [self.reply_minutes[who] if who else customer_gap for who, _ in turns[1:]]
        closing = spec.get("resolve", {}).get("by")
        gaps.append(self.reply_minutes[closing] if closing else 1.0)
        end = self.now
        if closing and "resolved_after" in spec:
            end = min(self.now, opened + timedelta(hours=float(spec["resolved_after"])))
        *when, finished = _times(opened, gaps, end)
        if closing and "resolved_after" in spec:
            finished = end
        who0, first_text = turns[0]
        if who0 is not None:
            raise ValueError(f"{spec['id']}: the first turn is the customer's")
        ticket = services.create_ticket(
            session=s,
            external_id=spec["id"],
            customer_id=self.customers[spec["customer"]],
            text=first_text,
            channel=spec.get("channel", "email"),
            subject=spec.get("subject"),
            severity=spec.get("severity"),
            at=opened,
        )
        assignee: str | None = None
        last = len(turns) - 1
        for k, (who, body) in enumerate(turns[1:], start=1):
            if who is None:
                services.add_message(session=s, ticket_id=ticket.id, role="customer", text=body, at=when[k])
                continue
            agent = self.agents[who]
            if assignee is None:
                services.assign(session=s, ticket_id=ticket.id, agent_id=agent.id, reason="picked from the queue")
            elif assignee != who:
                reason = spec.get("handoff") or f"taken over by {agent.name}"
                services.reassign(session=s, ticket_id=ticket.id, agent_id=agent.id, reason=reason)
            assignee = who
            services.add_message(
                session=s,
                ticket_id=ticket.id,
                role="agent",
                text=body,
                agent_id=agent.id,
                at=when[k],
                wait_for_customer=bool(spec.get("pending")) and k == last,
            )
        if "incident" in spec:
            s.execute(
                insert(incident_tickets).values(
                    incident_id=self.incidents[spec["incident"]], ticket_id=ticket.id, linked_at=opened
                )
            )
        if "escalate" in spec:
            esc = spec["escalate"]
            services.escalate(
                session=s,
                ticket_id=ticket.id,
                reason=esc["reason"],
                to_level=esc.get("to"),
                by_agent_id=self.agents[esc["by"]].id if "by" in esc else None,
            )
        if "resolve" in spec:
            res = spec["resolve"]
            services.resolve(
                session=s,
                ticket_id=ticket.id,
                by_agent_id=self.agents[res["by"]].id,
                logical_fix=res["fix"],
                emotional_fix_kind=res.get("kind", "none"),
                emotional_fix_value=res.get("value"),
                emotional_fix_note=res.get("note"),
                at=finished,
            )
            if "csat" in spec:
                services.record_csat(
                    session=s, ticket_id=ticket.id, score=int(spec["csat"]), comment=spec.get("csat_comment"), at=finished
                )


def _split_turn(turn: str, agents: Mapping[str, Agent]) -> tuple[str | None, str]:
    """``"C: text"`` -> (None, text); ``"maya: text"`` -> ("maya", text)."""
    who, sep, body = turn.partition(": ")
    if not sep or not body.strip():
        raise ValueError(f"a turn reads 'C: text' or '<agent>: text'; got {turn[:40]!r}")
    if who == "C":
        return None, body
    if who not in agents:
        raise ValueError(f"unknown agent {who!r} in turn {turn[:40]!r}")
    return who, body


def build_demo(session: Session, *, plan: Mapping[str, Any] | None = None, now: datetime | None = None) -> DemoSummary:
    """(Re)build the demo desk in the database behind ``session`` (schema already migrated).

    Refuses (NotADemoDatabase E564) a database holding anything the demo did not
    write; otherwise replaces the previous demo with a fresh one, in one transaction.
    """
    plan = load_plan() if plan is None else plan
    when = now or datetime.now(UTC)
    refuse_foreign(session, plan)
    saved = session.info.get(SETTINGS_KEY)
    settings = settings_of(session)
    if "incident_auto_match" in type(settings).model_fields:
        # The plan says which tickets form each incident; matching as they arrive would regroup them.
        session.info[SETTINGS_KEY] = settings.model_copy(update={"incident_auto_match": False})
    try:
        with services.batch(session):
            _wipe(session)
            builder = _Builder(session, plan, when)
            builder.people()
            builder.incident_rows()
            for spec in plan.get("tickets", []):
                builder.ticket(spec)
    finally:
        if saved is None:
            session.info.pop(SETTINGS_KEY, None)
        else:
            session.info[SETTINGS_KEY] = saved
    page = services.ranked_queue(session=session, now=when, limit=5)
    return DemoSummary(
        tickets=len(plan.get("tickets", [])),
        open_tickets=page.total,
        incidents=len(builder.incidents),
        agents=len(builder.agents),
        customers=len(builder.customers),
        top=page.items,
    )


__all__ = ["DemoSummary", "NotADemoDatabase", "build_demo", "foreign_data", "load_plan", "refuse_foreign"]
