"""Rule lexicons are data (TOML files in ``signals/lexicons/``), not code.

A lexicon file looks like::

    label = "confrontational"
    reads = "agent"
    version = "1"
    origin = "Seed 002 plus variants written by the heartdesk team"
    explanation = "A confrontational statement; ask a question instead."

    [[patterns]]
    pattern = '''\\bi don't understand (?:you|what you mean)\\b'''
    confidence = 0.9
    suggestion = "Can you give me more information?"

    [[unless]]            # optional: a sentence matching one of these is not a hit
    pattern = '''\\bi wish\\b'''

Patterns are Python regular expressions matched case-insensitively on the
untouched text. A straight apostrophe in a pattern also matches the typographic
ones (’ and ʼ), because customers and agents type both. Patterns may not use
capturing groups (use ``(?:...)``): the loader wraps each in a named group to
know which one matched, with one regex pass per lexicon.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from heartdesk.errors import HeartdeskError
from heartdesk.signals.text import sentence_bounds, widen_apostrophes


class LexiconError(HeartdeskError):
    pass


@dataclass(frozen=True, slots=True)
class Rule:
    confidence: float
    explanation: str
    suggestion: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    rule: Rule


@dataclass(frozen=True, slots=True)
class Lexicon:
    label: str
    reads: str
    version: str
    origin: str
    explanation: str
    regex: re.Pattern[str]
    rules: tuple[Rule, ...]
    unless: re.Pattern[str] | None

    def hits(self, text: str) -> Iterator[Hit]:
        """Every rule match in ``text``; a match whose sentence trips ``unless`` is skipped."""
        bounds: list[tuple[int, int]] | None = None
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            name = m.lastgroup
            if name is None:  # pragma: no cover - every alternative is a named group
                continue
            rule = self.rules[int(name[1:])]
            if self.unless is not None:
                if bounds is None:
                    bounds = sentence_bounds(text)
                s, e = _sentence_of(bounds, m.start(), len(text))
                if self.unless.search(text, s, e):
                    continue
            yield Hit(m.start(), m.end(), rule)


def _sentence_of(bounds: list[tuple[int, int]], pos: int, n: int) -> tuple[int, int]:
    for s, e in bounds:
        if s <= pos < e:
            return s, e
    return 0, n


def structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth after it)`` of each ``(``, ``)`` and ``|`` of a regex source, skipping
    escapes and character classes: the one walk both alternative splitting and group matching need."""
    depth = 0
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()|":
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def top_level_alternatives(pattern: str) -> list[str]:
    """Split ``a|b|c`` at the top level (outside groups and character classes).

    The fast matchers (agent, customer, severity) gate each alternative by its own words.
    """
    parts: list[str] = []
    start = 0
    for i, ch, depth in structure(pattern):
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _prepare(pattern: str, where: str) -> str:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise LexiconError("E110", f"{where}: invalid pattern {pattern!r}: {exc}") from exc
    if compiled.groups:
        raise LexiconError("E111", f"{where}: pattern {pattern!r} has a capturing group; use (?:...)")
    return widen_apostrophes(pattern)


def parse(data: dict[str, object], where: str) -> Lexicon:
    try:
        label = str(data["label"])
        reads = str(data.get("reads", "any"))
        version = str(data.get("version", "1"))
        origin = str(data["origin"])
        default_expl = str(data["explanation"])
        raw_patterns = data["patterns"]
    except KeyError as exc:
        raise LexiconError("E112", f"{where}: missing key {exc.args[0]!r}") from exc
    if reads not in ("customer", "agent", "any"):
        raise LexiconError("E113", f"{where}: reads must be customer, agent or any, not {reads!r}")
    if not isinstance(raw_patterns, list) or not raw_patterns:
        raise LexiconError("E112", f"{where}: 'patterns' must be a non-empty list")
    alts: list[str] = []
    rules: list[Rule] = []
    for i, p in enumerate(raw_patterns):
        if not isinstance(p, dict) or "pattern" not in p:
            raise LexiconError("E112", f"{where}: patterns[{i}] needs a 'pattern'")
        conf = float(p.get("confidence", 0.8))
        if not 0.0 <= conf <= 1.0:
            raise LexiconError("E114", f"{where}: patterns[{i}] confidence {conf} is outside 0..1")
        alts.append(f"(?P<p{i}>{_prepare(str(p['pattern']), f'{where} patterns[{i}]')})")
        sugg = p.get("suggestion")
        rules.append(Rule(conf, str(p.get("explanation", default_expl)), None if sugg is None else str(sugg)))
    unless_raw = data.get("unless", [])
    unless = None
    if isinstance(unless_raw, list) and unless_raw:
        parts = [_prepare(str(u["pattern"]), f"{where} unless[{j}]") for j, u in enumerate(unless_raw)]
        unless = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    regex = re.compile("|".join(alts), re.IGNORECASE)
    return Lexicon(label, reads, version, origin, default_expl, regex, tuple(rules), unless)


def load_file(path: Path) -> Lexicon:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError("E115", f"cannot read lexicon {path}: {exc}") from exc
    return parse(data, str(path))


@cache
def builtin(name: str) -> Lexicon:
    """The lexicon shipped as ``signals/lexicons/<name>.toml``."""
    res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
    try:
        text = res.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LexiconError("E116", f"no built-in lexicon named {name!r}") from exc
    return parse(tomllib.loads(text), f"lexicons/{name}.toml")
