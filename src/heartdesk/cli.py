"""The ``heartdesk`` command line.

Exit codes (docs/cli.md): 0 everything analysed; 1 finished, but some input
records were bad and skipped (each reported on stderr as file:line); 2 usage
error or unreadable input; 3 stopped at the first bad record (``--strict``).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from heartdesk.errors import HeartdeskError, InputError
from heartdesk.model import Analysis, Conversation

app = typer.Typer(
    name="heartdesk",
    help="Empathy in the machinery of customer support.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
train_app = typer.Typer(help="Train the learned parts of the engine from labelled data.", no_args_is_help=True)
app.add_typer(train_app, name="train")
native_app = typer.Typer(
    help="The optional compiled build of the engine (mypyc): the same results, faster.", no_args_is_help=True
)
app.add_typer(native_app, name="native")

EXIT_OK, EXIT_BAD_RECORDS, EXIT_USAGE, EXIT_STRICT = 0, 1, 2, 3


class OutFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


class InFormat(StrEnum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _dask_stream(stack: ExitStack, where: str, workers: int, records: Iterable[Conversation]) -> Iterator[Analysis]:
    from heartdesk.scale import analyze_distributed, connect, local_client

    client = stack.enter_context(local_client(workers) if where == "local" else connect(where))
    return analyze_distributed(records, client=client)


def _write(stream: Iterable[Analysis], out: TextIO, format: OutFormat, show: bool) -> None:
    from heartdesk.analysis.contract import analysis_to_dict

    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(unit=" conv", file=sys.stderr, mininterval=0.5, dynamic_ncols=True)
    for result in stream:
        if format is OutFormat.jsonl:
            out.write(json.dumps(analysis_to_dict(result), ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
        else:
            from heartdesk.report import render_table

            out.write(render_table(result, color=out.isatty()))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()


@app.command()
def analyze(
    input: Annotated[str, typer.Argument(help="JSONL or CSV file of conversations; '-' reads stdin.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Where to write; '-' is stdout.")] = "-",
    format: Annotated[
        OutFormat, typer.Option("--format", "-f", help="jsonl (the output contract) or table (for people).")
    ] = OutFormat.jsonl,
    input_format: Annotated[
        InFormat, typer.Option("--input-format", help="Input format; auto = by file extension (.csv, else JSONL).")
    ] = InFormat.auto,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first bad record (exit 3) instead of skipping it.")
    ] = False,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: when stderr is a terminal).")
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Scale out on Dask: 'local' (a LocalCluster of --workers processes) or a scheduler address "
            "(tcp://host:8786). Needs the dask extra.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes for --dask local.")] = 2,
) -> None:
    """Analyse conversations: findings per turn, customer emotion, tone and a scorecard."""
    from heartdesk.connectors.files import read_path
    from heartdesk.signals.pipeline import default_pipeline

    if input != "-" and not Path(input).is_file():
        _err(f"error: [E009] cannot read {input}: no such file")
        raise typer.Exit(EXIT_USAGE)
    fmt = None if input_format is InFormat.auto else input_format.value
    bad = 0
    stopped = False

    def good_records() -> Iterator[Conversation]:
        nonlocal bad, stopped
        for rec in read_path(input, fmt):
            if isinstance(rec, InputError):
                bad += 1
                _err(f"error: {rec}")
                if strict:
                    stopped = True
                    return
                continue
            yield rec

    show = sys.stderr.isatty() if progress is None else progress
    out: TextIO
    # Fix (bad-input tests): a JSON "\ud800" escape yields a lone surrogate, which UTF-8 cannot
    # encode; --format table echoed it and crashed. backslashreplace writes it back as \ud800.
    if output == "-":
        out = sys.stdout
        if isinstance(out, io.TextIOWrapper):
            out.reconfigure(errors="backslashreplace")
    else:
        # Fix (CLI tests): an unwritable --output was a traceback; it is a usage error (exit 2).
        try:
            out = open(output, "w", encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            _err(f"error: [E010] cannot write {output}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_USAGE) from None
    try:
        with ExitStack() as stack:
            if dask is None:
                stream: Iterator[Analysis] = default_pipeline().analyze_many(good_records(), batch_size=256)
            else:
                stream = _dask_stream(stack, dask, workers, good_records())
            _write(stream, out, format, show)
    except HeartdeskError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        raise typer.Exit(EXIT_OK) from None
    finally:
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    if stopped:
        raise typer.Exit(EXIT_STRICT)
    if bad:
        _err(f"{bad} record(s) skipped")
        raise typer.Exit(EXIT_BAD_RECORDS)


@app.command()
def signals(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable list.")] = False,
) -> None:
    """List every registered detector: name, version, the role it reads and the labels it produces."""
    from heartdesk.signals.base import registered

    rows = []
    for name, cls in registered().items():
        doc = (cls.__doc__ or "").strip().splitlines()
        rows.append(
            {
                "name": name,
                "version": getattr(cls, "version", "?"),
                "reads": getattr(cls, "reads", "?"),
                "requires": list(getattr(cls, "requires", ())),
                "produces": list(getattr(cls, "produces", ())),
                "about": doc[0] if doc else "",
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    width = max(len(r["name"]) for r in rows) if rows else 10
    for r in rows:
        print(f"{r['name']:<{width}}  v{r['version']:<6} reads {r['reads']:<8}  -> {', '.join(r['produces'])}")
        if r["about"]:
            print(f"{'':<{width}}  {r['about']}")


@app.command("eval")
def eval_(
    data: Annotated[Path, typer.Option("--data", help="Folder of labelled datasets.")] = Path("../shared/datasets"),
    only: Annotated[list[str] | None, typer.Option("--only", help="Evaluate only these datasets (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Precision/recall/F1 per label and emotion/tone figures on the dev splits in DATA."""
    from heartdesk.evaluation.runner import run

    raise typer.Exit(run(data, only=only, as_json=as_json))


