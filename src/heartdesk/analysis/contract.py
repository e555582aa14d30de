"""The output contract: one JSON object per analysed conversation.

``{"id", "turns": [{"index", "role", "tone", "emotion"?, "findings": [...]}], "scorecard": {...}}``
Every finding carries ``label, start, end, confidence, explanation`` and, when
there is one, ``suggestion``; ``detector`` names the detector and its version.
"""

from __future__ import annotations

from typing import Any

from heartdesk.model import Analysis, Dimension, Emotion, Evidence, Finding, Scorecard


def finding_to_dict(f: Finding) -> dict[str, Any]:
    d: dict[str, Any] = {
        "label": f.label,
        "start": f.start,
        "end": f.end,
        "confidence": f.confidence,
        "explanation": f.explanation,
    }
    if f.suggestion is not None:
        d["suggestion"] = f.suggestion
    d["detector"] = f"{f.detector}@{f.version}"
    return d


def emotion_to_dict(e: Emotion) -> dict[str, Any]:
    return {"label": e.label, "intensity": e.intensity, "scores": dict(e.scores)}


def _evidence(e: Evidence) -> dict[str, Any]:
    d: dict[str, Any] = {"turn": e.turn, "label": e.label, "effect": e.effect}
    if e.start is not None:
        d["start"], d["end"] = e.start, e.end
    if e.note:
        d["note"] = e.note
    return d


def _dimension(d: Dimension) -> dict[str, Any]:
    return {"score": d.score, "summary": d.summary, "evidence": [_evidence(e) for e in d.evidence]}


def scorecard_to_dict(s: Scorecard) -> dict[str, Any]:
    out: dict[str, Any] = {d.name: _dimension(d) for d in s.dimensions}
    t = s.de_escalation
    out["de_escalation"] = {
        "first": t.first,
        "last": t.last,
        "first_distress": t.first_distress,
        "last_distress": t.last_distress,
        "change": t.change,
        "summary": t.summary,
    }
    out["last_impression"] = None if s.last_impression is None else emotion_to_dict(s.last_impression)
    out["escalation_requests"] = [_evidence(e) for e in s.escalation_requests]
    out["interruptions"] = [_evidence(e) for e in s.interruptions]
    return out


def analysis_to_dict(a: Analysis) -> dict[str, Any]:
    turns: list[dict[str, Any]] = []
    for t in a.turns:
        d: dict[str, Any] = {"index": t.index, "role": t.role, "tone": t.tone}
        if t.emotion is not None:
            d["emotion"] = emotion_to_dict(t.emotion)
            if t.emotion.cues:
                # The wording that moved the model's reading (spans into this turn's text).
                d["emotion"]["cues"] = [
                    {"start": c.start, "end": c.end, "emotion": c.emotion, "weight": c.weight} for c in t.emotion.cues
                ]
        d["findings"] = [finding_to_dict(f) for f in t.findings]
        turns.append(d)
    return {"id": a.id, "turns": turns, "scorecard": scorecard_to_dict(a.scorecard)}
