"""The last pass over a rewrite: say each thing once.

Replacements and additions are written to stand on their own, so side by side they can repeat
each other: a policy replacement promises an update "within 24 hours" and the ownership line
promises it again; an addition acknowledges the feeling and the replacement of "Calm down"
does too; several replaced sentences each end in a question. Only the coach's own words are
removed here, never the agent's, and never a sentence that carries a fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import lru_cache

from heartdesk.coach.combine import OFFER, is_empathy
from heartdesk.coach.text import sentences

_PROMISE = re.compile(
    r"\b(?:get back to you|update you|follow up|keep you (?:updated|posted|informed)|be in touch|come back to you)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?:by the end of (?:the |today's )?(?:business )?day|within (?:one|two|\d+) (?:business )?(?:days?|hours?)"
    r"|by (?:tomorrow|tonight|noon|this evening)|within the hour)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:I|we)(?:'ll| will| am going to| are going to)\b", re.IGNORECASE)
# The promise clause of a sentence that also does something else: "..., and update you within 24 hours".
_PROMISE_CLAUSE = re.compile(
    r"(?:,?\s+and|;|,)\s+(?:I'll\s+|we'll\s+)?(?:personally\s+)?(?:get back to you|update you|follow up(?: with you)?"
    r"|keep you (?:updated|posted|informed))\b[^.;!?(]*",
    re.IGNORECASE,
)
_OFFER_CLAUSE = re.compile(r"[;,]?\s*(?:and\s+)?what I can (?:do|offer)(?: for you)? is\b[^.!?(]*", re.IGNORECASE)
_NORM = re.compile(r"[\W_]+")
# The paraphrase ends by checking ("— is that right?"); a canned check after it asks the same thing.
_ASKS_CHECK = re.compile(r"\bis that (?:right|correct)\?$")
_CHECK_TAIL = re.compile(r"\s*[\u2014,-]\s*is that (?:right|correct)\?$")
_CHECKS = frozenset({"is this correct", "are you sure", "could there be a misunderstanding", "is that right"})
_MIN_WORDS = 5  # what is left of a sentence after its promise is taken out must still say something


# Memoised: a review normalises and reads the same sentences (the library's phrases, the draft's
# sentences, which change little from one keystroke's review to the next) many times over.
@lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def _commitments(sentence: str, when: Sequence[str]) -> frozenset[str]:
    """What ``sentence`` commits to: its follow-up times and whether it promises to come back.

    A time counts only with a promise or a first-person future ("cancellations within 24 hours
    are charged" states a rule, it promises nothing).
    """
    return _commitments_of(sentence, tuple(when))


@lru_cache(maxsize=4096)
def _commitments_of(sentence: str, when: tuple[str, ...]) -> frozenset[str]:
    if not _PROMISE.search(sentence) and not _FUTURE.search(sentence) and not OFFER.search(sentence):
        return frozenset()
    keys = {_norm(m.group(0)) for m in _TIME.finditer(sentence)}
    low = sentence.lower()
    keys |= {_norm(w) for w in when if w and w.lower() in low}
    if _PROMISE.search(sentence):
        keys.add("promise")
    if OFFER.search(sentence):
        keys.add("offer")
    return frozenset(keys)


def _prepared(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """The texts normalised, and their sentences long enough to recognise inside another sentence."""
    whole = [_norm(t) for t in texts]
    parts = [_norm(t[a:b]) for t in texts for a, b in sentences(t) if len(t[a:b].split()) >= _MIN_WORDS]
    return whole, parts


def _within(sentence: str, prepared: tuple[list[str], list[str]]) -> bool:
    """The sentence is the coach's own words: it lies within one of the texts."""
    key = _norm(sentence)
    return bool(key) and any(key in t for t in prepared[0])


def _holds(sentence: str, prepared: tuple[list[str], list[str]]) -> bool:
    """The sentence holds one of the texts' sentences whole (the agent's words around it)."""
    key = _norm(sentence)
    return bool(key) and any(p in key for p in prepared[1])


def tidy(
    text: str,
    replaced: Sequence[str],
    added: Sequence[str],
    when: Sequence[str] = (),
    kept: Sequence[str] = (),
    canned: Collection[str] = (),
) -> str:
    """``text`` with repeated commitments, doubled empathy and stacked questions of the coach's own removed.

    ``kept`` are the draft's facts: a sentence holding one always stays. ``canned`` are the
    library's fixed replacement sentences (normalised): one of them that only acknowledges the
    feeling goes when an added empathy statement already does, and one that only asks "is this
    correct?" goes when the paraphrase already asks it.
    """

    def has_fact(sentence: str) -> bool:
        # A fact said elsewhere too ("24" in "within 24 hours" twice) does not hold the sentence.
        return any(f in sentence and text.count(f) < 2 for f in kept)

    spans = sentences(text)
    pieces = [text[s:e] for s, e in spans]
    by_replacement, by_addition = _prepared(replaced), _prepared(added)
    # Whole sentences are removed only where they are the coach's own words; a sentence that
    # also holds the agent's words only loses the coach's repeated clause.
    in_replacement = [_within(p, by_replacement) for p in pieces]
    in_addition = [_within(p, by_addition) for p in pieces]
    own = [r or a for r, a in zip(in_replacement, in_addition, strict=True)]
    ours = [o or _holds(p, by_replacement) or _holds(p, by_addition) for o, p in zip(own, pieces, strict=True)]
    from_replacement = [r and not a for r, a in zip(in_replacement, in_addition, strict=True)]
    keep = [True] * len(pieces)
    new = list(pieces)
    seen: set[str] = set()
    for i, p in enumerate(pieces):
        keys = _commitments(p, when)
        if keys & seen and ours[i]:
            stripped = _PROMISE_CLAUSE.sub("", p).rstrip(" ,;:")
            if "offer" in keys & seen:
                stripped = _OFFER_CLAUSE.sub("", stripped).rstrip(" ,;:")
            if stripped != p and len(stripped.split()) >= _MIN_WORDS and not _commitments(stripped, when) & seen:
                new[i] = stripped + ("" if stripped[-1:] in ".!?" else p[-1])
            elif own[i] and not has_fact(p):
                keep[i] = False
                continue
        seen |= _commitments(new[i], when)
    said_empathy = any(is_empathy(a) for a in added)
    checked = any(_ASKS_CHECK.search(a) for a in added)
    for i, p in enumerate(new):
        if keep[i] and from_replacement[i] and _norm(p) in canned and not has_fact(p):
            if (said_empathy and _plain_empathy(p, has_fact)) or (checked and _norm(p) in _CHECKS):
                keep[i] = False
    # Two empathy statements back to back: the replacement's generic one goes.
    last = -1
    for i in range(len(pieces)):
        if not keep[i]:
            continue
        if last >= 0 and _plain_empathy(new[last], has_fact) and _plain_empathy(new[i], has_fact):
            drop = i if from_replacement[i] else last if from_replacement[last] else None
            if drop is not None:
                keep[drop] = False
                if drop == last:
                    last = i
                continue
        last = i
    # More than two questions in a row: the coach's own questions go first.
    run: list[int] = []
    for i in range(len(pieces) + 1):
        if i < len(pieces) and not keep[i]:
            continue
        if i < len(pieces) and new[i].endswith("?"):
            run.append(i)
            continue
        extra = len(run) - 2
        for j in [j for j in run if from_replacement[j] and not has_fact(new[j])]:
            if extra <= 0:
                break
            keep[j] = False
            extra -= 1
        for j in run:
            if extra > 0 and in_addition[j] and _CHECK_TAIL.search(new[j]):
                # The paraphrase can say it without asking: "Let me make sure I understand: ... ."
                new[j] = _CHECK_TAIL.sub(".", new[j])
                extra -= 1
        run = []
    return _join(text, spans, new, keep)


def _plain_empathy(sentence: str, has_fact: Callable[[str], bool]) -> bool:
    return is_empathy(sentence) and not sentence.endswith("?") and not has_fact(sentence)


def _join(text: str, spans: Sequence[tuple[int, int]], new: Sequence[str], keep: Sequence[bool]) -> str:
    if all(keep) and list(new) == [text[s:e] for s, e in spans]:
        return text
    out: list[str] = []
    for k, ((s, _), piece, kept) in enumerate(zip(spans, new, keep, strict=True)):
        if not kept:
            continue
        if out:
            gap = text[spans[k - 1][1] : s]
            out.append(gap if gap.strip() == "" and gap else " ")
        out.append(piece)
    tail = text[spans[-1][1] :] if spans else ""
    return ("".join(out) + tail).strip()
