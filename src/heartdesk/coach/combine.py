"""Problem spans that sit together become one replacement that reads as one thought.

Each finding gets its own words (replace.py); side by side, those words stack badly: a lead-in
("To recap,") with nothing left to lead into, three canned questions in a row, two empathy
lines. Replacements with nothing but punctuation or a connector between them form a cluster,
and the cluster's words are rebuilt piece by piece: lead-ins that lead into another
replacement go, canned questions become one question, one empathy line is kept (any piece
carrying a fact stays), repeated pieces go. A curt follow-up that only made sense after the
replaced words ("What do you want?" after "I don't understand you.") joins the cluster.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from functools import cache

from heartdesk.coach.library import PhraseLibrary, Rule
from heartdesk.coach.text import facts, keep_facts, sentences
from heartdesk.coach.types import Replacement

# Words that may sit between two problem spans without carrying meaning of their own.
_CONNECTORS = frozenset({"", "and", "but", "so", "also", "and also", "plus", "then", "and then", "or"})
_GAP_PUNCT = " \t\n,;:.!?—–-"
_SHORT_LEAD = 3  # words
# A name closing the replaced sentence: "..., you're lying, Dana."
_VOCATIVE = re.compile(r"\s*,?\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*[.!?]+(?=\s|$)")
_I_WORDS = re.compile(r"I(?:'m|'ll|'d|'ve)?\b")
# A follow-up that only makes sense after the words it followed: it is asked again, politely.
_CURT = re.compile(
    r"(?:so,? |and |well,? )?(?:what (?:do|did) you (?:want|mean|need|expect)(?: (?:me|us) to do)?(?: (?:from|of) (?:me|us))?"
    r"(?: exactly)?|what are you (?:talking about|asking(?: for)?|on about)|what(?:'s| is) (?:the|your) (?:problem|issue)"
    r"|what(?: is it)? now|what else|seriously|really|so|check again|try again|read it again|look again|explain)\s*[?!.]*",
    re.IGNORECASE,
)
_EMPATHY = re.compile(
    r"\b(?:frustrat\w*|upsetting|upset|sorry|I can (?:hear|see|imagine)|I understand (?:this|that|how|why|your)"
    r"|matters to you)\b",
    re.IGNORECASE,
)
_NORM = re.compile(r"[\W_]+")
_OPTIONAL_PART = re.compile(r"\[[^\[\]]*\]")
#: The alternative the agent offers ("what I can do is ..."): once per reply is enough.
OFFER = re.compile(r"\bwhat I can (?:do|offer)\b", re.IGNORECASE)
#: One question for several canned ones: the customer is asked once, for what is needed.
ASK_WHAT_HAPPENED = "Let me double-check this on our side: could you tell me a little more about what happened?"
ASK_WHAT_IS_NEEDED = "Could you tell me a little more about what you need, so I can help?"
_INFO = "can you give me more information?"


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


@cache
def _canned(rules: tuple[Rule, ...], fallback: str) -> frozenset[str]:
    """Questions the library uses word for word, whatever the draft said: they add nothing when stacked."""
    texts = [r.template for r in rules if r.label == "confrontational"]
    texts.append(fallback)
    out = {_norm(p) for t in texts if "{" not in t for p in _pieces(t) if p.endswith("?")}
    return frozenset(out | {_INFO[:-1], "are you sure", "is this correct"})


@cache
def canned_sentences(rules: tuple[Rule, ...], fallbacks: tuple[str, ...]) -> frozenset[str]:
    """Every fixed sentence the library puts in place of problem words (normalised)."""
    texts = [_bare(r.template) for r in rules] + [_bare(f) for f in fallbacks]
    return frozenset(_norm(p) for t in texts if "{" not in t for p in _pieces(t))


def _bare(template: str) -> str:
    """A template without its optional ``[...]`` parts: the words it always says."""
    return _OPTIONAL_PART.sub("", template)


def _pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text)]


def is_empathy(sentence: str) -> bool:
    return _EMPATHY.search(sentence) is not None


def _adjacent(draft: str, group: Sequence[Replacement], b: Replacement) -> bool:
    end = max(r.end for r in group)
    if b.start < end:
        return True
    gap = draft[end : b.start]
    return gap.strip(_GAP_PUNCT).lower() in _CONNECTORS and "\n\n" not in gap


def _curt_after(draft: str, end: int, bounds: Sequence[tuple[int, int]]) -> int | None:
    """End of a curt follow-up sentence right after ``end``, if there is one."""
    for s, e in bounds:
        if s >= end:
            between = draft[end:s]
            if between.strip() or not _CURT.fullmatch(draft[s:e]):
                return None
            return e
    return None


def _named_after(draft: str, r: Replacement) -> re.Match[str] | None:
    """The customer's name closing the sentence after a replaced one ("You're lying, Dana.")."""
    if r.text[-1:] not in ".!?":
        return None
    name = _VOCATIVE.match(draft, r.end)
    return name if name and ("," in name.group(0) or draft[: r.end].rstrip().endswith(",")) else None


