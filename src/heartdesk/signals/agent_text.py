"""Text helpers shared by the agent-turn detectors: cached sentences, stems, context patterns.

Kept apart from the detectors so that ``agent.py`` and ``agent_context.py`` can both use them.
Every agent turn is read by about fifteen detectors, so what they all need (the sentence
bounds of the turn, the stems of the customer's last turns) is computed once and cached.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from operator import itemgetter
from importlib import resources

from heartdesk.signals.base import TurnContext
from heartdesk.signals.lexicon import Rule
from heartdesk.signals.text import STOPWORDS, sentence_bounds, words

_APOS = "['\u2019\u02bc]"

_last_text: str | None = None
_last_bounds: list[tuple[int, int]] = []


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence bounds of ``text``; the last turn's are cached (each detector asks again)."""
    global _last_text, _last_bounds
    if text is not _last_text:
        _last_bounds = sentence_bounds(text)
        _last_text = text
    return _last_bounds


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    for s, e in sentences(text):
        if s <= pos < e:
            return s, e
    return 0, len(text)


@cache
def context_patterns(lexicon: str, key: str) -> re.Pattern[str] | None:
    """The ``[context] key`` list of a built-in lexicon file, as one case-insensitive regex.

    Lexicon files keep the words that qualify a hit (softeners, hostile wording...) beside the
    patterns, so that all wording stays data; the loader in ``lexicon.py`` ignores this table.
    """
    res = resources.files("heartdesk.signals").joinpath("lexicons", f"{lexicon}.toml")
    data = tomllib.loads(res.read_text(encoding="utf-8"))
    ctx = data.get("context", {})
    raw = ctx.get(key, []) if isinstance(ctx, dict) else []
    if not raw:
        return None
    parts = [str(p).replace("'", _APOS) for p in raw]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE | re.MULTILINE)


# Words too common in any support exchange to show that the agent restated *this* customer.
_WEAK = frozenset(
    """feel feeling feels felt think know want thing things time something anything everything lot way make
    need good bad sure say said saying going go see tell told thank thanks sorry please help hi hello right
    much many day today people able hard bit little mean understand seems sounds look looks kind actually
    maybe probably definitely always never ever every back would could should might must us let sound""".split()
)

# A few synonym groups that support conversations use to say the same thing in other words.
_SYNONYMS: dict[str, str] = {}
for _group in (
    "charge charged charges bill billed billing invoice invoiced fee fees payment paid pay overcharged",
    "broken damaged cracked smashed defective faulty broke dented shattered",
    "package parcel delivery shipment item box",
    "refund refunded reimburse reimbursed reimbursement",
    "late delay delayed overdue slow",
    "internet connection wifi wi-fi network broadband outage offline",
    "cancel cancelled canceled cancellation terminate terminated",
    "job work career employment employer boss workplace",
    "sad depressed unhappy miserable",
    "anxious worried nervous stressed stress anxiety worry worrying scared afraid",
    "angry mad furious upset annoyed frustrated frustration frustrating",
    "lonely alone isolated",
    "partner girlfriend boyfriend wife husband spouse ex",
    "mother mom mum",
    "father dad",
    "kid kids child children son daughter",
    "school class classes college university exam exams studies study",
    "money financial finances afford expensive",
    "lose losing lost",
    "fired laid layoff unemployed",
    "pandemic covid coronavirus virus lockdown quarantine",
):
    _key = _group.split()[0]
    for _w in _group.split():
        _SYNONYMS[_w] = _key

_SUFFIXES = ("ingly", "ing", "edly", "ed", "ies", "es", "s", "ly", "ment", "ness", "ful", "er")


def stem(word: str) -> str:
    """A crude stem: synonym group key, else the word less a common suffix, cut to 6 letters."""
    syn = _SYNONYMS.get(word)
    if syn is not None:
        return syn
    if word.endswith("'s"):
        word = word[:-2]
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    return _SYNONYMS.get(word, word[:6])


def stems_of(text: str) -> set[str]:
    return {stem(w) for w in words(text) if len(w) > 2 and w not in STOPWORDS and w not in _WEAK}


@lru_cache(maxsize=2048)
def customer_stems(text: str) -> frozenset[str]:
    """Content stems of a customer turn (cached: the next agent turns all compare against it)."""
    return frozenset(stems_of(text))


def recent_customer_stems(ctx: TurnContext, limit: int = 3) -> frozenset[str]:
    turns = ctx.previous_customer_turns(limit)
    if not turns:
        return frozenset()
    if len(turns) == 1:
        return customer_stems(turns[0][1].text)
    out: set[str] = set()
    for _, t in turns:
        out |= customer_stems(t.text)
    return frozenset(out)


