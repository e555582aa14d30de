"""Text helpers shared by the agent-turn detectors: cached sentences, stems, context patterns.

Kept apart from the detectors so that ``agent.py`` and ``agent_context.py`` can both use them.
Every agent turn is read by about fifteen detectors, so what they all need (the sentence
bounds of the turn, the stems of the customer's last turns) is computed once and cached.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from functools import cache, lru_cache
from importlib import resources

from heartdesk.signals.base import TurnContext
from heartdesk.signals.text import STOPWORDS, sentence_bounds, widen_apostrophes

#: The last text and its sentence bounds, as one tuple: a web server analyses in threads, and a
#: tuple is swapped whole (two globals set one after the other could pair one text's bounds with another).
_last_sentences: tuple[str | None, list[tuple[int, int]]] = (None, [])
#: id(text) -> (text, bounds) computed while a batch was scanned (see :func:`collect_batch`).
_batch_bounds: dict[int, tuple[str, list[tuple[int, int]]]] = {}
_collecting = False


def collect_batch(on: bool) -> None:
    """While on, keep the sentence bounds computed, for the turns of one batch.

    The pipeline scans a whole batch of agent turns before any detector runs (``prepare``);
    without this, the one-turn cache below would hold only the batch's last turn by then.
    Turning it on forgets the previous batch's.
    """
    global _collecting, _batch_bounds
    if on:
        _batch_bounds = {}
    _collecting = on


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence bounds of ``text``; the last turn's are cached (each detector asks again)."""
    global _last_sentences
    last = _last_sentences
    if last[0] is text:
        return last[1]
    kept = _batch_bounds.get(id(text))
    if kept is not None and kept[0] is text:  # the entry holds the text: its id is not reused
        bounds = kept[1]
    else:
        bounds = sentence_bounds(text)
        if _collecting:
            _batch_bounds[id(text)] = (text, bounds)
    _last_sentences = (text, bounds)
    return bounds


_last_starts: tuple[str | None, list[int]] = (None, [])  # the last text's sentence starts (one tuple, as above)


def sentence_index(text: str, pos: int) -> int:
    """Index in :func:`sentences` of the sentence holding offset ``pos`` (-1 when between sentences)."""
    global _last_starts
    bounds = sentences(text)
    last = _last_starts
    if last[0] is text:
        starts = last[1]
    else:
        starts = [s for s, _ in bounds]
        _last_starts = (text, starts)
    k = bisect_right(starts, pos) - 1
    return k if k >= 0 and pos < bounds[k][1] else -1


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    k = sentence_index(text, pos)
    return sentences(text)[k] if k >= 0 else (0, len(text))


@cache
def context_patterns(lexicon: str, key: str) -> re.Pattern[str] | None:
    """The ``[context] key`` list of a built-in lexicon file, as one case-insensitive regex.

    Lexicon files keep the words that qualify a hit (softeners, hostile wording...) beside the
    patterns, so that all wording stays data; the loader in ``lexicon.py`` ignores this table.
    """
    parts = context_parts(lexicon, key)
    if not parts:
        return None
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE | re.MULTILINE)


@cache
def context_parts(lexicon: str, key: str) -> tuple[str, ...]:
    """The sources :func:`context_patterns` joins (apostrophes widened to ’ and ʼ), in file order."""
    res = resources.files("heartdesk.signals").joinpath("lexicons", f"{lexicon}.toml")
    data = tomllib.loads(res.read_text(encoding="utf-8"))
    ctx = data.get("context", {})
    raw = ctx.get(key, []) if isinstance(ctx, dict) else []
    return tuple(widen_apostrophes(str(p)) for p in raw)


# Words too common in any support exchange to show that the agent restated *this* customer.
_WEAK = frozenset(
    """feel feeling feels felt think know want thing things time something anything everything lot way make
    need good bad sure say said saying going go see tell told thank thanks sorry please help hi hello right
    much many day today people able hard bit little mean understand seems sounds look looks kind actually
    maybe probably definitely always never ever every back would could should might must us let sound don didn doesn
    isn wasn aren weren couldn wouldn shouldn won haven hasn hadn ain""".split()
)

# A few synonym groups that support conversations use to say the same thing in other words.
_SYNONYMS: dict[str, str] = {}
for _group in (
    "charge charged charges bill billed billing invoice invoiced fee fees payment paid pay overcharged",
    "broken damaged cracked smashed defective faulty broke dented shattered",
    "package parcel delivery shipment item box order orders ordered",
    "refund refunded reimburse reimbursed reimbursement",
    "late delay delayed overdue slow",
    "wait waiting waited hold queue",
    "reply replied replies response respond responded answer answered",
    "error errors bug glitch crash crashes crashed crashing",
    "internet connection wifi wi-fi network broadband outage offline",
    "cancel cancelled canceled cancellation terminate terminated",
    "job jobs work career employment employer boss workplace coworker coworkers colleague colleagues",
    "sad depressed unhappy miserable sadness depression heartbroken grief grieving devastated",
    "anxious worried nervous stressed stress anxiety worry worrying worries concerned concern concerns"
    " scared afraid fear fears frightened panic panicking",
    "angry mad furious upset annoyed frustrated frustration frustrating anger irritated",
    "embarrassed ashamed humiliated shame guilty guilt",
    "tired exhausted drained burnout burned burnt",
    "lonely alone isolated loneliness isolation",
    "breakup divorce divorced separated separation dumped",
    "friend friends buddy mates",
    "partner girlfriend boyfriend wife husband spouse ex",
    "mother mom mum",
    "father dad",
    "kid kids child children son daughter",
    "school class classes college university exam exams studies study student students course courses"
    " semester grades finals degree",
    "money financial finances afford expensive bills debt debts loan loans rent",
    "lose losing lost",
    "fired laid layoff unemployed unemployment redundant",
    "pandemic covid coronavirus virus lockdown quarantine",
    "colour color colours colors blue red green black white yellow pink purple grey gray orange brown silver gold",
    "size sizes small medium large smaller larger bigger",
    "receive received receiving arrived arrive delivered deliver came",
    "login log password signin locked",
    "phone mobile cell smartphone handset",
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


# Lower-case ASCII letters and digits stay, every other byte becomes a space: with the text
# encoded to ASCII ("?" for the rest) ``translate(WORD_BYTES).split()`` splits words in C,
# twice as fast as a regex. (Words with non-ASCII letters split there; no lexicon needs them.)
WORD_BYTES = bytes.maketrans(bytes(range(256)), bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)))

_STEMS: dict[bytes, str] = {}


def stems_of(text: str) -> set[str]:
    """Content stems of ``text`` (stop words and words common to any support chat left out)."""
    memo = _STEMS
    if len(memo) > 100_000:  # bounded: a long stream must not grow it forever
        memo.clear()
    tokens = text.lower().encode("ascii", "replace").translate(WORD_BYTES).split()
    # Nearly every word was seen before: look them all up in C, stem only the new ones.
    out = set(map(memo.get, tokens))
    if None in out:
        # Read back from the words themselves, not the memo: another thread may clear it meanwhile.
        out = set()
        for b in tokens:
            got = memo.get(b)
            if got is None:
                w = b.decode("ascii")
                got = memo[b] = "" if len(w) < 3 or w in STOPWORDS or w in _WEAK else stem(w)
            out.add(got)
    out.discard("")
    return out  # type: ignore[return-value]  # no None: every token's stem was looked up or made


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
