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
from heartdesk.signals.lexicon import Lexicon, LexiconError, parse, top_level_alternatives

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


_STOP = set("\\[](){}|.^$*+?'")  # a literal prefix stops at these (an apostrophe becomes a class in lexicons)
_QUANT = set("?*{+")
_ESCAPED = "?.()[]{}|*+$^-"  # an escaped one of these is literal text


def _literal(alt: str) -> tuple[str, int]:
    """The literal text every match of ``alt`` starts with ("" when it starts with a class or escape),
    and how many pattern characters it took."""
    out: list[str] = []
    i = 0
    while i < len(alt):
        c = alt[i]
        if c == "\\" and i + 1 < len(alt) and alt[i + 1] in _ESCAPED:
            ch, step = alt[i + 1], 2
        elif c in _STOP:
            break
        else:
            ch, step = c, 1
        if i + step < len(alt) and alt[i + step] in _QUANT:
            break  # this character is optional or repeated
        out.append(ch)
        i += step
    return "".join(out).lower(), i


def _class_end(pattern: str, i: int) -> int:
    """Index just past the character class that starts at ``pattern[i] == '['``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1  # a leading ] is a literal member
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def gate(pattern: str) -> frozenset[str] | None:
    """Substrings of which every match of ``pattern`` contains one (lower-cased), or None.

    Looks at the pattern's required top-level pieces — a run of literal characters, or a
    non-capturing group every alternative of which starts with literal text — and keeps
    the most selective. Checking ``any(s in text.lower() for s in gate)`` is a few
    hundred nanoseconds, while the regex costs tens of microseconds per message, so a
    pattern only runs on messages that could match it. The gate only skips work: a
    pattern it cannot analyse gets None and always runs.
    """
    if len(top_level_alternatives(pattern)) > 1:
        return None  # a top-level alternation: no single piece is required
    best: frozenset[str] | None = None
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "(":
            depth, j = 0, i
            while j < n:
                if pattern[j] == "\\":
                    j += 2
                    continue
                depth += pattern[j] == "("
                depth -= pattern[j] == ")"
                if depth == 0:
                    break
                j += 1
            if j >= n:
                return best
            optional = j + 1 < n and pattern[j + 1] in "?*{"
            body = pattern[i + 1 : j]
            if not optional and body.startswith("?:"):
                lits = [_literal(a)[0] for a in top_level_alternatives(body[2:])]
                if all(lits):
                    best = _better(best, frozenset(lits))
            i = j + 1
        elif c == "[":
            i = _class_end(pattern, i)  # one character of a set: no literal text
        elif c == "\\" and i + 1 < n and pattern[i + 1] not in _ESCAPED:
            i += 2  # \b, \s, \w...: not literal text
        elif c in _STOP and c != "\\":
            i += 1
        else:
            lit, used = _literal(pattern[i:])
            if lit:
                best = _better(best, frozenset([lit]))
            # A character left out before a quantifier (the "u" of "colou?r") is skipped with it.
            i += used if used else 1
    return best


def _better(a: frozenset[str] | None, b: frozenset[str]) -> frozenset[str]:
    if a is None:
        return b
    return b if min(map(len, b)) > min(map(len, a)) else a


@dataclass(frozen=True, slots=True)
class Detected:
    """The detected level, the customer turn and span that show it (None when the default was used)."""

    level: Severity
    turn: int | None
    start: int
    end: int
    evidence: str


Rule = tuple[frozenset[str] | None, Lexicon]  # (gate, one pattern with the level's vetoes)


@dataclass(frozen=True, slots=True)
class SeverityRules:
    version: str
    origin: str
    default: Severity
    levels: tuple[tuple[Severity, tuple[Rule, ...]], ...]

    def detect(self, texts: Iterable[tuple[int, str]], *, use_gates: bool = True) -> Detected:
        """Most severe level matched in any of the (turn index, customer text) pairs; within a
        level, the earliest turn and the leftmost match in it. ``use_gates=False`` runs every
        pattern (tests check it gives the same answer)."""
        items = [(index, text, text.lower()) for index, text in texts]
        for level, rules in self.levels:
            for index, text, low in items:
                first = None
                for g, lexicon in rules:
                    if use_gates and g is not None and not any(map(low.__contains__, g)):
                        continue
                    hit = next(lexicon.hits(text), None)
                    if hit is not None and (first is None or (hit.start, -hit.end) < (first.start, -first.end)):
                        first = hit
                if first is not None:
                    return Detected(level, index, first.start, first.end, text[first.start : first.end])
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
    levels: list[tuple[Severity, tuple[Rule, ...]]] = []
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
        patterns = lv["patterns"]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns) or not patterns:
            raise SeverityError("E621", f"{where}: levels[{i}].patterns must be a non-empty list of strings")
        rules: list[Rule] = []
        # One small lexicon per pattern, so each runs only when its gate lets the message through.
        for j, pattern in enumerate(patterns):
            lexicon_data: dict[str, object] = {
                "label": name,
                "reads": "customer",
                "version": version,
                "origin": origin,
                "explanation": str(lv.get("explanation", name)),
                "patterns": [{"pattern": pattern}],
                "unless": [{"pattern": p} for p in lv.get("unless", [])],
            }
            try:
                rules.append((gate(pattern), parse(lexicon_data, f"{where} levels[{i}] ({name}) patterns[{j}]")))
            except LexiconError as exc:
                raise SeverityError("E622", exc.message) from exc
        levels.append((name, tuple(rules)))
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
