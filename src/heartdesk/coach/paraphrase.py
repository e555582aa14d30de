"""The paraphrase: find the sentence where the customer states the real issue, and say it back.

A customer who vents mixes the issue ("I was charged twice for invoice INV-3381") with the
vent ("This is ridiculous") and what they want ("I want my money back today"). The paraphrase
reflects the issue and the want in the customer's own words (my -> your, I -> you) and leaves
the vent and the complaints about reaching us ("nobody answers the phone") out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from heartdesk.coach.library import PhraseLibrary
from heartdesk.coach.text import facts, sentences
from heartdesk.model import Finding

LONG = 40  # words: a customer who writes this much has vented, and is owed a paraphrase
PLEASANTRY = re.compile(r"\W*(?:hi|hello|hey|thanks|thank you|cheers|ok|okay)\b[^.!?]{0,30}[.!?]?\W*", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|didn't|don't|can't|won't|hasn't|haven't|isn't|wasn't|nobody|no one|without)\b", re.I)
# What makes a sentence the issue: something failed, went wrong or is missing.
_FAILURE = re.compile(
    r"\b(?:charged|billed|overcharged|twice|double|broken|broke|cracked|damaged|smashed|dented|torn|leak\w*|missing|lost|"
    r"late|delayed|stopped|failed|fails|error|declined|wrong|stuck|dead|down|cancell?ed|outage|never (?:arrived|came)|"
    r"arrived|(?:doesn't|does not|won't|will not|can't|cannot|didn't|did not|isn't|hasn't|haven't|wasn't) \w+)\b",
    re.IGNORECASE,
)
# What makes a sentence the vent: judgement of us, not facts about the problem.
_VENT = re.compile(
    r"\b(?:ridiculous|unacceptable|outrageous|a joke|absurd|insane|disgrace\w*|disgusting|pathetic|useless|incompetent|"
    r"terrible|awful|fed up|sick of|unbelievable|seriously|how hard|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|"
    r"again|worst|shame)\b|!{2,}",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r",?\s+(?:and|but|while)\s+(?:nobody|no one|no-one|noone)\s+(?:\w+\s+){0,2}?(?:answers|answered|replies|replied|"
    r"responds|responded|calls?|called|gets? back|got back|picks? up|picked up|helps|helped|cares)\b[^,.;!?]*",
    re.IGNORECASE,
)
_WANT = re.compile(r"\bI (?:want|need|expect|demand)\b[^.!?;]*|\bI(?:'d| would) like\b[^.!?;]*", re.IGNORECASE)
_MIN_ISSUE_WORDS = 4
_MAX_WORDS = 35  # a longer paraphrase stops sounding like listening


def _said(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text) if not PLEASANTRY.fullmatch(text[a:b])]


def _weight(sentence: str, library: PhraseLibrary) -> int:
    """Problem content: failures, facts (ids, amounts, dates), situation cues; a vent or a question counts against."""
    cues = sum(1 for s in library.situations for c in s.cues if c.search(sentence))
    score = 2 * len(_FAILURE.findall(sentence)) + 2 * len(facts(sentence)) + cues + bool(_NEGATION.search(sentence))
    # A bare reference ("Reference MTG-77120.") names the case, it does not state the problem.
    short = 5 if len(sentence.split()) < _MIN_ISSUE_WORDS else 0
    return score - 3 * len(_VENT.findall(sentence)) - sentence.rstrip().endswith("?") - short


def _best(said: Sequence[str], library: PhraseLibrary) -> str:
    weights = [_weight(x, library) for x in said]
    return said[weights.index(max(weights))]


def vented(text: str, upset: bool, library: PhraseLibrary) -> bool:
    """The customer vented: wrote at length, or, upset, put a vent beside the issue."""
    if len(text.split()) >= LONG:
        return True
    said = _said(text)
    if not upset or len(said) < 2:
        return False
    issue = _best(said, library)
    return _weight(issue, library) > 0 and any(x is not issue and _VENT.search(x) for x in said)


def issue_of(text: str, found: tuple[Finding, ...], library: PhraseLibrary) -> str:
    """The real issue in the customer's words, with what they want when they said it elsewhere."""
    said = _said(text) or [text]
    issue = _best(said, library)
    if found and found[0].present:
        # The engine's real issue, unless it picked the vent over a sentence with the problem in it.
        engine = text[found[0].start : found[0].end]
        if _weight(engine, library) >= _weight(issue, library) or not _VENT.search(engine):
            issue = engine
    core = issue.strip().rstrip(" .!?\u2026")
    trimmed = _CONTACT.sub("", core)
    if len(trimmed.split()) >= 3:
        core = trimmed
    if not _WANT.search(core):
        want = next((m.group(0) for x in said if x not in issue for m in [_WANT.search(x)] if m), None)
        if want and len(core.split()) + len(want.split()) <= _MAX_WORDS:
            core = f"{core} and {want.strip().rstrip(' .!?,')}"
    return core


# Customer words -> the agent's: "my order" -> "your order", "you charged me" -> "we charged you".
_REFLECT = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're", "i've": "you've",
    "i'll": "you'll", "i'd": "you'd", "am": "are", "we": "you", "us": "you", "our": "your", "ours": "yours",
    "we're": "you're", "we've": "you've", "your": "our", "yours": "ours", "you're": "we're", "you've": "we've",
    "yourself": "ourselves", "im": "you're",
}  # fmt: skip
_SUBJECT_BEFORE = frozenset({"", "and", "but", "so", "because", "that", "when", "if", "then", "since", "as", "or"})
_VERB_AFTER = frozenset(
    "would will can could should said told have had did didn't don't are were never always keep kept still just "
    "promised sent lost took made gave".split()
)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|[^A-Za-z]+")
_OPENERS = re.compile(
    r"^(?:(?:honestly|look|listen|seriously|so|well|hi|hello|ok|okay|and|but|also|again|now),?\s+)+", re.IGNORECASE
)
_KEEP_CASE = re.compile(r"^(?:[A-Z]{2,}|[A-Z][a-z]+(?: [A-Z][a-z]+)+)")


def reflect(sentence: str) -> str:
    """The customer's sentence in the agent's mouth, ready to follow "Let me make sure I understand:"."""
    text = _OPENERS.sub("", sentence.strip()).rstrip(" .!?\u2026")
    tokens = _TOKEN.findall(text)
    words = [(i, t.lower().replace("’", "'")) for i, t in enumerate(tokens) if t[0].isalpha()]
    out = list(tokens)
    for n, (i, key) in enumerate(words):
        prev = _previous(tokens, i, words[n - 1][1] if n else "")
        nxt = words[n + 1][1] if n + 1 < len(words) else ""
        if key == "you":
            # "you charged me" -> "we charged you"; "call you" -> "call us".
            subject = prev in _SUBJECT_BEFORE or nxt in _VERB_AFTER or nxt.endswith("ed")
            out[i] = "we" if subject else "us"
        elif key == "was" and prev == "i":
            out[i] = "were"
        elif key == "am" and prev != "i":
            out[i] = tokens[i]  # "at 1am", "6 am": a time, not "I am"
        else:
            out[i] = _REFLECT.get(key, tokens[i])
    reflected = "".join(out).strip()
    if reflected and not _KEEP_CASE.match(reflected):
        reflected = reflected[0].lower() + reflected[1:]
    return reflected


def _previous(tokens: list[str], i: int, word: str) -> str:
    """The previous word, or the punctuation between it and token ``i`` when there is some."""
    between = tokens[i - 1].strip() if i and not tokens[i - 1][0].isalpha() else ""
    return between[-1] if between[-1:] in (",", ";", ":") else word
