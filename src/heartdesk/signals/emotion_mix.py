"""How the cues found in a turn move the emotion model's mass (``emotion_cues.CueLexicon`` finds them).

Each cue moves part of the *calm* mass (neutral, and a share of satisfaction and gratitude) to its
emotion; several cues move more than one, with diminishing returns (``strength = 1 - prod(1 - weight)``),
at most ``MAX_SHIFT`` of it. Emotions the matched wording rules out (``overruled``) move in full.
"""

from __future__ import annotations

from collections.abc import Sequence

from heartdesk.model import EMOTIONS, Emotion, EmotionCue
from heartdesk.models.emotion import make_emotion
from heartdesk.signals.context import rounded
from heartdesk.signals.emotion_calm import SHIFT

__all__ = ["CALM", "CALM_SHARE", "CONFUSION_MOVES_AT", "CONFUSION_SHARE", "MAX_SHIFT", "apply"]

#: The most of the calm mass that cues can move: the model keeps a say even against many cues (and the
#: share of a misread mass that a bare answer or a plain request moves back, ``emotion_calm.SHIFT``).
MAX_SHIFT = SHIFT
CALM = ("neutral", "satisfaction", "gratitude")
#: The share of each calm emotion's mass that cues may move (the rest of it is never moved).
CALM_SHARE = {"neutral": 1.0, "satisfaction": 0.25, "gratitude": 0.25}
#: Cues whose combined strength reaches this (one strong cue such as "on hold", or two of any kind) move
#: ``CONFUSION_SHARE`` of the model's *confusion* too: the model reads a customer's question as puzzlement.
#: Airline tweets: distress-label recall 0.521 -> 0.557 at precision 0.922 (unchanged); 0.5 for any cue
#: gave 0.605 at 0.904, 18 % of the new distress labels on tweets annotated neutral or positive.
CONFUSION_MOVES_AT = 0.8
CONFUSION_SHARE = 0.5


def apply(emotion: Emotion, cues: Sequence[EmotionCue], overruled: frozenset[str] = frozenset()) -> Emotion:
    """Move calm mass to the cues' emotions, in proportion to their weights.

    ``overruled`` emotions (that the matched wording rules out) are moved like calm mass, in full, and
    their own cues pull nothing (:meth:`heartdesk.signals.emotion_cues.CueLexicon.adjust` rules out only
    emotions whose own cues are no stronger than the wording that rules them out).
    """
    scores = dict(emotion.scores)
    # Per emotion, the strongest evidence counts in full and more of it adds less and less.
    keep: dict[str, float] = {}
    for cue in cues:
        if cue.emotion not in overruled:
            keep[cue.emotion] = keep.get(cue.emotion, 1.0) * (1.0 - cue.weight)
    if not keep:
        return make_emotion(emotion.label, emotion.intensity, emotion.scores, tuple(cues))
    pull = {e: 1.0 - k for e, k in keep.items()}
    strength = 1.0
    for left in keep.values():
        strength *= left
    # What the model read as positive is trusted more than what it read as neutral: "thanks,
    # it finally arrived after 3 days" is relief, not frustration.
    shares = _CALM_SHARES
    if overruled:
        shares = tuple({**_SHARE, **{e: 1.0 for e in overruled}}.items())
    if 1.0 - strength >= CONFUSION_MOVES_AT and "confusion" not in overruled:
        # The model reads most questions as confusion; against strong evidence ("I've been on hold for
        # an hour. What am I to do?") half of it moves too. Confusion's own label survives as calm does.
        shares = (*shares, ("confusion", CONFUSION_SHARE))
    calm = sum([scores.get(k, 0.0) * w for k, w in shares])
    moved = calm * MAX_SHIFT * (1.0 - strength)
    if moved <= 0.0:
        return make_emotion(emotion.label, emotion.intensity, emotion.scores, tuple(cues))
    for k, w in shares:
        scores[k] = scores.get(k, 0.0) * (1.0 - w * moved / calm)
    total_pull = sum(pull.values())
    for e, p in pull.items():
        scores[e] = scores.get(e, 0.0) + moved * p / total_pull
    # A model's scores usually name every emotion: then plain look-ups, and ``scores`` is already
    # the reported mapping (same keys, same order), with no copy to make. (Tested key by key: a
    # frozenset compared with the keys' view took the generic path, ~2,700 instructions a call.)
    complete = len(scores) == len(emotion.scores)
    if complete:
        for k in EMOTIONS:
            if k not in scores:
                complete = False
                break
    # The first emotion with the highest score, as ``max(EMOTIONS, key=...)`` picks it.
    label = EMOTIONS[0]
    top = scores.get(label, 0.0)
    for k in EMOTIONS:
        v = scores.get(k, 0.0)
        if v > top:
            label, top = k, v
    if label in CALM and emotion.label not in CALM and emotion.label not in overruled:
        label = emotion.label
    # Intensity: the stronger of the model's and the moved mass on the new label's family.
    intensity = rounded(min(1.0, max(emotion.intensity, _felt(label, cues) if label not in CALM else 0.0)), 4)
    reported = scores if complete else {k: scores.get(k, 0.0) for k in emotion.scores}
    return make_emotion(label, intensity, reported, tuple(cues))


#: Per calm emotion, the share of its mass cues may move (``CALM_SHARE``, 1.0 where it names none).
_SHARE = {k: CALM_SHARE.get(k, 1.0) for k in CALM}
_CALM_SHARES = tuple(_SHARE.items())


#: Emotions felt as one family when judging how strongly: "furious" and "on hold for an hour" add up.
_FAMILY = {"anger": "anger", "frustration": "anger", "disgust": "anger"}
#: How intense the strongest possible evidence makes an emotion: words alone never make it 1.0.
_CUE_INTENSITY = 0.8


def _felt(label: str, cues: Sequence[EmotionCue]) -> float:
    """Intensity the cues show for ``label``'s family: their combined strength, scaled."""
    family = _FAMILY.get(label, label)
    keep = 1.0
    for cue in cues:
        if _FAMILY.get(cue.emotion, cue.emotion) == family:
            keep *= 1.0 - cue.weight
    return _CUE_INTENSITY * (1.0 - keep)