@train_app.command("emotion")
def train_emotion(
    data: Annotated[Path, typer.Option("--data", help="Folder holding goemotions/ (train.tsv, dev.tsv).")] = Path(
        "../shared/datasets"
    ),
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the model (default: the shipped file).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same model.")] = 13,
    teacher: Annotated[
        Path | None,
        typer.Option("--teacher", help="Teacher logits from scripts/teacher_goemotions.py: the heads learn its labels."),
    ] = None,
    fine_multi_label: Annotated[
        float | None,
        typer.Option(
            "--fine-multi-label",
            help="With --teacher: the 28-label head also learns every label whose teacher sigmoid reaches this.",
        ),
    ] = None,
    hidden: Annotated[
        int,
        typer.Option(
            "--hidden",
            help="Fit both heads as one network with this many hidden units (the shipped model: 32); 0: linear SVMs.",
        ),
    ] = 0,
) -> None:
    """Train the customer-emotion model from GoEmotions (Apache-2.0). Needs the 'train' extra."""
    from heartdesk.models.train_emotion import main as train_main

    raise typer.Exit(train_main(data_dir=data, out=out, seed=seed, teacher=teacher, fine_multi=fine_multi_label, hidden=hidden))


@native_app.command("status")
def native_status() -> None:
    """Say whether the compiled build is usable (exit 0) or not (exit 1), and why."""
    from heartdesk import native

    files, reason = native.check()
    typer.echo(("usable: " if files else "not usable: ") + reason)
    raise typer.Exit(0 if files else 1)


@native_app.command("build")
def native_build(
    if_stale: Annotated[bool, typer.Option("--if-stale", help="Do nothing when the build matches the sources.")] = False,
) -> None:
    """Compile the engine's hot modules with mypyc (needs the 'dev' extra, a C compiler and Python headers)."""
    from heartdesk import native

    if if_stale and native.check()[0] is not None:
        raise typer.Exit(0)
    try:
        native.build()
    except native.NativeBuildError as exc:
        _err(f"compiled build not made: {exc}")
        raise typer.Exit(1) from exc
    typer.echo(native.check()[1])


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    upgrade: Annotated[bool, typer.Option("--upgrade/--no-upgrade", help="Bring the database schema up to date first.")] = True,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Server processes. Analysis is CPU-bound and one process serves one request at a time: "
            "use about one per core for many concurrent clients.",
        ),
    ] = 1,
    coach_processes: Annotated[
        int | None,
        typer.Option(
            "--coach-processes",
            min=0,
            help="Review processes behind each server process, fed from one queue (docs/coach.md); "
            "default HEARTDESK_COACH_PROCESSES, else 0: reviews run in the server process.",
        ),
    ] = None,
) -> None:
    """Serve the desk's HTTP API (OpenAPI at /docs) on HEARTDESK_DATABASE_URL (default ./heartdesk.db)."""
    import os

    import uvicorn

    if coach_processes is not None:
        os.environ["HEARTDESK_COACH_PROCESSES"] = str(coach_processes)  # read by each server process's app

    from heartdesk.desk import migrate
    from heartdesk.desk.db import make_engine
    from heartdesk.desk.settings import load_settings
    from heartdesk.web import create_app

    settings = load_settings()
    if upgrade:
        engine = make_engine(settings.database_url, settings=settings)
        try:
            migrate.upgrade(engine=engine)
        finally:
            engine.dispose()
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    else:
        # Several processes need the app by import path; each builds it from the same HEARTDESK_* settings.
        uvicorn.run("heartdesk.web.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


def _mount_optional_commands() -> None:
    """Commands whose modules belong to other rooms (triage, desk) live there and are mounted here."""
    from heartdesk.desk.cli import db_app
    from heartdesk.triage.cli import triage_command

    app.command("triage")(triage_command)
    app.add_typer(db_app, name="db")
    from heartdesk.demo.cli import demo_command

    app.command("demo")(demo_command)
    from heartdesk.coach.cli import coach_command

    app.command("coach")(coach_command)


_mount_optional_commands()


def main() -> None:
    try:
        app()
    except HeartdeskError as exc:
        _err(f"error: {exc}")
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
