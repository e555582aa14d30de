"""``heartdesk eval``: run every dataset evaluation, print the figures against their targets.

Each dataset is a module ``heartdesk.evaluation.<name>`` exposing
``evaluate(data_dir: Path) -> EvalResult``. They are imported lazily and one at a
time, so a dataset whose module is missing, whose files are absent or whose
evaluation raises is reported on its own line and the others still run: a partial
table is worth more than a traceback. Only a DATA folder that does not exist (or an
unknown ``--only`` name) is an error of the command itself (exit 2).

Output: a plain table (dataset, metric, value, target, met?) with timings, then a
Markdown section ready to paste into docs/accuracy.md, then a one-line summary of
targets met. ``--json`` prints the same figures as one JSON document instead.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from heartdesk.evaluation import EvalResult, Metric

#: Dataset modules, in the order they are run and printed.
DATASETS: tuple[str, ...] = ("goemotions", "esconv", "politeness", "ucc", "talkdown", "airline", "complaints", "intents")

EXIT_OK, EXIT_USAGE = 0, 2


@dataclass(slots=True)
class Outcome:
    """What happened to one dataset: a result, or why there is none."""

    name: str
    status: str  # "ok" | "missing" | "error"
    seconds: float
    result: EvalResult | None = None
    error: str = ""
    trace: list[str] = field(default_factory=list)


def _evaluate(name: str, data_dir: Path) -> Outcome:
    module_name = f"heartdesk.evaluation.{name}"
    t0 = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return Outcome(name, "missing", time.perf_counter() - t0, error=f"no evaluation module {module_name}")
        # The module exists but imports something absent (e.g. a training extra).
        return Outcome(name, "error", time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}", trace=_trace(exc))
    except Exception as exc:  # a broken module must not stop the others
        return Outcome(name, "error", time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}", trace=_trace(exc))
    evaluate = getattr(module, "evaluate", None)
    if not callable(evaluate):
        return Outcome(name, "error", time.perf_counter() - t0, error=f"{module_name} has no evaluate(data_dir)")
    try:
        result = evaluate(data_dir)
    except Exception as exc:
        return Outcome(name, "error", time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}", trace=_trace(exc))
    seconds = time.perf_counter() - t0
    if not isinstance(result, EvalResult):
        return Outcome(name, "error", seconds, error=f"evaluate() returned {type(result).__name__}, not EvalResult")
    return Outcome(name, "ok", seconds, result=result)


def _trace(exc: BaseException) -> list[str]:
    """The last few frames, enough to find the line without flooding the table."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    return [f"{f.filename}:{f.lineno} in {f.name}" for f in frames]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _met(m: Metric) -> str:
    return "-" if m.met is None else ("yes" if m.met else "NO")


def _summary(outcomes: list[Outcome]) -> tuple[int, int, int]:
    """(targets met, targets measured, datasets without figures)."""
    met = total = 0
    for o in outcomes:
        if o.result is None:
            continue
        for m in o.result.metrics:
            if m.target is not None:
                total += 1
                met += bool(m.met)
    return met, total, sum(1 for o in outcomes if o.result is None)


def _rows(outcomes: list[Outcome]) -> list[tuple[str, str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str, str]] = []
    for o in outcomes:
        if o.result is None:
            continue
        label = f"{o.name} ({o.result.split})" if o.result.split else o.name
        for m in o.result.metrics:
            rows.append((label, m.name, _fmt(m.value), _fmt(m.target), _met(m), str(m.n) if m.n else ""))
    return rows


def _print_table(outcomes: list[Outcome], total_seconds: float) -> None:
    header = ("dataset", "metric", "value", "target", "met?", "n")
    rows = _rows(outcomes)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("{:<" + str(w) + "}" for w in widths)
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line.format(*r))
    print()
    for o in outcomes:
        if o.status == "ok" and o.result is not None:
            note = f"  ({o.result.notes})" if o.result.notes else ""
            print(f"{o.name}: {len(o.result.metrics)} figure(s) in {o.seconds:.1f}s{note}")
        elif o.status == "missing":
            print(f"{o.name}: not evaluated: {o.error}")
        else:
            print(f"{o.name}: FAILED after {o.seconds:.1f}s: {o.error}")
            for frame in o.trace:
                print(f"    at {frame}")
    print(f"total: {total_seconds:.1f}s")


