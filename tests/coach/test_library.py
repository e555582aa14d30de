"""The phrase library: shipped phrases read as intended, and a team can extend it (or get a clear error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heartdesk.coach import CoachError, PhraseLibrary, review
from heartdesk.coach.engine import analyze_draft
from heartdesk.coach.library import render

from .conftest import chat, problems_in

LIB = PhraseLibrary.default()
FILL = {
    "feeling": "frustrating",
    "amount": "$10",
    "when": "by the end of the day",
    "position": "3",
    "reason": "an outage",
    "eta": "about 2 hours",
    "issue": "your order arrived damaged",
}


def _labels(text: str) -> set[str]:
    return {f.label for f in analyze_draft(chat("It arrived broken!!"), text).turns[-1].findings if f.present}


def _all(group: str) -> list[str]:
    if group == "empathy":
        return [*(s for sit in LIB.situations for s in sit.statements), *(s for v in LIB.emotions.values() for s in v)]
    if group == "gesture":
        return [s for g in LIB.gestures.values() for s in g.statements]
    return list({"apology": LIB.apologies, "ownership": LIB.ownership, "wait": LIB.wait, "paraphrase": LIB.paraphrase}[group])


@pytest.mark.parametrize(
    ("group", "label"),
    [
        ("empathy", "empathy"),
        ("apology", "apology"),
        ("gesture", "emotional_fix"),
        ("ownership", "ownership"),
        ("paraphrase", "paraphrase"),
    ],
)
def test_shipped_phrases_read_as_intended_and_never_as_a_problem(group: str, label: str) -> None:
    for template in _all(group):
        text = render(template, FILL)
        assert "{" not in text and "[" not in text, text
        assert problems_in(text, chat("It arrived broken!!")) == [], text
        found = _labels(text)
        wanted = {label, "apology"} if group == "empathy" else {label}
        assert found & wanted, (text, found)


def test_fallbacks_and_wait_messages_are_clean() -> None:
    values = {"offer": "check what else we can do", "when": "today", "team": "our billing team", "rest": ""}
    for text in [*(render(t, values) for t in LIB.fallback.values()), *(render(t, FILL) for t in LIB.wait)]:
        assert problems_in(text, chat("It arrived broken!!")) == [], text


def test_render_drops_optional_parts_without_values() -> None:
    assert render("number {position}[, in {eta}].", {"position": "3"}) == "number 3."
    assert render("number {position}[, in {eta}].", {"position": "3", "eta": "1 hour"}) == "number 3, in 1 hour."


def test_a_team_library_extends_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(
        """
[[replacements]]
label = "bare_policy"
pattern = '''\\bthat's our policy\\b'''
template = "I know that's frustrating; let me see what I can do."

[situations.pets]
cues = ['''\\b(?:dog|cat|puppy|kitten)\\b''']
statements = ["I'm so sorry your pet was affected; I can imagine how {feeling} that is."]
""",
        encoding="utf-8",
    )
    lib = PhraseLibrary.load(path)
    assert len(lib.rules) == len(LIB.rules) + 1
    r = review("That's our policy.", chat("The food made my dog sick!! I'm so angry."), library=lib)
    assert r.replacements[0].text == "I know that's frustrating; let me see what I can do."
    assert any("your pet" in a.text for a in r.additions)
    # The shipped library is untouched.
    assert review("That's our policy.").replacements[0].text.startswith("That's our policy, and I wish I could")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("not = [valid", "E702"),
        ("colour = 'blue'", "E703"),
        ("[[replacements]]\nlabel = 'rude'\npattern = 'x'\ntemplate = 'y'", "E703"),
        ("[[replacements]]\nlabel = 'dismissive'\npattern = '(unclosed'\ntemplate = 'y'", "E704"),
        ("[[replacements]]\nlabel = 'dismissive'\npattern = 'whatever'\ntemplate = 'Hi {name}'", "E705"),
        ("[ownership]\nstatements = ['I will call {customer}']", "E705"),
        ("[situations.pets]\ncues = ['dog']\nstatements = []", "E703"),
    ],
)
def test_a_bad_library_is_refused_whole(tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CoachError) as err:
        PhraseLibrary.load(path)
    assert err.value.code == code


def test_an_unreadable_library_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CoachError) as err:
        PhraseLibrary.load(tmp_path / "missing.toml")
    assert err.value.code == "E701"


def test_from_dict_extends_too() -> None:
    lib = PhraseLibrary.from_dict({"when": {"options": ["before noon tomorrow"]}})
    assert lib.when[0] == "before noon tomorrow" and len(lib.when) == len(LIB.when) + 1
