"""Small text helpers shared by detectors. All offsets refer to the untouched text."""

from __future__ import annotations

import re

# A sentence ends at . ! ? … (and runs of them, and closing quotes), or at line breaks. Abbreviations
# are rare enough in support chat that a simple rule beats a heavy tokenizer here. The pattern starts
# with one character class so the regex engine skips non-candidate positions in C.
_END = "[.!?\u2026\u3002\uff01\uff1f]"
_SENT_END = re.compile(f"(?:{_END}|\\n)(?:(?<=\\n)\\n*|(?<!\\n){_END}*[\"'\u2019\u201d)\\]]*(?=\\s|$))")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)

#: What a straight apostrophe in a lexicon pattern becomes: customers and agents type ’ and ʼ too.
APOS = "['\u2019\u02bc]"
#: The ASCII characters Python's ``\\w`` matches: a word boundary read off ASCII text without a regex.
ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def widen_apostrophes(source: str) -> str:
    """``source`` with every straight apostrophe also matching ’ and ʼ: ``'`` becomes :data:`APOS`,
    and inside a character class (``[\\w'-]``) the two characters join the class, where a nested
    ``[...]`` would end the class early and silently change the pattern."""
    if "'" not in source:
        return source
    out: list[str] = []
    i, n = 0, len(source)
    in_class = False
    while i < n:
        c = source[i]
        if c == "\\" and i + 1 < n:
            if source[i + 1] == "'":  # an escaped apostrophe is an apostrophe all the same
                out.append("'\u2019\u02bc" if in_class else APOS)
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append("'\u2019\u02bc" if c == "'" else c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            # "^" and a leading "]" belong to the class ("[]a]", "[^]a]").
            if i < n and source[i] == "^":
                out.append("^")
                i += 1
            if i < n and source[i] == "]":
                out.append("]")
                i += 1
            continue
        out.append(APOS if c == "'" else c)
        i += 1
    return "".join(out)


#: bytes.translate tables for word gating on lower-cased UTF-8: ASCII letters and digits stay, the
#: rest becomes a space; WORD_BYTES keeps the apostrophe too ("can't" stays one word).
WORD_BYTES = bytes(c if (chr(c).isascii() and chr(c).isalnum()) or c == 39 else 32 for c in range(256))
PLAIN_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))

STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
    don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll
    he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't
    it it's its itself let's me more most mustn't my myself no nor not of off on once only or other
    ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some
    such than that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up very was wasn't we we'd we'll we're we've
    were weren't what what's when when's where where's which while who who's whom why why's with won't
    would wouldn't you you'd you'll you're you've your yours yourself yourselves just also got get im
    ive dont cant really still even yes yeah ok okay oh well now one like will""".split()
)


def stop_before(text: str, at: int) -> int:
    """Where the text after the last stop ("." "!" "?") or line break before ``at`` begins (0 when there is none):
    the start of ``at``'s sentence, found without the turn's sentence bounds."""
    return max(text.rfind(".", 0, at), text.rfind("!", 0, at), text.rfind("?", 0, at), text.rfind("\n", 0, at)) + 1


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of surrounding whitespace; never empty spans."""
    out: list[tuple[int, int]] = []
    pos = 0
    ends = _ascii_ends(text) if text.isascii() else [m.span() for m in _SENT_END.finditer(text)]
    for st, en in ends:
        add_trimmed(text, pos, st if text[st] == "\n" else en, out)
        pos = en
    if pos < len(text):
        add_trimmed(text, pos, len(text), out)
    return out


_ASCII_ENDS = (".", "!", "?", "\n")
_ASCII_CLOSE = "\"')]"


def _ascii_ends(text: str) -> list[tuple[int, int]]:
    """The spans of ``_SENT_END.finditer(text)`` for ASCII ``text``, found with ``str.find``.

    The regex engine walks every character to reach the few where a sentence can end (~2.5 µs a
    turn); ``str.find`` jumps to them in C. A match is a run of line breaks, or a run of ``.!?``
    and then of closing quotes or brackets, followed by whitespace or the end of the text (at
    an end mark where that fails, the regex tries again from the next character, and so does
    this). ``tests/test_signals_text.py`` holds the two to the same spans.
    """
    marks: list[int] = []
    for c in _ASCII_ENDS:
        i = text.find(c)
        while i >= 0:
            marks.append(i)
            i = text.find(c, i + 1)
    if not marks:
        return []
    marks.sort()
    n = len(text)
    out: list[tuple[int, int]] = []
    pos = 0
    for i in marks:
        if i < pos:
            continue  # inside the last match
        j = i + 1
        if text[i] == "\n":
            while j < n and text[j] == "\n":
                j += 1
        else:
            while j < n and text[j] in ".!?":
                j += 1
            while j < n and text[j] in _ASCII_CLOSE:
                j += 1
            if j < n and not text[j].isspace():
                continue  # no end of sentence here ("3.5", "e.g.x")
        out.append((i, j))
        pos = j
    return out


def add_trimmed(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    """Append ``(s, e)`` to ``out`` less the whitespace at both ends, unless nothing is left."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes kept inside words, normalised to ')."""
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower().replace("\u2019", "'")) for m in _WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


def first_sentence(text: str) -> tuple[int, int]:
    b = sentence_bounds(text)
    return b[0] if b else (0, len(text))
