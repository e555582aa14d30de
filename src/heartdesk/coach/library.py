"""The phrase library: replacement rules and the sentences the coach offers, loaded from data files.

The shipped library is ``coach/data/*.toml``. A team extends it with one TOML file of the same
sections (``PhraseLibrary.load(path)``, ``heartdesk coach --library FILE``): its replacement
rules are tried before the shipped ones, its statements join the rotation, and its single
values (a fallback, a feeling word) override the shipped ones. A bad file is refused whole
with a numbered error (E701-E705), never half-applied.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from heartdesk.coach.errors import CoachError
from heartdesk.coach.types import PROBLEM_LABELS

_FILES = ("replacements", "empathy", "gestures", "ownership", "wait", "paraphrase")
_SECTIONS = frozenset(
    {
        "version",
        "replacements",
        "fallback",
        "why",
        "feelings",
        "situations",
        "emotions",
        "acknowledged",
        "trouble",
        "apology",
        "gestures",
    }
    | {"ownership", "when", "offer", "wait", "paraphrase"}
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_RULE_KEYS = frozenset({"label", "pattern", "template", "template_rest", "rest", "position", "why"})
#: Placeholders each kind of text may use (a rule may also use its pattern's named groups).
_ALLOWED = {
    "rule": {"rest", "offer", "when", "team", "clause", "facts"},
    "empathy": {"feeling"},
    "gesture": {"amount"},
    "ownership": {"when"},
    "wait": {"position", "reason", "eta"},
    "paraphrase": {"issue"},
}
#: The rest of a clause after a replacement rule's match (``rest = true``).
REST = r"(?P<rest>(?:[^.!?;,\n]|[.!?;,](?=[^\s.!?;,]))*)"


@dataclass(frozen=True, slots=True)
class Rule:
    """A regex over the sentence holding a finding, and the words to put in its place."""

    label: str
    pattern: re.Pattern[str]
    template: str
    template_rest: str | None
    position: str  # "any", "start" (the match opens its sentence) or "end" (it closes it)
    why: str | None


@dataclass(frozen=True, slots=True)
class Situation:
    name: str
    cues: tuple[re.Pattern[str], ...]
    statements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gesture:
    name: str
    level: int
    situations: tuple[str, ...]
    statements: tuple[str, ...]
    offer: str


@dataclass(frozen=True, slots=True)
class PhraseLibrary:
    rules: tuple[Rule, ...]
    fallback: Mapping[str, str]
    why: Mapping[str, str]
    feelings: Mapping[str, str]
    situations: tuple[Situation, ...]
    emotions: Mapping[str, tuple[str, ...]]
    acknowledged: tuple[re.Pattern[str], ...]
    trouble: tuple[re.Pattern[str], ...]
    apologies: tuple[str, ...]
    gestures: Mapping[str, Gesture]
    ownership: tuple[str, ...]
    when: tuple[str, ...]
    offers: tuple[str, ...]
    wait: tuple[str, ...]
    paraphrase: tuple[str, ...]

    @classmethod
    def default(cls) -> PhraseLibrary:
        """The shipped library (built once per process)."""
        return _default()

    @classmethod
    def load(cls, path: str | Path) -> PhraseLibrary:
        """The shipped library extended by the TOML file at ``path``."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CoachError("E701", f"cannot read the phrase library {path}: {exc}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CoachError("E702", f"the phrase library {path} is not valid TOML: {exc}") from None
        return _build(_merge(_default_raw(), data, str(path)), str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhraseLibrary:
        """The shipped library extended by ``data`` (the same sections as a library file)."""
        return _build(_merge(_default_raw(), dict(data), "<dict>"), "<dict>")


def render(template: str, values: Mapping[str, str | None]) -> str:
    """Fill ``{name}`` placeholders; ``[...]`` segments survive only if all theirs have values."""

    def optional(m: re.Match[str]) -> str:
        inner = m.group(1)
        return inner if all(values.get(n) for n in _PLACEHOLDER.findall(inner)) else ""

    filled = _OPTIONAL.sub(optional, template)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or "", filled)


