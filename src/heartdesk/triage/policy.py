"""The triage policy: a TOML file of documented weights, validated into a frozen Policy.

A user's policy is laid over the shipped ``default_policy.toml`` (write only what you
change), then every key is checked; a bad policy raises :class:`PolicyError` with a
numbered code and the dotted key at fault:

E601 cannot read the file · E602 not valid TOML · E603 unknown key · E604 wrong type
· E605 value out of range · E606 bands not in descending order · E607 finding entry
without ``points``/``reason``.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from heartdesk.errors import HeartdeskError
from heartdesk.triage.severity import SEVERITIES, Severity

BANDS: tuple[str, ...] = ("P1", "P2", "P3", "P4")


class PolicyError(HeartdeskError):
    pass


# Closed tables: every key is known (a typo is an error, not a silently ignored weight).
# Open tables (tier.points, sla.tier_factor, findings) take any name: teams have their own tiers and detectors.
_NUMBERS: dict[str, tuple[str, ...]] = {
    "bands": ("P1", "P2", "P3"),
    "severity": SEVERITIES,
    "reach": ("per_doubling", "cap"),
    "distress": ("level", "rising"),
    "value": ("per_tenfold", "from", "cap"),
    "repeat": ("per_contact", "cap"),
    "sla": ("approaching_from", "approaching", "breach", "overdue_per_target", "cap"),
    "sla.minutes": SEVERITIES,
}
_OPEN_NUMBERS = ("tier.points", "sla.tier_factor")
_TOP = {"name", "version", "bands", "severity", "reach", "distress", "findings", "tier", "value", "repeat", "sla"}
_NON_NEGATIVE = {"reach.cap", "value.cap", "value.from", "repeat.cap", "sla.cap", "sla.approaching", "sla.breach"}
_NON_NEGATIVE |= {"sla.overdue_per_target", "distress.level", "distress.rising", "reach.per_doubling"}
_NON_NEGATIVE |= {"value.per_tenfold", "repeat.per_contact"}


@dataclass(frozen=True, slots=True)
class FindingWeight:
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy. Field names follow the TOML tables (docs/triage.md)."""

    name: str
    version: str
    bands: tuple[tuple[str, float], ...]  # (band, minimum score), P1 first; below the last is P4
    severity: Mapping[str, float]
    reach_per_doubling: float
    reach_cap: float
    distress_level: float
    distress_rising: float
    findings: Mapping[str, FindingWeight]
    tier_points: Mapping[str, float]
    value_per_tenfold: float
    value_from: float
    value_cap: float
    repeat_per_contact: float
    repeat_cap: float
    sla_approaching_from: float
    sla_approaching: float
    sla_breach: float
    sla_overdue_per_target: float
    sla_cap: float
    sla_minutes: Mapping[str, float]
    sla_tier_factor: Mapping[str, float]
    #: The merged TOML as read (for docs, ``--explain`` and tests).
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    #: SLA target in seconds by (severity, tier), precomputed so ranking does a dict lookup, not arithmetic.
    _sla_seconds: dict[tuple[str, str | None], float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def sla_seconds(self, severity: Severity, tier: str | None) -> float:
        key = (severity, tier)
        got = self._sla_seconds.get(key)
        if got is None:
            got = self.sla_minutes[severity] * 60.0 * self.sla_tier_factor.get(tier or "", 1.0)
            self._sla_seconds[key] = got
        return got

    def band(self, score: float) -> str:
        for name, minimum in self.bands:
            if score >= minimum:
                return name
        return "P4"


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _unknown(key: str, known: list[str], where: str) -> PolicyError:
    close = difflib.get_close_matches(key.rsplit(".", 1)[-1], known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
    return PolicyError("E603", f"{where}: unknown key {key!r}{hint}")


def _table(data: Mapping[str, Any], path: str, where: str) -> dict[str, Any]:
    node: Any = data
    for part in path.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            raise PolicyError("E604", f"{where}: {path!r} must be a table")
    table: dict[str, Any] = node
    return table


def _number(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError("E604", f"{where}: {key!r} must be a number, not {type(value).__name__} {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise PolicyError("E605", f"{where}: {key!r} must be finite, not {value!r}")
    return x


def _check_keys(user: Mapping[str, Any], where: str) -> None:
    """Unknown keys are checked on the user's own file, so the message names what they wrote."""
    for key in user:
        if key not in _TOP:
            raise _unknown(key, sorted(_TOP), where)
    for path, names in _NUMBERS.items():
        head, _, tail = path.partition(".")
        node = user.get(head)
        if tail and isinstance(node, dict):
            node = node.get(tail)
        if not isinstance(node, dict):
            continue
        for key in node:
            if key not in names and not (path == "sla" and key in ("minutes", "tier_factor")):
                raise _unknown(f"{path}.{key}", list(names), where)
    tier = user.get("tier")
    if isinstance(tier, dict):
        for key in tier:
            if key != "points":
                raise _unknown(f"tier.{key}", ["points"], where)


def parse_policy(user: Mapping[str, Any], where: str = "<policy>") -> Policy:
    """Validate ``user`` (a decoded TOML document) laid over the default policy."""
    if not isinstance(user, Mapping):
        raise PolicyError("E604", f"{where}: a policy must be a table")
    _check_keys(user, where)
    data = _merge(_default_raw(), user)
    nums: dict[str, float] = {}
    for path, names in _NUMBERS.items():
        table = _table(data, path, where)
        for key in names:
            full = f"{path}.{key}"
            x = _number(table.get(key), full, where)
            if full in _NON_NEGATIVE and x < 0:
                raise PolicyError("E605", f"{where}: {full!r} must be >= 0, not {x:g}")
            nums[full] = x
    for sev in SEVERITIES:
        if nums[f"sla.minutes.{sev}"] <= 0:
            raise PolicyError("E605", f"{where}: 'sla.minutes.{sev}' must be > 0, not {nums[f'sla.minutes.{sev}']:g}")
    if not 0.0 <= nums["sla.approaching_from"] < 1.0:
        raise PolicyError("E605", f"{where}: 'sla.approaching_from' is a fraction of the target in 0..1 (exclusive)")
    if nums["value.from"] <= 0:
        raise PolicyError("E605", f"{where}: 'value.from' must be > 0 (points grow with value / from)")
    b1, b2, b3 = nums["bands.P1"], nums["bands.P2"], nums["bands.P3"]
    if not b1 > b2 > b3:
        raise PolicyError("E606", f"{where}: bands must descend (P1 > P2 > P3), got P1={b1:g}, P2={b2:g}, P3={b3:g}")
    open_tables: dict[str, dict[str, float]] = {}
    for path in _OPEN_NUMBERS:
        table = _table(data, path, where)
        open_tables[path] = {str(k).lower(): _number(v, f"{path}.{k}", where) for k, v in table.items()}
    for k, v in open_tables["sla.tier_factor"].items():
        if v <= 0:
            raise PolicyError("E605", f"{where}: 'sla.tier_factor.{k}' must be > 0, not {v:g}")
    findings: dict[str, FindingWeight] = {}
    for label, entry in _table(data, "findings", where).items():
        if not isinstance(entry, dict) or "points" not in entry or "reason" not in entry:
            raise PolicyError("E607", f"{where}: 'findings.{label}' needs 'points' and 'reason'")
        extra = set(entry) - {"points", "reason"}
        if extra:
            raise _unknown(f"findings.{label}.{sorted(extra)[0]}", ["points", "reason"], where)
        reason = entry["reason"]
        if not isinstance(reason, str) or not reason.strip():
            raise PolicyError("E604", f"{where}: 'findings.{label}.reason' must be a non-empty string")
        findings[label] = FindingWeight(_number(entry["points"], f"findings.{label}.points", where), reason.strip())
    for key in ("name", "version"):
        if not isinstance(data.get(key), str | int):
            raise PolicyError("E604", f"{where}: {key!r} must be a string")
    return Policy(
        name=str(data["name"]),
        version=str(data["version"]),
        bands=(("P1", b1), ("P2", b2), ("P3", b3)),
        severity=MappingProxyType({s: nums[f"severity.{s}"] for s in SEVERITIES}),
        reach_per_doubling=nums["reach.per_doubling"],
        reach_cap=nums["reach.cap"],
        distress_level=nums["distress.level"],
        distress_rising=nums["distress.rising"],
        findings=MappingProxyType(findings),
        tier_points=MappingProxyType(open_tables["tier.points"]),
        value_per_tenfold=nums["value.per_tenfold"],
        value_from=nums["value.from"],
        value_cap=nums["value.cap"],
        repeat_per_contact=nums["repeat.per_contact"],
        repeat_cap=nums["repeat.cap"],
        sla_approaching_from=nums["sla.approaching_from"],
        sla_approaching=nums["sla.approaching"],
        sla_breach=nums["sla.breach"],
        sla_overdue_per_target=nums["sla.overdue_per_target"],
        sla_cap=nums["sla.cap"],
        sla_minutes=MappingProxyType({s: nums[f"sla.minutes.{s}"] for s in SEVERITIES}),
        sla_tier_factor=MappingProxyType(open_tables["sla.tier_factor"]),
        raw=MappingProxyType(data),
    )


def loads_policy(text: str, where: str = "<policy>") -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("E602", f"{where}: not valid TOML: {exc}") from exc
    return parse_policy(data, where)


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in ``path`` laid over the default; the default itself when ``path`` is None."""
    if path is None:
        return default_policy()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError("E601", f"cannot read policy {path}: {exc}") from exc
    return loads_policy(text, str(path))


@cache
def _default_text() -> str:
    return resources.files("heartdesk.triage").joinpath("default_policy.toml").read_text(encoding="utf-8")


def _default_raw() -> dict[str, Any]:
    return tomllib.loads(_default_text())


@cache
def default_policy() -> Policy:
    """The shipped ``default_policy.toml``."""
    return parse_policy({}, "default_policy.toml")
