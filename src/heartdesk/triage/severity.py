"""Severity of a customer's problem: given on the ticket, or read from the customer's text.

Levels, most severe first: ``service_down``, ``blocked``, ``degraded``, ``question``,
``feedback``. The rule lexicon is data (``severity.toml`` beside this module) and is
loaded with the same code as the signal lexicons, so the pattern format, the
typographic-apostrophe handling and the per-sentence ``unless`` vetoes are shared.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from heartdesk.errors import HeartdeskError
from heartdesk.signals.lexicon import Lexicon, LexiconError, parse

Severity = Literal["service_down", "blocked", "degraded", "question", "feedback"]
SEVERITIES: tuple[Severity, ...] = ("service_down", "blocked", "degraded", "question", "feedback")

_ALIASES: dict[str, Severity] = {
    "down": "service_down",
    "outage": "service_down",
    "service down": "service_down",
    "service-down": "service_down",
    "servicedown": "service_down",
    "cosmetic": "degraded",
    "minor": "degraded",
}


class SeverityError(HeartdeskError):
    pass


def normalize(value: object) -> Severity:
    """A severity name from a ticket field (``"Service down"``, ``"service-down"``, ``"outage"``...).

    Raises SeverityError E620 naming the accepted values when it is not one.
    """
    if isinstance(value, str):
        key = value.strip().lower()
        for s in SEVERITIES:
            if key == s or key == s.replace("_", " ") or key == s.replace("_", "-"):
                return s
        if key in _ALIASES:
            return _ALIASES[key]
    raise SeverityError("E620", f"severity {value!r} is not one of {', '.join(SEVERITIES)}")


@dataclass(frozen=True, slots=True)
class Detected:
    """The detected level, the customer turn and span that show it (None when the default was used)."""

    level: Severity
    turn: int | None
    start: int
    end: int
    evidence: str


@dataclass(frozen=True, slots=True)
class SeverityRules:
    version: str
    origin: str
    default: Severity
    levels: tuple[tuple[Severity, Lexicon], ...]

    def detect(self, texts: Iterable[tuple[int, str]]) -> Detected:
        """Most severe level matched in any of the (turn index, customer text) pairs."""
        items = list(texts)
        for level, lexicon in self.levels:
            for index, text in items:
                for hit in lexicon.hits(text):
                    return Detected(level, index, hit.start, hit.end, text[hit.start : hit.end])
        return Detected(self.default, None, 0, 0, "")


def parse_rules(data: dict[str, Any], where: str) -> SeverityRules:
    try:
        version = str(data.get("version", "1"))
        origin = str(data["origin"])
        default = normalize(data.get("default", "question"))
        raw_levels = data["levels"]
    except KeyError as exc:
        raise SeverityError("E621", f"{where}: missing key {exc.args[0]!r}") from exc
    except SeverityError as exc:
        raise SeverityError("E621", f"{where}: default: {exc.message}") from exc
    if not isinstance(raw_levels, list) or not raw_levels:
        raise SeverityError("E621", f"{where}: 'levels' must be a non-empty list of tables")
    levels: list[tuple[Severity, Lexicon]] = []
    seen: set[str] = set()
    for i, lv in enumerate(raw_levels):
        if not isinstance(lv, dict) or "name" not in lv or "patterns" not in lv:
            raise SeverityError("E621", f"{where}: levels[{i}] needs 'name' and 'patterns'")
        try:
            name = normalize(lv["name"])
        except SeverityError as exc:
            raise SeverityError("E621", f"{where}: levels[{i}]: {exc.message}") from exc
        if name in seen:
            raise SeverityError("E621", f"{where}: level {name!r} is listed twice")
        seen.add(name)
        lexicon_data: dict[str, object] = {
            "label": name,
            "reads": "customer",
            "version": version,
            "origin": origin,
            "explanation": str(lv.get("explanation", name)),
            "patterns": [{"pattern": p} for p in lv["patterns"]],
            "unless": [{"pattern": p} for p in lv.get("unless", [])],
        }
        try:
            levels.append((name, parse(lexicon_data, f"{where} levels[{i}] ({name})")))
        except LexiconError as exc:
            raise SeverityError("E622", exc.message) from exc
    # Precedence is the order of SEVERITIES whatever the file order, so a reordered file cannot
    # make "question" beat "service_down".
    levels.sort(key=lambda pair: SEVERITIES.index(pair[0]))
    return SeverityRules(version, origin, default, tuple(levels))


def load_rules(path: str | Path) -> SeverityRules:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SeverityError("E623", f"cannot read severity rules {path}: {exc}") from exc
    return parse_rules(data, str(path))


@cache
def default_rules() -> SeverityRules:
    """The shipped rules (``heartdesk/triage/severity.toml``)."""
    text = resources.files("heartdesk.triage").joinpath("severity.toml").read_text(encoding="utf-8")
    return parse_rules(tomllib.loads(text), "triage/severity.toml")


def detect(texts: Iterable[str], rules: SeverityRules | None = None) -> Severity:
    """Severity of a problem described in ``texts`` (the customer's messages)."""
    return (rules or default_rules()).detect(enumerate(texts)).level
