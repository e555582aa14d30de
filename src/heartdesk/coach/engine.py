"""The signals engine as the coach uses it: the shipped pipeline with memoised models.

A review analyses the same context twice (with the draft, then with the rewrite) and an
agent typing a reply asks for a review again and again over one context. The emotion model
is the costly part and reads only customer turns, which do not change between those calls,
so its answers are memoised by text (bounded LRU); the tone of a turn likewise. Results are
identical to the default pipeline's: the models are deterministic functions of the text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from heartdesk._lru import LRU
from heartdesk.model import Analysis, Conversation, Emotion, Turn
from heartdesk.models import EmotionModel, ToneModel
from heartdesk.signals.pipeline import Pipeline

_CACHE_SIZE = 4096


class MemoEmotion:
    """An :class:`EmotionModel` that remembers its answer per text."""

    def __init__(self, inner: EmotionModel, size: int = _CACHE_SIZE) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self._memo: LRU[str, Emotion] = LRU(size)

    def predict(self, texts: Sequence[str]) -> list[Emotion]:
        found = [self._memo.get(t) for t in texts]
        todo = list(dict.fromkeys(t for t, e in zip(texts, found, strict=True) if e is None))
        if todo:
            fresh = dict(zip(todo, self.inner.predict(todo), strict=True))
            for t, e in fresh.items():
                self._memo.put(t, e)
            found = [e if e is not None else fresh[t] for t, e in zip(texts, found, strict=True)]
        return [e for e in found if e is not None]


class MemoTone:
    """A :class:`ToneModel` that remembers the tone per text (and whether an emotion came with it).

    The emotion of a text comes from the memoised, deterministic emotion model, so the text
    alone fixes it; agent turns carry none.
    """

    def __init__(self, inner: ToneModel, size: int = _CACHE_SIZE) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self._memo: LRU[tuple[str, bool], float] = LRU(size)

    def score(self, texts: Sequence[str], emotions: Sequence[Emotion | None]) -> list[float]:
        keys = [(t, e is None) for t, e in zip(texts, emotions, strict=True)]
        found = [self._memo.get(k) for k in keys]
        todo = [i for i, v in enumerate(found) if v is None]
        if todo:
            fresh = self.inner.score([texts[i] for i in todo], [emotions[i] for i in todo])
            for i, v in zip(todo, fresh, strict=True):
                self._memo.put(keys[i], v)
                found[i] = v
        return [float(v) if v is not None else 0.0 for v in found]


_lock = threading.Lock()
_pipeline: Pipeline | None = None


def _shared() -> Pipeline:
    global _pipeline
    if _pipeline is None:
        from heartdesk.models.emotion import load_default as load_emotion
        from heartdesk.signals.tone import load_default as load_tone

        _pipeline = Pipeline(emotion_model=MemoEmotion(load_emotion()), tone_model=MemoTone(load_tone()))
    return _pipeline


def with_draft(context: Conversation | None, draft: str) -> Conversation:
    """The conversation so far with ``draft`` as the next agent turn."""
    turn = Turn(role="agent", text=draft)
    if context is None:
        return Conversation(id="draft", turns=(turn,))
    return replace(context, turns=(*context.turns, turn))


def analyze_draft(context: Conversation | None, draft: str) -> Analysis:
    """Analyse the context with ``draft`` as its last agent turn.

    One lock around the shared pipeline: detectors keep small per-turn memos and the models
    memoise, and analysis holds the GIL anyway, so serialising costs no throughput.
    """
    if context is None or not context.turns:
        with _lock:
            return _shared().analyze(with_draft(context, draft))
    # The context's own analysis does not depend on the draft (Pipeline.extend): analyse it once
    # per context and only the draft turn on each keystroke's review (and on its rewrite's check).
    key = (context.id, tuple((t.role, t.text, t.at, t.end, t.author) for t in context.turns))
    turn = Turn(role="agent", text=draft)
    with _lock:
        prefix = _contexts.get(key)
        if prefix is None or prefix.conversation != context:
            prefix = _shared().analyze(context)
            _contexts.put(key, prefix)
        return _shared().extend(prefix, turn)


#: Analyses of recent contexts, by their turns (an agent typing re-sends the same context).
_contexts: LRU[tuple[object, ...], Analysis] = LRU(256)
