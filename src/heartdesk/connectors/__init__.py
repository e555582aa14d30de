"""Connectors: read conversations from files and other desks' exports (I/O lives here)."""

from __future__ import annotations

from heartdesk.connectors.contract import conversation_from_dict, conversation_to_dict
from heartdesk.connectors.files import load_conversations, read_csv, read_jsonl, read_path

__all__ = ["conversation_from_dict", "conversation_to_dict", "load_conversations", "read_csv", "read_jsonl", "read_path"]
