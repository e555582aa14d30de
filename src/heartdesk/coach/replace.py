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

from heartdesk.coach.combine import combine
from heartdesk.coach.library import PhraseLibrary, Rule, render
from heartdesk.coach.text import fact_phrases, facts, keep_facts, sentences
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


def _words(rule: Rule, m: re.Match[str], values: Mapping[str, str], *, with_rest: bool = True) -> str:
    groups = {k: (v.strip() if v else v) for k, v in m.groupdict().items() if with_rest or k != "rest"}
    rest = m.groupdict().get("rest") if with_rest else None
    template = rule.template_rest if rule.template_rest is not None and rest and rest.strip() else rule.template
    filled = {**values, **{k: v for k, v in groups.items() if v}}
    if rest and rest.strip():
        filled["rest"] = rest.rstrip()  # keeps its leading space: "mix-up{rest}" -> "mix-up about the fee"
    filled["team"] = _team(groups.get("team"), values.get("team", "the right team"))
    return render(template, filled)


def _shape(draft: str, start: int, end: int, text: str, sentence: tuple[int, int]) -> tuple[int, int, str]:
    """Fit the new words into the sentence: swallow the old punctuation, mind the capitals.

    A whole sentence of new words also takes in what would be left dangling after it: a short
    tail clause without facts ("..., because our packaging is tested for that.").
    """
    sentence_start, sentence_end = sentence
    if text[-1:] in (".", "!", "?"):
        m = _TRAILING.match(draft, end)
        if m:
            end = m.end()
        tail = draft[end:sentence_end]
        if _DANGLING.match(tail) and len(tail.split()) <= _DANGLING_WORDS and not facts(tail):
            end = sentence_end
        elif (joint := _CONSEQUENCE.match(draft, end)) is not None:
            end = joint.end()  # "..., so reading 04417 wasn't saved" stands as "Reading 04417 wasn't saved."
    elif text.endswith(",") and draft[end : end + 1] == ",":
        end += 1
    if not text:
        # A removal ("..., as I told you.") keeps the sentence's own closing punctuation.
        return start, end, text
    opening = not any(c.isalnum() for c in draft[sentence_start:start])
    before = draft[:start].rstrip()
    if not opening and text[-1:] in (".", "!", "?") and before.endswith(",") and _I_WORDS.match(text):
        if _SUBORDINATE.match(draft, sentence_start):
            return start, end, text  # "If that fails, I'll personally take this up ..." reads well as it is
        # A whole sentence spliced after a comma reads as a run-on: join it with a dash instead.
        return len(before) - 1, end, " — " + text
    if opening:
        text = text[0].upper() + text[1:]
    elif draft[:start].rstrip()[-1:] in (",", ";", ":", "-", "—") or draft[:start].rstrip()[-1:].isalnum():
        if not _I_WORDS.match(text):
            text = text[0].lower() + text[1:]
    return start, end, text


def _clause_lead(draft: str, start: int, sentence_start: int, text: str) -> int:
    """Where a whole sentence of new words should start: at its clause, not after a short lead.

    "..., which is [not our fault]" -> the new sentence stands for "which is not our fault".
    """
    if text[-1:] not in (".", "!", "?"):
        return start
    opened = sentence_start
    for m in _CLAUSE_START.finditer(draft, sentence_start, start):
        opened = m.end()
    lead = draft[opened:start]
    if lead.strip() and len(lead.split()) <= _SHORT_LEAD and not facts(lead) and not _SUBORDINATE.match(lead):
        return opened
    return start


_CLAUSE_END = re.compile(r"[,;:!?.\u2014](?=\s|$)|\s-\s")
# A clause that cannot stand alone once what it hung on is replaced.
_DANGLING = re.compile(
    r"[\s,;:\u2014-]*(?:if|because|since|when|which|until|unless|although|though|while|for|to|anyway|either|too|that"
    r"|i'm afraid|i am afraid|unfortunately|sadly)\b",
    re.IGNORECASE,
)
_DANGLING_WORDS = 12
# A consequence joined to the replaced words: "..., so the $9.99 won't be refunded".
_CONSEQUENCE = re.compile(r"[ \t]*[,;]?[ \t]*(?:and so|so|and that means|which means|and then|and)[ \t]+(?=\w)", re.IGNORECASE)
# A sentence opened by a condition or a time: a comma before the main clause is right there.
_SUBORDINATE = re.compile(
    r"\s*(?:if|when|once|after|before|until|as soon as|should|whenever|unless|since|because|as|although|though|while)\b",
    re.IGNORECASE,
)
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
    return keep_facts(draft[start:end], text)


