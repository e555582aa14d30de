"""What the draft lacks given the conversation, and the sentences that supply it.

The conversation decides what is missing: an upset customer is owed an acknowledgment; a
customer who vented, a paraphrase of the real issue; a reply that closes the matter, the
logical fix and the emotional fix; a problem raised, an owner and a next step. Phrases come
from the library, chosen deterministically from the text so that the same draft gets the
same words and different drafts get different ones.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from heartdesk.coach.library import PhraseLibrary, render
from heartdesk.coach.paraphrase import LONG, PLEASANTRY, issue_of, reflect, vented
from heartdesk.coach.text import TextMemo, english_enough, pick, sentences
from heartdesk.coach.types import Addition, Authority, Missing, QueueContext
from heartdesk.model import NEGATIVE_EMOTIONS, Analysis, TurnAnalysis
from heartdesk.signals.base import distress

UPSET = 0.4  # distress from which the customer counts as upset (emotion wording, gesture size)
STRONG = 0.5  # distress that makes a problem of a message with no other cue
DETAILED = 15  # words: a new account of the trouble, owed an acknowledgment again
_PROBLEM_CUES = frozenset({"complaint", "real_issue", "urgency", "business_impact", "churn_threat", "escalation_request"})
_SEVERE_CUES = frozenset({"business_impact", "churn_threat", "escalation_request"})
_QUEUE_SAID = re.compile(r"\b(?:queue|in line|behind|ahead of you|higher[- ]priority|higher[- ]impact)\b", re.IGNORECASE)
# The agent doing or committing to something, in words the fix lexicons may not list
# ("I've sent a replacement", "we'll have an engineer out on Tuesday"): a next step is there.
_ACTS = re.compile(
    r"\b(?:i|we)(?:'ve| have|'ll| will|'m| am|'re| are| just| already)?"
    r"(?: (?:just|already|now|also|personally|gone ahead and|going to|be))*"
    r" (?:sent|send|sending|refunded|refund|refunding|replaced|replace|issued|issue|booked|book|arranged|arrange|"
    r"scheduled|schedule|"
    r"rescheduled|reschedule|ordered|order|shipped|ship|posted|emailed|email|called|call|checked|check|confirmed|confirm|"
    r"applied|apply|added|add|removed|remove|reversed|reverse|cancell?ed|cancel|restored|restore|reset|fixed|fix|"
    r"escalated|escalate|raised|raise|logged|log|updated|update|corrected|correct|waived|waive|released|release|"
    r"unlocked|unlock|reconnected|reconnect|sorted|sort|looked|look|contacted|contact|followed|follow|tracked|track|"
    r"investigated|investigate|passed|pass|asked|ask|put|given|give|upgraded|upgrade|credited|credit|opened|open|"
    r"filed|file|processed|process|approved|approve|extended|extend|dispatched|dispatch|texted|text|reopen|reopened|"
    r"review|reviewed|resubmit|resubmitted|reissue|reissued|rebook|rebooked|resend|resent|chase|chased|hold|held)\b",
    re.IGNORECASE,
)
_NEXT_STEPS = ("ownership", "logical_fix", "clarifying_question", "emotional_fix")
_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|can|must|need|needs|\w+ed|\w+'s|\w+'re)\b", re.IGNORECASE)
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


@dataclass(frozen=True, slots=True)
class Situation:
    """What the coach reads off the conversation before the draft."""

    upset: float  # the customer's peak distress in the turns the draft answers
    owed: bool  # an acknowledgment is expected
    emotion: str  # the customer's emotion there ("frustration" when upset with no negative label)
    situation: str | None
    problem: bool  # the customer raised a problem
    vented_issue: str | None  # the real-issue sentence, when the customer vented
    long_vent: bool  # the vent was long: restating it is owed even to a reply that apologises and acts
    level: int  # inconvenience: 1 mild, 2 moderate, 3 severe
    seed: str


def _since(analysis: Analysis, draft_index: int, labels: tuple[str, ...]) -> list[TurnAnalysis]:
    """Customer turns since the agent last did one of ``labels`` (all of them if it never did)."""
    turns = analysis.turns[:draft_index]
    out: list[TurnAnalysis] = []
    for t in reversed(turns):
        if t.role == "agent" and any(t.has(label) for label in labels):
            break
        if t.role == "customer":
            out.append(t)
    return out[::-1]


_SITUATIONS: TextMemo[str | None] = TextMemo()
_VENTS: TextMemo[str | None] = TextMemo()


def _situation(library: PhraseLibrary, text: str) -> str | None:
    """The situation whose cues occur most in ``text`` (ties: the library's order, hardship first)."""
    if not text:
        return None
    return _SITUATIONS.get(text, library.situations, lambda: _count_situation(library, text))


def _vented_issue(said: str, turn: TurnAnalysis, library: PhraseLibrary) -> str | None:
    """The issue to restate when the customer vented in ``said``, else None."""

    upset = distress(turn.emotion) >= UPSET or turn.has("complaint")
    found = turn.of("real_issue")

    def compute() -> str | None:
        return issue_of(said, found, library) if vented(said, upset, library) else None

    return _VENTS.get((said, upset, found), library.situations, compute)


def _count_situation(library: PhraseLibrary, text: str) -> str | None:
    counts = [(sum(len(c.findall(text)) for c in s.cues), -i, s.name) for i, s in enumerate(library.situations)]
    best = max(counts)
    return best[2] if best[0] else None


def _asks_only(text: str) -> bool:
    """Only questions (and pleasantries): the customer asks how or when, and reports no trouble."""
    said = [text[a:b] for a, b in sentences(text)]
    said = [x for x in said if not PLEASANTRY.fullmatch(x)]
    return bool(said) and all(x.rstrip().endswith("?") for x in said)


def read_situation(analysis: Analysis, draft_index: int, library: PhraseLibrary, draft: str) -> Situation:
    # What the customer felt is owed an acknowledgment until the agent gives one; the issue they
    # vented, a paraphrase until the agent restates it.
    pending = _since(analysis, draft_index, ("empathy", "apology"))
    unheard = _since(analysis, draft_index, ("paraphrase",))
    customer = [t for t in analysis.turns[:draft_index] if t.role == "customer"]
    texts = [analysis.conversation.turns[t.index].text for t in customer]
    upset, emotion = 0.0, "neutral"
    for t in pending:
        d = distress(t.emotion)
        if t.emotion is not None and d >= upset:
            upset, emotion = d, t.emotion.label
    labels = {f.label for t in pending for f in t.findings if f.present}
    if (emotion not in NEGATIVE_EMOTIONS and (upset >= UPSET or "complaint" in labels)) or (
        emotion == "confusion" and "complaint" in labels
    ):
        emotion = "frustration"
    joined = " ".join(texts)
    recent_text = " ".join(analysis.conversation.turns[t.index].text for t in pending)
    recent = _situation(library, recent_text)
    # The situation the reply answers: the one in the turns it answers, else the conversation's.
    situation = recent or _situation(library, joined)
    issue, long_vent = None, False
    for t in reversed(unheard):
        said = analysis.conversation.turns[t.index].text
        issue = _vented_issue(said, t, library)
        if issue is not None:
            long_vent = len(said.split()) >= LONG
            break
    severe = min(2, len(labels & _SEVERE_CUES))  # losing business, threatening to leave, asking for a manager
    points = (upset >= UPSET) + (upset >= 0.65) + (situation in ("repeated_contact", "hardship")) + severe
    # A problem is reported (not merely asked about) when the engine heard a complaint, urgency
    # or impact, the customer is clearly upset, or a situation (damage, billing...) is described.
    reported = bool(recent_text) and not _asks_only(recent_text)
    # A billing word alone ("the invoice for March") is a request, not trouble.
    troubled = recent not in (None, "billing") or any(c.search(recent_text) for c in library.trouble)
    last = customer[-1].emotion if customer else None
    settled = last is not None and last.label in ("gratitude", "satisfaction") and not labels & _PROBLEM_CUES and not troubled
    problem = reported and not settled and (bool(labels & _PROBLEM_CUES) or upset >= STRONG or troubled)
    # Once the agent has acknowledged the trouble, a new detail ("yes, the screen is cracked") is
    # owed nothing more; a new outburst is.
    heard = any(t.role == "agent" and (t.has("empathy") or t.has("apology")) for t in analysis.turns[:draft_index])
    # Inconvenience: any reported problem is worth a gesture where the agent may give one; a severe
    # one (upset, repeated, losing business...) the most the agent may give.
    level = 1 if not problem else 2 if points < 3 else 3
    detailed = len(recent_text.split()) >= DETAILED or recent in ("repeated_contact", "hardship")
    owed = problem and (not heard or detailed or upset >= STRONG or bool(labels & _SEVERE_CUES))
    return Situation(upset, owed, emotion, situation, problem, issue, long_vent, level, seed=draft + "\x00" + joined)


def money(amount: float, currency: str) -> str:
    shown = f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{symbol}{shown}" if symbol else f"{shown} {currency.upper()}"


def credit_amount(authority: Authority, level: int) -> float:
    """A credit in proportion: the full authority when severe, about 40% (in steps of 5) otherwise."""
    if level >= 3:
        return authority.max_credit
    return min(authority.max_credit, max(5.0, round(authority.max_credit * 0.4 / 5) * 5))


def gestures_for(authority: Authority, library: PhraseLibrary, sit: Situation, level: int) -> list[str]:
    """The gestures to offer at inconvenience ``level``: allowed, phrased, fitting the situation."""
    usable = [
        g
        for name, g in library.gestures.items()
        if authority.allows(name) and g.level <= level and (not g.situations or sit.situation in g.situations)
    ]
    if level < 3:
        others = [g for g in usable if g.name != "credit"]
        usable = (others or usable)[:1]
    else:
        credit = [g for g in usable if g.name == "credit"]
        usable = credit + [g for g in usable if g.name != "credit"][:1]
    return [g.name for g in usable]


def offer(authority: Authority, library: PhraseLibrary, sit: Situation, when: str, exclude: Collection[str] = ()) -> str:
    """What the agent can do, for "what I can do is {offer}": a gesture within authority, else a promise to look.

    ``exclude`` holds the gestures the gesture addition already offers, so nothing is offered twice.
    """
    for name in gestures_for(authority, library, sit, 3):
        if name in exclude:
            continue
        g = library.gestures[name]
        if g.offer:
            return render(g.offer, {"amount": money(credit_amount(authority, sit.level), authority.currency)})
    return render(pick(library.offers, sit.seed), {"when": when})


def _has(turn: TurnAnalysis, *labels: str) -> bool:
    return any(turn.has(label) for label in labels)


def find_missing(
    draft: str,
    draft_turn: TurnAnalysis,
    sit: Situation,
    library: PhraseLibrary,
    authority: Authority,
    *,
    has_context: bool,
) -> list[Missing]:
    if not has_context:
        return []
    out: list[Missing] = []
    closes = draft_turn.has("closing")
    acted = _ACTS.search(draft) is not None
    acknowledged = _has(draft_turn, "empathy", "apology", "reassurance") or any(c.search(draft) for c in library.acknowledged)
    if sit.owed and not acknowledged:
        out.append(
            Missing("acknowledgment", f"The customer sounds {_feeling_noun(sit.emotion)}; acknowledge it before anything else.")
        )
    # After a short vent, a reply that acknowledges the feeling and acts on the issue shows it was heard.
    heard = acknowledged and (acted or draft_turn.has("logical_fix"))
    if sit.vented_issue and not draft_turn.has("paraphrase") and (sit.long_vent or not heard):
        out.append(Missing("paraphrase", "The customer vented; restate the real issue in their words to show you heard it."))
    if closes and sit.problem and not draft_turn.has("logical_fix") and not acted:
        out.append(Missing("logical_fix", "The reply closes the matter without saying what was done to fix the problem."))
    if sit.problem and not draft_turn.has("emotional_fix"):
        if gestures_for(authority, library, sit, sit.level):
            out.append(Missing("emotional_fix", "You may make up for the inconvenience; offer a gesture with the apology."))
        elif closes and not draft_turn.has("apology"):
            out.append(Missing("emotional_fix", "The reply closes the matter without an apology for the inconvenience."))
    if draft_turn.has("passing_buck"):
        out.append(Missing("ownership", "The reply sends the customer elsewhere; own the handoff and say when you will be back."))
    elif sit.problem and not acted and not _has(draft_turn, *_NEXT_STEPS):
        out.append(Missing("ownership", "The customer raised a problem; say who owns it and what happens next."))
    return out


def _feeling_noun(emotion: str) -> str:
    return {"anger": "angry", "frustration": "frustrated", "disgust": "upset", "anxiety": "worried", "sadness": "upset"}.get(
        emotion, {"disappointment": "disappointed", "confusion": "confused"}.get(emotion, "upset")
    )


def empathy(library: PhraseLibrary, sit: Situation) -> str:
    feeling = library.feelings.get(sit.emotion, library.feelings.get("neutral", "frustrating"))
    for s in library.situations:
        if s.name == sit.situation:
            return render(pick(s.statements, sit.seed), {"feeling": feeling})
    options = library.emotions.get(sit.emotion) or library.emotions.get("neutral") or ("I understand how frustrating this is.",)
    return render(pick(options, sit.seed), {"feeling": feeling})


def gesture(library: PhraseLibrary, sit: Situation, authority: Authority, *, apologised: bool) -> str | None:
    parts = [] if apologised else [pick(library.apologies, sit.seed)]
    amount = money(credit_amount(authority, sit.level), authority.currency)
    for name in gestures_for(authority, library, sit, sit.level):
        parts.append(render(pick(library.gestures[name].statements, sit.seed), {"amount": amount}))
    return " ".join(parts) or None


def wait(library: PhraseLibrary, queue: QueueContext, seed: str) -> str:
    reason = queue.reason.strip().rstrip(".!;, ")
    first = reason.split(" ", 1)[0]
    if not (len(first) > 1 and first.isupper()):  # keep "VAT ..." but not "A network ..."
        reason = reason[:1].lower() + reason[1:]
    if reason and not _VERB.search(reason):
        reason = "of " + reason  # "because of a network outage", not "because a network outage"
    eta = None
    if queue.eta_minutes is not None:
        m = queue.eta_minutes
        eta = f"about {m} minute{'s' if m != 1 else ''}" if m < 90 else f"about {round(m / 60)} hours"
    return render(
        pick(library.wait, seed),
        {"position": str(queue.position), "reason": reason or "other urgent work comes first", "eta": eta},
    )


def additions(
    draft: str,
    draft_turn: TurnAnalysis,
    missing: list[Missing],
    sit: Situation,
    library: PhraseLibrary,
    authority: Authority,
    queue: QueueContext | None,
    when: str,
) -> list[Addition]:
    kinds = {m.kind for m in missing}
    out: list[Addition] = []
    if "acknowledgment" in kinds:
        out.append(Addition("empathy", empathy(library, sit)))
    # Reflecting words the coach cannot read (another language) would garble them: no paraphrase then.
    if "paraphrase" in kinds and sit.vented_issue and english_enough(sit.vented_issue):
        issue = reflect(sit.vented_issue)
        if len(issue.split()) >= 3:
            out.append(Addition("paraphrase", render(pick(library.paraphrase, sit.seed), {"issue": issue})))
    if "emotional_fix" in kinds:
        said_sorry = draft_turn.has("apology") or any(a.kind == "empathy" and "sorry" in a.text.lower() for a in out)
        text = gesture(library, sit, authority, apologised=said_sorry)
        if text:
            out.append(Addition("gesture", text))
    if queue is not None and queue.position >= 1 and not _QUEUE_SAID.search(draft):
        out.append(Addition("wait", wait(library, queue, sit.seed)))
    if kinds & {"ownership", "logical_fix"}:
        out.append(Addition("ownership", render(pick(library.ownership, sit.seed), {"when": when})))
    return out
