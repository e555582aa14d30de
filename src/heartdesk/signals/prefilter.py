"""An RE2 prefilter: one pass over a turn tells which of many patterns can match at all.

Python's regex engine costs a call per pattern, and the agent lexicons hold hundreds of
patterns: even gated by the turn's words (``agent_match``), a turn leaves ~38 candidates and
~17 regex calls. An ``RE2::Set`` (google-re2, BSD-3-Clause) runs every pattern of a lexicon in
one DFA pass (~2 µs a turn) and names the ones that match somewhere; the exact Python regex
then runs only for those. Each pattern goes in as its RE2 form
(:func:`heartdesk.signals.re2_form.re2_form`): built from Python's own parse and at least as
wide as the Python pattern on the turn's stand-in (the lower-cased turn with every
character past ASCII replaced by ``_`` or ``\\x7f``, whether it is a word character or not), so the
prefilter may name too many patterns, never too few. For a turn whose lower-case form has another
length (a few letters such as "İ") :meth:`Prefilter.candidates` answers None and the caller takes
its plain path, as it does when ``HEARTDESK_NO_PREFILTER=1`` or the ``google-re2`` wheel is missing.

A set's DFA runs in a bounded cache that it empties and refills as it goes (an ``RE2::Set``
never gives up on a long text, unlike a single RE2); it fails only when its program does not
fit the budget at all, and then every scan reports nothing. So each set holds a probe
pattern, scanned once when the set is built: a set that misses it is not used.
"""

from __future__ import annotations

import importlib
import os
import threading
from typing import Any

from mypy_extensions import mypyc_attr

from heartdesk.signals.re2_form import re2_form, stand_in

_re2: Any
try:  # imported by name: the bindings have no type stubs, and on some platforms no wheel
    _re2 = importlib.import_module("re2")
except ImportError:  # pragma: no cover - depends on the platform
    _re2 = None

#: The DFA's memory budget per set (an upper bound: states are built as texts need them).
MAX_MEM = 64 << 20
#: A pattern no lexicon holds, and a text that holds it (see the module's docstring).
_PROBE = "heartdesk-prefilter-probe"


class _Unusable(Exception):
    """A set RE2 cannot scan with."""


def available() -> bool:
    """Whether the prefilter runs here: RE2 imports and ``HEARTDESK_NO_PREFILTER`` is not set."""
    return _re2 is not None and os.environ.get("HEARTDESK_NO_PREFILTER", "") in ("", "0")


def re2_module() -> Any:
    """The ``re2`` bindings (None where they did not import)."""
    return _re2


# An ordinary class even when compiled (heartdesk.native): tests replace its _compile.
@mypyc_attr(native_class=False)
class Prefilter:
    """Patterns (by caller id) compiled into RE2 sets, built on first use.

    Give each pattern as the caller runs it on the lower-cased turn (source and flags): the
    set reports it wherever that regex could match there. Patterns that cannot be rewritten for
    RE2, or that RE2 refuses, are reported for every text.
    """

    def __init__(self) -> None:
        self._sources: dict[int, tuple[str, int]] = {}
        #: Ids registered since the last build: only they are compiled then, into a set of
        #: their own (a pipeline registers all of its patterns before its first scan, so it
        #: scans one set).
        self._pending: list[int] = []
        #: (set, caller id of each of its indices); a new list on each build, so a scan in
        #: another thread keeps the one it started with (RE2 sets are safe to share).
        self._sets: list[tuple[Any, list[int]]] = []
        self._lock = threading.Lock()
        self._built = False
        self._on = False
        #: Ids reported for every text (patterns no set holds).
        self.always: frozenset[int] = frozenset()

    @property
    def size(self) -> int:
        """How many patterns are registered (the next free id, when ids are given in order)."""
        return len(self._sources)

    def add(self, pid: int, source: str, flags: int = 0) -> None:
        """Register a pattern (compiled on next use)."""
        self._sources[pid] = (source, flags)
        self._pending.append(pid)
        self._built = False

    def reset(self) -> None:
        """Forget the sets: the next use rebuilds them, reading ``HEARTDESK_NO_PREFILTER`` again."""
        with self._lock:
            self._sets = []
            self.always = frozenset()
            self._pending = list(self._sources)
            self._built = False

    @property
    def active(self) -> bool:
        """Whether texts are prefiltered (False: RE2 is missing, switched off, or failed its probe)."""
        if not self._built:
            self._build()
        return self._on

    def _build(self) -> None:
        # Threads may ask at once: one builds while the others wait, and ``_built`` turns True only
        # when the sets are in place (a scan against half of them would miss patterns).
        with self._lock:
            if not self._built:
                self._build_locked()
                self._built = True

    def _build_locked(self) -> None:
        # State changes only at the end: an exception on the way leaves the pending patterns
        # pending (the next use tries again), never a set that silently lacks them.
        if not available():
            self._on = False
            return
        always = set(self.always)
        forms: list[tuple[int, str]] = []
        for pid in self._pending:
            source, flags = self._sources[pid]
            form = re2_form(source, flags)
            if form is None:
                always.add(pid)
            else:
                forms.append((pid, form))
        try:
            built = self._compile(forms, always)
        except _Unusable:
            self._on = False  # a set that cannot scan: every caller takes its plain path
            return
        if built is not None:
            self._sets = [*self._sets, built]
        self.always = frozenset(always)
        self._pending = []
        self._on = True

    @staticmethod
    def _compile(forms: list[tuple[int, str]], always: set[int]) -> tuple[Any, list[int]] | None:
        """One set of ``forms`` (None: nothing to compile); raises _Unusable when RE2 cannot scan with it."""
        if not forms:
            return None
        options = _re2.Options()
        options.max_mem = MAX_MEM
        options.log_errors = False
        options.case_sensitive = False  # wider still: callers scan the lower-cased turn
        rset = _re2.Set.SearchSet(options)
        ids: list[int] = []
        for pid, form in forms:
            try:
                rset.Add(form)
            except _re2.error:
                always.add(pid)  # RE2 refuses it (too large a program): reported for every text
                continue
            ids.append(pid)
        probe = len(ids)
        rset.Add(_PROBE)
        try:
            rset.Compile()
        except _re2.error:
            raise _Unusable from None
        # The bindings' own Set object, when there is one: its Match takes bytes and returns a list,
        # without the wrapper's Python-level call (about 1 µs a turn of the 5 µs a scan costs).
        match = getattr(getattr(rset, "_set", None), "Match", None) or rset.Match
        if probe not in (match(_PROBE.encode("ascii")) or ()):
            raise _Unusable  # the DFA did not fit its budget: it would report nothing
        return match, ids

    def candidates(self, text: str) -> set[int] | None:
        """Ids of the patterns that may match in ``text``; None when the prefilter cannot tell."""
        if not self._built:
            self._build()
        if not self._on:
            return None  # switched off or no RE2: not even the lower-casing is spent
        low = text.lower()
        if len(low) != len(text):
            return None  # the callers then run their case-insensitive patterns on the turn itself
        return self.candidates_lowered(low)

    def candidates_lowered(self, low: str) -> set[int] | None:
        """:meth:`candidates` of a turn already lower-cased (``low``, of the turn's own length)."""
        if not self._built:
            self._build()
        if not self._on:
            return None
        found: set[int] = set(self.always)
        data = low.encode("ascii") if low.isascii() else stand_in(low)
        for match, ids in self._sets:
            hits = match(data)
            if hits:
                found.update([ids[i] for i in hits if i < len(ids)])
        return found
