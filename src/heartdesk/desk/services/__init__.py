"""The desk's services: plain functions with keyword-only arguments, no HTTP in sight.

Each takes ``session=`` and is one unit of work (commit on success, rollback on
failure; see ``batch`` for many in one transaction). Errors are
``heartdesk.desk.errors`` classes with E5xx codes.
"""

from __future__ import annotations

from heartdesk.desk.services._base import batch
from heartdesk.desk.services.people import (
    AgentPage,
    CustomerIn,
    CustomerPage,
    create_agent,
    create_customer,
    create_team,
    get_agent,
    get_customer,
    list_agents,
    list_customers,
)
from heartdesk.desk.services.queue import OPEN_STATUSES, QueueItem, QueuePage, ranked_queue
from heartdesk.desk.services.tickets import TicketPage, add_message, create_ticket, get_ticket, list_tickets
from heartdesk.desk.services.workflow import assign, close, escalate, reassign, record_csat, reopen, resolve

__all__ = [
    "OPEN_STATUSES",
    "AgentPage",
    "CustomerIn",
    "CustomerPage",
    "QueueItem",
    "QueuePage",
    "TicketPage",
    "add_message",
    "assign",
    "batch",
    "close",
    "create_agent",
    "create_customer",
    "create_team",
    "create_ticket",
    "escalate",
    "get_agent",
    "get_customer",
    "get_ticket",
    "list_agents",
    "list_customers",
    "list_tickets",
    "ranked_queue",
    "reassign",
    "record_csat",
    "reopen",
    "resolve",
]
