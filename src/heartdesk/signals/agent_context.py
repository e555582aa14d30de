"""Agent detectors whose meaning depends on the conversation: paraphrase and clarifying questions.

A restating frame ("so you're saying", "if I understand correctly") is only a paraphrase
when the sentence carries the customer's own content: the detector compares the stems of
the agent's sentence with those of the customer's preceding turns. A clarifying question is
a question that asks for information: suggestions worded as questions ("have you tried..?"),
etiquette ("anything else?"), rhetorical tags, restating checks and confrontational
questions are left to their own labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from heartdesk.model import Finding, Turn
from heartdesk.signals.agent_match import gated
from heartdesk.signals.agent_patterns import GatedPatterns
from heartdesk.signals.agent_text import context_patterns, recent_customer_stems, sentence_index, sentences, stems_of
from heartdesk.signals.agent_unless import Search, bounded_search, context_search
from heartdesk.signals.base import TurnContext, new_finding, register
from heartdesk.signals.context import rounded
from heartdesk.signals.text import ASCII_WORD, words

_LONG = 2000  # characters: a sentence longer than this is not one a person wrote to restate someone
#: The labels a paraphrase yields to on the same sentence.
_YIELDS_TO: tuple[str, ...] = ("confrontational", "dismissive", "defensive", "passing_buck")


@register
class Paraphrase:
    name = "paraphrase"
    # 2: advice and wishes made of the customer's words are not restatements; 3: an explicit frame in other words;
    # 4: a sentence that dismisses or denies is no restatement either; 5: nor one that sends the customer elsewhere
    version = "5"
    reads = "agent"
    # An accusation built from the customer's words ("You must have clicked pay twice") is not listening, nor is
    # a denial or a brush-off made of them ("Our network is working fine in your area", "Discoloured water is not
    # dangerous, you're overreacting"), nor a referral that names their problem ("You need to contact the bank that
    # owns the cash machine"): paraphrase runs after those four labels and yields to them on the same sentence.
    requires: tuple[str, ...] = _YIELDS_TO
    produces = ("paraphrase",)

    def __init__(self) -> None:
        self._gated = gated("paraphrase")
        self._lex = self._gated.lexicon

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        rules = self._lex.rules
        hits = self._gated.hits(text)
        has_q = "?" in text
        # "you" in the lower-cased turn first: a test in C that spares most turns the regex.
        low = text.lower()
        if not hits and not has_q and not _you_in(text, low, 0, len(text)):
            return  # no frame, no question, not about the customer: nothing can restate them
        heard = recent_customer_stems(ctx)
        if not heard:
            return
        bounds = sentences(text)
        best = self._echo(text, low, bounds, heard)
        long_said: dict[int, set[str]] = {}
        for h_start, h_end, h_rule in hits:
            # The restated content is in the frame's sentence, or in the next one after a bare
            # frame ("Let me make sure I understand. Do you mean ...?").
            k = sentence_index(text, h_start)
            if k < 0:
                continue
            s, e = bounds[k]
            if e - s > _LONG:
                # A huge sentence (a pasted log) with many frames: its stems once, frame included,
                # rather than once per frame (which would be quadratic in its length).
                cached = long_said.get(k)
                said = long_said.setdefault(k, stems_of(text[s:e])) if cached is None else cached
            else:
                said = stems_of(text[s:h_start] + " " + text[h_end:e])
                if len(said) < 2 and k + 1 < len(bounds) and bounds[k + 1][1] - s <= _LONG:
                    e = bounds[k + 1][1]
                    said = stems_of(text[s:h_start] + " " + text[h_end:e])
                elif len(said) < 2 and k > 0 and e - bounds[k - 1][0] <= _LONG:
                    # A check that closes the restatement ("It looks like you have a lot to do. Correct me
                    # if I'm wrong."): the content is in the sentence before it.
                    s = bounds[k - 1][0]
                    said = stems_of(text[s:h_start] + " " + text[h_end:e])
            shared = said & heard
            n = len(shared)
            base = rules[h_rule].confidence
            if n == 0:
                # An explicit restating frame ("if I understand you correctly", "so what I'm hearing is")
                # before a clause of its own says it restates, even in other words than the customer's.
                conf = 0.5 if base >= 0.8 and len(said) >= 3 else 0.3
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
        if conf < 0.5 and not hits:
            return
        if any(f.label in _YIELDS_TO and f.present and f.start < e and s < f.end for f in ctx.found):
            return
        if what:
            expl = f"The agent restates the customer's words ({what})."
        elif conf >= 0.5:
            expl = "The agent restates the customer's point in other words, behind an explicit restating frame."
        else:
            expl = "A restating frame with nothing the customer said."
        version = f"{self.version}+lex{self._lex.version}"
        yield new_finding(Finding, ("paraphrase", s, e, rounded(conf, 3), expl, self.name, version, None))

    @staticmethod
    def _echo(text: str, low: str, bounds: list[tuple[int, int]], heard: frozenset[str]) -> tuple[float, int, int, str] | None:
        """A sentence that hands the customer's own words back ("You were charged twice?")."""
        best: tuple[float, int, int, str] | None = None
        for s, e in bounds:
            asked = text[e - 1] == "?"
            if not asked and not _you_in(text, low, s, e):
                continue  # only questions and sentences about the customer can hand their words back
            said = stems_of(text[s:e])
            shared = said & heard
            n = len(shared)
            if n == 0:
                continue
            if not asked:
                # A statement about the customer made of their own words ("Your order arrived broken").
                if n >= 2 and n / len(said) >= 0.5 and (best is None or best[0] < 0.55) and not _advice(text, low, s, e, asked):
                    best = (0.55, s, e, ", ".join(sorted(shared)[:4]))
                continue
            toks = words(text[s : min(e, s + 40)])
            i = 0
            while i + 1 < len(toks) and toks[i] in _ECHO_OPENERS:
                i += 1  # "Oh, and you were charged twice?"
            first = toks[i] if toks else ""
            # Declarative word order with a question mark is a check, not a request for news.
            if first in _WH or first in _ASKS:
                continue  # asks for news, or suggests: not a restatement
            ratio = n / max(1, len(said))
            if first not in _AUX and (n >= 2 or ratio >= 0.5):
                conf = 0.65
            else:
                continue
            if (best is None or conf > best[0]) and not _advice(text, low, s, e, asked):
                best = (conf, s, e, ", ".join(sorted(shared)[:4]))
        return best


