"""The detector registry, pipeline ordering and the lexicon format."""

from __future__ import annotations

from collections.abc import Iterator
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
