"""``review()``: findings, what is missing, replacements, additions, the rewrite and the score gain.

The rewrite is re-analysed before it is returned. When a problem finding survives (an added
sentence that reads wrongly in this context, a rule's words that still sound hostile), the
offending piece falls back step by step: an addition is dropped, a rule's words give way to
the label's generic words, a phrase the draft analysis missed gets a replacement. A rewrite
the engine still objects to after that is reduced to the replacements alone.
"""

from __future__ import annotations

import math
import re

from heartdesk.coach.additions import additions as build_additions
from heartdesk.coach.additions import find_missing, gestures_for, offer, read_situation
from heartdesk.coach.combine import canned_sentences
from heartdesk.coach.engine import analyze_draft
from heartdesk.coach.errors import MAX_DRAFT_CHARS, CoachError
from heartdesk.coach.library import PhraseLibrary
from heartdesk.coach.llm import Rewriter, guarded_rewrite
from heartdesk.coach.replace import plan
from heartdesk.coach.rewrite import compose
from heartdesk.coach.text import english_enough, facts, pick
from heartdesk.coach.types import PROBLEM_LABELS, Addition, Authority, QueueContext, Replacement, Review, ScoreChange
from heartdesk.model import Analysis, Conversation, Finding

NOT_ENGLISH = "language not supported: the draft does not look like English, so only the wording the engine knows was checked"
_ATTEMPTS = 4
_CURRENCY = re.compile(r"[A-Za-z]{3}")


def _check(authority: Authority, queue: QueueContext | None) -> None:
    if not isinstance(authority.max_credit, int | float) or not math.isfinite(authority.max_credit) or authority.max_credit < 0:
        raise CoachError("E712", f"authority.max_credit must be a number >= 0, not {authority.max_credit!r}")
    if not _CURRENCY.fullmatch(authority.currency):
        raise CoachError("E712", f"authority.currency must be a 3-letter code such as USD, not {authority.currency!r}")
    # A gesture the library has no words for (a team's own "meal_voucher") is allowed and simply
    # not offered until the team adds its phrases; only a malformed entry is an error.
    bad = [g for g in authority.gestures if not isinstance(g, str) or not g.strip()]
    if bad:
        raise CoachError("E712", f"authority.gestures must be non-empty names, not {bad!r}")
    if queue is not None:
        if isinstance(queue.position, bool) or not isinstance(queue.position, int) or queue.position < 0:
            raise CoachError("E713", f"queue.position must be a whole number >= 0, not {queue.position!r}")
        if not isinstance(queue.reason, str):
            raise CoachError("E713", "queue.reason must be a string")
        eta = queue.eta_minutes
        if eta is not None and (isinstance(eta, bool) or not isinstance(eta, int) or eta < 0):
            raise CoachError("E713", f"queue.eta_minutes must be a whole number >= 0 or null, not {eta!r}")


def _scores(analysis: Analysis) -> dict[str, int]:
    return {d.name: (d.score if d.score is not None else 0) for d in analysis.scorecard.dimensions}


def _problems(analysis: Analysis) -> tuple[Finding, ...]:
    return tuple(f for f in analysis.turns[-1].findings if f.present and f.label in PROBLEM_LABELS)


def _closings(analysis: Analysis) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in analysis.turns[-1].findings if f.present and f.label == "closing"]