_PUNCT = "?!.;:\"'()[]*-\u201c\u201d"
_FILLERS = frozenset("so and or but well oh ok okay ah hi hey hello alright right great good nice sorry hmm also then".split())
_ELLIPTIC = frozenset("any anything anyone anybody anywhere other else care mind".split())


def _interrogative(sent: str) -> bool:
    """Question word order: some clause opens (after fillers) with a question word or auxiliary."""
    for clause in sent.lower().replace("\u2019", "'").split(","):
        for tok in clause.split():
            w = tok.strip(_PUNCT)
            if not w or w in _FILLERS or w == "there":
                continue
            if w in _AUX or w.split("'")[0] in _AUX or w in _ELLIPTIC or w in ("whats", "hows", "wheres"):
                return True
            break
    return False


_OPENERS = frozenset(
    "what which when where who why how do does did are is was were have had has can could will would may so and ok okay oh hi "
    "hey hello well but also alright great good nice sorry hmm ah i".split()
)


def _opens_like_question(sent: str) -> bool:
    """Cheap test before the bare-question regex: the sentence starts with a question word or a filler."""
    head = sent[:12].lower().lstrip(" \t\"'(-*")
    first = head.split(" ", 1)[0].rstrip(",.!:;")
    return first in _OPENERS


#: A question that asks for one particular detail ("Which location did you visit?", "What's your order
#: number?") asks for information wherever it stands in the reply.
_SPECIFIC = re.compile(
    r"\W*(?:(?:so|and|ok|okay|also|just)\W+)?(?:which\b|what(?:'s|\u2019s| is| was) (?:your|the)\b)", re.IGNORECASE
)

_YOU = re.compile(r"\byou(?:r|rs|'re|\u2019re)?\b", re.IGNORECASE)


def _you_in(text: str, low: str, s: int, e: int) -> bool:
    """``_YOU.search(text, s, e)`` found something; ``low`` is ``text.lower()``.

    Every match holds "you" in some case, and only "y", "o" and "u" themselves match those letters
    under IGNORECASE, so where ``low`` (of the same length) lacks "you" there is no match.
    """
    if len(low) == len(text):
        i = low.find("you", s, e)
        if i < 0:
            return False
        if text.isascii():
            # The regex read off each "you" in place: under IGNORECASE Python's engine tries it at every
            # character (~9,000 instructions a call on a paraphrase candidate).
            while i >= 0:
                if i == 0 or low[i - 1] not in ASCII_WORD:
                    j = i + 3
                    for suffix in _YOU_SUFFIXES:  # the regex's order; any that ends on a boundary matches
                        k = j + len(suffix)
                        if k <= e and low.startswith(suffix, j) and (k == e or low[k] not in ASCII_WORD):
                            return True
                i = low.find("you", i + 1, e)
            return False
    return _YOU.search(text, s, e) is not None


#: What ``_YOU`` allows after "you" on ASCII text ("r", "rs", "'re", or nothing).
_YOU_SUFFIXES = ("r", "rs", "'re", "")


#: Advice or a wish addressed to the customer: it reuses their words without restating them (the
#: ``[context]`` lists of ``lexicons/paraphrase.toml``). ``advice_statements`` counts in statements only:
#: "You can go out on the boat" advises, "You can log in but the page is blank?" checks.
_ADVICE = context_search("paraphrase", "advice")
_ADVICE_STATEMENTS = context_search("paraphrase", "advice_statements")


def _advice(text: str, low: str, s: int, e: int, asked: bool) -> bool:
    """Whether the sentence ``text[s:e]`` advises or wishes rather than restates ("You could reset it
    from the login page"); ``low`` is ``text.lower()``. Asked only of a sentence about to count."""
    if _ADVICE is not None and _searched(_ADVICE, text, low, s, e):
        return True
    return not asked and _ADVICE_STATEMENTS is not None and _searched(_ADVICE_STATEMENTS, text, low, s, e)


