"""The detector registry, pipeline ordering and the lexicon format."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

import pytest

from heartdesk.model import Conversation, Finding, Turn
from heartdesk.signals.base import DetectorError, Reads, TurnContext, register, registered, unregister
from heartdesk.signals.lexicon import LexiconError, parse
from heartdesk.signals.pipeline import Pipeline


class _Shouting:
    """Test plugin: flags a turn written in capitals."""

    name: ClassVar[str] = "test_shouting"
    version: ClassVar[str] = "0.1"
    reads: ClassVar[Reads] = "customer"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ("shouting",)

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        if turn.text.isupper():
            yield Finding("shouting", 0, len(turn.text), 0.9, "written in capitals", self.name, self.version)


class _AfterShouting:
    """Test plugin that requires the shouting label, to check ordering."""

    name: ClassVar[str] = "test_after_shouting"
    version: ClassVar[str] = "0.1"
    reads: ClassVar[Reads] = "customer"
    requires: ClassVar[tuple[str, ...]] = ("shouting",)
    produces: ClassVar[tuple[str, ...]] = ("saw_shouting",)

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        if ctx.found_label("shouting"):
            yield Finding("saw_shouting", 0, 1, 0.8, "a detector before me found shouting", self.name, self.version)


@pytest.fixture(autouse=True)
def _plugins() -> Iterator[None]:
    """Register the test plugins for each test and forget them after, so other tests see only real detectors."""
    register(_Shouting)
    register(_AfterShouting)
    yield
    unregister(_Shouting.name)
    unregister(_AfterShouting.name)


def test_a_plugin_registers_like_a_builtin_and_runs_in_dependency_order() -> None:
    assert "test_shouting" in registered()
    # listed in the "wrong" order on purpose: the pipeline must sort by requires/produces
    pipe = Pipeline(detectors=["test_after_shouting", "test_shouting"])
    assert [d.name for d in pipe.detectors] == ["test_shouting", "test_after_shouting"]
    result = pipe.analyze(Conversation.of("c", ("customer", "WHERE IS MY PARCEL"), ("agent", "LET ME CHECK")))
    labels = [f.label for f in result.turns[0].findings]
    assert labels == ["saw_shouting", "shouting"] or sorted(labels) == ["saw_shouting", "shouting"]
    assert result.turns[1].findings == (), "a customer-only detector must not read agent turns"


def test_unknown_detector_is_a_numbered_error() -> None:
    with pytest.raises(DetectorError) as exc:
        Pipeline(detectors=["no_such_detector"])
    assert exc.value.code == "E104"
    assert "known detectors" in str(exc.value)


def test_missing_requirement_is_reported() -> None:
    with pytest.raises(DetectorError) as exc:
        Pipeline(detectors=["test_after_shouting"])
    assert exc.value.code == "E107"


def test_registering_two_classes_under_one_name_fails() -> None:
    class Clash(_Shouting):
        pass

    with pytest.raises(DetectorError) as exc:
        register(Clash)
    assert exc.value.code == "E103"


def _lex(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "label": "x",
        "origin": "test",
        "explanation": "default explanation",
        "patterns": [{"pattern": r"\bthat's our policy\b", "confidence": 0.7}],
    }
    base.update(extra)
    return base


def test_lexicon_apostrophes_match_typographic_quotes_and_spans_are_exact() -> None:
    lex = parse(_lex(), "test")
    text = "Sorry. That’s our policy, I'm afraid."
    hits = list(lex.hits(text))
    assert len(hits) == 1
    assert text[hits[0].start : hits[0].end] == "That’s our policy"
    assert hits[0].rule.explanation == "default explanation"


def test_lexicon_unless_suppresses_the_sentence_only() -> None:
    lex = parse(_lex(unless=[{"pattern": r"\bi wish\b"}]), "test")
    text = "I wish I could, but that's our policy. Later: that's our policy."
    hits = list(lex.hits(text))
    assert len(hits) == 1 and hits[0].start > text.index("Later")


@pytest.mark.parametrize(
    ("patterns", "code"),
    [
        ([{"pattern": "(unclosed"}], "E110"),
        ([{"pattern": "(captured) group"}], "E111"),
        ([{"pattern": "fine", "confidence": 1.5}], "E114"),
        ([], "E112"),
    ],
)
def test_bad_lexicons_fail_with_numbered_errors(patterns: list[dict[str, object]], code: str) -> None:
    with pytest.raises(LexiconError) as exc:
        parse(_lex(patterns=patterns), "bad.toml")
    assert exc.value.code == code
    assert "bad.toml" in str(exc.value)


def test_every_shipped_lexicon_loads_and_declares_its_origin() -> None:
    from importlib import resources

    from heartdesk.signals.lexicon import builtin

    folder = resources.files("heartdesk.signals").joinpath("lexicons")
    names = [p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")]
    assert names, "no lexicons shipped"
    import tomllib

    for name in names:
        raw = tomllib.loads(folder.joinpath(f"{name}.toml").read_text(encoding="utf-8"))
        assert str(raw.get("origin", "")).strip(), f"{name}.toml has no origin note"
        if raw.get("format", "regex") == "regex":  # tone.toml has its own weighted-phrase format
            assert builtin(name).label


def test_top_level_alternatives_split_outside_groups_and_classes_only() -> None:
    from heartdesk.signals.lexicon import top_level_alternatives

    assert top_level_alternatives(r"ab|c(?:d|e)|[|x]y|\|z") == ["ab", "c(?:d|e)", "[|x]y", r"\|z"]
    assert top_level_alternatives("single") == ["single"]


class _PreparedShouting:
    """Test plugin with a ``prepare`` hook: it rules out the turns without capitals, and
    records what the pipeline handed it, to check the hook's contract."""

    name: ClassVar[str] = "test_prepared_shouting"
    version: ClassVar[str] = "0.1"
    reads: ClassVar[Reads] = "customer"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ("prepared_shouting",)
    batches: ClassVar[list[list[str]]] = []
    called: ClassVar[list[str]] = []

    def prepare(self, texts: Sequence[str]) -> list[bool]:
        self.batches.append(list(texts))
        return [t.isupper() for t in texts]

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        self.called.append(turn.text)
        if turn.text.isupper():
            yield Finding("prepared_shouting", 0, len(turn.text), 0.9, "written in capitals", self.name, self.version)


