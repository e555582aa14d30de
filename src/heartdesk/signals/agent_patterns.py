"""``[context]`` pattern lists of the agent lexicons, run only when their words are in the turn."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

from heartdesk.signals.agent_anchors import keys_of, lower_pattern, required_sets
from heartdesk.signals.agent_words import word_index
from heartdesk.signals.lexicon import top_level_alternatives
from heartdesk.signals.text import widen_apostrophes


class GatedPatterns:
    """A ``[context]`` pattern list run like a gated lexicon: only the patterns whose words are in the turn.

    The patterns are compiled lower-cased and case-sensitive (see :class:`_Pat`): give
    :meth:`any_match` the lower-cased slice to test, so that ``^``/``$`` anchor on it.
    """

    def __init__(self, lexicon: str, key: str) -> None:
        res = resources.files("heartdesk.signals").joinpath("lexicons", f"{lexicon}.toml")
        ctx = tomllib.loads(res.read_text(encoding="utf-8")).get("context", {})
        raw = ctx.get(key, []) if isinstance(ctx, dict) else []
        self._always: list[re.Pattern[str]] = []
        self._by_key: dict[bytes, list[tuple[re.Pattern[str], tuple[frozenset[bytes], ...]]]] = {}
        for src in raw:
            for alt in top_level_alternatives(str(src)):
                rx = re.compile(widen_apostrophes(lower_pattern(alt)))
                sets = [keys_of(g) for g in required_sets(alt, whole=True)]
                if not sets:
                    self._always.append(rx)
                    continue
                for k in sets[0]:
                    self._by_key.setdefault(k, []).append((rx, tuple(sets[1:])))
        self._keys = set(self._by_key)

    def candidates(self, text: str) -> list[re.Pattern[str]]:
        """The patterns that can match somewhere in ``text`` (by their words)."""
        keys = word_index(text)
        out = list(self._always)
        for k in keys & self._keys:
            for rx, also in self._by_key[k]:
                for g in also:
                    if keys.isdisjoint(g):
                        break
                else:
                    if rx not in out:
                        out.append(rx)
        return out