@cache
def _default_raw() -> dict[str, Any]:
    raw: dict[str, Any] = {}
    root = resources.files("heartdesk.coach") / "data"
    for name in _FILES:
        data = tomllib.loads((root / f"{name}.toml").read_text(encoding="utf-8"))
        data.pop("version", None)
        raw.update(data)
    return raw


@cache
def _default() -> PhraseLibrary:
    return _build(_default_raw(), "the shipped library")


def _merge(base: dict[str, Any], ext: dict[str, Any], source: str) -> dict[str, Any]:
    unknown = sorted(set(ext) - _SECTIONS)
    if unknown:
        raise CoachError("E703", f"{source}: unknown section(s) {unknown}; known: {sorted(_SECTIONS)}")
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    out["replacements"] = _list(ext.get("replacements", []), source, "replacements") + list(base["replacements"])
    for key in ("fallback", "why", "feelings"):
        out[key] = {**base[key], **_table(ext.get(key, {}), source, key)}
    for key in ("situations", "emotions", "gestures"):
        merged = {}
        for name, entry in _table(ext.get(key, {}), source, key).items():
            entry = _table(entry, source, f"{key}.{name}")
            old = base[key].get(name)
            if old is None:
                merged[name] = entry
            else:
                lists = {
                    k: _list(v, source, f"{key}.{name}.{k}") + list(old.get(k, []))
                    for k, v in entry.items()
                    if isinstance(v, list)
                }
                merged[name] = {**old, **entry, **lists}
        # New situations first, so that a team's own situation wins over a shipped one.
        out[key] = {**merged, **{k: v for k, v in base[key].items() if k not in merged}}
    for key, inner in (
        ("acknowledged", "cues"),
        ("trouble", "cues"),
        ("apology", "statements"),
        ("ownership", "statements"),
        ("when", "options"),
        ("offer", "statements"),
        ("wait", "statements"),
        ("paraphrase", "frames"),
    ):
        extra = _list(_table(ext.get(key, {}), source, key).get(inner, []), source, f"{key}.{inner}")
        out[key] = {inner: extra + list(base[key][inner])}
    return out


