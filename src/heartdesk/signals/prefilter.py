"""A Hyperscan prefilter: one pass over a turn tells which of many patterns can match at all.

Python's regex engine costs a call per pattern, and the agent lexicons hold hundreds of
patterns: even gated by the turn's words (``agent_match``), a turn leaves ~38 candidates and
~17 regex calls. Hyperscan runs every pattern of a database in one pass whose cost hardly
grows with their number. In prefilter mode it accepts what it cannot run exactly (look-arounds,
back-references) by widening it, so what it reports is a superset of what Python would match;
the exact Python regex then runs only for the reported patterns, and results stay identical.

Hyperscan's semantics are Python's only on plain ASCII text: ``re`` folds ``ſ``/``ı``/Kelvin
``K`` to ASCII letters and counts non-ASCII letters as ``\\w``, and its ``\\s`` includes
``\\x1c``-``\\x1f``. For any other text :meth:`Prefilter.candidates` answers None and the caller
takes its usual path. The same happens when ``hyperscan`` cannot be imported (it ships wheels
for x86-64 only) or ``HEARTDESK_NO_HYPERSCAN=1`` is set: the prefilter is an optimisation only.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import Any

from mypy_extensions import mypyc_attr

_hs: Any
try:  # imported by name: the bindings have no type stubs, and on some platforms no wheel
    _hs = importlib.import_module("hyperscan")
except ImportError:  # pragma: no cover - depends on the platform
    _hs = None

_Error: type[Exception] = _hs.error if _hs is not None else RuntimeError

#: ASCII characters where Python's ``re`` and Hyperscan disagree: ``\\s`` in ``re`` (on str)
#: also matches the information separators \\x1c-\\x1f.
_UNSAFE_ASCII = re.compile("[\x1c-\x1f]")


#: Python syntax that Hyperscan reads otherwise without refusing it: ``{,3}`` (a literal in
#: PCRE), ``\\u``/``\\U``/``\\N`` escapes, ``[:alpha:]`` (a POSIX class in PCRE, a set of
#: characters in Python). A pattern holding one is reported for every text.
_PYTHON_ONLY = re.compile(r"\{,|\\[uUN]|\[[:.=]")


def available() -> bool:
    """Whether the prefilter can run here: Hyperscan imports and is not switched off."""
    return _hs is not None and os.environ.get("HEARTDESK_NO_HYPERSCAN", "") in ("", "0")


@cache
def _folds_to_ascii(ch: str) -> bool:
    """Whether a non-ASCII pattern character matches some ASCII character under IGNORECASE (``ſ`` -> s)."""
    rx = re.compile(re.escape(ch), re.IGNORECASE)
    return any(rx.fullmatch(chr(c)) for c in range(128))


#: Compiling costs ~4 ms a pattern (1.3 s for the agent lexicons): a database of this many
#: patterns or more is kept, serialised, in the user's cache directory, keyed by its patterns.
_CACHE_MIN = 64


def _cache_key(pats: list[tuple[int, bytes]], flags: int) -> str:
    h = hashlib.sha256(f"heartdesk-prefilter-1 {getattr(_hs, '__version__', '')} {flags}".encode())
    for pid, src in pats:
        h.update(b"\0%d\0" % pid + src)
    return h.hexdigest()


def _cache_file(key: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "heartdesk" / f"prefilter-{key[:32]}.hsdb"


def _load(key: str) -> tuple[Any, set[int]] | None:
    """A database compiled before from the same patterns (None: none kept, or unreadable here)."""
    assert _hs is not None
    try:
        head, _, blob = _cache_file(key).read_bytes().partition(b"\n")
        refused = {int(x) for x in json.loads(head)}
        db = _hs.loadb(blob, _hs.HS_MODE_BLOCK)
        db.scratch = _hs.Scratch(db)  # a loaded database comes without one
    except (OSError, ValueError, TypeError, _hs.error):
        return None  # absent, stale, or from another Hyperscan build: compile again
    return db, refused


def _store(key: str, db: Any, refused: set[int]) -> None:
    """Keep a compiled database for the next process (best effort: a read-only home is fine)."""
    assert _hs is not None
    path = _cache_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prefilter-")
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(sorted(refused)).encode() + b"\n" + _hs.dumpb(db))
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    except (OSError, _hs.error):
        pass


def _add(pid: int, _start: int, _end: int, _flags: int, found: set[int]) -> None:
    found.add(pid)


# An ordinary class even when compiled (heartdesk.native): tests replace its _compile.
@mypyc_attr(native_class=False)
class Prefilter:
    """Patterns (by caller id) compiled into one Hyperscan database, built on first use.

    Give each pattern in a form whose matches, under ASCII case-insensitivity, include every
    match the caller will look for. Patterns Hyperscan refuses, or that hold a character that
    folds to ASCII (Hyperscan would miss its ASCII twins), are reported for every text.
    """

    def __init__(self) -> None:
        self._sources: dict[int, str] = {}
        #: Ids registered since the last build: only they are compiled then, into a database of
        #: their own (compiling costs ~4 ms a pattern; a pipeline registers all of its patterns
        #: before its first scan, so it scans one database).
        self._pending: list[int] = []
        self._dbs: list[Any] = []
        #: Hyperscan's scratch space serves one scan at a time: each thread gets its own, per
        #: generation of the databases (a web server analyses in several threads).
        self._local = threading.local()
        self._generation = 0
        self._built = False
        self._on = False
        #: Ids reported for every text (patterns no database holds).
        self.always: frozenset[int] = frozenset()

    @property
    def size(self) -> int:
        """How many patterns are registered (the next free id, when ids are given in order)."""
        return len(self._sources)

    def add(self, pid: int, source: str) -> None:
        """Register a pattern (compiled on next use)."""
        self._sources[pid] = source
        self._pending.append(pid)
        self._built = False

    def reset(self) -> None:
        """Forget the databases: the next use rebuilds them, reading ``HEARTDESK_NO_HYPERSCAN`` again."""
        self._dbs = []
        self._generation += 1
        self.always = frozenset()
        self._pending = list(self._sources)
        self._built = False

    @property
    def active(self) -> bool:
        """Whether texts are prefiltered (False: Hyperscan is missing or switched off)."""
        if not self._built:
            self._build()
        return self._on

    def _build(self) -> None:
        self._built = True
        self._on = available()
        if not self._on or _hs is None:
            return
        pending, self._pending = self._pending, []
        flags = _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_CASELESS | _hs.HS_FLAG_SINGLEMATCH
        always = set(self.always)
        ok: list[tuple[int, bytes]] = []
        for pid in pending:
            src = self._sources[pid]
            if _PYTHON_ONLY.search(src) or not all(ch.isascii() or not _folds_to_ascii(ch) for ch in set(src)):
                always.add(pid)
                continue
            # Non-ASCII characters go in as UTF-8 bytes: on ASCII text they never match,
            # exactly as in Python (none of them folds to ASCII, checked above).
            ok.append((pid, src.encode("utf-8")))
        key = _cache_key(ok, flags) if len(ok) >= _CACHE_MIN else None
        cached = None if key is None else _load(key)
        if cached is not None:
            db, refused = cached
            always |= refused
        else:
            before = set(always)
            db = self._compile(ok, flags, always)
            if key is not None and db is not None:
                _store(key, db, always - before)
        self.always = frozenset(always)
        if db is not None:
            self._dbs = [*self._dbs, db]  # a new list: a scan in another thread keeps its own
            self._generation += 1

    @staticmethod
    def _compile(pats: list[tuple[int, bytes]], flags: int, always: set[int]) -> Any:
        assert _hs is not None
        if not pats:
            return None
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        try:
            db.compile(expressions=[s for _, s in pats], ids=[i for i, _ in pats], flags=flags)
            return db
        except _hs.error:
            pass
        # One pattern is refused even in prefilter mode: find it (and any other) one by one.
        kept: list[tuple[int, bytes]] = []
        for pid, src in pats:
            one = _hs.Database(mode=_hs.HS_MODE_BLOCK)
            try:
                one.compile(expressions=[src], ids=[pid], flags=flags)
                kept.append((pid, src))
            except _hs.error:
                always.add(pid)
        if not kept:
            return None
        db.compile(expressions=[s for _, s in kept], ids=[i for i, _ in kept], flags=flags)
        return db

    def candidates(self, text: str) -> set[int] | None:
        """Ids of the patterns that may match in ``text``; None when the prefilter cannot tell."""
        if not self._built:
            self._build()
        if not self._on or not text.isascii() or _UNSAFE_ASCII.search(text) is not None:
            return None
        found: set[int] = set(self.always)
        local = self._local
        if getattr(local, "generation", -1) != self._generation:
            local.pairs = [(db, _hs.Scratch(db)) for db in self._dbs] if _hs is not None else []
            local.generation = self._generation
        data = text.encode("ascii")
        try:
            for db, scratch in local.pairs:
                db.scan(data, match_event_handler=_add, context=found, scratch=scratch)
        except _Error:
            return None  # a scan Hyperscan refused (its scratch busy): the plain path is exact anyway
        return found
