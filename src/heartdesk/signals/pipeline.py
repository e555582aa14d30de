"""The pipeline: batch models first (emotion, tone), then the named detectors per turn.

Detectors run in an order that satisfies what each ``requires`` (labels produced
by others, or ``emotion``/``tone``). ``analyze_many`` streams: it pulls a batch of
conversations, scores all their turns with one call per batch model, runs the
detectors and yields analyses in input order, so memory stays flat on any input.

Before the detectors run on a batch, each one that has a ``prepare`` method sees the texts
of all the batch's turns it reads, at once (see :class:`~heartdesk.signals.base.Prepares`):
it may do per-batch work there, and say on which turns it cannot fire, so that the pipeline
does not call it on those (most behaviours are absent from most turns).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import compress, islice
from operator import itemgetter
from typing import Literal

from mypy_extensions import mypyc_attr

from heartdesk.analysis.scorecard import build_scorecard
from heartdesk.model import ROLES, Analysis, Conversation, Emotion, Finding, Role, Turn, TurnAnalysis
from heartdesk.models import EmotionModel, ToneModel
from heartdesk.signals.base import Detector, DetectorError, Prepare, TurnContext, create, preparer, reads_role, registered
from heartdesk.signals.context import rounded
from heartdesk.signals.emotion_cues import CueLexicon, default_cues
from heartdesk.signals.gc_scope import GEN1, relaxed

_PROVIDED = frozenset({"emotion", "tone"})
# Characters of a turn that the models and detectors read. A longer turn is kept whole in the
# conversation, but findings come from its first _LIMIT characters (docs/contract.md).
_LIMIT = 100_000


#: A finding's sort key, (start, end, label): Finding is (label, start, end, ...), and an
#: itemgetter builds the key in C, without a Python call per finding.
_span_order: Callable[[Finding], tuple[int, int, str]] = itemgetter(1, 2, 0)


def _order(detectors: list[Detector]) -> list[Detector]:
    """Topological order by requires/produces; ties keep registration order."""
    producers: dict[str, str] = {}
    for d in detectors:
        for label in d.produces:
            producers.setdefault(label, d.name)
    done: set[str] = set()
    ordered: list[Detector] = []
    pending = list(detectors)
    while pending:
        progressed = False
        for d in list(pending):
            needs = {producers[r] for r in d.requires if r not in _PROVIDED and r in producers} - {d.name}
            if needs <= done:
                ordered.append(d)
                done.add(d.name)
                pending.remove(d)
                progressed = True
        if not progressed:
            names = ", ".join(d.name for d in pending)
            raise DetectorError("E106", f"detectors require each other in a cycle: {names}")
    return ordered


# An ordinary class even when compiled: users (and tests) may subclass it or patch its methods.
@mypyc_attr(native_class=False)
class Pipeline:
    """Runs the batch models and the detectors over conversations.

    ``detectors`` names the detectors to run (default: all registered). Models
    can be swapped for tests or for a team's own trained model.
    """

    def __init__(
        self,
        detectors: Sequence[str] | None = None,
        *,
        emotion_model: EmotionModel | None = None,
        tone_model: ToneModel | None = None,
        emotion_cues: CueLexicon | Literal["default"] | None = "default",
    ) -> None:
        names = list(registered()) if detectors is None else list(detectors)
        built = [create(n) for n in names]
        for d in built:
            missing = [r for r in d.requires if r not in _PROVIDED and not any(r in o.produces for o in built)]
            if missing:
                raise DetectorError("E107", f"detector {d.name!r} requires {missing}, which no selected detector produces")
        self.detectors = _order(built)
        # Bound methods per role, resolved once: the per-turn loop is the hot path.
        self._by_role: dict[str, list[Callable[[Turn, TurnContext], Iterable[Finding]]]] = {
            role: [d.detect for d in self.detectors if reads_role(d, role)] for role in ROLES
        }
        #: Per role, each detector's ``prepare`` (None where it has none), in the order of ``_by_role``.
        self._prepare: dict[str, list[Prepare | None]] = {
            role: [preparer(d) for d in self.detectors if reads_role(d, role)] for role in ROLES
        }
        if emotion_model is None:
            from heartdesk.models.emotion import load_default as _load_emotion

            emotion_model = _load_emotion()
        if tone_model is None:
            from heartdesk.signals.tone import load_default as _load_tone

            tone_model = _load_tone()
        self.emotion_model = emotion_model
        self.tone_model = tone_model
        #: Customer-service wording combined with the model's reading (signals/emotion_cues.py); None: the model alone.
        self.emotion_cues = default_cues() if emotion_cues == "default" else emotion_cues
        #: About how many turns the detectors' ``prepare`` sees at once (whole conversations).
        self.prepare_turns = 64
        #: The collector's middle-generation threshold while ``analyze_many`` runs (see
        #: signals/gc_scope.py); None leaves the process's setting alone.
        self.gc_gen1: int | None = GEN1

    @property
    def labels(self) -> list[str]:
        return [label for d in self.detectors for label in d.produces]

    def analyze(self, conversation: Conversation) -> Analysis:
        return next(iter(self.analyze_many([conversation])))

    def analyze_many(self, conversations: Iterable[Conversation], *, batch_size: int = 512) -> Iterator[Analysis]:
        it = iter(conversations)
        # Fewer full collections of the process's heap while this runs (signals/gc_scope.py):
        # until the iterator is exhausted, closed or dropped.
        with relaxed(self.gc_gen1):
            while True:
                batch = list(islice(it, batch_size))
                if not batch:
                    return
                yield from self._batch(batch)

    def _batch(self, batch: list[Conversation]) -> Iterator[Analysis]:
        turns = [t for c in batch for t in c.turns]
        texts = [t.text[:_LIMIT] for t in turns]
        # Emotion is a customer signal: agent turns get None (the tone model then reads their
        # wording alone), which spares the model ~40% of the texts in a typical conversation.
        customer = [i for i, t in enumerate(turns) if t.role == "customer"]
        said = [texts[i] for i in customer]
        predicted = self.emotion_model.predict(said) if customer else []
        if self.emotion_cues is not None:
            cues = self.emotion_cues
            predicted = [cues.adjust(e, t) for e, t in zip(predicted, said, strict=True)]
        emotions: list[Emotion | None] = [None] * len(texts)
        for i, emo in zip(customer, predicted, strict=True):
            emotions[i] = emo
        # Rounded as the output reports them, before the detectors read them: an analysis then
        # holds everything a detector saw, which is what lets ``extend`` continue it exactly.
        tones = [rounded(float(t), 4) for t in self.tone_model.score(texts, emotions)] if texts else []
        pos = 0
        k = 0
        while k < len(batch):
            # Detectors prepare a few dozen turns at a time, not the whole batch: what they keep
            # for those turns then dies young, before the garbage collector promotes it (a whole
            # batch's worth made the collector's passes cost more than the work it saved).
            first, stop = pos, pos
            j = k
            while j < len(batch) and (j == k or stop - first < self.prepare_turns):
                stop += len(batch[j].turns)
                j += 1
            plan = self._plan(turns[first:stop], texts[first:stop])
            for conv in batch[k:j]:
                end = pos + len(conv.turns)
                yield self._conversation(conv, emotions[pos:end], tones[pos:end], texts[pos:end], plan[pos - first : end - first])
                pos = end
            k = j

    def extend(self, prefix: Analysis, turn: Turn) -> Analysis:
        """``prefix`` with one more turn: the same result as analysing the longer conversation whole.

        Detectors judge a turn by the turns before it, so the prefix's findings stand when an agent
        turn is added: only the new turn is read and the scorecard rebuilt. The coach uses this, as
        the context stays the same while the agent types. A customer turn can change an earlier
        agent turn's reading ("thank you for your patience" is a closing only when the customer
        does not write again), so for one the whole conversation is analysed again.
        """
        conv = replace(prefix.conversation, turns=(*prefix.conversation.turns, turn))
        if turn.role != "agent":
            return self.analyze(conv)
        text = turn.text[:_LIMIT]
        emotion: Emotion | None = None  # agent turns carry none (see _batch)
        emotions = [t.emotion for t in prefix.turns] + [emotion]
        tones = [t.tone for t in prefix.turns] + [rounded(float(self.tone_model.score([text], [emotion])[0]), 4)]
        n = len(prefix.turns)
        history: list[list[Finding]] = [list(t.findings) for t in prefix.turns]
        added = _read_turn(conv, n, emotions, tones, history, text, self._plan([turn], [text])[0])
        turns = (*prefix.turns, added)
        return Analysis(conversation=conv, turns=turns, scorecard=build_scorecard(conv, turns))

    def _plan(self, turns: list[Turn], texts: list[str]) -> list[list[Callable[[Turn, TurnContext], Iterable[Finding]]]]:
        """Per turn of the batch, the detectors to call: those of its role that may fire on it.

        Each role's detectors with a ``prepare`` see the texts of all the batch's turns of that
        role in one list (the same list object for all of them, so they can share work on it).
        """
        plan: list[list[Callable[[Turn, TurnContext], Iterable[Finding]]]] = [[] for _ in turns]
        for role, detects in self._by_role.items():
            where = [i for i, t in enumerate(turns) if t.role == role]
            if not where:
                continue
            preps = self._prepare[role]
            if not any(preps):
                for i in where:
                    plan[i] = detects
                continue
            seen = [texts[i] for i in where]
            always = [True] * len(where)
            masks = [always if p is None else (p(seen) or always) for p in preps]
            for i, row in zip(where, zip(*masks, strict=True), strict=True):
                plan[i] = list(compress(detects, row))
        return plan

    def _conversation(
        self,
        conv: Conversation,
        emotions: Sequence[Emotion | None],
        tones: Sequence[float],
        texts: Sequence[str],
        plan: Sequence[Sequence[Callable[[Turn, TurnContext], Iterable[Finding]]]],
    ) -> Analysis:
        history: list[list[Finding]] = []
        results = [_read_turn(conv, i, emotions, tones, history, texts[i], plan[i]) for i in range(len(conv.turns))]
        turns = tuple(results)
        return Analysis(conversation=conv, turns=turns, scorecard=build_scorecard(conv, turns))


def _read_turn(
    conv: Conversation,
    i: int,
    emotions: Sequence[Emotion | None],
    tones: Sequence[float],
    history: list[list[Finding]],
    text: str,
    detects: Sequence[Callable[[Turn, TurnContext], Iterable[Finding]]],
) -> TurnAnalysis:
    """Run ``detects`` on turn ``i`` (its text cut to ``text``), add its findings to ``history``."""
    turn = conv.turns[i]
    found: list[Finding] = []
    ctx = TurnContext(conv, i, emotions, tones, history, found)
    # The very text object that ``prepare`` saw (cut to _LIMIT characters).
    seen = turn if turn.text is text else replace(turn, text=text)
    for detect in detects:
        found.extend(detect(seen, ctx))
    history.append(found)
    if len(found) > 1:
        found.sort(key=_span_order)
    emotion = emotions[i] if turn.role == "customer" else None
    # ``tones`` are rounded as reported already (see ``_batch`` and ``extend``).
    return _turn_analysis(i, turn.role, tones[i], tuple(found), emotion)


_SET_TURN = [vars(TurnAnalysis)[name].__set__ for name in ("index", "role", "tone", "findings", "emotion")]


def _turn_analysis(index: int, role: Role, tone: float, findings: tuple[Finding, ...], emotion: Emotion | None) -> TurnAnalysis:
    """``TurnAnalysis(index, role, tone, findings, emotion)``, built through its slots.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; setting
    the slots directly makes the same object at less than half the cost, once per turn.
    """
    out = object.__new__(TurnAnalysis)
    set_index, set_role, set_tone, set_findings, set_emotion = _SET_TURN
    set_index(out, index)
    set_role(out, role)
    set_tone(out, tone)
    set_findings(out, findings)
    set_emotion(out, emotion)
    return out


_default: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The shared pipeline with every registered detector and the shipped models."""
    global _default
    if _default is None:
        _default = Pipeline()
    return _default


def analyze(conversation: Conversation) -> Analysis:
    """Analyse one conversation with the default pipeline."""
    return default_pipeline().analyze(conversation)


def analyze_many(conversations: Iterable[Conversation], *, batch_size: int = 512) -> Iterator[Analysis]:
    """Analyse a stream of conversations lazily, in input order."""
    return default_pipeline().analyze_many(conversations, batch_size=batch_size)
