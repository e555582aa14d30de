"""Text helpers for the coach: sentences with offsets, facts, a language check, polishing.

The polishing is deliberately small and predictable: it fixes what splicing sentences
together breaks (doubled punctuation, a lowercase letter after a full stop, a repeated
sentence) and nothing else, so an agent's own style survives the rewrite.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from typing import Generic, TypeVar

from heartdesk.signals.text import add_trimmed

T = TypeVar("T")

# A sentence ends at . ! ? (and closing quotes) before a space or the end, or at a newline:
# "example.com" and "GPA.3341" stay whole.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*(?=\s|$)|\n")
_FACT = re.compile(
    r"(?:[^\s,;()\[\]\"]|,(?=\d{3}))*\d(?:[^\s,;()\[\]\"]|,(?=\d))*|[^\s,;()\"]+@[^\s,;()\"]+\w"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July"
    r"|August|September|October|November|December)\b"
)
_NON_SPACE = re.compile(r"\S+")
_CAPITALISED = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][a-zA-Z'-]+")
_NOT_NAMES = frozenset({"I", "I'm", "I'll", "I've", "I'd", "OK"})
_STOPWORDS = frozenset(
    "the a an and or but to of in on for is are was were be been it its it's i i'm you your you're we our "
    "my me this that with have has had not no can will would could please at as by from so if do does did "
    "don't can't there here what when how why which who all any just about up out get got been am we'll i'll you'll "
    "they them their he she his her one some more also than then only very now today thanks thank sorry yes hi hello "
    "ok okay another other new see let know need want like time day because i've didn't isn't wasn't won't couldn't "
    "shouldn't we're they're i'd you've you'd after before since still again every into over off too much many most "
    "really even ever never always yet until while where should must may might being having doing said".split()
)
_WORD = re.compile(r"[a-z']+")
# Letters are counted as what is left once the runs of everything else are removed (the class
# [^\W\d_] exactly): a few dozen runs instead of a match object per letter.
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NOT_WORD = re.compile(r"[\W_]+")


class TextMemo(Generic[T]):
    """Answers computed from a text and a library part, remembered per text while the part is the same.

    An agent typing a reply asks for a review again and again over the same customer turns; what
    the coach reads off those turns (the situation, the issue to restate) need not be read again.
    The part (the library's situations, say) is compared by identity: a team library gets its
    own answers. Bounded: cleared when full.
    """

    def __init__(self, size: int = 4096) -> None:
        self._items: dict[Hashable, tuple[object, T]] = {}
        self._size = size

    def get(self, key: Hashable, part: object, compute: Callable[[], T]) -> T:
        hit = self._items.get(key)
        if hit is not None and hit[0] is part:
            return hit[1]
        value = compute()
        if len(self._items) >= self._size:
            self._items.clear()
        self._items[key] = (part, value)
        return value


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; a newline also ends one."""
    return list(_sentences(text))


@lru_cache(maxsize=2048)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    # A review splits the same texts (the draft, the replacement words) many times over.
    out: list[tuple[int, int]] = []
    cuts = [0, *(m.end() for m in _BOUNDARY.finditer(text)), len(text)]
    for s, e in itertools.pairwise(cuts):
        add_trimmed(text, s, e, out)
    return tuple(out)


def sentence_around(text: str, pos: int) -> tuple[int, int]:
    for s, e in sentences(text):
        if s <= pos < e:
            return s, e
    return 0, len(text)


def facts(text: str) -> list[str]:
    """What a rewrite must keep verbatim: numbers, amounts, ids, dates, weekdays and names."""
    return list(_facts(text))


@lru_cache(maxsize=2048)
def _facts(text: str) -> tuple[str, ...]:
    found = [f.rstrip(".,:/-!?'") for chunk in _NON_SPACE.findall(text) for f in _chunk_facts(chunk)]
    found += [m.group(0) for m in _CAPITALISED.finditer(text) if m.group(0) not in _NOT_NAMES]
    return tuple(dict.fromkeys(f for f in found if f))


@lru_cache(maxsize=8192)
def _chunk_facts(chunk: str) -> tuple[str, ...]:
    """``_FACT``'s matches in one run of non-space characters.

    No match of ``_FACT`` holds whitespace, and it has no anchors or look-behind, so the matches in a
    text are those of its runs one after the other. Matching run by run is what makes it cheap: the
    pattern tries every position, and a review's words recur from one keystroke's review to the next.
    """
    return tuple(m.group(0) for m in _FACT.finditer(chunk))


def fact_phrases(segment: str, lost: Sequence[str]) -> list[str]:
    """``lost`` facts as the draft wrote them: neighbours joined ("1", "April" -> "1 April")."""
    spans = sorted({(at, at + len(f)) for f in lost if (at := segment.find(f)) >= 0})
    out: list[list[int]] = []
    for a, b in spans:
        if out and a - out[-1][1] <= 2 and not segment[out[-1][1] : a].strip(" -/"):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    found = [segment[a:b] for a, b in out]
    return found + [f for f in lost if segment.find(f) < 0]


def keep_facts(replaced: str, text: str) -> str:
    """``text`` (new words for ``replaced``) with every fact of ``replaced`` still in it, added in brackets."""
    lost = [f for f in facts(replaced) if f not in text]
    if not lost:
        return text
    tail = text[-1] if text[-1:] in (".", "!", "?") else ""
    body = text[: len(text) - len(tail)] if tail else text
    return f"{body} ({', '.join(fact_phrases(replaced, lost))}){tail}"


def english_enough(text: str) -> bool:
    """A cheap language check: mostly ASCII letters and some common English words."""
    letters = len(_NOT_LETTERS.sub("", text))
    if letters < 12:
        return True
    if len(_ASCII_LETTER.findall(text)) / letters < 0.7:
        return False
    words = _WORD.findall(text.lower().replace("’", "'"))
    if len(words) < 5:
        return True
    common = sum(1 for w in words if w in _STOPWORDS)
    # A short sentence may hold few function words; a long English text always has many.
    return common >= 1 if len(words) < 12 else common / len(words) >= 0.15


def pick(options: Sequence[str], seed: str) -> str:
    """A deterministic choice: the same text gets the same phrase, different texts vary."""
    return options[zlib.crc32(seed.encode("utf-8")) % len(options)]


_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE = re.compile(r"[ \t]+([,.;:!?])")
_NO_SPACE_AFTER = re.compile(r"([,;])(?=[A-Za-z])")
_PILEUP = re.compile(r"([.!?])[ \t]*[,;:.]+(?!\.)|([,;:])[ \t]*([.!?])|,[ \t]*,|,[ \t]*(:)")
_LOWER_START = re.compile(r"((?:^|[.!?][\"')\]]*\s+|\n\s*)(?:[\"'(\[]\s*)?)([a-z])")
_PLACEHOLDER = re.compile(r"\{\w+\}")


def _pileup(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1)
    if m.group(3):
        return m.group(3)
    if m.group(4):
        return ":"  # "To recap,:" -> "To recap:"
    return ","


def polish(text: str) -> str:
    """Fix spliced text: spacing, punctuation pile-ups, capitals, repeated sentences, final stop."""
    text = _PLACEHOLDER.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _NO_SPACE_AFTER.sub(r"\1 ", text)
    for _ in range(3):
        fixed = _PILEUP.sub(_pileup, text)
        if fixed == text:
            break
        text = fixed
    text = _LOWER_START.sub(lambda m: m.group(1) + m.group(2).upper(), text.strip())
    text = _dedupe(text)
    # A final stop, except after a sign-off line ("Best,\nSam").
    if text and text[-1].isalnum() and ("\n" not in text or len(text.rsplit("\n", 1)[-1].split()) > 3):
        text += "."
    return text


def _norm(sentence: str) -> str:
    return _NOT_WORD.sub("", sentence.lower())


def _dedupe(text: str) -> str:
    """Drop a sentence that repeats an earlier one (with the space before it)."""
    seen: set[str] = set()
    out: list[str] = []
    prev_end = 0
    for s, e in sentences(text):
        key = _norm(text[s:e])
        if key and key in seen:
            prev_end = e
            continue
        seen.add(key)
        out.append(text[prev_end:s] if out else text[:s])
        out.append(text[s:e])
        prev_end = e
    out.append(text[prev_end:])
    return "".join(out).strip()