def _markdown(outcomes: list[Outcome], data_dir: Path, only: list[str] | None) -> str:
    from heartdesk import __version__

    cmd = "heartdesk eval" + (f" --data {data_dir}" if str(data_dir) != "../shared/datasets" else "")
    cmd += "".join(f" --only {n}" for n in only or [])
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    out = [
        f"Measured with `{cmd}` (heartdesk {__version__}, {when}).",
        "",
        "| dataset | metric | value | target | met? | n |",
        "|---|---|---:|---:|:---:|---:|",
    ]
    out += [f"| {d} | {m} | {v} | {t} | {ok} | {n} |" for d, m, v, t, ok, n in _rows(outcomes)]
    for o in outcomes:
        if o.result is None:
            out.append(f"| {o.name} | not evaluated: {o.error.replace('|', '/')} | | | | |")
    return "\n".join(out)


def _jsonable(value: Any) -> Any:
    """json.dumps fallback for numpy scalars/arrays and other oddities in Metric.detail."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__dataclass_fields__"):
        return {k: getattr(value, k) for k in value.__dataclass_fields__}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _finite(value: float) -> float | None:
    """NaN/inf (e.g. a correlation over constant scores) would make invalid JSON: report null."""
    return value if math.isfinite(value) else None


def _to_json(outcomes: list[Outcome], data_dir: Path, total_seconds: float) -> dict[str, Any]:
    met, total, failed = _summary(outcomes)
    results: list[dict[str, Any]] = []
    for o in outcomes:
        d: dict[str, Any] = {"dataset": o.name, "status": o.status, "seconds": round(o.seconds, 3)}
        if o.result is not None:
            d["split"] = o.result.split
            d["notes"] = o.result.notes
            d["metrics"] = [
                {"name": m.name, "value": _finite(m.value), "target": m.target, "met": m.met, "n": m.n, "detail": m.detail}
                for m in o.result.metrics
            ]
        else:
            d["error"] = o.error
        results.append(d)
    return {
        "data": str(data_dir),
        "results": results,
        "summary": {"targets_met": met, "targets": total, "datasets_without_figures": failed},
        "seconds": round(total_seconds, 3),
    }


def run(data_dir: Path, only: list[str] | None, as_json: bool) -> int:
    """Evaluate the datasets in ``data_dir`` (all, or ``only`` these) and print the figures."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        print(f"error: [E301] dataset folder {data_dir} does not exist; pass --data DIR", file=sys.stderr)
        return EXIT_USAGE
    names = list(DATASETS)
    if only:
        unknown = [n for n in only if n not in DATASETS]
        if unknown:
            print(f"error: [E302] unknown dataset(s) {unknown}; known: {', '.join(DATASETS)}", file=sys.stderr)
            return EXIT_USAGE
        names = [n for n in DATASETS if n in only]
    t0 = time.perf_counter()
    outcomes: list[Outcome] = []
    for name in names:
        print(f"evaluating {name} ...", file=sys.stderr, flush=True)
        outcomes.append(_evaluate(name, data_dir))
    total_seconds = time.perf_counter() - t0
    if as_json:
        print(json.dumps(_to_json(outcomes, data_dir, total_seconds), indent=2, default=_jsonable))
        return EXIT_OK
    _print_table(outcomes, total_seconds)
    print()
    print("---- Markdown for docs/accuracy.md ----")
    print(_markdown(outcomes, data_dir, only))
    print("---------------------------------------")
    met, total, failed = _summary(outcomes)
    tail = f"; {failed} dataset(s) without figures" if failed else ""
    print(f"targets met: {met}/{total}{tail}")
    return EXIT_OK
