"""The QA scorecard: six dimensions, 0..100, each listing the findings behind it.

The weights are deliberately simple and documented in docs/scorecard.md: a QA
analyst must be able to recompute a score by hand from its evidence. A dimension
is None when nothing in the conversation bears on it (no agent turn at all).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields

from heartdesk.model import (
    PRESENT,
    Conversation,
    Dimension,
    Emotion,
    Evidence,
    Finding,
    Scorecard,
    Trajectory,
    TurnAnalysis,
)
from heartdesk.signals.base import distress
from heartdesk.signals.context import rounded

# label -> points per present finding (scaled by confidence), capped per dimension.
WEIGHTS: dict[str, dict[str, float]] = {
    "empathy": {
        "empathy": 25,
        "apology": 12,
        "reassurance": 10,
        "emotional_fix": 15,
        "paraphrase": 8,
        "dismissive": -30,
        "confrontational": -30,
        "defensive": -30,
        "bare_policy": -20,
    },
    "listening": {
        "paraphrase": 25,
        "clarifying_question": 12,
        "interruption": -25,
        "confrontational": -15,
        "dismissive": -15,
    },
    "ownership": {
        "ownership": 25,
        "logical_fix": 10,
        "passing_buck": -30,
        "bare_policy": -25,
    },
    "resolution": {"logical_fix": 50, "emotional_fix": 50},
    "etiquette": {"greeting": 50, "closing": 50},
}
BASE = {"empathy": 55.0, "listening": 55.0, "ownership": 50.0, "resolution": 0.0, "etiquette": 0.0}
# Empathy is expected more when the customer is upset: the base drops by up to this.
DISTRESS_DEMAND = 35.0
CAP_PER_LABEL = 2  # at most this many findings of one label count towards a dimension


def _clamp(x: float) -> int:
    return round(min(100.0, max(0.0, x)))


def _agent_findings(turns: Sequence[TurnAnalysis]) -> list[tuple[int, Finding]]:
    # ``confidence >= PRESENT`` is ``Finding.present`` without a property call per finding.
    return [(t.index, f) for t in turns for f in t.findings if f.confidence >= PRESENT]


# label -> [(dimension, weight, cap, counter key, effects)]: one pass over the findings feeds every
# dimension. ``effects`` remembers round(weight x confidence, 1) per confidence: confidences have three
# decimals, so it holds at most a thousand entries, and a lookup costs less than ``round``.
_BY_LABEL: dict[str, list[tuple[str, float, int, int, dict[float, float]]]] = {}
_SLOTS = 0  # one counter per (dimension, label), kept in a list rather than a dict keyed by the pair
for _dim, _weights in WEIGHTS.items():
    for _label, _w in _weights.items():
        # Etiquette and resolution count a label once; the others up to CAP_PER_LABEL.
        _cap = 1 if _dim in ("etiquette", "resolution") else CAP_PER_LABEL
        _BY_LABEL.setdefault(_label, []).append((_dim, _w, _cap, _SLOTS, {}))
        _SLOTS += 1
_EFFECTS_MAX = 4096
_CAPS = {name: (1 if name in ("etiquette", "resolution") else CAP_PER_LABEL) for name in WEIGHTS}
#: ``Evidence(...)`` with every field given, without the NamedTuple's keyword-handling ``__new__``
#: (a scorecard builds a few dozen of them; the object is the same).
_new = tuple.__new__


def _collect(found: list[tuple[int, Finding]]) -> dict[str, list[Evidence]]:
    evidence: dict[str, list[Evidence]] = {name: [] for name in WEIGHTS}
    counts = [0] * _SLOTS
    by_label = _BY_LABEL
    for turn, f in found:
        targets = by_label.get(f.label)
        if targets is None:
            continue
        conf = f.confidence
        if type(conf) is not float:
            # A custom detector's int 1: effects are floats however the engine runs (compiled code
            # holds a confidence as a C double), and 1 and 1.0 share one memo entry.
            conf = float(conf)
        for name, w, cap, slot, effects in targets:
            c = counts[slot]
            if c < cap:
                counts[slot] = c + 1
                effect = effects.get(conf)
                if effect is None:
                    effect = rounded(w * conf, 1)
                    if len(effects) < _EFFECTS_MAX:  # custom detectors may give more decimals
                        effects[conf] = effect
                evidence[name].append(_new(Evidence, (turn, f.label, effect, f.start, f.end, f.explanation)))
    return evidence


#: The dimension of a conversation with no evidence for it, by (name, base): immutable, so shared.
_UNTOUCHED: dict[tuple[str, float], Dimension] = {}


def _dimension(name: str, base: float, evidence: list[Evidence]) -> Dimension:
    if not evidence:
        dim = _UNTOUCHED.get((name, base))
        if dim is None:
            score = _clamp(base)
            dim = _UNTOUCHED[(name, base)] = Dimension(name, score, (), f"{name} {score}/100")
        return dim
    # One pass: the total, and the labels that helped and hurt in first-seen order (dicts keep
    # insertion order and drop repeats). Evidence is (turn, label, effect, ...): indexing spares a
    # property call per field read.
    total = 0.0
    plus: dict[str, None] = {}
    minus: dict[str, None] = {}
    for e in evidence:
        effect = e[2]
        total += effect
        if effect > 0:
            plus[e[1]] = None
        elif effect < 0:
            minus[e[1]] = None
    score = _clamp(base + total)  # summed as ``sum()`` would, then the base: the same rounding as ever
    key = (name, score, tuple(plus), tuple(minus))
    summary = _SUMMARIES.get(key)
    if summary is None:
        summary = f"{name} {score}/100"
        if plus:
            summary += "; helped by " + ", ".join(plus)
        if minus:
            summary += "; hurt by " + ", ".join(minus)
        if len(_SUMMARIES) < _EFFECTS_MAX:
            _SUMMARIES[key] = summary
    return _new_dimension(name, score, tuple(evidence), summary)


#: A dimension's summary by (name, score, labels that helped, labels that hurt): a few hundred recur.
_SUMMARIES: dict[tuple[str, int, tuple[str, ...], tuple[str, ...]], str] = {}


def _slot_setters(cls: type) -> list[Callable[[object, object], None]]:
    """The ``__set__`` of each field's slot of a frozen slots dataclass, in field order: building one
    through them costs half what its ``__init__`` does (which goes through ``object.__setattr__``)."""
    return [vars(cls)[f.name].__set__ for f in fields(cls)]


_SET_DIMENSION = _slot_setters(Dimension)


def _new_dimension(name: str, score: int | None, evidence: tuple[Evidence, ...], summary: str) -> Dimension:
    """``Dimension(name, score, evidence, summary)``, built through its slots: a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``, at twice the cost (six per conversation)."""
    out = object.__new__(Dimension)
    set_name, set_score, set_evidence, set_summary = _SET_DIMENSION
    set_name(out, name)
    set_score(out, score)
    set_evidence(out, evidence)
    set_summary(out, summary)
    return out


def _none(name: str) -> Dimension:
    return Dimension(name, None, (), f"{name}: no agent turn to score")


def _trajectory(conversation: Conversation, customer_turns: Sequence[TurnAnalysis], distresses: list[float]) -> Trajectory:
    # Indexed, not zipped: ``zip(..., strict=True)`` takes the keyword path of a type call (~1,700
    # instructions), three times per conversation here.
    emos = [(t.index, t.emotion, distresses[k]) for k, t in enumerate(customer_turns) if t.emotion is not None]
    if not emos:
        return Trajectory(None, None, 0.0, 0.0, 0.0, "no customer turn")
    # The opening is the worse of the customer's first two turns (when there are three or more):
    # an upset customer often starts with a neutral "hi" and vents in the next message.
    _, first, d0 = max(emos[:2], key=_third) if len(emos) >= 3 else emos[0]
    # The ending is the last turn that says something: a bare "ok" is not a change of heart,
    # but "thanks!" (gratitude) or "useless." (anger) is.
    _, last, d1 = emos[-1]
    for index, emo, d in reversed(emos[len(emos) > 1 :]):
        if emo.label != "neutral" or len(conversation.turns[index].text.split(None, _SAYS_SOMETHING - 1)) >= _SAYS_SOMETHING:
            last, d1 = emo, d
            break
    d0, d1 = rounded(d0, 3), rounded(d1, 3)
    change = rounded(d0 - d1, 3)
    kind = "one" if len(emos) == 1 else "de-escalated" if change > 0.15 else "escalated" if change < -0.15 else "steady"
    summary = _MOVES.get((kind, first.label, last.label))
    if summary is None:
        summary = f"one customer turn ({first.label})" if kind == "one" else f"{kind}: {first.label} -> {last.label}"
        if len(_MOVES) < _EFFECTS_MAX:  # custom emotion models may bring their own labels
            _MOVES[(kind, first.label, last.label)] = summary
    out = object.__new__(Trajectory)  # as ``_new_dimension``: the frozen dataclass's __init__ costs twice as much
    values = (first.label, last.label, d0, d1, change, summary)
    for k, set_field in enumerate(_SET_TRAJECTORY):
        set_field(out, values[k])
    return out


_SET_TRAJECTORY = _slot_setters(Trajectory)
_SET_SCORECARD = _slot_setters(Scorecard)


_SAYS_SOMETHING = 3  # words
#: A trajectory's summary by (kind of move, first label, last label): four kinds of ten by ten.
_MOVES: dict[tuple[str, str, str], str] = {}


def _third(item: tuple[int, Emotion, float]) -> float:
    return item[2]


#: "turn tone +0.25" by tone: tones have four decimals and recur, and formatting a float costs more
#: than looking it up (one per agent turn).
_TONE_NOTES: dict[float, str] = {}


def _tone_note(tone: float) -> str:
    note = _TONE_NOTES.get(tone)
    if note is None:
        note = f"turn tone {tone:+.2f}"
        # 0.0 and -0.0 are one key but print as "+0.00" and "-0.00": zero is formatted every time.
        if len(_TONE_NOTES) < _EFFECTS_MAX and tone != 0.0:
            _TONE_NOTES[tone] = note
    return note


def build_scorecard(conversation: Conversation, turns: Sequence[TurnAnalysis]) -> Scorecard:
    agent_turns: list[TurnAnalysis] = []
    customer_turns: list[TurnAnalysis] = []
    for t in turns:
        if t.role == "agent":
            agent_turns.append(t)
        elif t.role == "customer":
            customer_turns.append(t)
    found = _agent_findings(agent_turns)
    last_customer: Emotion | None = customer_turns[-1].emotion if customer_turns else None
    escalations = tuple(
        [
            _new(Evidence, (t.index, f.label, 0.0, f.start, f.end, f.explanation))
            for t in customer_turns
            if t.findings
            for f in t.findings
            if f.label == "escalation_request" and f.confidence >= PRESENT
        ]
    )
    interruptions = tuple(
        [_new(Evidence, (i, f.label, 0.0, f.start, f.end, f.explanation)) for i, f in found if f.label == "interruption"]
    )
    distresses = [distress(t.emotion) for t in customer_turns]
    trajectory = _trajectory(conversation, customer_turns, distresses)
    if not agent_turns:
        dims = {n: _none(n) for n in ("empathy", "listening", "tone", "ownership", "resolution", "etiquette")}
        return Scorecard(
            **dims,
            de_escalation=trajectory,
            last_impression=last_customer,
            escalation_requests=escalations,
            interruptions=interruptions,
        )
    evidence = _collect(found)
    peak = max(distresses, default=0.0)
    if peak > 0.3:
        worst = customer_turns[distresses.index(peak)]
        label = worst.emotion.label if worst.emotion else "distress"
        note = f"customer {label}: empathy expected"
        distressed = (worst.index, "customer_distress", rounded(-DISTRESS_DEMAND * peak, 1), None, None, note)
        evidence["empathy"].insert(0, _new(Evidence, distressed))
    empathy = _dimension("empathy", BASE["empathy"], evidence["empathy"])
    listening = _dimension("listening", BASE["listening"], evidence["listening"])
    ownership = _dimension("ownership", BASE["ownership"], evidence["ownership"])
    resolution = _dimension("resolution", BASE["resolution"], evidence["resolution"])
    etiquette = _dimension("etiquette", BASE["etiquette"], evidence["etiquette"])
    mean_tone = sum(t.tone for t in agent_turns) / len(agent_turns)
    n = len(agent_turns)
    tone_ev = [
        _new(Evidence, (t.index, "tone", rounded(t.tone * 50 / n, 1), None, None, _tone_note(t.tone))) for t in agent_turns
    ]
    hostile = [(i, f) for i, f in found if f.label in ("confrontational", "dismissive", "defensive")]
    tone_ev += [Evidence(i, f.label, rounded(-20 * f.confidence, 1), f.start, f.end, f.explanation) for i, f in hostile[:3]]
    tone_score = _clamp(50 + 50 * mean_tone + sum(e.effect for e in tone_ev[len(agent_turns) :]))
    tone = _new_dimension("tone", tone_score, tuple(tone_ev), f"tone {tone_score}/100; mean agent tone {mean_tone:+.2f}")
    card = object.__new__(Scorecard)
    values = (empathy, listening, tone, ownership, resolution, etiquette, trajectory, last_customer, escalations, interruptions)
    for k, set_field in enumerate(_SET_SCORECARD):
        set_field(card, values[k])
    return card
