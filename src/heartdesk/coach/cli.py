"""``heartdesk coach "DRAFT"``: review a reply before it is sent (mounted in ``heartdesk.cli``).

Exit codes: 0 reviewed; 2 bad input (an unreadable conversation file or phrase library, a
draft over the limit), with a numbered error on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from heartdesk.coach.errors import CoachError
from heartdesk.coach.types import Authority, QueueContext, Review
from heartdesk.errors import HeartdeskError, InputError
from heartdesk.model import Conversation, Turn

EXIT_USAGE = 2


def read_conversation(path: str) -> Conversation:
    """One conversation from a JSON file (one object) or a JSONL/CSV file with exactly one record."""
    from heartdesk.connectors.contract import conversation_from_dict
    from heartdesk.connectors.files import read_path

    if not Path(path).is_file():
        raise CoachError("E714", f"cannot read the conversation file {path}: no such file")
    if path.lower().endswith(".json"):
        try:
            obj = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CoachError("E714", f"cannot read the conversation file {path}: {exc}") from None
        return conversation_from_dict(obj)
    records = list(read_path(path))
    for rec in records:
        if isinstance(rec, InputError):
            raise rec
    if len(records) != 1:
        raise CoachError("E714", f"{path} holds {len(records)} conversations; the coach reviews a reply to one")
    conversation = records[0]
    assert isinstance(conversation, Conversation)
    return conversation


def render_review(r: Review, *, color: bool = False) -> str:
    """The review for people: the draft with problem spans marked, then what to change and the rewrite."""
    from heartdesk.report import highlight

    lines = ["draft:", "    " + highlight(r.draft, list(r.findings), color).replace("\n", "\n    ")]
    for f in r.findings:
        lines.append(f"    - {f.label} {f.confidence:.2f}: {f.explanation}")
    if r.missing:
        lines.append("missing:")
        lines += [f"    - {m.kind}: {m.why}" for m in r.missing]
    if r.replacements:
        lines.append("replace:")
        lines += [f"    - {r.draft[x.start : x.end]!r} -> {x.text!r} ({x.label})" for x in r.replacements]
    if r.additions:
        lines.append("add:")
        lines += [f"    + {a.kind}: {a.text}" for a in r.additions]
    if r.draft.strip():
        lines += ["rewrite:", "    " + r.rewrite.replace("\n", "\n    ")]
        gains = [f"{k} {v}->{r.score.after.get(k, v)}" for k, v in r.score.before.items()]
        lines.append("score: " + "  ".join(gains))
    lines += [f"note: {n}" for n in r.notes]
    return "\n".join(lines) + "\n"


def coach_command(
    draft: Annotated[str, typer.Argument(help="The draft reply; '-' reads it from stdin.")],
    customer: Annotated[
        list[str] | None, typer.Option("--customer", "-c", help="A customer message before the draft (repeatable, in order).")
    ] = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="The conversation so far: a JSON or one-record JSONL/CSV file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the review as JSON (the HTTP answer shape).")] = False,
    library: Annotated[str | None, typer.Option("--library", help="A TOML file extending the phrase library.")] = None,
    max_credit: Annotated[float, typer.Option("--max-credit", min=0, help="Credit the agent may offer (0: none).")] = 0.0,
    currency: Annotated[str, typer.Option("--currency", help="Currency of the credit.")] = "USD",
    gesture: Annotated[
        list[str] | None, typer.Option("--gesture", "-g", help="A gesture the agent may offer, e.g. expedite (repeatable).")
    ] = None,
    queue_position: Annotated[
        int | None, typer.Option("--queue-position", min=0, help="The ticket's place in the queue.")
    ] = None,
    queue_reason: Annotated[str, typer.Option("--queue-reason", help="Why it waits (with --queue-position).")] = "",
    queue_eta: Annotated[int | None, typer.Option("--queue-eta", min=0, help="Minutes until it is reached.")] = None,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="Colour (default: when stdout is a terminal).")] = None,
) -> None:
    """Review a draft reply: problem wording, what is missing, better words, and a full rewrite."""
    from heartdesk.coach.library import PhraseLibrary
    from heartdesk.coach.review import review

    try:
        text = sys.stdin.read() if draft == "-" else draft
        conv = read_conversation(conversation) if conversation else None
        if customer:
            turns = (*(conv.turns if conv else ()), *(Turn(role="customer", text=c) for c in customer))
            conv = Conversation(id=conv.id if conv else "cli", turns=turns)
        gestures = ["apology", *(gesture or [])]
        if max_credit > 0 and "credit" not in gestures:
            gestures.append("credit")
        authority = Authority(max_credit=max_credit, currency=currency, gestures=tuple(dict.fromkeys(gestures)))
        queue = QueueContext(queue_position, queue_reason, queue_eta) if queue_position is not None else None
        lib = PhraseLibrary.load(library) if library else None
        from heartdesk.coach.llm import rewriter_from_env

        result = review(text, conv, authority, queue=queue, library=lib, rewriter=rewriter_from_env())
    except HeartdeskError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        use_color = sys.stdout.isatty() if color is None else color
        sys.stdout.write(render_review(result, color=use_color))
