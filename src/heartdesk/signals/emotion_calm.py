"""Wording that makes the emotion model's reading *calmer*: a bare answer, a plain request, a polite apology, a lookup.

The cues (``emotion_cues.py``) move calm mass towards the distress the model misses. Four kinds of
customer turn need the opposite: the model reads a distress or a pleasure into words that, in a
support chat, carry neither.

* A bare answer to the agent's question ("No.", "Nope", "No, I haven't"): the model reads its "no"
  as Reddit's *disapproval*, i.e. frustration (0.46 for "No.").
* A plain request ("I'd like to cancel my order, I ordered the wrong size", "I would like a refund"):
  the model reads the "like" as *satisfaction* (0.35 against 0.15 neutral for the first).
* A polite apology ("Sorry to bother you again, but has there been any update?", "Sorry for the late reply"):
  the model reads the "sorry" as *remorse*, i.e. sadness (0.80 and 0.98).
* A lookup ("I can't find the invoice for March. We need it for our accountant.", "I can't see the option to
  download my statement"): the model reads "can't find" as sadness and anger (0.41 and 0.26 for the first), while
  the customer asks where a document, a setting or a button is. A lost bag or order is no lookup.

:func:`calm_shift` moves ``SHIFT`` of the misread mass to neutral where no cue was found; the cue
lexicon decides when (its ``calm_answers``, ``calm_requests``, ``calm_apologies`` and ``calm_lookups`` patterns). Beside a cue, a
plain request instead rules satisfaction out, and its mass goes to the cue's emotion; a polite apology still
moves sadness to neutral first, and the cues then take their share of it as of any calm mass (not where a cue
of the turn is one of sadness: "Sorry to bother you, my husband passed away"; ``CueLexicon.adjust``).
"""

from __future__ import annotations

from collections.abc import Sequence

from heartdesk.model import EMOTIONS, Emotion
from heartdesk.models.emotion import make_emotion
from heartdesk.signals.context import rounded

__all__ = ["ANSWER_MAX", "DISAPPROVAL", "LOOKUP", "PLEASED", "REMORSE", "SHIFT", "calm_shift"]

#: What the model reads into a bare answer's "no" (GoEmotions' disapproval, which maps to frustration and some
#: anger), and into a request's "like".
DISAPPROVAL = ("frustration", "anger")
PLEASED = ("satisfaction",)
#: What the model reads into a polite "sorry" (GoEmotions' remorse, which maps to sadness).
REMORSE = ("sadness",)
#: What the model reads into a lookup's "can't find": disapproval and remorse together.
LOOKUP = ("frustration", "anger", "sadness")
ANSWER_MAX = 80  # characters: a bare answer is short
#: Share of the misread mass that moves; also the most of the calm mass cues may move (``emotion_mix.MAX_SHIFT``).
SHIFT = 0.85


def calm_shift(emotion: Emotion, moving: Sequence[str]) -> Emotion:
    """``emotion`` with ``SHIFT`` of the mass of ``moving`` moved to neutral, and no cue."""
    scores = dict(emotion.scores)
    moved = 0.0
    for k in moving:
        v = scores.get(k, 0.0)
        moved += v * SHIFT
        scores[k] = v * (1.0 - SHIFT)
    scores["neutral"] = scores.get("neutral", 0.0) + moved
    label = max(EMOTIONS, key=lambda k: scores.get(k, 0.0))
    # Intensity measures the felt (non-neutral) emotion: what is left of it.
    intensity = rounded(min(emotion.intensity, 1.0 - scores["neutral"]), 4) if label == "neutral" else emotion.intensity
    reported = {k: scores.get(k, 0.0) for k in emotion.scores} if emotion.scores else scores
    return make_emotion(label, max(intensity, 0.0), reported, ())