def _short_lead(draft: str, start: int, bounds: Sequence[tuple[int, int]]) -> int:
    """The sentence's start when only a short lead without facts ("Honestly,") comes before ``start``."""
    for s, e in bounds:
        if s <= start < e:
            lead = draft[s:start]
            if lead.strip() and len(lead.split()) <= _SHORT_LEAD and not facts(lead):
                return s
            break
    return start


def _same_sentence(a: Replacement, b: Replacement, bounds: Sequence[tuple[int, int]]) -> bool:
    if b.start < a.end:
        return True
    return any(s <= a.start < e and s <= b.start < e for s, e in bounds)


def _continues(draft: str, end: int, bounds: Sequence[tuple[int, int]]) -> bool:
    """The sentence goes on after ``end``: words follow before its end."""
    for s, e in bounds:
        if s <= end < e:
            return any(c.isalnum() for c in draft[end:e])
    return False


def _opens_sentence(draft: str, start: int, bounds: Sequence[tuple[int, int]]) -> bool:
    for s, e in bounds:
        if s <= start < e:
            return not any(c.isalnum() for c in draft[s:start])
    return True


def _rebuild(
    group: Sequence[Replacement], canned: frozenset[str], fallbacks: Mapping[str, str], curt: bool, continues: bool
) -> list[str]:
    """The cluster's words as sentences, each said once (module docstring); ``curt``: a curt
    follow-up joined the cluster; ``continues``: the draft's sentence goes on after it."""
    labelled = [(p, r.label) for r in group for p in _pieces(r.text)]
    # A label's generic words give way to another replacement of the same label in the cluster
    # ("Let me make sure this reaches the right team." beside "I'll personally take this up with billing.").
    generic_words = {label: _norm(bare) for label, text in fallbacks.items() if "{" not in (bare := _bare(text))}
    pieces = [
        p
        for p, label in labelled
        if _norm(p) != generic_words.get(label)
        or not any(other == label and _norm(q) != generic_words[label] for q, other in labelled)
    ]
    # A lead-in ("To recap,", "Unfortunately,") is kept only where it still leads into the draft's words.
    full = [p for p in pieces if not p.endswith(",")]
    if full:
        pieces = [p for i, p in enumerate(pieces) if not p.endswith(",") or (continues and i == len(pieces) - 1)]
    generic = [p for p in pieces if p.endswith("?") and _norm(p) in canned]
    specific = [p for p in pieces if p.endswith("?") and p not in generic]
    ask: str | None = None
    if (curt or len(generic) >= 2) and not specific:
        ask = ASK_WHAT_IS_NEEDED if all(_norm(g) == _norm(_INFO) for g in generic) else ASK_WHAT_HAPPENED
    drop_generic = bool(specific) or ask is not None
    kept_empathy = any(is_empathy(p) and facts(p) for p in pieces)
    out: list[str] = []
    seen: set[str] = set()
    offered = False
    for p in pieces:
        key = _norm(p.lstrip("—– "))
        if key in seen or (offered and OFFER.search(p) and not facts(p)):
            continue  # said already, or a second "what I can do is ..." after the first
        offered = offered or OFFER.search(p) is not None
        if p in generic and drop_generic:
            # The specific question asks it better; stacked canned questions become one.
            if ask is not None:
                out.append(ask)
                seen.add(_norm(ask))
                ask = None
            continue
        if is_empathy(p) and not p.endswith("?") and not facts(p):
            if kept_empathy:
                continue
            kept_empathy = True
        seen.add(key)
        out.append(p)
    if ask is not None:
        out.append(ask)
    return out


