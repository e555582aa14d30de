"""Grouping quality on the labelled set ``data/incidents_eval.jsonl``.

The set is split in two halves by time (see :func:`split`): the earlier incidents and
singletons form the ``tune`` half, the later ones the ``test`` half. The
default thresholds of :class:`~heartdesk.incidents.grouping.Config` were chosen on ``tune``
(:func:`sweep`); ``test`` is the held-out figure. Each half is grouped on its own.

Metrics: pairwise precision / recall / F1 (a pair of tickets is positive when both carry
the same incident label; singletons, labelled null, form no pair) and B-cubed precision /
recall / F1 (per ticket, singletons counting as their own cluster).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from heartdesk.incidents.grouping import Config, Ticket, group

__all__ = ["DEFAULT_PATH", "evaluate", "load", "scores", "split", "sweep"]

DEFAULT_PATH = "incidents_eval.jsonl"


def _read(path: str | Path | None) -> str:
    if path is None:
        return resources.files("heartdesk.incidents").joinpath("data", DEFAULT_PATH).read_text(encoding="utf-8")
    return Path(path).read_text(encoding="utf-8")


def load(path: str | Path | None = None) -> list[Ticket]:
    """The labelled tickets (``Ticket.incident`` holds the label)."""
    out: list[Ticket] = []
    for n, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            at = datetime.fromisoformat(str(row["created_at"]).replace("Z", "+00:00"))
            out.append(Ticket(str(row["id"]), str(row["customer_id"]), at, str(row["text"]), row["incident"]))
        except (KeyError, ValueError) as e:
            raise ValueError(f"line {n}: {e}") from e
    return out


def split(tickets: Sequence[Ticket]) -> dict[str, list[Ticket]]:
    """The ``tune`` and ``test`` halves, split by time so that incidents open together (the
    hard decoys) stay in the same half: an incident goes by its first ticket, a singleton by
    its own time; the earlier half of these start times is ``tune``."""
    start: dict[str, datetime] = {}
    for t in tickets:
        key = t.incident or t.id
        start[key] = min(start.get(key, t.created_at), t.created_at)
    ordered = sorted(start.values())
    cut = ordered[len(ordered) // 2] if ordered else None
    halves: dict[str, list[Ticket]] = {"tune": [], "test": []}
    for t in tickets:
        halves["tune" if cut is not None and start[t.incident or t.id] < cut else "test"].append(t)
    return halves


def _prf(p_num: float, p_den: float, r_num: float, r_den: float) -> tuple[float, float, float]:
    p = p_num / p_den if p_den else 1.0
    r = r_num / r_den if r_den else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def scores(tickets: Sequence[Ticket], cfg: Config | None = None) -> dict[str, Any]:
    """Group ``tickets`` and score the groups against their labels."""
    groups = group(tickets, cfg)
    pred = {m: g.id for g in groups for m in g.members}
    gold = {t.id: (t.incident or f"single:{t.id}") for t in tickets}
    ids = sorted(gold)
    tp = fp = fn = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            same_p = pred[a] == pred[b]
            same_g = gold[a] == gold[b]
            tp += same_p and same_g
            fp += same_p and not same_g
            fn += same_g and not same_p
    p, r, f = _prf(tp, tp + fp, tp, tp + fn)
    by_p: dict[str, set[str]] = {}
    by_g: dict[str, set[str]] = {}
    for t in ids:
        by_p.setdefault(pred[t], set()).add(t)
        by_g.setdefault(gold[t], set()).add(t)
    bp = sum(len(by_p[pred[t]] & by_g[gold[t]]) / len(by_p[pred[t]]) for t in ids) / max(len(ids), 1)
    br = sum(len(by_p[pred[t]] & by_g[gold[t]]) / len(by_g[gold[t]]) for t in ids) / max(len(ids), 1)
    bf = 2 * bp * br / (bp + br) if bp + br else 0.0
    return {
        "tickets": len(ids),
        "incidents": len({t.incident for t in tickets if t.incident}),
        "groups": sum(1 for g in groups if len(g.members) > 1),
        "pairwise": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn},
        "bcubed": {"precision": round(bp, 4), "recall": round(br, 4), "f1": round(bf, 4)},
    }


def evaluate(path: str | Path | None = None, cfg: Config | None = None) -> dict[str, Any]:
    """Scores on the ``tune`` half, the held-out ``test`` half and the whole set."""
    cfg = cfg or Config()
    tickets = load(path)
    halves = split(tickets)
    return {
        "threshold": cfg.threshold,
        "window_hours": cfg.window.total_seconds() / 3600,
        "tune": scores(halves["tune"], cfg),
        "test": scores(halves["test"], cfg),
        "all": scores(tickets, cfg),
    }


def sweep(thresholds: Sequence[float], path: str | Path | None = None, cfg: Config | None = None) -> list[tuple[float, float]]:
    """Pairwise F1 on the ``tune`` half for each threshold (how the default was chosen)."""
    from dataclasses import replace

    base = cfg or Config()
    tune = split(load(path))["tune"]
    return [(t, float(scores(tune, replace(base, threshold=t))["pairwise"]["f1"])) for t in thresholds]
