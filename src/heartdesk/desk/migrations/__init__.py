"""Alembic migrations of the desk's schema (run through ``heartdesk db upgrade``; see heartdesk.desk.migrate)."""
