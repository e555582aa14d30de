"""Incidents in the desk: engineering statuses and updates, proposed messages, the outbox, rule escalations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_STATUSES = "status IN ('open', 'monitoring', 'resolved')"
_NEW_STATUSES = "status IN ('open', 'investigating', 'identified', 'monitoring', 'resolved', 'merged')"


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("status_message", sa.Text(), nullable=True))
        batch.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_incidents_merged_into_id_incidents"), "incidents", ["merged_into_id"], ["id"], ondelete="SET NULL"
        )
        batch.drop_constraint(op.f("ck_incidents_status"), type_="check")
        batch.create_check_constraint(op.f("ck_incidents_status"), sa.text(_NEW_STATUSES))
    with op.batch_alter_table("incident_tickets") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("rule", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_escalations_incident_id_incidents"), "incidents", ["incident_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_escalations_incident_id"), ["incident_id"], unique=False)
    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_NEW_STATUSES, name=op.f("ck_incident_updates_status")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_updates_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_updates")),
    )
    op.create_index(op.f("ix_incident_updates_incident_id"), "incident_updates", ["incident_id"], unique=False)
    op.create_table(
        "proposed_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('update', 'resolution')", name=op.f("ck_proposed_messages_kind")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_proposed_messages_incident_id_incidents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_proposed_messages_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["incident_updates.id"],
            name=op.f("fk_proposed_messages_update_id_incident_updates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_messages")),
    )
    op.create_index(op.f("ix_proposed_messages_incident_id"), "proposed_messages", ["incident_id"], unique=False)
    op.create_index(op.f("ix_proposed_messages_ticket_id"), "proposed_messages", ["ticket_id"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'delivered')", name=op.f("ck_outbox_status")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_outbox_incident_id_incidents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_outbox_ticket_id_tickets"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_incident_id"), "outbox", ["incident_id"], unique=False)
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_status_next", table_name="outbox")
    op.drop_index(op.f("ix_outbox_incident_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_proposed_messages_ticket_id"), table_name="proposed_messages")
    op.drop_index(op.f("ix_proposed_messages_incident_id"), table_name="proposed_messages")
    op.drop_table("proposed_messages")
    op.drop_index(op.f("ix_incident_updates_incident_id"), table_name="incident_updates")
    op.drop_table("incident_updates")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_index(op.f("ix_escalations_incident_id"))
        batch.drop_constraint(op.f("fk_escalations_incident_id_incidents"), type_="foreignkey")
        batch.drop_column("incident_id")
        batch.drop_column("rule")
    with op.batch_alter_table("incident_tickets") as batch:
        batch.drop_column("reason")
    # Statuses only this revision knows fall back to the nearest older one before the check narrows.
    op.execute("UPDATE incidents SET status = 'open' WHERE status IN ('investigating', 'identified', 'merged')")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_constraint(op.f("ck_incidents_status"), type_="check")
        batch.create_check_constraint(op.f("ck_incidents_status"), sa.text(_OLD_STATUSES))
        batch.drop_constraint(op.f("fk_incidents_merged_into_id_incidents"), type_="foreignkey")
        batch.drop_column("merged_into_id")
        batch.drop_column("escalated_at")
        batch.drop_column("status_at")
        batch.drop_column("status_message")
