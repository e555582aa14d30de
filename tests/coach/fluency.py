"""A fluency checker for rewrites, used by the tests only (the product fixes text, it does not grade it).

``fluency_problems(text)`` lists what a demanding agent would send back: double spaces, a dash
opening a sentence or following a comma, empty sentences, a sentence without a capital or final
punctuation, a repeated sentence, a commitment made twice, more than two questions in a row.
Sign-off lines ("Best,", "Sam") are exempt from the punctuation rule.
"""

from __future__ import annotations

import itertools
import re

# Sentence ends: . ! ? (and closing quotes) before a space or the end, or a newline.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*(?=\s|$)|\n")
_SIGN_OFF = re.compile(
    r"^(?:(?:best|kind|warm|warmest|many)?\s*(?:regards|wishes)|thanks(?: again)?|thank you(?: again)?|cheers|sincerely|"
    r"all the best|take care|best)\b[^.!?]{0,40}[,!.]?$",
    re.IGNORECASE,
)
#: Follow-up times: a commitment when the sentence promises something ("I'll", "update you").
TIMES = (
    re.compile(r"\bby the end of (?:the|today's) (?:day|business day)\b", re.IGNORECASE),
    re.compile(r"\bwithin (?:one|1|two|2) business days?\b", re.IGNORECASE),
    re.compile(r"\bwithin (?:24|48) hours\b", re.IGNORECASE),
)
_PROMISING = re.compile(r"\b(?:I|we)(?:'ll| will)\b|\b(?:get back to|update) you\b|\bfollow up\b", re.IGNORECASE)
#: Commitments a reply should make once: a promise to come back.
COMMITMENTS = (
    re.compile(r"\bget back to you\b", re.IGNORECASE),
    re.compile(r"\bupdate you\b", re.IGNORECASE),
    re.compile(r"\bfollow up\b", re.IGNORECASE),
    re.compile(r"\bkeep you (?:updated|posted|informed)\b", re.IGNORECASE),
)
_WORDS = re.compile(r"[\W_]+")
_LIST_ITEM = re.compile(r"(?:[-*\u2022]|\d+[.)])\s")


def split(text: str) -> list[str]:
    """Sentences; a list item ("- ...", "2. ...") is one piece, whatever its punctuation."""
    out: list[str] = []
    for line in text.split("\n"):
        if _LIST_ITEM.match(line.strip()):
            out.append(line.strip())
            continue
        cuts = [0, *(m.end() for m in _BOUNDARY.finditer(line)), len(line)]
        out += [line[a:b].strip() for a, b in itertools.pairwise(cuts)]
    return [p for p in out if p]


def _is_sign_off(sentence: str) -> bool:
    return _SIGN_OFF.match(sentence) is not None or (len(sentence.split()) <= 3 and sentence[-1:] not in ".!?")


def fluency_problems(text: str) -> list[str]:
    """Every fluency rule ``text`` breaks, one line each (empty when fluent)."""
    out: list[str] = []
    if "  " in text:
        out.append("double space")
    if re.search(r",\s*[—–]", text):
        out.append("dash after a comma")
    body = [p for p in split(text) if p]
    if re.search(r"[.!?][ \t]*[.!?;,]", text.replace("...", "")):
        out.append("empty sentence")
    seen: set[str] = set()
    run = 0
    for p in body:
        if _LIST_ITEM.match(p) or (p.endswith(":") and p is not body[-1]):
            run = 0
            continue  # a list and its lead-in line keep the agent's own layout
        if p[0] in "—–-":
            out.append(f"dash opens a sentence: {p!r}")
        first = next((c for c in p if c.isalnum()), "")
        if first and first.isalpha() and not first.isupper():
            out.append(f"no capital: {p!r}")
        if p[-1] not in ".?!" and not _is_sign_off(p):
            out.append(f"no final punctuation: {p!r}")
        key = _WORDS.sub(" ", p.lower()).strip()
        if key in seen:
            out.append(f"repeated sentence: {p!r}")
        seen.add(key)
        run = run + 1 if p.endswith("?") else 0
        if run == 3:
            out.append(f"more than two questions in a row (at {p!r})")
    promising = " ".join(p for p in body if _PROMISING.search(p))
    for c in (*TIMES, *COMMITMENTS):
        said = c.findall(promising)
        if len(said) > 1:
            out.append(f"commitment made {len(said)} times: {said[0]!r}")
    return out