def _table(value: Any, source: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CoachError("E703", f"{source}: '{where}' must be a table, not {type(value).__name__}")
    return value


def _list(value: Any, source: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise CoachError("E703", f"{source}: '{where}' must be a list, not {type(value).__name__}")
    return value


def _text(value: Any, source: str, where: str, kind: str, extra: frozenset[str] = frozenset()) -> str:
    if not isinstance(value, str):
        raise CoachError("E703", f"{source}: '{where}' must be a string, not {type(value).__name__}")
    bad = sorted(set(_PLACEHOLDER.findall(value)) - _ALLOWED[kind] - extra)
    if bad:
        raise CoachError(
            "E705", f"{source}: '{where}' uses unknown placeholder(s) {bad}; allowed: {sorted(_ALLOWED[kind] | extra)}"
        )
    return value


def _texts(value: Any, source: str, where: str, kind: str) -> tuple[str, ...]:
    items = tuple(_text(v, source, f"{where}[{i}]", kind) for i, v in enumerate(_list(value, source, where)))
    if not items:
        raise CoachError("E703", f"{source}: '{where}' must not be empty")
    return items


def _regex(value: Any, source: str, where: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise CoachError("E703", f"{source}: '{where}' must be a non-empty string")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise CoachError("E704", f"{source}: '{where}' is not a valid regular expression: {exc}") from None


def _rule(entry: Any, source: str, where: str) -> Rule:
    entry = _table(entry, source, where)
    unknown = sorted(set(entry) - _RULE_KEYS)
    if unknown:
        raise CoachError("E703", f"{source}: '{where}' has unknown key(s) {unknown}")
    label = entry.get("label")
    if label not in PROBLEM_LABELS:
        raise CoachError("E703", f"{source}: '{where}.label' must be one of {list(PROBLEM_LABELS)}, not {label!r}")
    rest = entry.get("rest", False)
    if not isinstance(rest, bool):
        raise CoachError("E703", f"{source}: '{where}.rest' must be true or false")
    pattern = _regex(entry.get("pattern"), source, f"{where}.pattern")
    if rest:
        pattern = re.compile(pattern.pattern + REST, re.IGNORECASE)
    groups = frozenset(pattern.groupindex)
    template = _text(entry.get("template"), source, f"{where}.template", "rule", groups)
    template_rest = entry.get("template_rest")
    if template_rest is not None:
        template_rest = _text(template_rest, source, f"{where}.template_rest", "rule", groups)
    position = entry.get("position", "any")
    if position not in ("any", "start", "end"):
        raise CoachError("E703", f"{source}: '{where}.position' must be 'any', 'start' or 'end'")
    why = entry.get("why")
    if why is not None and not isinstance(why, str):
        raise CoachError("E703", f"{source}: '{where}.why' must be a string")
    return Rule(label, pattern, template, template_rest, position, why)


def _build(raw: dict[str, Any], source: str) -> PhraseLibrary:
    rules = tuple(
        _rule(e, source, f"replacements[{i}]") for i, e in enumerate(_list(raw["replacements"], source, "replacements"))
    )
    fallback = {k: _text(v, source, f"fallback.{k}", "rule") for k, v in raw["fallback"].items()}
    missing = [label for label in PROBLEM_LABELS if label not in fallback]
    if missing:
        raise CoachError("E703", f"{source}: 'fallback' lacks {missing}")
    why = {k: _text(v, source, f"why.{k}", "rule") for k, v in raw["why"].items()}
    feelings = {k: _text(v, source, f"feelings.{k}", "empathy") for k, v in raw["feelings"].items()}
    situations = tuple(
        Situation(
            name,
            tuple(
                _regex(c, source, f"situations.{name}.cues") for c in _list(e.get("cues", []), source, f"situations.{name}.cues")
            ),
            _texts(e.get("statements"), source, f"situations.{name}.statements", "empathy"),
        )
        for name, e in raw["situations"].items()
    )
    emotions = {
        name: _texts(_table(e, source, f"emotions.{name}").get("statements"), source, f"emotions.{name}.statements", "empathy")
        for name, e in raw["emotions"].items()
    }
    gestures = {}
    for name, e in raw["gestures"].items():
        level = e.get("level", 2)
        if not isinstance(level, int) or not 1 <= level <= 3:
            raise CoachError("E703", f"{source}: 'gestures.{name}.level' must be 1, 2 or 3")
        where = tuple(str(s) for s in _list(e.get("situations", []), source, f"gestures.{name}.situations"))
        offer = _text(e.get("offer", ""), source, f"gestures.{name}.offer", "gesture")
        gestures[name] = Gesture(
            name, level, where, _texts(e.get("statements"), source, f"gestures.{name}.statements", "gesture"), offer
        )
    return PhraseLibrary(
        rules=rules,
        fallback=fallback,
        why=why,
        feelings=feelings,
        situations=situations,
        emotions=emotions,
        acknowledged=tuple(
            _regex(c, source, "acknowledged.cues") for c in _list(raw["acknowledged"]["cues"], source, "acknowledged.cues")
        ),
        trouble=tuple(_regex(c, source, "trouble.cues") for c in _list(raw["trouble"]["cues"], source, "trouble.cues")),
        apologies=_texts(raw["apology"]["statements"], source, "apology.statements", "empathy"),
        gestures=gestures,
        ownership=_texts(raw["ownership"]["statements"], source, "ownership.statements", "ownership"),
        when=_texts(raw["when"]["options"], source, "when.options", "ownership"),
        offers=_texts(raw["offer"]["statements"], source, "offer.statements", "ownership"),
        wait=_texts(raw["wait"]["statements"], source, "wait.statements", "wait"),
        paraphrase=_texts(raw["paraphrase"]["frames"], source, "paraphrase.frames", "paraphrase"),
    )
