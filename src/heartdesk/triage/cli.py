"""``heartdesk triage INPUT [--policy FILE] [--json] [--now ISO]``: rank conversations by impact.

Mounted by ``heartdesk.cli`` as the ``triage`` command. Exit codes as for
``heartdesk analyze``: 0 all ranked; 1 ranked, but some records were bad and
skipped (each named on stderr as file:line); 2 usage error (unreadable input,
bad policy, bad ``--now``).
"""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from heartdesk.errors import HeartdeskError, InputError
from heartdesk.model import Conversation
from heartdesk.triage.policy import load_policy
from heartdesk.triage.priority import Ranked, rank
from heartdesk.triage.summary import TicketFields, TicketSummary, parse_time, summarize, ticket_fields

EXIT_OK, EXIT_BAD_RECORDS, EXIT_USAGE = 0, 1, 2


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _records(path: str) -> Iterator[tuple[Conversation | InputError, int | None]]:
    """Records with the line they came from, so errors in triage fields name file:line too.

    JSONL goes through ``read_jsonl`` over a line-counting stream (the reader yields each
    record right after reading its line); CSV rows are grouped, so there is no single line.
    """
    from heartdesk.connectors.files import detect_format, read_jsonl, read_path

    if detect_format(path) == "csv":
        for rec in read_path(path, "csv"):
            yield rec, None
        return
    seen = 0

    def counted(stream: BinaryIO) -> Iterator[bytes]:
        nonlocal seen
        for raw in stream:
            seen += 1
            yield raw

    name = "<stdin>" if path == "-" else path
    if path == "-":
        for rec in read_jsonl(counted(sys.stdin.buffer), name):
            yield rec, seen
        return
    with open(path, "rb") as fh:
        for rec in read_jsonl(counted(fh), name):
            yield rec, seen


def _rows(ranked: list[Ranked]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for r in ranked:
        row: dict[str, object] = {
            "id": r.ticket.id,
            "score": r.priority.score,
            "band": r.priority.band,
            "reasons": list(r.priority.reasons),
        }
        if r.ticket.incident is not None:
            row["incident"] = r.ticket.incident
        rows.append(row)
    return rows


def _table(ranked: list[Ranked], color: bool) -> str:
    paint = {"P1": "\x1b[1;31m", "P2": "\x1b[33m", "P3": "\x1b[36m", "P4": "\x1b[2m"}
    width = max([len(r.ticket.id) for r in ranked] + [2])
    lines = [f"{'#':>4}  {'id':<{width}}  band  score  severity      incident"]
    for i, r in enumerate(ranked, start=1):
        band = r.priority.band
        shown = f"{paint[band]}{band}\x1b[0m" if color else band
        inc = r.ticket.incident or ""
        lines.append(f"{i:>4}  {r.ticket.id:<{width}}  {shown}    {r.priority.score:>5}  {r.ticket.severity:<12}  {inc}")
        for reason in r.priority.reasons:
            lines.append(f"{'':>4}  {'':<{width}}    · {reason}")
    return "\n".join(lines) + "\n"


def triage_command(
    input: Annotated[str, typer.Argument(help="JSONL (or CSV) file of conversations; '-' reads stdin.")],
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Triage policy TOML, laid over the default (docs/triage.md).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='List of {"id", "score", "band", "reasons", "incident"?} in rank order.')
    ] = False,
    now: Annotated[
        str | None, typer.Option("--now", help="Rank as of this ISO-8601 time (default: the current time, UTC).")
    ] = None,
) -> None:
    """Rank conversations by impact: severity, reach, distress, business impact, tier, repeat contact, SLA."""
    from heartdesk.signals.pipeline import default_pipeline

    try:
        pol = load_policy(policy)
        t_now = time.time() if now is None else parse_time(now, "--now")
    except HeartdeskError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if input != "-" and not Path(input).is_file():
        _err(f"error: [E009] cannot read {input}: no such file")
        raise typer.Exit(EXIT_USAGE)
    bad = 0
    pending: deque[TicketFields] = deque()

    def good() -> Iterator[Conversation]:
        nonlocal bad
        for rec, line in _records(input):
            if isinstance(rec, InputError):
                bad += 1
                _err(f"error: {rec}")
                continue
            try:
                fields = ticket_fields(rec)
            except InputError as exc:
                bad += 1
                where = input if input != "-" else "<stdin>"
                _err(f"error: {InputError(exc.code, exc.message, source=where, line=line) if line else exc}")
                continue
            pending.append(fields)
            yield rec

    summaries: list[TicketSummary] = []
    for analysis in default_pipeline().analyze_many(good(), batch_size=256):
        summaries.append(summarize(analysis, pending.popleft()))
    ranked = rank(summaries, pol, now=t_now)
    try:
        if as_json:
            sys.stdout.write(json.dumps(_rows(ranked), ensure_ascii=False, indent=2) + "\n")
        elif ranked:
            sys.stdout.write(_table(ranked, color=sys.stdout.isatty()))
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    if bad:
        _err(f"{bad} record(s) skipped")
        raise typer.Exit(EXIT_BAD_RECORDS)
