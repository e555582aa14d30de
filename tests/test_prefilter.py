"""The Hyperscan prefilter (opt-in: HEARTDESK_HYPERSCAN=1) spares regex calls that would find nothing.

Every test here switches it on (where hyperscan is installed: the dev extra has it) and checks
it changes no result on these texts. It is off by default because Hyperscan itself misses some
matches (signals/prefilter.py): the last test pins the engine's default.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heartdesk.signals import agent_match, prefilter
from heartdesk.signals.pipeline import default_pipeline
from heartdesk.signals.prefilter import Prefilter

default_pipeline()  # registers every agent lexicon, as a running pipeline does


@pytest.fixture(autouse=True)
def _hyperscan_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HEARTDESK_HYPERSCAN", "1")
    agent_match._PREFILTER.reset()
    yield
    monkeypatch.delenv("HEARTDESK_HYPERSCAN")
    agent_match._PREFILTER.reset()  # back to the default for the tests that follow


AGENT_TURNS = [
    "I'm so sorry about the wait, I completely understand how frustrating this must be.",
    "That's not my department, you'll have to call billing. As I already said, it's policy.",
    "I've gone ahead and refunded the second charge; you'll see it in 3-5 working days.",
    "Let me make sure I understand: the router drops the connection every evening?",
    "Calm down please. Per my last email, there is nothing more we can do.",
    "Could you tell me the order number? Thanks for your patience, Maya.",
    "Unfortunately our system doesn't allow that. Have a great day!",
    "I apologise for the trouble. I'll personally look into it and call you back by 5pm.",
    "Whoever told you that was wrong. You must have clicked pay twice.",
    "Hi Sam, thanks for reaching out! Is there anything else I can help with?",
]
# Words of the agent lexicons, letters that fold oddly under IGNORECASE, and separators: random
# turns made of them hit many patterns, in ASCII and not.
WORDS = (
    "i I'm we you your sorry SORRY apologise apologize understand frustrating that's not my department policy "
    "calm down already said please hold thank thanks refund look into it call back whoever told have gone ahead "
    "ſorry ıt İ K café naïve ’s ’ll ſo ı"
).split()
SEPARATORS = [" ", " ", ", ", ". ", "? ", "! ", "\n", "\u00a0", "\x1c", "  ", "'", "-"]

turns = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(SEPARATORS), st.text(max_size=4)), max_size=40).map("".join)


def _same_scan(text: str) -> dict[int, list[tuple[int, int, int]]]:
    plain = agent_match.scan_uncached(text, False)
    assert agent_match.scan_uncached(text, True) == plain, text
    return plain


def test_sample_turns_scan_the_same_and_are_prefiltered() -> None:
    hits = 0
    for text in AGENT_TURNS:
        hits += sum(len(v) for v in _same_scan(text).values())
        # ASCII turns go through Hyperscan whenever it is installed.
        assert (agent_match._PREFILTER.candidates(text) is not None) == prefilter.available()
    assert hits >= len(AGENT_TURNS)  # the turns do hit the lexicons: the comparison means something


@settings(max_examples=400, deadline=None)
@given(turns)
def test_prefiltered_scan_equals_plain_scan(text: str) -> None:
    _same_scan(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(AGENT_TURNS), st.integers(0, 120), turns)
def test_edited_turns_scan_the_same(turn: str, at: int, inserted: str) -> None:
    _same_scan(turn[:at] + inserted + turn[at:])


TRICKY = [
    r"\bsorry\b",
    r"(?<=[.!?]\s)so\b",  # a look-behind: widened in prefilter mode
    r"(\w+) \1",  # a back-reference
    r"\bcalm\s+down",
    r"(?:please )?hold on",
    r"[^a-z]\d{2,3}\b",
    r"ab{,2}c",  # Python-only syntax
    r"x{2,70000}",  # refused by Hyperscan even in prefilter mode
    r"(?:maybe )?",  # matches the empty string: refused too
    r"\bſo\b",  # "ſ" matches "s" under IGNORECASE
]
TRICKY_PREFILTER = Prefilter()
for _i, _src in enumerate(TRICKY):
    TRICKY_PREFILTER.add(_i, _src)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, *SEPARATORS, "abc", "ac", "x", "42", "so", "hold on", "123"]), max_size=20).map("".join))
def test_candidates_hold_every_pattern_python_matches(text: str) -> None:
    pf = TRICKY_PREFILTER
    got = pf.candidates(text)
    if got is None:  # non-ASCII text, or no Hyperscan: the caller runs every pattern
        assert not (pf.active and text.isascii() and not re.search("[\x1c-\x1f]", text))
        return
    for i, src in enumerate(TRICKY):
        if re.search(src, text.lower()):  # the callers' regexes run on the lower-cased turn
            assert i in got, (src, text)


def test_refused_and_python_only_patterns_are_reported_for_every_text() -> None:
    pf = TRICKY_PREFILTER
    got = pf.candidates("nothing to see here")
    if not prefilter.available():
        assert got is None and not pf.active
        return
    assert got is not None
    assert {6, 7, 8, 9} <= got  # {,2}, the huge repeat, the empty match, the folding "ſ"
    assert 0 not in got and 3 not in got  # "sorry", "calm down" cannot match: not reported
    found = pf.candidates("I'm SORRY, please hold on")
    assert found is not None and {0, 4} <= found and 3 not in found


@pytest.mark.parametrize("text", ["I'm ſorry", "ıt is", "café sorry", "sorry\x1cabout that", "\u212aelvin sorry"])
def test_text_where_semantics_differ_is_not_prefiltered(text: str) -> None:
    pf = Prefilter()
    pf.add(0, r"\bsorry\b")
    assert pf.candidates(text) is None
    _same_scan(text)


def test_the_prefilter_is_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {text: agent_match.scan_uncached(text, False) for text in AGENT_TURNS}
    for value in (None, "", "0"):
        if value is None:
            monkeypatch.delenv("HEARTDESK_HYPERSCAN")
        else:
            monkeypatch.setenv("HEARTDESK_HYPERSCAN", value)
        pf = Prefilter()
        pf.add(0, r"\bsorry\b")
        assert not prefilter.available() and not pf.active and pf.candidates("sorry") is None
        agent_match._PREFILTER.reset()
        assert not agent_match._PREFILTER.active
        assert {text: agent_match.scan_uncached(text, True) for text in AGENT_TURNS} == expected


def test_patterns_added_after_the_first_scan_are_prefiltered_too() -> None:
    pf = Prefilter()
    pf.add(0, r"\bsorry\b")
    first = pf.candidates("sorry, refund done")
    pf.add(1, r"\brefund\b")
    second = pf.candidates("sorry, refund done")
    if prefilter.available():
        assert first == {0} and second == {0, 1}
    else:
        assert first is None and second is None


def test_large_databases_are_kept_in_the_cache_and_reloaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    words = [f"\\bword{n}x\\b" for n in range(prefilter._CACHE_MIN)] + ["x{2,70000}"]

    def build() -> Prefilter:
        pf = Prefilter()
        for i, src in enumerate(words):
            pf.add(i, src)
        return pf

    first = build().candidates("say word7x and word12x")
    kept = list((tmp_path / "heartdesk").glob("prefilter-*.hsdb"))
    if not prefilter.available():
        assert first is None and not kept
        return
    assert first == {7, 12, len(words) - 1} and len(kept) == 1
    with monkeypatch.context() as m:
        m.setattr(Prefilter, "_compile", staticmethod(lambda *a: pytest.fail("compiled again")))
        assert build().candidates("say word7x and word12x") == first  # read back, the refused id too
    kept[0].write_bytes(b"not a database")
    assert build().candidates("word3x") == {3, len(words) - 1}  # a broken file is compiled again


def test_without_the_hyperscan_module_the_plain_path_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {text: agent_match.scan_uncached(text, False) for text in AGENT_TURNS}
    monkeypatch.setattr(prefilter, "_hs", None)  # as where the import failed (no wheel for the platform)
    pf = Prefilter()
    pf.add(0, r"\bsorry\b")
    assert not prefilter.available() and not pf.active and pf.candidates("sorry") is None
    agent_match._PREFILTER.reset()
    assert {text: agent_match.scan_uncached(text, True) for text in AGENT_TURNS} == expected


def test_threads_scan_at_once_with_the_same_answers() -> None:
    # Hyperscan's scratch space serves one scan at a time: a web server analyses in threads.
    text = "I'm so sorry, I'll personally look into it. " * 400
    expected = agent_match.scan_uncached(text, False)
    results: list[object] = []

    def work() -> None:
        for _ in range(20):
            try:
                results.append(agent_match.scan_uncached(text, True) == expected)
            except Exception as exc:  # any exception is the failure the assertion reports
                results.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 80


#: Hyperscan's caseless mode missed this match on the longer turn (a class with bytes above 0x7f, the
#: apostrophes, after "so you can hotspot the call. "): the prefilter scans the lower-cased turn instead.
_OWNERSHIP = (
    "i(?:['’ʼ]ll| will| am going to|['’ʼ]m going to) (?:also |then |personally |still |now )?"
    "(?:call|text|message|ring|phone|email|e-mail|write to|contact|come back to) you\\b"
)


@pytest.mark.parametrize(
    "text",
    [
        "so you can hotspot the call. I'll text you the moment the broadband is back.",
        "There's a fault at the local cabinet and engineers expect it fixed by 5pm, so I've added 20GB of free mobile "
        "data to your line right now so you can hotspot the call. I'll text you the moment the broadband is back.",
        "I'll TEXT YOU the moment it is back.",
    ],
)
def test_an_apostrophe_class_is_reported_wherever_python_matches(text: str) -> None:
    pf = Prefilter()
    pf.add(0, _OWNERSHIP)
    assert re.search(_OWNERSHIP, text.lower()) is not None
    got = pf.candidates(text)
    assert got == ({0} if prefilter.available() else None)
    _same_scan(text)


def test_hyperscan_is_installed_for_these_tests() -> None:
    # The dev extra installs it: without it every test above would only check the plain path.
    assert prefilter._hs is not None and prefilter.available() and agent_match._PREFILTER.active


@pytest.mark.parametrize(
    ("source", "form"),
    [
        ("i(?:['\u2019\u02bc]ll| will)", "i(?:[']ll| will)"),  # the apostrophes: only ' can be in ASCII text
        ("[$\u00a3\u20ac]\\d+", "[$]\\d+"),
        ("[\\]\u2019a]", "[\\]a]"),  # an escaped bracket stays in the class
        ("caf\u00e9", "caf\u00e9"),  # outside a class: a literal that never matches ASCII text, kept
        ("plain ascii [a-z]", "plain ascii [a-z]"),
        ("[^\u2019]x", None),  # negated: on ASCII text it matches every character, cannot be narrowed
        ("[a-\u00e9]", None),  # a range reaching past ASCII
        ("[\u2019]", None),  # nothing ASCII left in the class
        ("[\u2019", None),  # unterminated
    ],
)
def test_ascii_form_keeps_what_can_match_ascii_text(source: str, form: str | None) -> None:
    assert prefilter.ascii_form(source) == form
    if form is not None:  # same matches on ASCII text
        for text in ("i'll go", "$12 and 3", "]a", "café", "plain ascii q", "x"):
            assert bool(re.search(form, text)) == bool(re.search(source, text))
