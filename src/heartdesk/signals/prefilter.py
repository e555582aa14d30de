"""A Hyperscan prefilter: one pass over a turn tells which of many patterns can match at all.

Python's regex engine costs a call per pattern, and the agent lexicons hold hundreds of
patterns: even gated by the turn's words (``agent_match``), a turn leaves ~38 candidates and
~17 regex calls. Hyperscan runs every pattern of a database in one pass whose cost hardly
grows with their number. In prefilter mode it accepts what it cannot run exactly (look-arounds,
back-references) by widening it, so what it reports should be a superset of what Python would
match; the exact Python regex then runs only for the reported patterns.

**Off unless asked for** (``HEARTDESK_HYPERSCAN=1``): Hyperscan 5.4 (python-hyperscan 0.9.1) misses
some matches outright, even outside prefilter mode. ``(?:i|we)(?:'ve| have)? (?:now |just |already
|also |gone ahead and |successfully )*(?:cancell?ed|upgraded your (?:plan|account))`` finds nothing in
"we were billed $1,200 for the annual plan but we cancelled on 28 february." although Python (and
Hyperscan on the last 60 characters) matches "we cancelled". A missed pattern is a lost finding, so
the engine's default is the plain path; with the switch on, analysis is ~8 % faster and may, rarely,
lose a finding (docs/accuracy.md, "Speed and memory").

Hyperscan's semantics are Python's only on plain ASCII text: ``re`` folds ``ſ``/``ı``/Kelvin
``K`` to ASCII letters and counts non-ASCII letters as ``\\w``, and its ``\\s`` includes
``\\x1c``-``\\x1f``. For any other text :meth:`Prefilter.candidates` answers None and the caller
takes its usual path, as it does when ``hyperscan`` is not installed (the ``hyperscan`` extra).
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
    """Whether the prefilter runs here: Hyperscan imports and ``HEARTDESK_HYPERSCAN=1`` asks for it."""
    return _hs is not None and os.environ.get("HEARTDESK_HYPERSCAN", "") not in ("", "0")


@cache
def _folds_to_ascii(ch: str) -> bool:
    """Whether a non-ASCII pattern character matches some ASCII character under IGNORECASE (``ſ`` -> s)."""
    rx = re.compile(re.escape(ch), re.IGNORECASE)
    return any(rx.fullmatch(chr(c)) for c in range(128))


def ascii_form(src: str) -> str | None:
    """``src`` as it reads ASCII text: non-ASCII characters dropped from its character classes.

    They never match ASCII text, and Hyperscan mis-scans a class holding bytes above 0x7f: given
    ``['’ʼ]`` as UTF-8 it missed matches on some longer turns (tests/test_prefilter.py keeps two).
    None when that cannot be done exactly: a negated class, a range or an emptied class with one.
    """
    if src.isascii():
        return src
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\":
            out.append(src[i : i + 2])
            i += 2
            continue
        if ch != "[":
            out.append(ch)
            i += 1
            continue
        j = i + 1
        negated = j < n and src[j] == "^"
        j += negated
        items: list[str] = []
        while j < n and (src[j] != "]" or not items):  # a "]" first in a class is a literal
            step = 2 if src[j] == "\\" else 1
            items.append(src[j : j + step])
            j += step
        if j >= n:
            return None  # unterminated: leave it to Hyperscan's refusal, reported for every text
        if all(item.isascii() for item in items):
            out.append(src[i : j + 1])
        else:
            if negated or "-" in items[1:-1]:
                return None
            kept = [item for item in items if item.isascii()]
            if not kept:
                return None
            out.append("[" + "".join(kept) + "]")
        i = j + 1
    return "".join(out)


#: Compiling costs ~4 ms a pattern (1.3 s for the agent lexicons): a database of this many
#: patterns or more is kept, serialised, in the user's cache directory, keyed by its patterns.
_CACHE_MIN = 64


def _cache_key(pats: list[tuple[int, bytes]], flags: int) -> str:
    h = hashlib.sha256(f"heartdesk-prefilter-2 {getattr(_hs, '__version__', '')} {flags}".encode())
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

    Give each pattern in the lower-case form the caller runs on the lower-cased text: its matches
    there (Hyperscan scans the lower-cased turn, case-sensitively) must include every
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
        self._lock = threading.Lock()
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
        """Forget the databases: the next use rebuilds them, reading ``HEARTDESK_HYPERSCAN`` again."""
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
        # Threads may ask at once: one builds while the others wait, and ``_built`` turns True only
        # when the databases are in place (a scan against half of them would miss patterns).
        with self._lock:
            if not self._built:
                self._build_locked()
                self._built = True

    def _build_locked(self) -> None:
        self._on = available()
        if not self._on or _hs is None:
            return
        pending, self._pending = self._pending, []
        # Case-sensitive over the lower-cased text, as the callers' own regexes run.
        flags = _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_SINGLEMATCH
        always = set(self.always)
        ok: list[tuple[int, bytes]] = []
        for pid in pending:
            src = self._sources[pid]
            if _PYTHON_ONLY.search(src) or not all(ch.isascii() or not _folds_to_ascii(ch) for ch in set(src)):
                always.add(pid)
                continue
            form = ascii_form(src)
            if form is None:
                always.add(pid)
                continue
            # Non-ASCII characters left (outside classes) go in as UTF-8 bytes: on ASCII text they
            # never match, exactly as in Python (none of them folds to ASCII, checked above).
            ok.append((pid, form.encode("utf-8")))
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
        data = text.lower().encode("ascii")  # ASCII: the same length, so the same offsets
        try:
            for db, scratch in local.pairs:
                db.scan(data, match_event_handler=_add, context=found, scratch=scratch)
        except _Error:
            return None  # a scan Hyperscan refused (its scratch busy): the plain path is exact anyway
        return found