def agent_spoke_before(ctx: TurnContext) -> bool:
    turns = ctx.conversation.turns
    return any(turns[i].role == "agent" for i in range(ctx.index))


def history_has(ctx: TurnContext, labels: frozenset[str], role: str = "agent") -> bool:
    turns = ctx.conversation.turns
    for i, found in enumerate(ctx.history):
        if turns[i].role == role and any(f.label in labels and f.present for f in found):
            return True
    return False


# --- Fast lexicon matching -------------------------------------------------------------------
#
# A lexicon is one alternation of case-insensitive patterns, and Python's regex engine tries
# every alternative at every position: 20-80 µs per lexicon on a 100-character turn, far over
# the agent budget. Nearly every pattern, though, needs some word that starts with a known
# literal ("sorry", "apolog", "frustrat"). Those anchors are read off the parsed pattern,
# the turn's words are indexed once (whole, and by their first three and four letters), and
# only the patterns whose anchor is present are run. The result is the same as the full scan
# except that matches of different patterns may overlap (the detector keeps the stronger).

_TOKEN = re.compile(r"[^\W_]+")

def _ends_with_space(sub: object) -> bool:
    from re import _constants as c

    items = list(sub)  # type: ignore[call-overload]
    if not items:
        return False
    op, av = items[-1]
    if op is c.LITERAL:
        return bool(av == 32)
    if op is c.SUBPATTERN:
        return _ends_with_space(av[3])
    if op is c.BRANCH:
        return all(_ends_with_space(b) for b in av[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        return _ends_with_space(av[2])
    return False


def _is_nonword(sub: object) -> bool:
    """True for ``\\W`` or ``\\s`` (what can only sit between words)."""
    from re import _constants as c

    items = list(sub)  # type: ignore[call-overload]
    if len(items) != 1 or items[0][0] is not c.IN:
        return False
    return all(op is c.CATEGORY and av in (c.CATEGORY_NOT_WORD, c.CATEGORY_SPACE) for op, av in items[0][1])


# Words so common that an anchor on them barely narrows anything down.
_COMMON = frozenset(
    """you your that this the how what why not was will have has had help feel like its been bein just with from
    ther they them can coul woul shou did does are for and but get got all one out now any very real some want
    know make take good time thin more when whic who here abou able it is in to of on at be do so we me my if or
    an as by no go up us i a""".split()
)


def _word_ends(sub: list[tuple[object, object]], k: int, follow_end: bool) -> bool:
    """Whether a word surely ends before item ``k`` of ``sub``."""
    from re import _constants as c

    if k >= len(sub):
        return follow_end
    op, av = sub[k]
    if op is c.LITERAL:
        return not chr(av).isalnum()  # type: ignore[arg-type]
    return op is c.AT and av is c.AT_BOUNDARY


def _anchors(sub: object, word_start: bool = True, follow_end: bool = False) -> set[str] | None:
    """Keys of words, one of which every match contains (None: no such set).

    A key is a whole word ("ok", "fine") or the first three or four letters of one ("frus").
    """
    from re import _constants as c

    items: list[tuple[object, object]] = list(sub)  # type: ignore[call-overload]
    best: tuple[float, set[str]] | None = None

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if not found:
            return
        common = sum(1 for f in found if f in _COMMON)
        score = min(len(s) for s in found) - 0.01 * len(found) - 10 * common / len(found)
        if best is None or score > best[0]:
            best = (score, found)

    k = 0
    while k < len(items):
        op, av = items[k]
        if op is c.LITERAL:
            ch = chr(av).lower()  # type: ignore[arg-type]
            if ch.isalnum() and word_start:
                run = []
                while k < len(items) and items[k][0] is c.LITERAL and chr(items[k][1]).isalnum():  # type: ignore[arg-type]
                    run.append(chr(items[k][1]).lower())  # type: ignore[arg-type]
                    k += 1
                word = "".join(run)
                if _word_ends(items, k, follow_end):
                    consider({word})
                elif len(word) >= 3:
                    consider({word[:4]})
                word_start = False
                continue
            word_start = not ch.isalnum()
            k += 1
            continue
        after_end = _word_ends(items, k + 1, follow_end)
        if op is c.AT:
            word_start = av is c.AT_BOUNDARY or av is c.AT_BEGINNING or word_start
        elif op is c.SUBPATTERN:
            consider(_anchors(av[3], word_start, after_end))  # type: ignore[index]
            word_start = _ends_with_space(av[3])  # type: ignore[index]
        elif op is c.BRANCH:
            union: set[str] | None = set()
            for br in av[1]:  # type: ignore[index]
                got = _anchors(br, word_start, after_end)
                if got is None or union is None:
                    union = None
                else:
                    union |= got
            consider(union)
            word_start = all(_ends_with_space(br) for br in av[1])  # type: ignore[index]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, _, inner = av  # type: ignore[misc]
            if lo >= 1:
                consider(_anchors(inner, word_start, after_end))
            ends = _ends_with_space(inner) or _is_nonword(inner)
            word_start = (word_start and ends) if lo == 0 else ends
        elif op not in (c.ASSERT, c.ASSERT_NOT):
            word_start = False
        k += 1
    return None if best is None else best[1]


def anchors_of(pattern: str) -> frozenset[str] | None:
    """Keys (first 3-4 letters) of the words one of which any match of ``pattern`` contains."""
    from re import _parser

    found = _anchors(_parser.parse(pattern, re.IGNORECASE))
    return None if found is None else frozenset(found)


_G3 = itemgetter(slice(0, 3))
_G4 = itemgetter(slice(0, 4))
_last_index_text: str | None = None
_last_index: set[str] = set()


def word_index(text: str) -> set[str]:
    """Every word of ``text`` lower-cased, with its first three and four letters (cached for the last text)."""
    global _last_index_text, _last_index
    if text is not _last_index_text:
        toks = _TOKEN.findall(text.lower())
        keys = set(toks)
        keys.update(map(_G3, toks))
        keys.update(map(_G4, toks))
        _last_index = keys
        _last_index_text = text
    return _last_index


class _Pat:
    __slots__ = ("index", "rx", "gate")

    def __init__(self, index: int, rx: re.Pattern[str], gate: frozenset[str] | None):
        self.index = index
        self.rx = rx
        self.gate = gate


_GATED: list[GatedLexicon] = []
#: anchor key -> (lexicon id, pattern) for every gated lexicon: one pass over a turn's words
#: tells each lexicon which of its patterns can match.
_BY_KEY: dict[str, list[tuple[int, _Pat]]] = {}
_last_trig_text: str | None = None
_last_trig: dict[int, list[_Pat]] = {}


def _triggered(text: str) -> dict[int, list[_Pat]]:
    global _last_trig_text, _last_trig
    if text is not _last_trig_text:
        out: dict[int, list[_Pat]] = {}
        seen: set[int] = set()
        for key in word_index(text):
            for lid, pat in _BY_KEY.get(key, ()):
                if id(pat) not in seen:
                    seen.add(id(pat))
                    out.setdefault(lid, []).append(pat)
        _last_trig = out
        _last_trig_text = text
    return _last_trig


class GatedLexicon:
    """Runs a built-in lexicon's patterns only where their words occur.

    A pattern runs only when one of its anchor words is in the turn.
    """

    def __init__(self, name: str) -> None:
        from heartdesk.signals.lexicon import builtin

        self.lexicon = builtin(name)
        res = resources.files("heartdesk.signals").joinpath("lexicons", f"{name}.toml")
        raw = tomllib.loads(res.read_text(encoding="utf-8"))["patterns"]
        self._pats: list[_Pat] = []
        self._ungated: list[_Pat] = []
        self._id = len(_GATED)
        _GATED.append(self)
        for i, p in enumerate(raw):
            src = str(p["pattern"])
            # A top-level alternation is split so each alternative gets its own anchors.
            for alt in _top_level_alternatives(src):
                rx = re.compile(alt.replace("'", _APOS), re.IGNORECASE)
                pat = _Pat(i, rx, anchors_of(alt))
                self._pats.append(pat)
                if pat.gate is None:
                    self._ungated.append(pat)
                else:
                    for k in pat.gate:
                        _BY_KEY.setdefault(k, []).append((self._id, pat))
        global _last_trig_text
        _last_trig_text = None

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, rule index) of each match; overlaps are resolved in favour of confidence."""
        todo = _triggered(text).get(self._id, ())
        if not todo and not self._ungated:
            return []
        out: list[tuple[int, int, int]] = []
        for group in (self._ungated, todo):
            for p in group:
                for m in p.rx.finditer(text):
                    if m.end() > m.start():
                        out.append((m.start(), m.end(), p.index))
        if not out:
            return out
        lex = self.lexicon
        if len(out) > 1:
            out = _resolve(out, lex.rules)
        if lex.unless is not None:
            kept = []
            for s, e, i in out:
                a, b = sentence_at(text, s)
                if not lex.unless.search(text, a, b):
                    kept.append((s, e, i))
            out = kept
        return out


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split ``a|b|c`` at the top level (outside groups and classes)."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _resolve(hits: list[tuple[int, int, int]], rules: tuple[Rule, ...]) -> list[tuple[int, int, int]]:
    hits.sort(key=lambda h: (-rules[h[2]].confidence, h[0]))
    kept: list[tuple[int, int, int]] = []
    for h in hits:
        if all(h[1] <= k[0] or h[0] >= k[1] for k in kept):
            kept.append(h)
    kept.sort()
    return kept
