"""The words of an agent turn, indexed once for every agent detector.

Every agent detector asks about the same turn: its words (to tell which patterns can match)
and where a given word stands are computed once, and cached for the last turn and for the
turns of the batch being scanned (see ``agent_match.scan_all``).
"""

from __future__ import annotations

from heartdesk.signals.agent_text import WORD_BYTES

#: The last text as one tuple, swapped whole (a web server analyses in threads: separate globals
#: set one after the other could pair one text's words with another's): the text; its words,
#: lower-cased, with the first four letters of each (None until asked for: the prefiltered scan
#: reads the padded bytes only, and the set costs ~8 µs a turn); its words as ASCII bytes with every
#: other character a space and one space at both ends (one byte per character of ``text.lower()``,
#: so a word's offset in it, less the leading space, is its offset in the lower-cased text); and
#: where each word asked about starts (a list is stored only once complete).
_Index = tuple[str | None, set[bytes] | None, bytes, dict[bytes, list[int]]]
_last: _Index = (None, None, b"", {})
#: id(text) -> (text, its padded bytes) for the turns of the batch being scanned.
_batch_words: dict[int, tuple[str, bytes]] = {}
_collecting = False


def collect_batch(on: bool) -> None:
    """While on, keep every text's padded words, for the turns of one batch (on: forget the last batch's)."""
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
        padded = kept[1]
    else:
        # ASCII with "?" for the rest: one byte per character, so offsets carry over.
        padded = b" " + text.lower().encode("ascii", "replace").translate(WORD_BYTES) + b" "
        if _collecting:
            _batch_words[id(text)] = (text, padded)
    last = _last = (text, None, padded, {})
    return last


def word_index(text: str) -> set[bytes]:
    """Every word of ``text``, lower-cased, and the first four letters of each (cached for the last text)."""
    global _last
    last = _index(text)
    found = last[1]
    if found is None:
        found = set(last[2].split())
        # A word of four letters or fewer is its own prefix: only longer ones add one.
        found.update([w[:4] for w in found if len(w) > 4])
        if _last is last:
            _last = (text, found, last[2], last[3])
    return found


def has_key(text: str, key: bytes) -> bool:
    """Whether ``key`` is in :func:`word_index` of ``text``, read off its padded bytes (no word set)."""
    padded = _index(text)[2]
    if len(key) == 4:
        return b" " + key in padded  # a word of four letters, or the first four of a longer one
    return b" " + key + b" " in padded


def has_any(text: str, keys: frozenset[bytes]) -> bool:
    """Whether one of ``keys`` is in :func:`word_index` of ``text`` (see :func:`has_key`)."""
    for key in keys:
        if has_key(text, key):
            return True
    return False


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
