"""The desk's services: plain functions with keyword-only arguments, no HTTP in sight.

Each takes ``session=`` and is one unit of work (commit on success, rollback on
failure; see ``batch`` for many in one transaction). Errors are
``heartdesk.desk.errors`` classes with E5xx codes.
"""

from __future__ import annotations

from heartdesk.desk.services._base import batch
from heartdesk.desk.services.engineering import (
    EngineeringEscalation,
    StatusResult,
    current_impact,
    escalate_incident,
    incident_updates,
    post_status,
    ticket_proposals,
)
from heartdesk.desk.services.escalation import RuleEscalation, run_escalation_rules
from heartdesk.desk.services.incidents import (
    IncidentPage,
    IncidentView,
    MatchResult,
    get_incident,
    link_ticket,
    list_incidents,
    match_ticket,
    merge_incidents,
    split_incident,
    unlink_ticket,
)
from heartdesk.desk.services.outbox import DeliveryReport, OutboxPage, deliver_outbox, get_outbox_item, list_outbox
from heartdesk.desk.services.people import (
    AgentPage,
    CustomerIn,
    CustomerPage,
    TeamPage,
    create_agent,
    create_customer,
    create_team,
    get_agent,
    get_customer,
    get_team,
    list_agents,
    list_customers,
    list_teams,
)
from heartdesk.desk.services.queue import OPEN_STATUSES, QueueItem, QueuePage, ranked_queue
from heartdesk.desk.services.tickets import TicketPage, add_message, create_ticket, get_ticket, list_tickets
from heartdesk.desk.services.workflow import assign, close, escalate, reassign, record_csat, reopen, resolve

__all__ = [
    "OPEN_STATUSES",
    "AgentPage",
    "CustomerIn",
    "CustomerPage",
    "DeliveryReport",
    "EngineeringEscalation",
    "IncidentPage",
    "IncidentView",
    "MatchResult",
    "OutboxPage",
    "QueueItem",
    "QueuePage",
    "RuleEscalation",
    "StatusResult",
    "TeamPage",
    "TicketPage",
    "add_message",
    "assign",
    "batch",
    "close",
    "create_agent",
    "create_customer",
    "create_team",
    "create_ticket",
    "current_impact",
    "deliver_outbox",
    "escalate",
    "escalate_incident",
    "get_agent",
    "get_customer",
    "get_incident",
    "get_outbox_item",
    "get_team",
    "get_ticket",
    "incident_updates",
    "link_ticket",
    "list_agents",
    "list_customers",
    "list_incidents",
    "list_outbox",
    "list_teams",
    "list_tickets",
    "match_ticket",
    "merge_incidents",
    "post_status",
    "ranked_queue",
    "reassign",
    "record_csat",
    "reopen",
    "resolve",
    "run_escalation_rules",
    "split_incident",
    "ticket_proposals",
    "unlink_ticket",
]
