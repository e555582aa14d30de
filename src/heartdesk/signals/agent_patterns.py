"""``[context]`` pattern lists of the agent lexicons, run only when their words are in the turn."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

from heartdesk.signals.agent_anchors import keys_of, lower_pattern, required_sets
from heartdesk.signals.agent_words import word_index
from heartdesk.signals.lexicon import top_level_alternatives
from heartdesk.signals.prefilter import Prefilter
from heartdesk.signals.text import widen_apostrophes


class GatedPatterns:
    """A ``[context]`` pattern list run like a gated lexicon: only the patterns whose words are in the turn.

    The patterns are compiled lower-cased and case-sensitive (see :class:`_Pat`): give
    :meth:`matches_in` the lower-cased slice to test, so that ``^``/``$`` anchor on it.
    """

    def __init__(self, lexicon: str, key: str) -> None:
        res = resources.files("heartdesk.signals").joinpath("lexicons", f"{lexicon}.toml")
        ctx = tomllib.loads(res.read_text(encoding="utf-8")).get("context", {})
        raw = ctx.get(key, []) if isinstance(ctx, dict) else []
        #: The patterns by id (one id per distinct pattern), and the ids of those no word gates.
        self._pats: list[re.Pattern[str]] = []
        self._always: list[int] = []
        self._by_key: dict[bytes, list[tuple[int, tuple[frozenset[bytes], ...]]]] = {}
        ids: dict[re.Pattern[str], int] = {}
        # Every pattern in one RE2 set as well: one pass over a slice names the few candidates that
        # can match in it, and only those are searched (a sentence has ~4 candidates by its words).
        self._prefilter = Prefilter()
        for src in raw:
            for alt in top_level_alternatives(str(src)):
                rx = re.compile(widen_apostrophes(lower_pattern(alt)))
                pid = ids.get(rx)
                if pid is None:
                    pid = ids[rx] = len(self._pats)
                    self._pats.append(rx)
                    self._prefilter.add(pid, rx.pattern, rx.flags)
                sets = [keys_of(g) for g in required_sets(alt, whole=True)]
                if not sets:
                    if pid not in self._always:
                        self._always.append(pid)
                    continue
                for k in sets[0]:
                    self._by_key.setdefault(k, []).append((pid, tuple(sets[1:])))
        self._keys = set(self._by_key)

    def candidates(self, text: str) -> list[int]:
        """The patterns (by id) that can match somewhere in ``text`` (by their words)."""
        keys = word_index(text)
        out = list(self._always)
        for k in keys & self._keys:
            for pid, also in self._by_key[k]:
                for g in also:
                    if keys.isdisjoint(g):
                        break
                else:
                    if pid not in out:
                        out.append(pid)
        return out

    def matches_in(self, text: str, low: str) -> bool:
        """Whether a pattern matches in ``low`` (a lower-cased slice of ``text``).

        The RE2 set names the patterns that can match in the slice itself, which is all the word
        gates would tell (they are read off the patterns): the turn's word set is built only when
        the prefilter cannot tell.
        """
        may = self._prefilter.candidates_lowered(low)
        pats = self._pats
        return any(pats[pid].search(low) for pid in (self.candidates(text) if may is None else may))
