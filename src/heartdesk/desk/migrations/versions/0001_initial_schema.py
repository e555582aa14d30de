"""Initial schema: customers, agents, teams, tickets, messages and their history, incidents, CSAT.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 21:51:06.777747
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("tier", sa.String(length=40), nullable=False),
        sa.Column("monthly_value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("monthly_value >= 0", name=op.f("ck_customers_monthly_value_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("external_id", name=op.f("uq_customers_external_id")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'monitoring', 'resolved')", name=op.f("ck_incidents_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"], unique=False)
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("authority", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('agent', 'lead', 'manager', 'admin')", name=op.f("ck_agents_role")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_agents_team_id_teams"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("email", name=op.f("uq_agents_email")),
    )
    op.create_index(op.f("ix_agents_team_id"), "agents", ["team_id"], unique=False)
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("level IN ('agent', 'lead', 'manager', 'engineering')", name=op.f("ck_tickets_level")),
        sa.CheckConstraint(
            "severity IS NULL OR severity IN ('service_down', 'blocked', 'degraded', 'question', 'feedback')",
            name=op.f("ck_tickets_severity"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'open', 'pending', 'escalated', 'resolved', 'closed')", name=op.f("ck_tickets_status")
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["agents.id"], name=op.f("fk_tickets_assignee_id_agents"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_tickets_team_id_teams"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("external_id", name=op.f("uq_tickets_external_id")),
    )
    op.create_index(op.f("ix_tickets_assignee_id"), "tickets", ["assignee_id"], unique=False)
    op.create_index(op.f("ix_tickets_created_at"), "tickets", ["created_at"], unique=False)
    op.create_index(op.f("ix_tickets_customer_id"), "tickets", ["customer_id"], unique=False)
    op.create_index(op.f("ix_tickets_status"), "tickets", ["status"], unique=False)
    op.create_index("ix_tickets_status_created", "tickets", ["status", "created_at"], unique=False)
    op.create_index(op.f("ix_tickets_team_id"), "tickets", ["team_id"], unique=False)
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("previous_agent_id", sa.Integer(), nullable=True),
        sa.Column("by_agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_assignments_agent_id_agents"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["by_agent_id"], ["agents.id"], name=op.f("fk_assignments_by_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["previous_agent_id"], ["agents.id"], name=op.f("fk_assignments_previous_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_assignments_ticket_id_tickets"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_ticket_id"), "assignments", ["ticket_id"], unique=False)
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("from_level", sa.String(length=20), nullable=False),
        sa.Column("to_level", sa.String(length=20), nullable=False),
        sa.Column("from_agent_id", sa.Integer(), nullable=True),
        sa.Column("to_agent_id", sa.Integer(), nullable=True),
        sa.Column("by_agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("from_level IN ('agent', 'lead', 'manager', 'engineering')", name=op.f("ck_escalations_from_level")),
        sa.CheckConstraint("to_level IN ('agent', 'lead', 'manager', 'engineering')", name=op.f("ck_escalations_to_level")),
        sa.ForeignKeyConstraint(
            ["by_agent_id"], ["agents.id"], name=op.f("fk_escalations_by_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["from_agent_id"], ["agents.id"], name=op.f("fk_escalations_from_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_escalations_ticket_id_tickets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["to_agent_id"], ["agents.id"], name=op.f("fk_escalations_to_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    op.create_index(op.f("ix_escalations_ticket_id"), "escalations", ["ticket_id"], unique=False)
    op.create_table(
        "incident_tickets",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_tickets_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_incident_tickets_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("incident_id", "ticket_id", name=op.f("pk_incident_tickets")),
    )
    op.create_index(op.f("ix_incident_tickets_ticket_id"), "incident_tickets", ["ticket_id"], unique=False)
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=True),
        sa.CheckConstraint("role IN ('customer', 'agent')", name=op.f("ck_messages_role")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_messages_agent_id_agents"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_messages_ticket_id_tickets"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("ticket_id", "position", name="uq_messages_ticket_position"),
    )
    op.create_index(op.f("ix_messages_agent_id"), "messages", ["agent_id"], unique=False)
    op.create_table(
        "resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("logical_fix", sa.Text(), nullable=False),
        sa.Column("emotional_fix_kind", sa.String(length=40), nullable=False),
        sa.Column("emotional_fix_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("emotional_fix_note", sa.Text(), nullable=True),
        sa.Column("by_agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_agent_id"], ["agents.id"], name=op.f("fk_resolutions_by_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_resolutions_ticket_id_tickets"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolutions")),
    )
    op.create_index(op.f("ix_resolutions_ticket_id"), "resolutions", ["ticket_id"], unique=False)
    op.create_table(
        "csat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_csat_score_1_to_5")),
        sa.ForeignKeyConstraint(
            ["resolution_id"], ["resolutions.id"], name=op.f("fk_csat_resolution_id_resolutions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_csat_ticket_id_tickets"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csat")),
        sa.UniqueConstraint("resolution_id", name=op.f("uq_csat_resolution_id")),
    )
    op.create_index(op.f("ix_csat_ticket_id"), "csat", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_table("csat")
    op.drop_table("resolutions")
    op.drop_table("messages")
    op.drop_table("incident_tickets")
    op.drop_table("escalations")
    op.drop_table("assignments")
    op.drop_table("tickets")
    op.drop_table("agents")
    op.drop_table("teams")
    op.drop_table("incidents")
    op.drop_table("customers")
