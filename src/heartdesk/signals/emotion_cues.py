"""Rules and the emotion model, combined: customer-service cues move the model's calm mass.

The emotion model learnt from Reddit comments, where emotion is mostly said in emotion
words. Customers say it in facts: "on hold for 2 hours", "still no refund", "cancelled
again?!". Read alone, such a message looks neutral to the model (42 % of negative
airline-customer tweets did). The cue lexicon (``lexicons/emotion_cues.toml``) names that
wording; each cue found moves part of the *calm* mass (neutral, satisfaction, gratitude)
to its emotion, so:

* the model's reading stands where no cue is found (the scores are returned untouched);
* a cue never takes mass from an emotion the model did read (a customer the model reads
  as anxious stays anxious when they also say "still waiting");
* several cues together move more than one, with diminishing returns
  (``strength = 1 - prod(1 - weight)``), at most ``MAX_SHIFT`` of the calm mass;
* the spans that moved the scores are kept on the emotion (``Emotion.cues``), so the label
  explains itself like every finding does.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from heartdesk.model import EMOTIONS, Emotion, EmotionCue
from heartdesk.signals.emotion_calm import ANSWER_MAX, DISAPPROVAL, LOOKUP, PLEASED, REMORSE, calm_shift
from heartdesk.signals.emotion_mix import CALM, MAX_SHIFT, apply
from heartdesk.signals.lexicon import LexiconError, top_level_alternatives
from heartdesk.signals.prefilter import Prefilter
from heartdesk.signals.re2_spans import Re2Finder, finder
from heartdesk.signals.text import PLAIN_WORD_BYTES, WORD_BYTES, widen_apostrophes

__all__ = ["MAX_SHIFT", "CueLexicon", "adjust", "apply", "default_cues"]

#: Cues this strong (every cue of the turn, combined as :func:`apply` combines those it keeps) rule out a
#: satisfaction label, unless the turn says the trouble is over (``calm_resolutions``: "it's finally here and it's
#: perfect", "but today it took two minutes"). On the airline tweets with an even id, 86 negative tweets (against 5
#: positive and 1 neutral) kept a satisfaction label beside such cues ("I've been on hold almost an hour! I LUV y'all
#: but…"); distress recall there 0.625 -> 0.643 at precision 0.910 -> 0.909, on the odd ids (never read) 0.639 ->
#: 0.659 at 0.913. Gratitude is not ruled out: "thanks, it finally came after 3 days" is relief.
SATISFACTION_RULED_OUT_AT = 0.8
#: The top-level keys of a cue file that make the model's reading calmer (``emotion_calm.py``).
CALM_KEYS = ("calm_answers", "calm_requests", "calm_requests_unless", "calm_apologies", "calm_lookups", "calm_resolutions")
_LIMIT = 100_000  # like the detectors, cues read the first 100k characters of a turn


@dataclass(frozen=True, slots=True)
class _Cue:
    emotion: str
    weight: float
    regex: re.Pattern[str]  # on the lower-cased text
    regex_any_case: re.Pattern[str]  # for the rare text whose lower-casing changes its length ("İ")
    #: The pattern without the ``\b`` that opens each of its alternatives (None when one does not):
    #: a leading ``\b`` stops the regex engine from skipping ahead to its first literal, which made
    #: a search ~10x slower. :meth:`CueLexicon.find` checks the boundary itself.
    unbounded: re.Pattern[str] | None = None
    #: Emotions this wording rules out, whose mass the cue may move in full ("your service is terrible" is
    #: not fear, whatever the model read into "terrible"; "I expected better" is not satisfaction).
    overrules: frozenset[str] = frozenset()


_WORD = re.compile(r"[a-z0-9']+")
#: ``EmotionCue(...)`` with every field given, without the NamedTuple's Python-level ``__new__``.
_new = tuple.__new__


class CueLexicon:
    """The cue rules. Each runs only on a turn that contains one of its trigger words.

    A single alternation over every cue costs ~100-300 µs a turn in Python's regex engine;
    gated, a turn with no trigger costs one word split and one set intersection.
    """

    def __init__(
        self,
        cues: Sequence[tuple[str, float, str, Sequence[str]] | tuple[str, float, str, Sequence[str], Sequence[str]]],
        *,
        version: str = "1",
        calm_answers: str | None = None,
        calm_requests: str | None = None,
        calm_requests_unless: str | None = None,
        calm_apologies: str | None = None,
        calm_lookups: str | None = None,
        calm_resolutions: str | None = None,
    ) -> None:
        self.version = version
        #: A bare answer to the agent's question ("No.", "Nope", "No, I haven't"), matched on the whole
        #: lower-cased, stripped turn: the model reads its "no" as Reddit's disapproval (frustration).
        #: A plain request ("I'd like to cancel my order"), searched in the lower-cased turn: the model
        #: reads its "like" as satisfaction; not where ``calm_requests_unless`` finds praise or thanks.
        #: A customer's polite apology ("Sorry to bother you again", "sorry for the late reply"), searched in the
        #: lower-cased turn: the model reads its "sorry" as remorse (sadness). A lookup ("I can't find the
        #: invoice"), searched in the lower-cased turn: the model reads "can't find" as sadness and anger.
        #: See ``emotion_calm.py``.
        self._calm_answer = _compiled("calm_answers", calm_answers)
        self._calm_request = _compiled("calm_requests", calm_requests)
        self._calm_request_unless = _compiled("calm_requests_unless", calm_requests_unless)
        self._calm_apology = _compiled("calm_apologies", calm_apologies)
        self._calm_lookup = _compiled("calm_lookups", calm_lookups)
        #: The trouble said to be over ("it's finally here"), searched in the lower-cased turn: beside it, strong
        #: cues leave a satisfaction label alone (``SATISFACTION_RULED_OUT_AT``).
        self._calm_resolution = _compiled("calm_resolutions", calm_resolutions)
        self._cues: list[_Cue] = []
        self._by_word: dict[bytes, list[int]] = {}
        self._by_substring: list[tuple[str, int]] = []
        self._always: list[int] = []
        for i, entry in enumerate(cues):
            emotion, weight, pattern, triggers = entry[:4]
            overrules = frozenset(entry[4]) if len(entry) > 4 else frozenset()
            if emotion not in EMOTIONS or emotion in CALM:
                raise LexiconError("E130", f"emotion cue {i}: {emotion!r} is not a distress emotion of {EMOTIONS}")
            # Neutral moves in full anyway; satisfaction and gratitude may be overruled ("I expected better").
            if not overrules <= frozenset(EMOTIONS) - {"neutral", emotion}:
                bad = sorted(overrules)
                raise LexiconError("E130", f"emotion cue {i}: overrules names neutral, its own or unknown emotions: {bad}")
            if not 0.0 < weight <= 1.0:
                raise LexiconError("E130", f"emotion cue {i}: weight must be in (0, 1]; got {weight}")
            source = widen_apostrophes(pattern)
            try:
                regex, any_case = re.compile(source), re.compile(source, re.IGNORECASE)
            except re.error as exc:
                raise LexiconError("E131", f"emotion cue {i}: invalid pattern: {exc}") from None
            if regex.groups:
                raise LexiconError("E131", f"emotion cue {i}: use (?:...) instead of capturing groups")
            alternatives = top_level_alternatives(source)
            unbounded = None
            if all(a.startswith("\\b") for a in alternatives):
                unbounded = re.compile("|".join(a[2:] for a in alternatives))
            self._cues.append(_Cue(emotion, float(weight), regex, any_case, unbounded, overrules))
            if not triggers:
                self._always.append(i)
            for trigger in triggers:
                t = trigger.lower().replace("\u2019", "'")
                if _WORD.fullmatch(t):
                    self._by_word.setdefault(t.encode("ascii"), []).append(i)
                else:
                    self._by_substring.append((t, i))
        self._words = frozenset(self._by_word)
        # Substring triggers by their first character: one ``in`` test spares a turn the rest
        # ("?!", "??" need a "?"; "#fail" a "#").
        firsts: dict[str, list[tuple[str, int]]] = {}
        for sub, i in self._by_substring:
            firsts.setdefault(sub[:1], []).append((sub, i))
        self._by_first = tuple((ch, tuple(subs)) for ch, subs in firsts.items())
        #: One RE2 pass over an ASCII turn names the cues that can match at all (about
        #: one a turn, against ~2.5 that share a trigger word), in less time than the trigger test.
        self._prefilter = Prefilter()
        for i, cue in enumerate(self._cues):
            self._prefilter.add(i, cue.regex.pattern, cue.regex.flags)
        self._finders_built = False
        self._finders: list[Re2Finder | None] = []
        self._apology_finder: Re2Finder | None = None

    @classmethod
    def from_file(cls, path: Path) -> CueLexicon:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError("E132", f"cannot read the emotion cue lexicon {path}: {exc}") from None
        try:
            cues = [
                (
                    str(c["emotion"]),
                    float(c["weight"]),
                    str(c["pattern"]),
                    [str(t) for t in c.get("triggers", [])],
                    [str(o) for o in c.get("overrules", [])],
                )
                for c in data["cues"]
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LexiconError("E132", f"{path}: every [[cues]] entry needs emotion, weight and pattern ({exc})") from None
        calm = {k: str(data[k]) for k in CALM_KEYS if data.get(k)}
        return cls(cues, version=str(data.get("version", "1")), **calm)

    def _candidates(self, lowered: str) -> set[int]:
        picked = set(self._always)
        b = lowered.encode("utf-8", "surrogatepass")
        if b"\xe2\x80\x99" in b or b"\xca\xbc" in b:
            b = b.replace(b"\xe2\x80\x99", b"'").replace(b"\xca\xbc", b"'")
        tokens = b.translate(WORD_BYTES).split()
        if b"'" in b:  # "'error'", "hour's": also the words with the apostrophes taken as spaces
            tokens += b.translate(PLAIN_WORD_BYTES).split()
        for word in self._words.intersection(tokens):
            picked.update(self._by_word[word])
        for ch, subs in self._by_first:
            if ch in lowered:
                for sub, i in subs:
                    if sub in lowered:
                        picked.add(i)
        return picked

    def find(self, text: str, *, gated: bool = True) -> tuple[EmotionCue, ...]:
        """Every cue in ``text`` (first 100k characters), in text order.

        ``gated=False`` runs every pattern regardless of triggers (to test the gating).
        """
        return self._scan(text, gated)[0]

    def _scan(self, text: str, gated: bool) -> tuple[tuple[EmotionCue, ...], frozenset[str]]:
        """:meth:`find`'s cues, and the emotions the matched wording overrules."""
        text = text[:_LIMIT]
        lowered = text.lower()
        same_length = len(lowered) == len(text)
        if not self._finders_built:
            # Built on first use, like the prefilter: HEARTDESK_NO_PREFILTER is read then.
            self._finders = [finder(c.regex.pattern, c.regex.flags) for c in self._cues]
            apology = self._calm_apology
            self._apology_finder = None if apology is None else finder(apology.pattern, apology.flags)
            self._finders_built = True
        if gated:
            # The prefilter may name too many cues, never too few (None: not an ASCII turn, RE2 missing or
            # HEARTDESK_NO_PREFILTER=1): every regex below still decides.
            reported = self._prefilter.candidates_lowered(lowered) if same_length else None
            picked = self._candidates(lowered) if reported is None else reported
        else:
            picked = set(range(len(self._cues)))
        out: list[EmotionCue] = []
        #: Per emotion some matched wording rules out, the weight of the strongest such cue.
        against: dict[str, float] | None = None
        # ASCII (most turns): RE2 finds the spans where it runs the cue exactly (signals/re2_spans.py).
        data = lowered.encode("ascii") if picked and gated and same_length and lowered.isascii() else None
        finders = self._finders
        for i in sorted(picked):
            cue = self._cues[i]
            if data is not None and (fast := finders[i]) is not None:
                spans = fast.spans(data, lowered)
            elif not same_length:
                spans = [m.span() for m in cue.regex_any_case.finditer(text)]
            elif gated and cue.unbounded is not None:
                spans = _bounded(cue.unbounded, lowered)
            else:  # gated=False: the plain regex, which the tests hold the fast path to
                spans = [m.span() for m in cue.regex.finditer(lowered)]
            if spans:
                emotion, weight = cue.emotion, cue.weight
                found = [_new(EmotionCue, (a, b, emotion, weight)) for a, b in spans if b > a]
                out += found
                if found and cue.overrules:
                    if against is None:
                        against = {}
                    for e in cue.overrules:
                        if cue.weight > against.get(e, 0.0):
                            against[e] = cue.weight
        out.sort()
        if against is None:
            return tuple(out), _NONE_OVERRULED
        # An emotion is ruled out when no cue for it is stronger than the wording that rules it out:
        # "I'm furious. You've charged me three times!" is anger, though the charge alone reads as frustration.
        strongest: dict[str, float] = {}
        for c in out:
            if c.weight > strongest.get(c.emotion, 0.0):
                strongest[c.emotion] = c.weight
        return tuple(out), frozenset([e for e, w in against.items() if w >= strongest.get(e, 0.0)])

    def adjust(self, emotion: Emotion, text: str) -> Emotion:
        """``emotion`` with the cues in ``text`` applied (the same object when there are none)."""
        found, overruled = self._scan(text, True)
        if found:
            if (
                emotion.label in PLEASED
                and not _REQUEST_RULES_OUT <= overruled
                and (self._requests(text) or self._outweighed(found, text))
            ):
                overruled = overruled | _REQUEST_RULES_OUT  # "I'd like to rebook, I've been on hold for 95 minutes"
            elif emotion.label in REMORSE and self._apologises(text) and all(c.emotion not in REMORSE for c in found):
                # The apology says nothing of the cue's emotion: its sadness goes to neutral first, and the cues
                # then move their share of that ("Sorry to chase, but I've been waiting for 3 weeks").
                emotion = calm_shift(emotion, REMORSE)
            return apply(emotion, found, overruled)
        if (
            self._calm_answer is not None
            and emotion.label in DISAPPROVAL
            and len(text) <= ANSWER_MAX
            and self._calm_answer.fullmatch(text.strip().lower())
        ):
            return calm_shift(emotion, DISAPPROVAL)
        if emotion.label in PLEASED and self._requests(text):
            return calm_shift(emotion, PLEASED)
        if emotion.label in REMORSE and self._apologises(text):
            return calm_shift(emotion, REMORSE)
        if emotion.label in LOOKUP and self._looks_up(text):
            return calm_shift(emotion, LOOKUP)
        return emotion

    def _apologises(self, text: str) -> bool:
        """Whether ``text`` holds a customer's polite apology ("sorry to bother you", "sorry for the late reply")."""
        if self._calm_apology is None:
            return False
        low = text[:_LIMIT].lower()
        # Asked only after ``_scan`` (which builds the finders); RE2 reads an ASCII turn in one pass.
        fast = self._apology_finder
        if fast is not None and low.isascii() and len(low) == len(text[:_LIMIT]):
            return fast.found(low.encode("ascii"), low)
        return self._calm_apology.search(low) is not None

    def _outweighed(self, found: Sequence[EmotionCue], text: str) -> bool:
        """Whether cues this strong rule out the model's satisfaction (not where the trouble is said to be over)."""
        left = 1.0
        for c in found:
            left *= 1.0 - c.weight
        if 1.0 - left < SATISFACTION_RULED_OUT_AT:
            return False
        resolved = self._calm_resolution
        return resolved is None or resolved.search(text[:_LIMIT].lower()) is None

    def _looks_up(self, text: str) -> bool:
        """Whether ``text`` asks where a document, a setting or a button is ("I can't find the invoice for March")."""
        if self._calm_lookup is None:
            return False
        low = text[:_LIMIT].lower()
        # Every lookup names finding or seeing: one substring test spares most turns the regex.
        if "find" not in low and "see" not in low and "locate" not in low:
            return False
        return self._calm_lookup.search(low) is not None

    def _requests(self, text: str) -> bool:
        """Whether ``text`` makes a plain request ("I'd like a refund") and neither thanks nor praises."""
        if self._calm_request is None:
            return False
        low = text[:_LIMIT].lower()
        return self._calm_request.search(low) is not None and not (
            self._calm_request_unless is not None and self._calm_request_unless.search(low)
        )


