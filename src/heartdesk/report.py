"""Human-readable rendering of an analysis (``--format table``): findings highlighted in the text."""

from __future__ import annotations

from heartdesk.model import Analysis, Finding

_PROBLEM = frozenset({"confrontational", "bare_policy", "passing_buck", "dismissive", "defensive", "interruption"})
_CUSTOMER = frozenset({"business_impact", "churn_threat", "urgency", "complaint", "real_issue", "escalation_request"})

_RESET = "\x1b[0m"
_RED = "\x1b[1;31m"
_GREEN = "\x1b[1;32m"
_YELLOW = "\x1b[1;33m"
_DIM = "\x1b[2m"


def _mark(label: str, color: bool) -> tuple[str, str]:
    if not color:
        return "[", f"]<{label}>"
    c = _RED if label in _PROBLEM else _YELLOW if label in _CUSTOMER else _GREEN
    return c, f"{_RESET}{_DIM}<{label}>{_RESET}"


def highlight(text: str, findings: list[Finding], color: bool = False) -> str:
    """The text with each present finding's span bracketed and labelled (outermost wins on overlap)."""
    spans = sorted((f for f in findings if f.present and f.end > f.start), key=lambda f: (f.start, -f.end))
    out: list[str] = []
    pos = 0
    for f in spans:
        if f.start < pos:
            continue  # overlapping spans: show the first, it is listed below anyway
        opening, closing = _mark(f.label, color)
        out.append(text[pos : f.start])
        out.append(opening + text[f.start : f.end] + closing)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def _clip(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[:limit] + f"… (+{len(text) - limit} chars)"


def render_table(a: Analysis, color: bool = False) -> str:
    lines = [f"== {a.id} " + "=" * max(0, 60 - len(a.id))]
    for t in a.turns:
        turn = a.conversation.turns[t.index]
        who = f"{t.role}{' (' + turn.author + ')' if turn.author else ''}"
        mood = f" emotion={t.emotion.label}:{t.emotion.intensity:.2f}" if t.emotion else ""
        lines.append(f"[{t.index}] {who} tone={t.tone:+.2f}{mood}")
        shown = [f for f in t.findings if f.end <= 600]
        lines.append("    " + _clip(highlight(turn.text, shown, color)).replace("\n", "\n    "))
        for f in t.findings:
            if not f.present:
                continue
            tip = f" -> {f.suggestion}" if f.suggestion else ""
            lines.append(f"    - {f.label} {f.confidence:.2f}: {f.explanation}{tip}")
    s = a.scorecard
    dims = "  ".join(f"{d.name}={'-' if d.score is None else d.score}" for d in s.dimensions)
    lines.append(f"scorecard: {dims}")
    lines.append(f"de-escalation: {s.de_escalation.summary}")
    if s.last_impression is not None:
        lines.append(f"last impression: {s.last_impression.label} ({s.last_impression.intensity:.2f})")
    if s.escalation_requests:
        lines.append(f"escalation requested in turn(s) {', '.join(str(e.turn) for e in s.escalation_requests)}")
    if s.interruptions:
        lines.append(f"agent cut in at turn(s) {', '.join(str(e.turn) for e in s.interruptions)}")
    return "\n".join(lines) + "\n\n"