def _searched(search: Search, text: str, low: str, s: int, e: int) -> bool:
    """``rx.search(text, s, e) is not None``; on ASCII text asked of the lower-cased, unbounded form, which
    the regex engine skips through in C (the IGNORECASE alternation cost ~74,000 instructions a sentence)."""
    rx, fast = search
    if fast is not None and len(low) == len(text) and text.isascii():
        return bounded_search(fast, low, s, e)
    return rx.search(text, s, e) is not None


_WH = frozenset("what which when where who whom whose why how".split())
_AUX = _WH | frozenset("do does did are is was were have has can could would will shall should may".split())
#: Words before the question proper ("Oh, you were charged twice?").
_ECHO_OPENERS = frozenset("so and oh ok okay ah wow yes yeah well hey hmm alright".split())
#: First words of a question that asks for news or suggests, rather than checks what was said
#: (a negative auxiliary too: "Aren't you worried it might happen again?").
_ASKS = frozenset(
    "any anything maybe perhaps have had can could would how's what's where's who's when's why's "
    "aren't isn't don't doesn't didn't wasn't weren't haven't hasn't can't couldn't wouldn't won't shouldn't".split()
)


@register
class ClarifyingQuestion:
    name = "clarifying_question"
    version = "2"
    reads = "agent"
    requires: tuple[str, ...] = ()
    produces = ("clarifying_question",)

    def __init__(self) -> None:
        self._gated = gated("clarifying_question")
        self._lex = self._gated.lexicon
        self._confront = gated("confrontational")
        # Sentences that acknowledge or reassure the customer ("I'm so sorry about the double charge",
        # "Don't worry, we'll get this sorted") frame a question; they are not the advice or story that
        # makes a tagged-on question secondary.
        self._framing = (gated("empathy"), gated("apology"), gated("greeting"), gated("reassurance"))
        self._not = GatedPatterns("clarifying_question", "not_a_question")
        self._bare = context_patterns("clarifying_question", "bare_question")
        self._version = f"{self.version}+lex{self._lex.version}"

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterator[Finding]:
        text = turn.text
        has_q = "?" in text
        requests = self._gated.hits(text)
        bounds = sentences(text)
        found: list[tuple[int, int, float, str]] = []
        asks: dict[int, int] | None = None  # sentence index -> first request rule in it
        # Sentences holding a confrontational statement: their questions are not requests.
        hostile = {sentence_index(text, c) for c, _, _ in self._confront.hits(text)}
        for s, e in bounds:
            sent = text[s:e]
            conf = 0.0
            expl = ""
            if has_q and "?" in sent:
                toks = sent.split()
                if len(toks) < 2 and not (toks and toks[0].strip("?!.").lower() in _AUX):
                    continue
                if _interrogative(sent):
                    conf, expl = 0.85, "The agent asks the customer a question."
                else:
                    # Statement word order with a question mark ("You were charged twice?", "I hope
                    # that helps?") checks or softens; it rarely asks for anything new.
                    conf, expl = 0.45, "A statement with a question mark (a check, not a request)."
            elif self._bare is not None and _opens_like_question(sent) and self._bare.search(sent):
                conf, expl = 0.6, "The agent asks a question (without a question mark)."
            elif requests:
                if asks is None:
                    asks = {}
                    for h_start, _, h_rule in requests:
                        asks.setdefault(sentence_index(text, h_start), h_rule)
                h_rule = asks.get(sentence_index(text, s), -1)
                if h_rule >= 0:
                    rule = self._lex.rules[h_rule]
                    conf, expl = rule.confidence, rule.explanation
            if conf == 0.0:
                continue
            if self._not.matches_in(text, sent.lower()):
                continue
            if hostile and sentence_index(text, s) in hostile:
                continue
            found.append((s, e, conf, expl))
        if not found:
            return
        if len(bounds) > len(found) and found[0][0] != bounds[0][0]:
            # A question tagged onto a longer reply (advice, a story) is not what the turn is doing:
            # it is kept, below the bar, when the other sentences carry most of the words. A question
            # that opens the reply is not tagged on ("What happened? I can look into it for you.").
            asked = sum(e - s for s, e, _, _ in found)
            asked_at = {f[0] for f in found}
            framing = {sentence_index(text, h[0]) for lex in self._framing for h in lex.hits(text)}
            rest = [(s, e) for i, (s, e) in enumerate(bounds) if s not in asked_at and i not in framing]
            long_rest = sum(1 for s, e in rest if text.count(" ", s, e) >= 3)
            if long_rest >= 2 or sum(e - s for s, e in rest) >= 1.5 * asked:
                tagged = "A question tagged onto a longer reply."
                found = [
                    (s, e, conf, expl) if _SPECIFIC.match(text, s) else (s, e, min(conf, 0.45), tagged)
                    for s, e, conf, expl in found
                ]
        for s, e, conf, expl in found:
            yield new_finding(Finding, ("clarifying_question", s, e, conf, expl, self.name, self._version, None))
