"""``heartdesk eval``'s five older datasets (GoEmotions, ESConv, politeness, UCC, airline tweets).

Each test writes a tiny file in the layout its module reads, with texts written for the test
(no ../shared needed). Where a figure depends on the shipped models, it is checked against what
those models say about the fixture, or for its structure; where a stand-in model can be given,
the figures are worked out by hand.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from heartdesk.evaluation import EvalResult, Metric, airline, esconv, goemotions, politeness, ucc
from heartdesk.evaluation.metrics import roc_auc, spearman
from heartdesk.model import EMOTIONS, Emotion
from heartdesk.models.emotion import load_default
from heartdesk.models.labels import EKMAN, GOEMOTIONS
from heartdesk.signals.pipeline import Pipeline


def _figures(result: EvalResult) -> dict[str, Metric]:
    figures = {m.name: m for m in result.metrics}
    assert len(figures) == len(result.metrics), "two figures share a name"
    return figures


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(header), quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------------------------
# GoEmotions: dev.tsv (text, label ids, comment id; no header), emotions.txt, ekman_mapping.json
# --------------------------------------------------------------------------------------------

_GE = {name: i for i, name in enumerate(GOEMOTIONS)}
_EK = {name: i for i, name in enumerate(EKMAN)}

#: (text, GoEmotions labels, gold Ekman groups worked out by hand from the official mapping)
_GOEMOTIONS_ROWS: list[tuple[str, tuple[str, ...], list[str]]] = [
    ("Thank you so much, the refund arrived this morning!", ("gratitude",), ["joy"]),
    ("Third late delivery this month, I'm really let down.", ("annoyance", "disappointment"), ["anger", "sadness"]),
    ("I'm nervous that someone else has been using my account.", ("nervousness",), ["fear"]),
    ("Wait, you ship to Iceland? I had no idea.", ("surprise", "realization"), ["surprise"]),  # one group, twice
    ("My order number is 48213.", ("neutral",), ["neutral"]),
    ("The food in the box had gone off and smelled awful.", ("disgust",), ["disgust"]),
    ("How do I change my delivery address?", ("curiosity", "neutral"), ["surprise", "neutral"]),
]

#: The official file's shape: six groups, no "neutral" key (the loader adds it).
_EKMAN_MAPPING = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": [
        "joy",
        "amusement",
        "approval",
        "excitement",
        "gratitude",
        "love",
        "optimism",
        "relief",
        "pride",
        "admiration",
        "desire",
        "caring",
    ],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
}


def _write_goemotions(
    data_dir: Path, names: Sequence[str] | None = GOEMOTIONS, mapping: dict[str, list[str]] | None = _EKMAN_MAPPING
) -> Path:
    folder = data_dir / "goemotions"
    folder.mkdir(parents=True, exist_ok=True)
    order = list(GOEMOTIONS if names is None else names)
    lines = [
        f"{text}\t{','.join(str(order.index(label)) for label in labels)}\tc{i:03d}"
        for i, (text, labels, _) in enumerate(_GOEMOTIONS_ROWS)
    ]
    (folder / "dev.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if names is not None:
        (folder / "emotions.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    if mapping is not None:
        (folder / "ekman_mapping.json").write_text(json.dumps(mapping, indent=1), encoding="utf-8")
    return data_dir


def _gold_indexes() -> list[list[int]]:
    return [sorted(_EK[g] for g in groups) for _, _, groups in _GOEMOTIONS_ROWS]


def test_goemotions_load_maps_labels_to_sets_of_ekman_groups(tmp_path: Path) -> None:
    texts, gold = goemotions.load(_write_goemotions(tmp_path))
    assert texts == [text for text, _, _ in _GOEMOTIONS_ROWS]
    assert gold == _gold_indexes()
    # annoyance + disappointment -> {anger, sadness}; surprise + realization -> {surprise} once.
    assert gold[1] == [EKMAN.index("anger"), EKMAN.index("sadness")]
    assert gold[3] == [EKMAN.index("surprise")]


def test_goemotions_load_skips_blank_lines_and_names_a_broken_row(tmp_path: Path) -> None:
    path = _write_goemotions(tmp_path) / "goemotions" / "dev.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], "", *lines[1:], "   "]) + "\n", encoding="utf-8")
    texts, gold = goemotions.load(tmp_path)
    assert len(texts) == len(_GOEMOTIONS_ROWS) and gold == _gold_indexes()
    path.write_text("\n".join([lines[0], "a row without its label ids", *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dev\.tsv:2: expected"):
        goemotions.load(tmp_path)
    path.write_text("\n".join([*lines, "an unknown label id\t99\tc999"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"dev\.tsv:{len(lines) + 1}: expected"):
        goemotions.load(tmp_path)


def test_goemotions_load_reads_the_label_files_in_the_folder(tmp_path: Path) -> None:
    # emotions.txt in another order: the ids of dev.tsv index that order, not the built-in one.
    shuffled = tuple(reversed(GOEMOTIONS))
    _, gold = goemotions.load(_write_goemotions(tmp_path / "reversed", names=shuffled))
    assert gold == _gold_indexes()
    # Neither file: the built-in tables (the same as the official files) give the same gold.
    _, gold = goemotions.load(_write_goemotions(tmp_path / "builtin", names=None, mapping=None))
    assert gold == _gold_indexes()
    # A mapping file that files curiosity under joy is followed over the built-in table.
    moved = {group: [x for x in labels if x != "curiosity"] for group, labels in _EKMAN_MAPPING.items()}
    moved["joy"].append("curiosity")
    _, gold = goemotions.load(_write_goemotions(tmp_path / "moved", mapping=moved))
    assert gold[6] == [_EK["joy"], _EK["neutral"]]
    assert gold[:6] == _gold_indexes()[:6]


class _EkmanStandIn:
    """Predicts a fixed Ekman group per text (the group gets 0.9, the others share the rest)."""

    name = "stand-in"
    version = "1"
    trained_on = "nothing"

    def __init__(self, picks: dict[str, str]) -> None:
        self.picks = picks

    def ekman_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [{e: (0.9 if e == self.picks[t] else 0.1 / 6) for e in EKMAN} for t in texts]


def test_goemotions_figures_worked_out_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    predicted = ["joy", "anger", "fear", "surprise", "neutral", "anger", "neutral"]
    stand_in = _EkmanStandIn({text: p for (text, _, _), p in zip(_GOEMOTIONS_ROWS, predicted, strict=True)})
    monkeypatch.setattr(goemotions, "load_default", lambda: stand_in)
    result = goemotions.evaluate(_write_goemotions(tmp_path))
    figures = _figures(result)
    # Strict: anger tp1 fp1 (the disgust row) -> 2/3; disgust fn1 -> 0; fear 1; joy 1;
    # sadness fn1 (the second gold group of row 1) -> 0; surprise tp1 fn1 (row 6) -> 2/3; neutral 1.
    strict = figures["Ekman macro-F1 (argmax)"]
    assert strict.detail == {
        "anger": 0.6667,
        "disgust": 0.0,
        "fear": 1.0,
        "joy": 1.0,
        "sadness": 0.0,
        "surprise": 0.6667,
        "neutral": 1.0,
    }
    assert strict.value == pytest.approx(round(13 / 21, 4))
    assert strict.target == goemotions.TARGET == 0.60 and strict.met is True
    assert strict.n == len(_GOEMOTIONS_ROWS)
    # Lenient: a hit covers its whole gold set, so surprise loses row 6's false negative -> 1.
    lenient = figures["Ekman macro-F1 (lenient)"]
    assert lenient.value == pytest.approx(round(14 / 21, 4))
    assert lenient.target is None
    # Every prediction but the disgust row's is in its gold set.
    assert figures["accuracy (prediction in gold set)"].value == pytest.approx(round(6 / 7, 4))
    # One figure per group, n = how many rows carry that group.
    assert [figures[f"F1 {e}"].n for e in EKMAN] == [1, 1, 1, 1, 1, 2, 2]
    assert figures["F1 surprise"].value == pytest.approx(0.6667)
    assert len(result.metrics) == 3 + len(EKMAN)
    assert (result.dataset, result.split) == ("goemotions", "dev")
    assert result.notes == "model stand-in v1; trained on nothing"


def test_goemotions_with_the_shipped_model(tmp_path: Path) -> None:
    result = goemotions.evaluate(_write_goemotions(tmp_path))
    figures = _figures(result)
    # The shipped model's own argmax on the fixture, counted here independently of calibrate.py.
    scores = load_default().ekman_scores([text for text, _, _ in _GOEMOTIONS_ROWS])
    pred = [EKMAN.index(max(s, key=s.__getitem__)) for s in scores]
    gold = _gold_indexes()
    f1 = {}
    for k, e in enumerate(EKMAN):
        tp = sum(p == k and k in g for p, g in zip(pred, gold, strict=True))
        fp = sum(p == k and k not in g for p, g in zip(pred, gold, strict=True))
        fn = sum(p != k and k in g for p, g in zip(pred, gold, strict=True))
        f1[e] = round(2 * tp / max(1, 2 * tp + fp + fn), 4)
    assert figures["Ekman macro-F1 (argmax)"].detail == f1
    assert figures["Ekman macro-F1 (argmax)"].value == pytest.approx(sum(f1.values()) / len(EKMAN), abs=1e-4)
    hits = sum(p in g for p, g in zip(pred, gold, strict=True))
    assert figures["accuracy (prediction in gold set)"].value == pytest.approx(round(hits / len(gold), 4))
    # Lenient never counts more false negatives than strict.
    assert figures["Ekman macro-F1 (lenient)"].value >= figures["Ekman macro-F1 (argmax)"].value
    assert all(0.0 <= m.value <= 1.0 for m in result.metrics)


def test_goemotions_missing_file(tmp_path: Path) -> None:
    (tmp_path / "goemotions").mkdir()
    (tmp_path / "goemotions" / "emotions.txt").write_text("\n".join(GOEMOTIONS), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"goemotions[/\\]dev\.tsv not found"):
        goemotions.evaluate(tmp_path)


# --------------------------------------------------------------------------------------------
# ESConv: <split>.txt, JSON lines with a "dialog" of {speaker usr|sys, text, strategy (sys only)}
# --------------------------------------------------------------------------------------------


def _usr(text: str) -> dict[str, str]:
    return {"speaker": "usr", "text": text}


def _sys(text: str, strategy: str) -> dict[str, str]:
    return {"speaker": "sys", "text": text, "strategy": strategy}


_ESCONV_DIALOGUES = [
    {
        "emotion_type": "anger",
        "problem_type": "billing",
        "situation": "Charged twice for one order.",
        "dialog": [
            _usr("My card was charged twice for the same order."),
            _sys("Which card did you pay with?", "Question"),  # asks: clarifying_question tp
            _usr("The debit card ending in 42."),
            _sys("If I understand correctly, your card was charged twice for the same order.", "Restatement or Paraphrasing"),
            _sys("I have refunded the charge.", "Providing Suggestions"),  # nothing scored here
        ],
    },
    {
        "emotion_type": "sadness",
        "problem_type": "delivery",
        "situation": "A parcel three weeks late.",
        "dialog": [
            _usr("I have been waiting three weeks for my parcel and I am so upset."),
            _sys("That sounds really frustrating, I can hear how upset you are.", "Reflection of feelings"),
            _sys("I will look into it today.", "Question"),  # annotated as a question, asks nothing: fn
            _sys("When did you place the order?", "Information"),  # asks, annotated otherwise: fp
            _usr("Last Monday."),
            _sys("The parcel is at the local depot.", "Reflection of feelings"),  # no feeling in it: empathy fn
            _sys("Thank you for your patience.", "Others"),
        ],
    },
]


def _write_esconv(folder: Path, split: str = "valid") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(d) for d in _ESCONV_DIALOGUES]
    # A blank line between the dialogues is skipped.
    (folder / f"{split}.txt").write_text(lines[0] + "\n\n" + lines[1] + "\n", encoding="utf-8")


def test_esconv_read_makes_one_turn_per_utterance(tmp_path: Path) -> None:
    _write_esconv(tmp_path / "esconv")
    data = list(esconv.read(tmp_path / "esconv" / "valid.txt"))
    assert len(data) == 2
    (first, first_strats), (second, second_strats) = data
    # Ids count lines of the file, the blank one included.
    assert (first.id, second.id) == ("esconv-0", "esconv-2")
    assert [t.role for t in first.turns] == ["customer", "agent", "customer", "agent", "agent"]
    assert first_strats == [None, "Question", None, "Restatement or Paraphrasing", "Providing Suggestions"]
    # Consecutive sys lines stay separate agent turns.
    assert [t.role for t in second.turns] == ["customer", "agent", "agent", "agent", "customer", "agent", "agent"]
    assert second.turns[2].text == "I will look into it today."
    assert second_strats[0] is None and second_strats[-1] == "Others"


def test_esconv_counts_with_the_agent_pipeline(tmp_path: Path) -> None:
    _write_esconv(tmp_path / "esconv")
    result = esconv.evaluate(tmp_path)  # default: esconv.agent_pipeline(), stand-in models
    assert (result.dataset, result.split) == ("esconv", "valid")
    assert result.notes.startswith("2 dialogues, 8 agent (sys) turns")
    figures = _figures(result)
    assert set(figures) == {f"{label} {kind}" for label in esconv.TARGETS for kind in ("F1", "precision", "recall")}

    cq = figures["clarifying_question F1"]
    # "Which card...?" found (tp), "When did you place the order?" found but annotated Information (fp),
    # "I will look into it today." annotated Question but not one (fn).
    assert cq.detail == {"strategy": "Question", "precision": 0.5, "recall": 0.5, "tp": 1, "fp": 1, "fn": 1, "positives": 2}
    assert cq.value == pytest.approx(0.5)
    assert cq.target == 0.90 and cq.met is False and cq.n == 8

    para = figures["paraphrase F1"]
    assert (para.detail["tp"], para.detail["fp"], para.detail["fn"]) == (1, 0, 0)
    assert para.value == pytest.approx(1.0) and para.met is True

    empathy = figures["empathy F1"]
    # The reflection is found; "The parcel is at the local depot." (annotated as one) is not.
    assert (empathy.detail["tp"], empathy.detail["fp"], empathy.detail["fn"]) == (1, 0, 1)
    assert empathy.detail["precision"] == 1.0 and empathy.detail["recall"] == 0.5
    assert empathy.value == pytest.approx(round(2 / 3, 4))
    assert empathy.target == 0.65

    for label in esconv.TARGETS:
        p, r = figures[f"{label} precision"], figures[f"{label} recall"]
        d = p.detail
        assert p.n == d["tp"] + d["fp"] and r.n == d["tp"] + d["fn"] == d["positives"]
        assert p.value == d["precision"] and r.value == d["recall"]
        assert p.target is None and r.target is None


def test_esconv_uses_the_pipeline_it_is_given(tmp_path: Path) -> None:
    # The ESConv folder itself, another split, and a pipeline without detectors: nothing is
    # predicted, so every annotated turn is a false negative and precision falls to 0.
    _write_esconv(tmp_path, split="test")
    stand_ins = esconv.agent_pipeline()
    bare = Pipeline(detectors=[], emotion_model=stand_ins.emotion_model, tone_model=stand_ins.tone_model)
    result = esconv.evaluate(tmp_path, split="test", pipeline=bare)
    assert result.split == "test"
    figures = _figures(result)
    expected_positives = {"clarifying_question": 2, "paraphrase": 1, "empathy": 2}
    for label, positives in expected_positives.items():
        f1 = figures[f"{label} F1"]
        assert f1.detail["tp"] == f1.detail["fp"] == 0 and f1.detail["fn"] == positives
        assert f1.value == 0.0 and f1.n == 8


def test_esconv_missing_split(tmp_path: Path) -> None:
    _write_esconv(tmp_path / "esconv", split="train")
    with pytest.raises(FileNotFoundError, match=r"no ESConv valid\.txt under .*esconv[/\\]valid\.txt"):
        esconv.evaluate(tmp_path)


# --------------------------------------------------------------------------------------------
# Politeness: politeness/wikipedia.annotated.csv (Request, Score1..5, TurkId1..5, Normalized Score)
# --------------------------------------------------------------------------------------------

_POLITENESS_HEADER = (
    "Community",
    "Id",
    "Request",
    *(f"Score{i}" for i in range(1, 6)),
    *(f"TurkId{i}" for i in range(1, 6)),
    "Normalized Score",
)

#: (request, human politeness score); the two highest and the two lowest are the quartile ends.
_POLITENESS_ROWS = [
    ("Could you please take a look at my order when you have a moment? Thank you so much!", 1.35),
    ("Thanks in advance, could you send me the tracking number, please?", 0.95),
    ("Would you mind checking whether my refund went through? I really appreciate your help.", 1.10),
    ("Hi, can you tell me when the store opens on Saturday?", 0.40),
    ("Is there a way to change the delivery address?", 0.05),
    ("Where is my invoice?", -0.45),
    ("Why has nobody answered my email yet?", -0.90),
    ('Fix this now. I am sick of waiting for "support" that never comes.', -1.60),
]


def _write_politeness(data_dir: Path) -> Path:
    rows = []
    for i, (request, score) in enumerate(_POLITENESS_ROWS):
        row = {"Community": "Wikipedia", "Id": str(700 + i), "Request": request, "Normalized Score": str(score)}
        row |= {f"Score{k}": str(max(1, min(25, round(13 + 6 * score) + k - 3))) for k in range(1, 6)}
        row |= {f"TurkId{k}": f"W{k}{i:02d}" for k in range(1, 6)}
        rows.append(row)
    _write_csv(data_dir / "politeness" / "wikipedia.annotated.csv", _POLITENESS_HEADER, rows)
    return data_dir


def test_politeness_load(tmp_path: Path) -> None:
    texts, human = politeness.load(_write_politeness(tmp_path))
    # Quoted fields (commas, double quotes) come back as written.
    assert texts == [r for r, _ in _POLITENESS_ROWS]
    assert human == [s for _, s in _POLITENESS_ROWS]


def test_politeness_figures(tmp_path: Path) -> None:
    result = politeness.evaluate(_write_politeness(tmp_path))
    assert (result.dataset, result.split) == ("politeness", "wikipedia")
    figures = _figures(result)
    assert set(figures) == {
        "Spearman(tone, politeness)",
        "Spearman(rules only, politeness)",
        "quartile ROC-AUC (polite vs impolite)",
    }
    texts = [r for r, _ in _POLITENESS_ROWS]
    human = [s for _, s in _POLITENESS_ROWS]
    headline = figures["Spearman(tone, politeness)"]
    assert headline.target == politeness.TARGET == 0.5 and headline.n == 8
    # The tone the pipeline reports for each request, ranked against the human scores.
    assert headline.value == pytest.approx(round(spearman(politeness.tones(texts), human), 4))
    assert -1.0 <= figures["Spearman(rules only, politeness)"].value <= 1.0
    quartiles = figures["quartile ROC-AUC (polite vs impolite)"]
    # Eight distinct scores: the interpolated quartiles keep two at each end.
    assert quartiles.n == 4
    # The two "please ... thank you" requests above the two blunt ones: tone must rank them so.
    assert quartiles.value == 1.0


# --------------------------------------------------------------------------------------------
# UCC: ucc/val.csv, one 0/1 column (and its :confidence) per attribute
# --------------------------------------------------------------------------------------------

_UCC_ATTRIBUTES = (
    "antagonize",
    "condescending",
    "dismissive",
    "generalisation",
    "generalisation_unfair",
    "healthy",
    "hostile",
    "sarcastic",
)
_UCC_HEADER = ("_unit_id", "_trusted_judgments", "comment", *(c for a in _UCC_ATTRIBUTES for c in (a, f"{a}:confidence")))

#: (comment, attributes set; a value other than "1" is written as given) -> expected label (None: left out)
_UCC_ROWS: list[tuple[str, dict[str, str], int | None]] = [
    ("Calm down, it's not a big deal.", {"dismissive": "1"}, 1),
    ("That's not our fault, you should have read the terms.", {"antagonize": "1", "hostile": "1"}, 1),
    ("Oh great, another genius who can't read the instructions.", {"sarcastic": "1", "condescending": "1", "healthy": "1"}, 1),
    ("Happy to help, I've sorted the refund out for you.", {"healthy": "1"}, 0),
    ("Couriers never deliver anything on time.", {"generalisation": "1"}, None),  # neither side
    ("Thanks for waiting, your parcel is on its way.", {"healthy": "1"}, 0),
    ("Sure, whatever you say.", {"dismissive": "0.4", "healthy": ""}, None),  # under 0.5, empty cell
    ("We checked and the charge was our mistake; it has been reversed.", {"healthy": "1.0"}, 0),
]


def _write_ucc(data_dir: Path) -> Path:
    rows = []
    for i, (comment, attrs, _) in enumerate(_UCC_ROWS):
        row = {"_unit_id": str(1_000 + i), "_trusted_judgments": "3", "comment": comment}
        for a in _UCC_ATTRIBUTES:
            row[a] = attrs.get(a, "0")
            row[f"{a}:confidence"] = "1.0"
        rows.append(row)
    _write_csv(data_dir / "ucc" / "val.csv", _UCC_HEADER, rows)
    return data_dir


def test_ucc_load_sorts_unhealthy_from_healthy_and_leaves_out_the_rest(tmp_path: Path) -> None:
    texts, labels = ucc.load(_write_ucc(tmp_path))
    kept = [(c, y) for c, _, y in _UCC_ROWS if y is not None]
    assert texts == [c for c, _ in kept]
    # Sarcastic and healthy at once counts as unhealthy.
    assert labels == [y for _, y in kept] == [1, 1, 1, 0, 0, 0]


def test_ucc_scores_lift_a_rule_hit_above_tone(tmp_path: Path) -> None:
    texts, _ = ucc.load(_write_ucc(tmp_path))
    combined, tone_only = ucc.scores(texts)
    assert len(combined) == len(tone_only) == 6
    assert all(0.0 <= t <= 1.0 for t in tone_only)
    assert all(c >= t for c, t in zip(combined, tone_only, strict=True))
    # "That's not our fault, you should have read the terms." is confrontational: the finding
    # scores it higher than its (only mildly negative) tone does.
    assert combined[1] > tone_only[1]


def test_ucc_figures(tmp_path: Path) -> None:
    result = ucc.evaluate(_write_ucc(tmp_path))
    assert (result.dataset, result.split) == ("ucc", "val")
    figures = _figures(result)
    both = figures["ROC-AUC unhealthy vs healthy (findings + tone)"]
    tone = figures["ROC-AUC unhealthy vs healthy (tone only)"]
    assert both.target == ucc.TARGET == 0.75 and tone.target is None
    assert both.n == tone.n == 6  # the two left-out rows are not counted
    texts, labels = ucc.load(tmp_path)
    combined, tone_only = ucc.scores(texts)
    assert both.value == pytest.approx(round(roc_auc(labels, combined), 4))
    assert tone.value == pytest.approx(round(roc_auc(labels, tone_only), 4))
    assert result.notes.startswith("3 unhealthy / 3 healthy; detectors: ")
    assert "confrontational" in result.notes and "dismissive" in result.notes


# --------------------------------------------------------------------------------------------
# Airline tweets: airline-tweets/Tweets.csv (tweet_id, airline_sentiment, ..., text, ...)
# --------------------------------------------------------------------------------------------

_AIRLINE_HEADER = (
    "tweet_id",
    "airline_sentiment",
    "airline_sentiment_confidence",
    "negativereason",
    "negativereason_confidence",
    "airline",
    "airline_sentiment_gold",
    "name",
    "negativereason_gold",
    "retweet_count",
    "text",
    "tweet_coord",
    "tweet_created",
    "tweet_location",
    "user_timezone",
)

#: (tweet id, sentiment, text, the stand-in model's (label, scores) for it)
_AIRLINE_ROWS: list[tuple[int, str, str, tuple[str, dict[str, float]]]] = [
    (
        101,
        "negative",
        "@skyway three hours on hold and still no refund, this is ridiculous",
        ("frustration", {"frustration": 0.9}),
    ),
    (102, "negative", "@skyway my bag is lost again and nobody answers", ("anger", {"anger": 0.6})),
    (103, "negative", "@skyway flight moved twice, now I miss my connection", ("neutral", {"frustration": 0.3})),
    (104, "neutral", "@skyway what time does boarding start for the 9am flight?", ("confusion", {"confusion": 0.8})),
    (105, "positive", "@skyway thanks for the upgrade, the crew was lovely!", ("gratitude", {"gratitude": 0.9})),
    (106, "neutral", "@skyway flying home to see my grandmother, last visit", ("sadness", {"sadness": 0.7})),
]


def _write_airline(data_dir: Path) -> Path:
    rows = []
    for tweet_id, sentiment, text, _ in _AIRLINE_ROWS:
        row = dict.fromkeys(_AIRLINE_HEADER, "")
        row |= {
            "tweet_id": str(tweet_id),
            "airline_sentiment": sentiment,
            "airline_sentiment_confidence": "1.0",
            "airline": "Skyway",
            "name": f"traveller{tweet_id}",
            "retweet_count": "0",
            "text": text,
            "tweet_created": "2015-02-20 09:00:00 -0800",
        }
        rows.append(row)
    _write_csv(data_dir / "airline-tweets" / "Tweets.csv", _AIRLINE_HEADER, rows)
    return data_dir


def test_airline_load_splits_negative_from_the_rest(tmp_path: Path) -> None:
    texts, labels, halves = airline.load(_write_airline(tmp_path))
    assert texts == [text for _, _, text, _ in _AIRLINE_ROWS]
    assert labels == [1, 1, 1, 0, 0, 0]  # neutral and positive are both "the rest"
    assert halves == [1, 0, 1, 0, 1, 0]  # odd / even tweet ids


class _EmotionStandIn:
    """Returns the emotion written beside each fixture tweet (the remaining mass on neutral)."""

    name = "stand-in"
    version = "1"

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        out = []
        for text in texts:
            label, given = next(e for _, _, t, e in _AIRLINE_ROWS if t == text)
            scores = {e: given.get(e, 0.0) for e in EMOTIONS}
            scores["neutral"] += 1.0 - sum(given.values())
            out.append(Emotion(label, max(given.values()), scores))
        return out


def test_airline_figures_worked_out_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stand_in_pipeline(detectors: Sequence[str]) -> Pipeline:
        # No cue lexicon, so the pipeline reports the stand-in's emotions as they are.
        return Pipeline(detectors=list(detectors), emotion_model=_EmotionStandIn(), emotion_cues=None)

    monkeypatch.setattr(airline, "Pipeline", stand_in_pipeline)
    result = airline.evaluate(_write_airline(tmp_path))
    figures = _figures(result)
    # Distress: 0.9, 0.6, 0.3 on the negatives; 0.4 (confusion counts half), 0.0, 0.7 on the rest.
    # Pairs ranked right: 0.9 > all three, 0.6 > 0.4 and 0.0, 0.3 > 0.0 -> 6 of 9.
    # Distress labels on rows 101, 102 and 106 (confusion is not one): recall 2/3, precision 2/3.
    for source in ("model", "pipeline"):
        auc = figures[f"{source}: ROC-AUC negative vs rest (distress)"]
        assert auc.value == pytest.approx(0.6667) and auc.n == 6
        recall = figures[f"{source}: distress-label recall on negative"]
        assert recall.value == pytest.approx(0.6667) and recall.n == 3
        precision = figures[f"{source}: distress-label precision"]
        assert precision.value == pytest.approx(0.6667) and precision.n == 3
    # Even ids 102, 104, 106: 0.6 (negative) against 0.4 and 0.7 -> 1/2. Odd ids 101, 103, 105: 1.0.
    even = figures["pipeline, even ids: ROC-AUC negative vs rest"]
    odd = figures["pipeline, odd ids: ROC-AUC negative vs rest"]
    assert (even.value, even.n) == (0.5, 3)
    assert (odd.value, odd.n) == (1.0, 3)
    assert all(m.target is None for m in result.metrics)
    assert len(result.metrics) == 8
    assert (result.dataset, result.split) == ("airline", "all")
    assert result.notes == "3 negative / 3 neutral or positive customer tweets"


def test_airline_half_with_one_class_has_no_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stand_in_pipeline(detectors: Sequence[str]) -> Pipeline:
        return Pipeline(detectors=list(detectors), emotion_model=_EmotionStandIn(), emotion_cues=None)

    monkeypatch.setattr(airline, "Pipeline", stand_in_pipeline)
    _write_airline(tmp_path)
    path = tmp_path / "airline-tweets" / "Tweets.csv"
    # Drop the even-id negative (102): the even half is then all "the rest".
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("102,")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    names = [m.name for m in airline.evaluate(tmp_path).metrics]
    assert "pipeline, odd ids: ROC-AUC negative vs rest" in names
    assert "pipeline, even ids: ROC-AUC negative vs rest" not in names
    assert len(names) == 7


def test_airline_with_the_shipped_models(tmp_path: Path) -> None:
    result = airline.evaluate(_write_airline(tmp_path))
    figures = _figures(result)
    assert all(0.0 <= m.value <= 1.0 for m in result.metrics)
    for source in ("model", "pipeline"):
        assert figures[f"{source}: ROC-AUC negative vs rest (distress)"].n == 6
        recall = figures[f"{source}: distress-label recall on negative"]
        precision = figures[f"{source}: distress-label precision"]
        assert recall.n == 3
        # Both figures come from the same true positives.
        tp = round(recall.value * recall.n)
        assert precision.value == pytest.approx(round(tp / max(1, precision.n), 4))
    # The model's labels alone: as many distress predictions as the precision figure counts.
    predicted = load_default().predict([text for _, _, text, _ in _AIRLINE_ROWS])
    assert figures["model: distress-label precision"].n == sum(e.label in airline.DISTRESS_LABELS for e in predicted)
    assert figures["pipeline, even ids: ROC-AUC negative vs rest"].n == 3
    assert figures["pipeline, odd ids: ROC-AUC negative vs rest"].n == 3


@pytest.mark.parametrize(
    ("evaluate", "missing"),
    [
        (politeness.evaluate, r"politeness[/\\]wikipedia\.annotated\.csv not found"),
        (ucc.evaluate, r"ucc[/\\]val\.csv not found"),
        (airline.evaluate, r"airline-tweets[/\\]Tweets\.csv not found"),
    ],
)
def test_a_missing_dataset_file_is_named(tmp_path: Path, evaluate: Callable[[Path], object], missing: str) -> None:
    with pytest.raises(FileNotFoundError, match=missing):
        evaluate(tmp_path)
