"""Readers for conversation files: JSONL (the contract) and CSV (one row per turn).

Readers never stop at a bad record: they yield an :class:`InputError` naming
``file:line`` in its place and go on, so the caller decides (``--strict`` stops).
JSONL is read as bytes line by line, so a 1 GB file streams in constant memory
and invalid UTF-8 in one line spoils only that line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from heartdesk.connectors.contract import MAX_TURN_CHARS, conversation_from_dict
from heartdesk.errors import InputError
from heartdesk.model import Conversation

Record = Conversation | InputError
CSV_COLUMNS = ("conversation_id", "role", "text", "at", "author")
# Undecodable bytes, as the surrogateescape error handler maps them (never produced by valid UTF-8).
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def read_jsonl(stream: Iterable[bytes], source: str = "<stdin>") -> Iterator[Record]:
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputError("E001", f"invalid UTF-8 at byte {exc.start}", source=source, line=lineno)
            continue
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]
        try:
            # strict=False: raw control characters inside strings are kept, not refused.
            obj = json.loads(line, strict=False)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
            col = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            yield InputError("E002", f"malformed JSON: {msg}{col}", source=source, line=lineno)
            continue
        try:
            yield conversation_from_dict(obj)
        except InputError as exc:
            yield InputError(exc.code, exc.message, source=source, line=lineno)


def read_csv(stream: BinaryIO, source: str = "<stdin>") -> Iterator[Record]:
    """Rows ``conversation_id, role, text, at, author`` (header required; at/author optional).

    Rows of one conversation are grouped in first-seen order; a bad row makes its
    whole conversation an error (naming the row's line) rather than a half conversation.
    """
    # Fix (bad-input tests): decode with surrogateescape so invalid UTF-8 spoils only the rows
    # that hold it (found below by the escape range) instead of ending the file at the first bad byte.
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    try:
        yield from _read_csv_text(text, source)
    finally:
        # Fix (bad-input tests): give the stream back to its owner; a wrapper left to the garbage
        # collector closed the caller's file and raised a ResourceWarning (an error under pytest).
        try:
            text.detach()
        except ValueError:  # already closed
            pass


def _read_csv_text(text: io.TextIOWrapper, source: str) -> Iterator[Record]:
    # Fix (bad-input tests): csv's default field limit (131072) refused a 1 MB turn and lost the
    # reader's line count; allow fields as long as the contract allows a turn.
    if csv.field_size_limit() < MAX_TURN_CHARS + 1:
        csv.field_size_limit(MAX_TURN_CHARS + 1)
    reader = csv.DictReader(text)
    header = reader.fieldnames or []
    if any(_UNDECODABLE.search(h) for h in header):
        yield InputError("E001", "invalid UTF-8 in the header", source=source, line=1)
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    reader.fieldnames = header
    missing = [c for c in ("conversation_id", "role", "text") if c not in header]
    if missing:
        yield InputError("E007", f"CSV header lacks {missing}; expected columns {list(CSV_COLUMNS)}", source=source, line=1)
        return
    groups: dict[str, dict[str, object]] = {}
    broken: dict[str, InputError] = {}
    order: list[str] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputError("E008", f"malformed CSV: {exc}", source=source, line=reader.line_num)
            continue
        cid = (row.get("conversation_id") or "").strip()
        if not cid:
            yield InputError("E003", "conversation_id is empty", source=source, line=reader.line_num)
            continue
        if cid not in groups:
            groups[cid] = {"id": cid, "turns": []}
            order.append(cid)
        turn: dict[str, object] = {"role": (row.get("role") or "").strip(), "text": row.get("text") or ""}
        for opt in ("at", "author"):
            v = (row.get(opt) or "").strip()
            if v:
                turn[opt] = v
        if cid not in broken and any(_UNDECODABLE.search(v) for v in row.values() if isinstance(v, str)):
            broken[cid] = InputError(
                "E001", f"conversation {cid!r}: invalid UTF-8 in this row", source=source, line=reader.line_num
            )
        if turn["role"] not in ("customer", "agent") and cid not in broken:
            broken[cid] = InputError(
                "E004",
                f"conversation {cid!r}: role must be 'customer' or 'agent', not {turn['role']!r}",
                source=source,
                line=reader.line_num,
            )
        turns = groups[cid]["turns"]
        assert isinstance(turns, list)
        turns.append(turn)
    for cid in order:
        if cid in broken:
            yield broken[cid]
            continue
        try:
            yield conversation_from_dict(groups[cid])
        except InputError as exc:
            yield InputError(exc.code, exc.message, source=source, line=None)


def detect_format(path: str) -> str:
    return "csv" if path.lower().endswith(".csv") else "jsonl"


def read_path(path: str | Path, fmt: str | None = None) -> Iterator[Record]:
    """Read a file by path (``-`` is stdin). ``fmt`` is ``jsonl`` or ``csv`` (default: by extension)."""
    import sys

    name = str(path)
    fmt = fmt or detect_format(name)
    if name == "-":
        stream: BinaryIO = sys.stdin.buffer
        yield from (read_csv(stream, "<stdin>") if fmt == "csv" else read_jsonl(stream, "<stdin>"))
        return
    with open(name, "rb") as fh:
        yield from (read_csv(fh, name) if fmt == "csv" else read_jsonl(fh, name))


def load_conversations(path: str | Path) -> list[Conversation]:
    """Read every conversation of a file, raising the first error (for library use and tests)."""
    out: list[Conversation] = []
    for rec in read_path(path):
        if isinstance(rec, InputError):
            raise rec
        out.append(rec)
    return out
