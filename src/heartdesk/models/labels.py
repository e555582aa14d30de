"""Label sets of the emotion model and how GoEmotions' 28 labels map onto them.

GoEmotions (Demszky et al., 2020) labels Reddit comments with 27 emotions plus
neutral. The model predicts those 28 and two groupings are derived from them:

* Ekman's 7 groups, exactly the official ``ekman_mapping.json`` of GoEmotions
  (used for evaluation and comparable with published figures);
* heartdesk's 10 customer-service emotions (``heartdesk.model.EMOTIONS``); see
  ``docs/models.md`` for why each label goes where it goes.
"""

from __future__ import annotations

#: GoEmotions label order (the ids in its TSV files index this tuple).
GOEMOTIONS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
    "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief", "joy",
    "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip

EKMAN: tuple[str, ...] = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")

#: Official GoEmotions Ekman grouping (neutral is its own group).
TO_EKMAN: dict[str, str] = {
    **dict.fromkeys(("anger", "annoyance", "disapproval"), "anger"),
    "disgust": "disgust",
    **dict.fromkeys(("fear", "nervousness"), "fear"),
    **dict.fromkeys(
        (
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
        ),
        "joy",
    ),
    **dict.fromkeys(("sadness", "disappointment", "embarrassment", "grief", "remorse"), "sadness"),
    **dict.fromkeys(("surprise", "realization", "confusion", "curiosity"), "surprise"),
    "neutral": "neutral",
}

#: GoEmotions label -> heartdesk customer emotion.
TO_PRODUCT: dict[str, str] = {
    "anger": "anger",
    # Irritation and "this is not OK" are the everyday, lower-heat form of anger in support queues.
    "annoyance": "frustration",
    "disapproval": "frustration",
    "disgust": "disgust",
    "fear": "anxiety",
    "nervousness": "anxiety",
    "sadness": "sadness",
    "grief": "sadness",
    "remorse": "sadness",
    "embarrassment": "sadness",
    "disappointment": "disappointment",
    "confusion": "confusion",
    # A question asks for information: curiosity is not a mood to act on ("when does my order ship?").
    "curiosity": "neutral",
    # An unexpected charge or status surprises; in support that reads as "I don't understand".
    "surprise": "confusion",
    # "Oh, I see now" closes a confusion: no emotion to act on.
    "realization": "neutral",
    "gratitude": "gratitude",
    **dict.fromkeys(
        ("joy", "amusement", "approval", "excitement", "love", "optimism", "relief", "pride", "admiration", "caring"),
        "satisfaction",
    ),
    # "I'd like a refund" is a request, not a mood.
    "desire": "neutral",
    "neutral": "neutral",
}

#: For each Ekman group, the indexes of its GoEmotions labels.
GROUP_COLUMNS: tuple[tuple[int, ...], ...] = tuple(
    tuple(i for i, name in enumerate(GOEMOTIONS) if TO_EKMAN[name] == group) for group in EKMAN
)
