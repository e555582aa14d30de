"""Detectors that need the shape of the whole conversation (interruption, escalation).

``interruption`` is reported on the AGENT turn that cut in:

* call transcripts (turns carry ``at`` and ``end``): the agent's turn starts more than
  OVERLAP_MIN seconds before the previous customer turn ends (overlapping speech).
  A short backchannel ("mm-hmm", "okay", "right") is listening, not interrupting.
* chat: the agent answered while the customer was still mid-burst. Evidence is the
  customer's NEXT message: it continues the previous one (starts with "and", "but",
  "...", a lower-case word) or protests ("let me finish", "I wasn't done", "as I was
  saying"); an unfinished previous message (no terminal punctuation, trailing "and",
  ",", "...") makes a continuation more convincing. With timestamps, an agent reply
  within CHAT_REPLY_MAX seconds of a customer message that the customer followed up
  within CHAT_BURST_MAX seconds of that message is a cut-in too.

The span is the agent turn's first sentence. Thresholds are documented in
docs/signals.md ("Conversation level").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import ClassVar

from heartdesk.model import Finding, Turn
from heartdesk.signals.base import Reads, TurnContext, register
from heartdesk.signals.customer import FastLexiconDetector
from heartdesk.signals.text import ASCII_WORD, first_sentence


@register
class EscalationRequest(FastLexiconDetector):
    name = "escalation_request"
    reads = "customer"
    produces = ("escalation_request",)
    lexicon = "escalation_request"


#: Call transcripts: overlap (seconds) before the customer's turn ended that counts.
OVERLAP_MIN = 0.5
#: Chat: an agent reply this soon (seconds) after a customer message may cut in ...
CHAT_REPLY_MAX = 5.0
#: ... when the customer's next message came this soon (seconds) after that message.
CHAT_BURST_MAX = 15.0

_A = "['\u2019\u02bc]"
# The customer protests at being cut off.
_PROTEST = re.compile(
    r"\blet me finish\b|\bi was(?:n't| not) (?:done|finished)\b|\bi(?:'m| am) not (?:done|finished)\b|\bas i was saying\b"
    r"|\bi was (?:still )?(?:typing|writing|explaining|talking)\b|\bi hadn(?:'t| not) finished\b|\blet me explain\b"
    r"|\bcan i finish\b|\bhold on,? i\b|\bwait,? i(?:'m| am| was)? ?(?:not|still)\b|\bstop interrupting\b"
    r"|\bplease let me (?:finish|explain|talk)\b|\bi didn(?:'t| not) finish\b".replace("'", _A),
    re.IGNORECASE,
)
_HEAD, _TAIL = 300, 48
# Every protest phrase contains one of these (lower-case) substrings.
_PROTEST_HINTS = ("finish", "done", "saying", "typing", "writing", "explain", "talk", "hold on", "wait", "interrupt")


def _hinted(low: str) -> bool:
    """Whether ``low`` contains one of _PROTEST_HINTS (spelt out: no generator per turn)."""
    return (
        "finish" in low
        or "done" in low
        or "saying" in low
        or "typing" in low
        or "writing" in low
        or "explain" in low
        or "talk" in low
        or "hold on" in low
        or "wait" in low
        or "interrupt" in low
    )


# The next customer message carries on the previous sentence.
_CONTINUES = re.compile(
    r"\s*(?:\.\.\.|\u2026|-|\u2014|(?:and|but|or|so|because|cause|also|plus|which|then|as well)\b)",
    re.IGNORECASE,
)
_LOWER_START = re.compile(r"\s*[a-z]")
# The previous customer message stops mid-thought.
_UNFINISHED = re.compile(
    r"(?:,|;|:|-|\u2014|\.\.\.|\u2026|\b(?:and|but|or|so|because|cause|the|a|my|to|with|of|for|that|which|when|if|then|also))\s*$",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?)\]\"'\u2019\u201d]\s*$|[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*$")
# Listening noises, not an attempt to take the floor.
_BACKCHANNEL = re.compile(
    r"^\s*(?:mm+-?hm+|uh-?huh|mhm|ok(?:ay)?|right|yes|yeah|yep|i see|sure|got it|go on|ah|oh)[.!,]?\s*$", re.IGNORECASE
)


#: The words of ``_UNFINISHED``, for its test on ASCII text.
_UNFINISHED_WORDS = frozenset("and but or so because cause the a my to with of for that which when if then also".split())


def _ends_unfinished(tail: str) -> bool:
    """``_UNFINISHED.search(tail) is not None``, read off the end of an ASCII text.

    Python's regex engine tries an alternation anchored at the end (``\\s*$``) at every position of the
    tail: ~4,000 instructions a call, once per agent turn that answers a customer.
    """
    if not tail.isascii():
        return _UNFINISHED.search(tail) is not None
    t = tail.rstrip()
    if t.endswith((",", ";", ":", "-", "...")):
        return True
    j = len(t)
    while j > 0 and t[j - 1] in ASCII_WORD:
        j -= 1
    return t[j:].lower() in _UNFINISHED_WORDS


def _ends_terminal(tail: str) -> bool:
    """``_TERMINAL.search(tail) is not None`` (the text ends on a stop, a closing mark or an emoji)."""
    if not tail.isascii():
        return _TERMINAL.search(tail) is not None
    return tail.rstrip().endswith((".", "!", "?", ")", "]", '"', "'"))


def _seconds(a: datetime, b: datetime) -> float | None:
    try:
        return (a - b).total_seconds()
    except TypeError:  # one aware, one naive: not comparable, say nothing
        return None


@register
class Interruption:
    name: ClassVar[str] = "interruption"
    version: ClassVar[str] = "1"
    reads: ClassVar[Reads] = "agent"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ("interruption",)

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        i = ctx.index
        turns = ctx.conversation.turns
        if i == 0 or turns[i - 1].role != "customer" or not turn.text.strip():
            return iter(())  # nothing to interrupt, or an empty turn that says nothing
        prev = turns[i - 1]
        nxt = turns[i + 1] if i + 1 < len(turns) and turns[i + 1].role == "customer" else None
        found = self._overlap(turn, prev) or (self._chat(turn, prev, nxt) if nxt is not None else None)
        if found is None:
            return iter(())
        conf, why = found
        s, e = first_sentence(turn.text)
        return iter(
            [
                Finding(
                    label="interruption",
                    start=s,
                    end=e,
                    confidence=conf,
                    explanation=why,
                    detector=self.name,
                    version=self.version,
                    suggestion="Let the customer finish: wait for the whole message before answering.",
                )
            ]
        )

    @staticmethod
    def _overlap(turn: Turn, prev: Turn) -> tuple[float, str] | None:
        if turn.at is None or prev.end is None:
            return None
        early = _seconds(prev.end, turn.at)
        if early is None or early < OVERLAP_MIN or _BACKCHANNEL.match(turn.text):
            return None
        if prev.at is not None and turn.at <= prev.at:
            return None  # the agent spoke first; the customer talked over the agent
        conf = 0.7 + min(early, 3.0) * 0.08
        return round(min(conf, 0.95), 3), f"The agent started talking {early:.1f}s before the customer had finished."

    @staticmethod
    def _chat(turn: Turn, prev: Turn, nxt: Turn | None) -> tuple[float, str] | None:
        if nxt is None:
            return None
        # A protest comes early in the next message; the cheap word test spares most turns the regex.
        head = nxt.text[:_HEAD]
        low = head.lower()
        if _hinted(low) and _PROTEST.search(head):
            return 0.9, "The customer had to say they were not finished: the agent answered mid-message."
        carries_on = _CONTINUES.match(nxt.text) is not None
        timed = prev.at is not None and turn.at is not None and nxt.at is not None
        if not (timed or carries_on or _LOWER_START.match(nxt.text)):
            return None  # no timing, and the next message neither continues nor starts in lower case
        tail = prev.text[-_TAIL:]  # only the end of the message says whether it was finished
        cut = _ends_unfinished(tail)  # trailing "and", ",", "..."
        unfinished = cut or (bool(tail.strip()) and not _ends_terminal(tail))
        if timed and prev.at is not None and turn.at is not None and nxt.at is not None:
            reply = _seconds(turn.at, prev.at)
            burst = _seconds(nxt.at, prev.at)
            if reply is not None and burst is not None and 0 <= reply <= CHAT_REPLY_MAX and 0 <= burst <= CHAT_BURST_MAX:
                conf = 0.75 + (0.1 if unfinished else 0.0) + (0.05 if carries_on else 0.0)
                return round(conf, 3), (
                    f"The agent replied {reply:.0f}s after a customer message that the customer followed up "
                    f"{burst:.0f}s later: the customer was still typing."
                )
        if carries_on and unfinished:
            conf = 0.85 if cut else 0.75
            return conf, "The customer's message was unfinished and their next message continues it: the agent cut in."
        if cut and _LOWER_START.match(nxt.text):
            return 0.7, "The customer's message stopped mid-sentence and their next message carries on: the agent cut in."
        return None