def _compiled(key: str, pattern: str | None) -> re.Pattern[str] | None:
    try:
        return re.compile(widen_apostrophes(pattern)) if pattern else None
    except re.error as exc:
        raise LexiconError("E131", f"{key}: invalid pattern: {exc}") from None


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def _bounded(unbounded: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The spans ``\b(?:alt1|alt2|...)`` would give with ``finditer``, found with ``unbounded``.

    At a position without a word boundary the original fails every alternative (each opens with
    ``\b``), so a match there is skipped and the search resumes one character on; at a boundary
    both match the same way. Hence the same leftmost, non-overlapping spans.
    """
    spans: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos <= n:
        m = unbounded.search(text, pos)
        if m is None:
            break
        start, end = m.span()
        before = start > 0 and _word(text[start - 1])
        after = start < n and _word(text[start])
        if before != after:
            spans.append((start, end))
            pos = end if end > start else start + 1
        else:
            pos = start + 1
    return spans


_NONE_OVERRULED: frozenset[str] = frozenset()
_REQUEST_RULES_OUT = frozenset(PLEASED)


def adjust(emotions: Sequence[Emotion], texts: Sequence[str], lexicon: CueLexicon | None = None) -> list[Emotion]:
    """Apply the cues of each text to its emotion (the default lexicon unless one is given)."""
    lex = lexicon or default_cues()
    return [lex.adjust(e, t) for e, t in zip(emotions, texts, strict=True)]


@cache
def default_cues() -> CueLexicon:
    ref = resources.files("heartdesk.signals") / "lexicons" / "emotion_cues.toml"
    with resources.as_file(ref) as path:
        return CueLexicon.from_file(path)
