"""Replacements: better words for each problem span of a draft, from the phrase library.

For each problem finding, the rules of its label are searched in the sentence that holds it;
the first match overlapping the finding is replaced by the rule's template. A finding no
rule covers gets its label's fallback, so every problem finding gets some replacement.
Facts inside a replaced span (an amount, an order number) are carried into the new words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence

from heartdesk.coach.library import PhraseLibrary, Rule, render
from heartdesk.coach.text import facts, sentences
from heartdesk.coach.types import Replacement
from heartdesk.model import Finding

_TRAILING = re.compile(r"[ \t]*[,;:.!?]+")
_I_WORDS = re.compile(r"I(?:'m|'ll|'d|'ve)?\b")
_OUR_TEAM = re.compile(r"^the (\w+(?: \w+)? (?:team|department|support|desk|people))$", re.IGNORECASE)
_VAGUE_TEAMS = frozenset({"them", "they", "the other team", "another team", "a different team"})


def _fits_position(rule: Rule, text: str, s: int, e: int, m: re.Match[str]) -> bool:
    if rule.position == "start":
        return not any(c.isalnum() for c in text[s : m.start()])
    if rule.position == "end":
        return not any(c.isalnum() for c in text[m.end() : e])
    return True


def _team(raw: str | None, default: str) -> str:
    if not raw or raw.lower() in _VAGUE_TEAMS or raw.lower().endswith(" them"):
        return default
    m = _OUR_TEAM.match(raw)
    return f"our {m.group(1)}" if m else raw


def _words(rule: Rule, m: re.Match[str], values: Mapping[str, str]) -> str:
    groups = {k: (v.strip() if v else v) for k, v in m.groupdict().items()}
    rest = m.groupdict().get("rest")
    template = rule.template_rest if rule.template_rest is not None and rest and rest.strip() else rule.template
    filled = {**values, **{k: v for k, v in groups.items() if v}}
    if rest and rest.strip():
        filled["rest"] = rest.rstrip()  # keeps its leading space: "mix-up{rest}" -> "mix-up about the fee"
    filled["team"] = _team(groups.get("team"), values.get("team", "the right team"))
    return render(template, filled)


def _shape(draft: str, start: int, end: int, text: str, sentence_start: int) -> tuple[int, int, str]:
    """Fit the new words into the sentence: swallow the old punctuation, mind the capitals."""
    if text[-1:] in (".", "!", "?"):
        m = _TRAILING.match(draft, end)
        if m:
            end = m.end()
    elif text.endswith(",") and draft[end : end + 1] == ",":
        end += 1
    if not text:
        # A removal ("..., as I told you.") keeps the sentence's own closing punctuation.
        return start, end, text
    opening = not any(c.isalnum() for c in draft[sentence_start:start])
    before = draft[:start].rstrip()
    if not opening and text[-1:] in (".", "!", "?") and before.endswith(",") and _I_WORDS.match(text):
        # A whole sentence spliced after a comma reads as a run-on: join it with a dash instead.
        return len(before) - 1, end, " — " + text
    if opening:
        text = text[0].upper() + text[1:]
    elif draft[:start].rstrip()[-1:] in (",", ";", ":", "-", "—") or draft[:start].rstrip()[-1:].isalnum():
        if not _I_WORDS.match(text):
            text = text[0].lower() + text[1:]
    return start, end, text


_CLAUSE_END = re.compile(r"[,;:!?.\u2014](?=\s|$)|\s-\s")
_SHORT_LEAD = 3  # words
_CLAUSE_START = re.compile(r"[,;:\u2014]\s+|\s-\s")


def _clause(draft: str, start: int, end: int, s: int, e: int) -> tuple[int, int]:
    """The finding's span widened to its clause: the generic words stand for the whole thought."""
    stop = _CLAUSE_END.search(draft, end, e)
    end = stop.start() if stop else e
    # Back to the clause's start: "Power cuts [are not our responsibility]" is one thought.
    opened = s
    for m in _CLAUSE_START.finditer(draft, s, start):
        opened = m.end()
    # A short lead-in ("Well, ...", "Schedules change, that's travel") belongs to the same thought.
    lead = draft[s:opened]
    if opened > s and len(lead.split()) <= _SHORT_LEAD and not facts(lead):
        opened = s
    return opened, end


def _keep_facts(draft: str, start: int, end: int, text: str) -> str:
    lost = [f for f in facts(draft[start:end]) if f not in text]
    if not lost:
        return text
    tail = text[-1] if text[-1:] in (".", "!", "?") else ""
    body = text[: len(text) - len(tail)] if tail else text
    return f"{body} ({', '.join(lost)}){tail}"


def replacement_for(
    draft: str,
    finding: Finding,
    library: PhraseLibrary,
    values: Mapping[str, str],
    *,
    generic: bool = False,
    bounds: Sequence[tuple[int, int]] | None = None,
) -> Replacement:
    """The replacement for one finding: its first matching rule, or (``generic``) the label's fallback.

    ``bounds`` are the draft's sentences, when the caller has them (a long draft has many findings).
    """
    s, e = _sentence_of(bounds if bounds is not None else sentences(draft), finding.start, len(draft))
    why = library.why.get(finding.label, "")
    if not generic:
        for rule in library.rules:
            if rule.label != finding.label:
                continue
            for m in rule.pattern.finditer(draft, s, e):
                if m.start() < finding.end and finding.start < m.end() and _fits_position(rule, draft, s, e, m):
                    text = _words(rule, m, values)
                    start, end, text = _shape(draft, m.start(), m.end(), text, s)
                    return Replacement(start, end, _keep_facts(draft, start, end, text), finding.label, rule.why or why)
    text = render(library.fallback[finding.label], values)
    start, end = _clause(draft, finding.start, finding.end, s, e)
    start, end, text = _shape(draft, start, end, text, s)
    return Replacement(start, end, _keep_facts(draft, start, end, text), finding.label, why)


def _sentence_of(bounds: Sequence[tuple[int, int]], pos: int, size: int) -> tuple[int, int]:
    k = bisect.bisect_right(bounds, (pos, size + 1)) - 1
    if k >= 0 and bounds[k][0] <= pos < bounds[k][1]:
        return bounds[k]
    return 0, size


def merge(replacements: Iterable[Replacement]) -> tuple[Replacement, ...]:
    """Sorted, non-overlapping: overlapping replacements become one over the union of their spans."""
    out: list[Replacement] = []
    for r in sorted(replacements, key=lambda r: (r.start, -r.end)):
        if out and r.start < out[-1].end:
            last = out[-1]
            text = last.text if r.text in last.text else f"{last.text} {r.text}".strip()
            out[-1] = Replacement(last.start, max(last.end, r.end), text, last.label, last.why)
        else:
            out.append(r)
    return tuple(out)


def plan(
    draft: str,
    findings: Iterable[Finding],
    library: PhraseLibrary,
    values: Mapping[str, str],
    generic: frozenset[int] = frozenset(),
) -> tuple[Replacement, ...]:
    """One replacement per finding (``generic`` holds the starts of findings to give the fallback), merged."""
    bounds = sentences(draft)
    return merge(replacement_for(draft, f, library, values, generic=f.start in generic, bounds=bounds) for f in findings)