def replacement_for(
    draft: str,
    finding: Finding,
    library: PhraseLibrary,
    values: Mapping[str, str],
    *,
    generic: bool = False,
    bounds: Sequence[tuple[int, int]] | None = None,
    others: Sequence[tuple[int, int]] = (),
    plain: bool = False,
) -> Replacement:
    """The replacement for one finding: its first matching rule, or (``generic``) the label's fallback.

    ``bounds`` are the draft's sentences, when the caller has them (a long draft has many findings).
    ``others`` are the spans of the draft's other findings: a fallback that repeats the draft's
    clause (``{clause}``) never repeats one of them. ``plain`` leaves the clause out altogether.
    """
    s, e = _sentence_of(bounds if bounds is not None else sentences(draft), finding.start, len(draft))
    why = library.why.get(finding.label, "")
    if not generic:
        for rule in library.rules:
            if rule.label != finding.label:
                continue
            for m in rule.pattern.finditer(draft, s, e):
                # The rule's own words must meet the finding; the rest of the clause only rides along.
                head_end = m.start("rest") if m.groupdict().get("rest") is not None else m.end()
                meets = m.start() < finding.end and finding.start < max(head_end, m.start() + 1)
                if meets and _fits_position(rule, draft, s, e, m):
                    # A rest that holds another problem is left to that problem's replacement.
                    clash = head_end < m.end() and any(a < m.end() and head_end < b for a, b in others)
                    text = _words(rule, m, values, with_rest=not clash)
                    begin = _clause_lead(draft, m.start(), s, text)
                    start, end, text = _shape(draft, begin, head_end if clash else m.end(), text, (s, e))
                    return Replacement(start, end, _keep_facts(draft, start, end, text), finding.label, rule.why or why)
    start, end = _clause(draft, finding.start, finding.end, s, e)
    template = library.fallback[finding.label]
    clause = None
    if "{clause}" in template and not plain:
        start, end, clause = _own_clause(draft, start, end, e, finding, others)
    found = [f for f in facts(draft[start:end]) if not clause or f not in clause]
    named = " and ".join(fact_phrases(draft[start:end], found)) or None  # "... the right team for KL1004"
    text = render(template, {**values, "clause": clause, "facts": named})
    start, end, text = _shape(draft, start, end, text, (s, e))
    if clause and text and not text.startswith(clause) and text[:1].lower() == clause[:1].lower():
        text = clause[:1] + text[1:]  # the draft's own capitals ("Dana's ...") stay
    return Replacement(start, end, _keep_facts(draft, start, end, text), finding.label, why)


def _own_clause(
    draft: str, start: int, end: int, sentence_end: int, finding: Finding, others: Sequence[tuple[int, int]]
) -> tuple[int, int, str | None]:
    """The clause around a finding, to keep in its replacement (the fact the agent states stays said).

    Another finding that opens the clause ("Per our policy, seat fees ...") is left to its own
    replacement; one inside it makes the clause unusable. A consequence that follows ("..., so
    the $9.99 won't be refunded") stays with it: the regret then comes after the whole thought.
    """
    for a, b in others:
        if a <= start < b or (start <= a and b <= finding.start):
            start = max(start, b)
    while start < finding.start and not draft[start].isalnum():
        start += 1
    if _CONSEQUENCE.match(draft, end) and not any(end <= a < sentence_end for a, _ in others):
        end = sentence_end
    if any(a < end and start < b for a, b in others):
        return start, end, None
    clause = draft[start:end].strip().rstrip(",;:.!? ")
    return start, end, clause if len(clause.split()) >= 2 else None


def _sentence_of(bounds: Sequence[tuple[int, int]], pos: int, size: int) -> tuple[int, int]:
    k = bisect.bisect_right(bounds, (pos, size + 1)) - 1
    if k >= 0 and bounds[k][0] <= pos < bounds[k][1]:
        return bounds[k]
    return 0, size


def plan(
    draft: str,
    findings: Iterable[Finding],
    library: PhraseLibrary,
    values: Mapping[str, str],
    generic: frozenset[int] = frozenset(),
    plain: frozenset[int] = frozenset(),
) -> tuple[Replacement, ...]:
    """One replacement per finding, neighbours combined into one thought (combine.py).

    ``generic`` holds the starts of findings to give the fallback; ``plain``, of those whose
    fallback must not repeat the draft's clause.
    """
    findings = list(findings)
    bounds = sentences(draft)
    spans = [(f.start, f.end) for f in findings]
    each = [
        replacement_for(
            draft,
            f,
            library,
            values,
            generic=f.start in generic,
            bounds=bounds,
            others=[x for x in spans if x != (f.start, f.end)],
            plain=f.start in plain,
        )
        for f in findings
    ]
    return combine(draft, each, library)