def combine(draft: str, replacements: Sequence[Replacement], library: PhraseLibrary) -> tuple[Replacement, ...]:
    """``replacements`` sorted, without overlaps, every cluster of neighbours made one."""
    if not replacements:
        return ()
    replacements = sorted(replacements, key=lambda r: (r.start, -r.end))
    bounds = sentences(draft)
    canned = _canned(library.rules, library.fallback.get("confrontational", ""))
    clusters: list[list[Replacement]] = [[replacements[0]]]
    for r in replacements[1:]:
        group = clusters[-1]
        # Neighbours in one sentence always make one thought; across sentences, only when their
        # words interact (stacked questions, a repeated offer, two owners), so that the other
        # replacements stay apart and each can be applied on its own.
        if _adjacent(draft, group, r) and (
            _same_sentence(group[-1], r, bounds)
            or _rebuild([*group, r], canned, library.fallback, False, False)
            != _rebuild(group, canned, library.fallback, False, False) + _pieces(r.text)
        ):
            group.append(r)
        else:
            clusters.append([r])
    out: list[Replacement] = []
    for group in clusters:
        out.extend(_merged(draft, group, bounds, canned, library))
    return tuple(out)


def _merged(
    draft: str, group: list[Replacement], bounds: Sequence[tuple[int, int]], canned: frozenset[str], library: PhraseLibrary
) -> list[Replacement]:
    """One cluster as one replacement, or as it was when rebuilding changes nothing."""
    first, last = group[0], max(group, key=lambda r: r.end)
    asks = any(p.endswith("?") for r in group for p in _pieces(r.text))
    curt_end = _curt_after(draft, last.end, bounds) if asks and last.label == "confrontational" else None
    if len(group) == 1 and curt_end is None and not _named_after(draft, first):
        return group
    end = curt_end if curt_end is not None else last.end
    continues = curt_end is None and _continues(draft, end, bounds)
    pieces = _rebuild(group, canned, library.fallback, curt_end is not None, continues)
    overlaps = any(b.start < a.end for a, b in itertools.pairwise(group))
    joined = any(draft[a.end : b.start].strip(_GAP_PUNCT) for a, b in itertools.pairwise(group))  # "... and ..."
    unchanged = pieces == [p for r in group for p in _pieces(r.text)]
    if curt_end is None and not overlaps and not joined and unchanged and not _named_after(draft, last):
        return group  # nothing to rebuild: each replacement stays on its own
    if not pieces:
        return [Replacement(first.start, end, "", first.label, first.why)]
    start = first.start
    if pieces[-1][-1:] in ".!?" and not first.text.startswith(" — "):
        # Whole sentences of new words: a short lead ("Honestly,") goes with the replaced words,
        # and a name after them ("..., Dana.") moves to the front: "Dana, let me ...".
        start = _short_lead(draft, start, bounds)
        name = _named_after(draft, Replacement(start, end, pieces[-1], first.label, first.why))
        if name:
            end = name.end()
            head = pieces[0] if _I_WORDS.match(pieces[0]) else pieces[0][:1].lower() + pieces[0][1:]
            pieces[0] = f"{name.group(1)}, {head}"
    opening = _opens_sentence(draft, start, bounds)
    for i, p in enumerate(pieces):
        if i or opening:
            # Every piece after the first starts a sentence; so does the first at a sentence's start.
            p = p.lstrip("—– ")
            pieces[i] = p[:1].upper() + p[1:]
    text = " ".join(pieces)
    if first.text.startswith(" — "):
        text = " — " + text.lstrip("—– ")  # the cluster starts at a comma it replaces with a dash (replace._shape)
    return [Replacement(start, end, keep_facts(draft[start:end], text), first.label, first.why)]
