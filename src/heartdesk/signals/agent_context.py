"""Agent detectors whose meaning depends on the conversation: paraphrase and clarifying questions.

A restating frame ("so you're saying", "if I understand correctly") is only a paraphrase
when the sentence carries the customer's own content: the detector compares the stems of
the agent's sentence with those of the customer's preceding turns. A clarifying question is
a question that asks for information: suggestions worded as questions ("have you tried..?"),
etiquette ("anything else?"), rhetorical tags, restating checks and confrontational
questions are left to their own labels.
"""

from __future__ import annotations

from collections.abc import Iterator

from heartdesk.model import Finding, Turn
from heartdesk.signals.agent_text import GatedLexicon, context_patterns, recent_customer_stems, sentences, stems_of
from heartdesk.signals.base import TurnContext, register
from heartdesk.signals.text import words


@register
class Paraphrase:
    name = "paraphrase"
    version = "1"
    reads = "agent"
    requires: tuple[str, ...] = ()
    produces = ("paraphrase",)

    def __init__(self) -> None:
        self._gated = GatedLexicon("paraphrase")
        self._lex = self._gated.lexicon

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        rules = self._lex.rules
        hits = self._gated.hits(text)
        if not hits:
            return
        heard = recent_customer_stems(ctx)
        if not heard:
            return
        bounds = sentences(text)
        best: tuple[float, int, int, str] | None = None
        for h_start, h_end, h_rule in hits:
            # The restated content is in the frame's sentence, or in the next one after a bare
            # frame ("Let me make sure I understand. Do you mean ...?").
            k = next((j for j, (s, e) in enumerate(bounds) if s <= h_start < e), -1)
            if k < 0:
                continue
            s, e = bounds[k]
            said = stems_of(text[s:h_start] + " " + text[h_end:e])
            if len(said) < 2 and k + 1 < len(bounds):
                e = bounds[k + 1][1]
                said = stems_of(text[s:h_start] + " " + text[h_end:e])
            shared = said & heard
            n = len(shared)
            base = rules[h_rule].confidence
            if n == 0:
                conf = 0.3
            elif n == 1:
                conf = base if base >= 0.7 else 0.5
            else:
                conf = min(0.95, base + 0.05 * n + (0.05 if n / max(1, len(said)) >= 0.4 else 0.0))
            if best is None or conf > best[0]:
                what = ", ".join(sorted(shared)[:4])
                best = (conf, s, e, what)
        if best is None:
            return
        conf, s, e, what = best
        expl = f"The agent restates the customer's words ({what})." if what else "A restating frame with nothing the customer said."
        yield Finding("paraphrase", s, e, round(conf, 3), expl, self.name, f"{self.version}+lex{self._lex.version}")


_AUX = frozenset(
    "what which when where who whom whose why how do does did are is was were have has can could would will shall should may".split()
)


@register
class ClarifyingQuestion:
    name = "clarifying_question"
    version = "1"
    reads = "agent"
    requires: tuple[str, ...] = ()
    produces = ("clarifying_question",)

    def __init__(self) -> None:
        self._gated = GatedLexicon("clarifying_question")
        self._lex = self._gated.lexicon
        self._confront = GatedLexicon("confrontational")
        self._not = context_patterns("clarifying_question", "not_a_question")
        self._bare = context_patterns("clarifying_question", "bare_question")
        self._version = f"{self.version}+lex{self._lex.version}"

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        has_q = "?" in text
        requests = self._gated.hits(text)
        if not has_q and not requests and self._bare is None:
            return
        for s, e in sentences(text):
            sent = text[s:e]
            conf = 0.0
            expl = ""
            if sent.endswith("?") or (has_q and "?" in sent):
                toks = words(sent)
                if len(toks) < 2 and not (toks and toks[0] in _AUX):
                    continue
                conf, expl = 0.85, "The agent asks the customer a question."
            elif self._bare is not None and self._bare.search(sent):
                conf, expl = 0.6, "The agent asks a question (without a question mark)."
            else:
                for h_start, _, h_rule in requests:
                    if s <= h_start < e:
                        rule = self._lex.rules[h_rule]
                        conf, expl = rule.confidence, rule.explanation
                        break
            if conf == 0.0:
                continue
            if self._not is not None and self._not.search(sent):
                continue
            if any(s <= c_start < e for c_start, _, _ in self._confront.hits(text)):
                continue
            yield Finding("clarifying_question", s, e, conf, expl, self.name, self._version)
