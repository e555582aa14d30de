"""The words of an agent turn, indexed once for every agent detector.

Every agent detector asks about the same turn: its words (to tell which patterns can match)
and where a given word stands are computed once, and cached for the last turn and for the
turns of the batch being scanned (see ``agent_match.scan_all``).
"""

from __future__ import annotations

from heartdesk.signals.agent_text import WORD_BYTES

#: The last text as one tuple, swapped whole (a web server analyses in threads: separate globals
#: set one after the other could pair one text's words with another's): the text; its words,
#: lower-cased, with the first four letters of each; its words as ASCII bytes with every other
#: character a space and one space at both ends (one byte per character of ``text.lower()``, so a
#: word's offset in it, less the leading space, is its offset in the lower-cased text); and where
#: each word asked about starts (a list is stored only once complete).
_Index = tuple[str | None, set[bytes], bytes, dict[bytes, list[int]]]
_last: _Index = (None, set(), b"", {})
#: id(text) -> (text, its words, its padded bytes) for the turns of the batch being scanned.
_batch_words: dict[int, tuple[str, set[bytes], bytes]] = {}
_collecting = False


def collect_batch(on: bool) -> None:
    """While on, keep every text's words, for the turns of one batch (on: forget the last batch's)."""
    global _collecting, _batch_words
    if on:
        _batch_words = {}
    _collecting = on


def _index(text: str) -> _Index:
    global _last
    last = _last
    if last[0] is text:
        return last
    kept = _batch_words.get(id(text))
    if kept is not None and kept[0] is text:  # the entry holds the text: its id is not reused
        _, found, padded = kept
    else:
        # ASCII with "?" for the rest: one byte per character, so offsets carry over.
        spaced = text.lower().encode("ascii", "replace").translate(WORD_BYTES)
        found = set(spaced.split())
        # A word of four letters or fewer is its own prefix: only longer ones add one.
        found.update([w[:4] for w in found if len(w) > 4])
        padded = b" " + spaced + b" "
        if _collecting:
            _batch_words[id(text)] = (text, found, padded)
    last = _last = (text, found, padded, {})
    return last


def word_index(text: str) -> set[bytes]:
    """Every word of ``text``, lower-cased, and the first four letters of each (cached for the last text)."""
    return _index(text)[1]


def word_starts(text: str, word: bytes) -> list[int]:
    """Offsets in ``text.lower()`` where ``word`` (a run of ASCII letters and digits) stands whole."""
    _, _, padded, starts = _index(text)
    got = starts.get(word)
    if got is None:
        got = []
        needle = b" " + word + b" "
        step = len(needle) - 1
        i = padded.find(needle)
        while i >= 0:
            got.append(i)  # the word starts at i + 1 in ``padded``, at i in the text
            i = padded.find(needle, i + step)
        starts[word] = got
    return got


def is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