def _prepared_pipeline() -> Pipeline:
    register(_PreparedShouting)
    _PreparedShouting.batches.clear()
    _PreparedShouting.called.clear()
    return Pipeline(detectors=["test_prepared_shouting"])


def test_prepare_sees_the_turns_of_its_role_and_the_pipeline_skips_the_turns_it_rules_out() -> None:
    try:
        pipe = _prepared_pipeline()
        convs = [
            Conversation.of("a", ("customer", "WHERE IS MY PARCEL"), ("agent", "LET ME CHECK"), ("customer", "thanks")),
            Conversation.of("b", ("customer", "hello"), ("customer", "HELLO??")),
        ]
        results = list(pipe.analyze_many(convs))
        # One call for the batch, with the customer turns only, in order.
        assert _PreparedShouting.batches == [["WHERE IS MY PARCEL", "thanks", "hello", "HELLO??"]]
        # detect ran only where prepare said it might find something.
        assert _PreparedShouting.called == ["WHERE IS MY PARCEL", "HELLO??"]
        assert [f.label for f in results[0].turns[0].findings] == ["prepared_shouting"]
        assert results[0].turns[2].findings == ()
        assert [f.label for f in results[1].turns[1].findings] == ["prepared_shouting"]
    finally:
        unregister(_PreparedShouting.name)


def test_prepare_sees_a_few_dozen_turns_at_a_time_in_whole_conversations() -> None:
    try:
        pipe = _prepared_pipeline()
        pipe.prepare_turns = 4
        convs = [
            Conversation.of(f"c{i}", ("customer", f"TURN {i}A"), ("customer", f"turn {i}b"), ("customer", "OK")) for i in range(5)
        ]
        results = list(pipe.analyze_many(convs))
        assert [r.id for r in results] == [f"c{i}" for i in range(5)]
        # Conversations are never split between two calls, and every turn is seen once.
        seen = [t for batch in _PreparedShouting.batches for t in batch]
        assert seen == [t.text for c in convs for t in c.turns]
        assert all(len(batch) % 3 == 0 and len(batch) <= 6 for batch in _PreparedShouting.batches)
        assert len(_PreparedShouting.batches) == 3
    finally:
        unregister(_PreparedShouting.name)


def test_a_long_turn_reaches_prepare_and_detect_cut_the_same_way() -> None:
    from heartdesk.signals.pipeline import _LIMIT

    try:
        pipe = _prepared_pipeline()
        long = "A" * (_LIMIT + 10)
        result = pipe.analyze(Conversation.of("long", ("customer", long)))
        assert _PreparedShouting.batches == [[long[:_LIMIT]]]
        assert _PreparedShouting.called == [long[:_LIMIT]]
        assert result.turns[0].findings[0].end == _LIMIT
    finally:
        unregister(_PreparedShouting.name)


def test_findings_do_not_depend_on_how_the_stream_is_cut_into_batches() -> None:
    convs = [
        Conversation.of(
            f"c{i}",
            ("customer", "My router keeps disconnecting and I'm furious, I work from home!"),
            ("agent", "I'm so sorry, I understand how frustrating that is. Could you tell me the model number?"),
            ("customer", "It's the X200. This is the third time this month."),
            ("agent", "So the X200 drops the connection again? I'll send a replacement today. That's our policy."),
        )
        for i in range(7)
    ]
    pipe = Pipeline()

    def findings(batch_size: int) -> list[list[tuple[Finding, ...]]]:
        return [[t.findings for t in a.turns] for a in pipe.analyze_many(convs, batch_size=batch_size)]

    whole = findings(512)
    pipe.prepare_turns = 1
    assert findings(2) == whole
    assert sum(len(f) for turns in whole for f in turns) >= 7 * 4
