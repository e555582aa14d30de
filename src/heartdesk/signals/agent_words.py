"""The words of an agent turn, indexed once for every agent detector.

Every agent detector asks about the same turn: its words (to tell which patterns can match)
and where a given word stands are computed once, and cached for the last turn and for the
turns of the batch being scanned (see ``agent_match.scan_all``).
"""

from __future__ import annotations

from heartdesk.signals.agent_text import WORD_BYTES

_last_index_text: str | None = None
_last_index: set[bytes] = set()


#: The last text's words, lower-cased, as ASCII bytes with every other character a space and one
#: space at both ends: one byte per character of ``text.lower()``, so a word's offset in it (less
#: the leading space) is its offset in the lower-cased text.
_last_padded = b""
_last_starts: dict[bytes, list[int]] = {}
#: id(text) -> (text, its words, its padded bytes) for the turns of the batch being scanned.
_batch_words: dict[int, tuple[str, set[bytes], bytes]] = {}
_collecting = False


def collect_batch(on: bool) -> None:
    """While on, keep every text's words, for the turns of one batch (on: forget the last batch's)."""
    global _collecting, _batch_words
    if on:
        _batch_words = {}
    _collecting = on


def word_index(text: str) -> set[bytes]:
    """Every word of ``text``, lower-cased, and the first four letters of each (cached for the last text)."""
    global _last_index_text, _last_index, _last_padded, _last_starts
    if text is not _last_index_text:
        kept = _batch_words.get(id(text))
        if kept is not None and kept[0] is text:  # the entry holds the text: its id is not reused
            _, _last_index, _last_padded = kept
        else:
            # ASCII with "?" for the rest: one byte per character, so offsets carry over.
            spaced = text.lower().encode("ascii", "replace").translate(WORD_BYTES)
            found = set(spaced.split())
            # A word of four letters or fewer is its own prefix: only longer ones add one.
            found.update([w[:4] for w in found if len(w) > 4])
            _last_index = found
            _last_padded = b" " + spaced + b" "
            if _collecting:
                _batch_words[id(text)] = (text, _last_index, _last_padded)
        _last_starts = {}
        _last_index_text = text
    return _last_index


def word_starts(text: str, word: bytes) -> list[int]:
    """Offsets in ``text.lower()`` where ``word`` (a run of ASCII letters and digits) stands whole."""
    if text is not _last_index_text:
        word_index(text)
    got = _last_starts.get(word)
    if got is None:
        got = _last_starts[word] = []
        padded = _last_padded
        needle = b" " + word + b" "
        step = len(needle) - 1
        i = padded.find(needle)
        while i >= 0:
            got.append(i)  # the word starts at i + 1 in ``padded``, at i in the text
            i = padded.find(needle, i + step)
    return got


def is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