def review(
    draft: str,
    conversation: Conversation | None = None,
    agent: Authority | None = None,
    *,
    queue: QueueContext | None = None,
    library: PhraseLibrary | None = None,
    rewriter: Rewriter | None = None,
) -> Review:
    """Review ``draft``, the next agent turn after ``conversation``, within ``agent``'s authority.

    ``rewriter`` (optional, e.g. :func:`heartdesk.coach.llm.rewriter_from_env`) may write the
    rewrite instead of the templates; its text is kept only when, re-analysed, it has no problem
    finding and keeps the draft's facts, and the review's notes say which was used and why.
    """
    if not isinstance(draft, str):
        raise CoachError("E711", f"the draft must be a string, not {type(draft).__name__}")
    if len(draft) > MAX_DRAFT_CHARS:
        raise CoachError("E710", f"the draft has {len(draft)} characters; the limit is {MAX_DRAFT_CHARS}")
    if not draft.strip():
        return Review(draft=draft)
    if not any(c.isalnum() for c in draft):
        return Review(draft=draft, rewrite=draft)  # "!!!" or emoji alone: nothing to coach
    library = library or PhraseLibrary.default()
    authority = agent or Authority()
    _check(authority, queue)
    english = english_enough(draft)
    analysis = analyze_draft(conversation, draft)
    draft_turn = analysis.turns[-1]
    findings = _problems(analysis)
    sit = read_situation(analysis, draft_turn.index, library, draft)
    when = pick(library.when, sit.seed)
    has_context = conversation is not None and any(t.role == "customer" for t in conversation.turns)
    missing = find_missing(draft, draft_turn, sit, library, authority, has_context=has_context and english)
    given = gestures_for(authority, library, sit, sit.level) if any(m.kind == "emotional_fix" for m in missing) else []
    values = {"offer": offer(authority, library, sit, when, given), "when": when, "team": "the right team"}
    adds = build_additions(draft, draft_turn, missing, sit, library, authority, queue if english else None, when)
    targets = list(findings)
    generic: set[int] = set()
    plain: set[int] = set()
    replacements = plan(draft, targets, library, values)
    closings = _closings(analysis)
    canned = canned_sentences(library.rules, tuple(library.fallback.values()))
    kept = facts(draft)
    rewrite, after = draft, analysis
    for attempt in range(_ATTEMPTS + 1):
        if attempt == _ATTEMPTS:
            adds = []  # last resort: the replacements alone
        rewrite = compose(draft, replacements, adds, closings, library.when, canned)
        # Nothing changed (a good draft): its analysis already is the rewrite's.
        after = analysis if rewrite == draft else analyze_draft(conversation, rewrite)
        problems = _problems(after)
        lost = [f for f in kept if f not in rewrite]
        if not problems and not lost:
            break
        if lost:
            adds = [a for a in adds if a.kind != "paraphrase"]
        adds, changed = _repair(draft, rewrite, problems, adds, replacements, targets, generic, plain)
        if changed:
            replacements = plan(draft, targets, library, values, frozenset(generic), frozenset(plain))
    notes: tuple[str, ...] = () if english else (NOT_ENGLISH,)
    if rewriter is not None and (findings or adds or rewrite != draft):
        outcome = guarded_rewrite(rewriter, draft=draft, conversation=conversation, suggestion=rewrite, analyze=analyze_draft)
        notes += (outcome.note,)
        if outcome.text is not None:
            rewrite = outcome.text
            after = analyze_draft(conversation, rewrite)
    return Review(
        draft=draft,
        findings=findings,
        missing=tuple(missing),
        replacements=replacements,
        additions=tuple(adds),
        rewrite=rewrite,
        score=ScoreChange(before=_scores(analysis), after=_scores(after)),
        notes=notes,
    )


def _repair(
    draft: str,
    rewrite: str,
    problems: tuple[Finding, ...],
    adds: list[Addition],
    replacements: tuple[Replacement, ...],
    targets: list[Finding],
    generic: set[int],
    plain: set[int],
) -> tuple[list[Addition], bool]:
    """Take the pieces behind ``problems`` out of the next attempt; True when replacements must be re-planned."""
    changed = False
    for f in problems:
        evidence = rewrite[f.start : f.end].lower()
        culprit = next((a for a in adds if evidence in a.text.lower()), None)
        if culprit is not None:
            adds = [a for a in adds if a is not culprit]
            continue
        replaced = next((r for r in replacements if evidence in r.text.lower()), None)
        if replaced is not None:
            for t in targets:
                if replaced.start <= t.start < replaced.end and t.start not in plain:
                    # The rule's words first give way to the fallback, then the fallback to its plainest form.
                    (plain if t.start in generic else generic).add(t.start)
                    changed = True
            continue
        at = draft.lower().find(evidence)
        if at >= 0 and not any(t.start == at for t in targets):
            # Wording the draft's own analysis did not flag (the added context changed the reading).
            targets.append(f._replace(start=at, end=at + len(evidence)))
            changed = True
    return adds, changed
