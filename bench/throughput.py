"""Throughput: heartdesk.analyze_many against VADER over the same customer-service turns.

    python bench/throughput.py                 # 100,000 turns (the issue's figure)
    python bench/throughput.py -n 20000        # quicker, for development
    python bench/throughput.py --json          # figures as JSON too

Builds N mixed customer/agent turns from templates written for this benchmark
(not from any dataset), groups them into conversations of 4-8 turns, then in one
process times ``heartdesk.analyze_many`` over the conversations and VADER's
``SentimentIntensityAnalyzer().polarity_scores`` over the same turn texts, and
prints turns/s for both and the ratio (target >= 1.0x). With ``--repeat N`` the two sides
take turns, one pass each, N times, and each side's best pass counts. A second pass times the
pipeline's parts (emotion model, tone model, each detector, the scorecard) by
re-running them the way Pipeline does, without touching pipeline.py, so hot spots
show up as µs per turn.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from heartdesk.model import Conversation, Role, Turn

# ---------------------------------------------------------------- corpus templates
PRODUCTS = [
    "blender", "router", "laptop", "washing machine", "phone", "subscription", "order", "parcel", "headphones",
    "coffee machine", "account", "invoice", "smart watch", "sofa", "printer", "gift card", "flight booking", "TV",
]  # fmt: skip
ISSUES = [
    "arrived broken", "never arrived", "stopped working after two days", "was charged twice", "keeps disconnecting",
    "won't turn on", "is missing a part", "shows an error code E42", "was delivered to the wrong address",
    "got cancelled without notice", "is the wrong size", "is much slower than advertised", "has a cracked screen",
    "was refunded only partly", "can't be logged into",
]  # fmt: skip
NAMES = ["Maya", "Rob", "Ana", "Sam", "Lee", "Priya", "Tom", "Jo", "Omar", "Kate"]

CUSTOMER_OPENERS = [
    "Hi,", "Hello there.", "Hey.", "Good morning,", "", "", "Excuse me,", "Hi team,", "Right.", "OK so",
]  # fmt: skip
CUSTOMER_PROBLEM = [
    "my {product} {issue}.",
    "the {product} I ordered on {date} {issue}.",
    "I'm writing because my {product} {issue}, order #{order}.",
    "your {product} {issue} and nobody has told me why.",
    "my {product} {issue} again, this is the third time this month.",
    "I bought a {product} last week and it {issue}.",
]
CUSTOMER_FEELING = [
    "This is unacceptable!",
    "I'm really frustrated.",
    "Honestly I'm so disappointed, I expected better.",
    "I'm worried it won't be fixed in time.",
    "I don't understand what I'm supposed to do now.",
    "I'm furious, I've wasted hours on this.",
    "It's really stressful.",
    "That's disgusting service.",
    "Not happy at all.",
    "Please help me.",
    "",
    "",
]
CUSTOMER_IMPACT = [
    "My business is down and I'm losing customers every hour.",
    "I need it by {date} for my daughter's party.",
    "If this isn't fixed today I'm cancelling my account and going to a competitor.",
    "I want to speak to a manager.",
    "This is urgent, I have a deadline tomorrow morning.",
    "I've been a customer for {days} years.",
    "I want my money back, {amount} is a lot for me.",
    "",
    "",
    "",
]
CUSTOMER_FOLLOWUP = [
    "Yes, that's right.",
    "Yes. Exactly. Please hurry.",
    "No, that's not what I said. I said it {issue}.",
    "Order number is {order}.",
    "Thank you, I really appreciate it.",
    "OK, thanks so much!",
    "How long will that take?",
    "Are you kidding me? I already tried that twice.",
    "Fine. Whatever.",
    "That's perfect, thanks for your help today.",
    "Still nothing. It {issue} again.",
    "I sent the photos yesterday, did you not get them?",
    "Can you at least tell me when it will arrive?",
    "Great, that solves it. Have a nice day!",
    "ok",
    "??",
    "😡😡 seriously??",
]
AGENT_GREETING = ["Hi, this is {name} from support.", "Hello {cust}, thanks for reaching out.", "Good morning!", "", ""]
AGENT_EMPATHY = [
    "I'm so sorry to hear that, I can see how frustrating this must be.",
    "Oh no, that must have been so disappointing to open.",
    "I completely understand why you're upset.",
    "I can hear how stressful this is.",
    "I apologise for the inconvenience.",
    "",
    "",
]
AGENT_PARAPHRASE = [
    "So your {product} {issue}, is that right?",
    "Let me make sure I understand: the {product} {issue} since {date}?",
    "If I've got this right, you were charged twice for order #{order}.",
    "",
]
AGENT_ACTION = [
    "I'll take care of this personally and send a replacement today.",
    "I've escalated it to our engineers as a priority and I'll update you every 30 minutes.",
    "I've issued a full refund of {amount}; it should reach your account in {days} business days.",
    "Could you tell me the order number and when it was delivered?",
    "Can you try restarting the {product} and let me know what the light does?",
    "That's our policy. Refunds take 10 business days.",
    "That's not my department, you'll have to call billing.",
    "You must have clicked pay twice.",
    "As I already said, there's nothing I can do.",
    "You're wrong, it works fine on our side.",
    "I wish there was something I could do, but I'm not allowed to change the delivery date. What I can do is "
    "send a voucher for {amount}.",
    "I've added a 15% voucher for the trouble.",
    "Our records show the {product} was delivered on {date} at 14:02 and signed for by {name}.",
    "Unfortunately we cannot process refunds after 30 days.",
]
AGENT_CLOSING = [
    "Is there anything else I can help with?",
    "Thanks for your patience today, and have a good afternoon.",
    "Have a great day!",
    "",
    "",
]


def _fill(rng: random.Random, template: str) -> str:
    if "{" not in template:
        return template
    return template.format(
        product=rng.choice(PRODUCTS),
        issue=rng.choice(ISSUES),
        date=rng.choice(["Monday", "Friday", "the 3rd", "last week", "12 November", "Saturday"]),
        order=rng.randint(10000, 99999),
        name=rng.choice(NAMES),
        cust=rng.choice(["Chris", "Alex", "Mrs Patel", "Dan", "there"]),
        amount=f"${rng.randint(5, 900)}.{rng.randint(0, 99):02d}",
        days=rng.randint(2, 12),
    )


def _join(rng: random.Random, parts: list[str]) -> str:
    return " ".join(p for p in (_fill(rng, x) for x in parts) if p).strip()


def customer_text(rng: random.Random, first: bool) -> str:
    if not first and rng.random() < 0.7:
        return _fill(rng, rng.choice(CUSTOMER_FOLLOWUP))
    parts = [rng.choice(CUSTOMER_OPENERS), rng.choice(CUSTOMER_PROBLEM), rng.choice(CUSTOMER_FEELING)]
    if rng.random() < 0.6:
        parts.append(rng.choice(CUSTOMER_IMPACT))
    if rng.random() < 0.15:  # the occasional long venting message
        parts += [rng.choice(CUSTOMER_FEELING), rng.choice(CUSTOMER_PROBLEM), rng.choice(CUSTOMER_IMPACT)] * 2
    text = _join(rng, parts)
    if rng.random() < 0.1:
        text = text.upper()
    return text


def agent_text(rng: random.Random, first: bool) -> str:
    parts = [rng.choice(AGENT_GREETING)] if first else []
    parts += [rng.choice(AGENT_EMPATHY), rng.choice(AGENT_PARAPHRASE), rng.choice(AGENT_ACTION)]
    if rng.random() < 0.4:
        parts.append(rng.choice(AGENT_ACTION))
    parts.append(rng.choice(AGENT_CLOSING))
    return _join(rng, parts) or "Let me check."


def conversations(n_turns: int, seed: int = 13) -> Iterator[Conversation]:
    """``n_turns`` turns in conversations of 4-8 turns, mostly alternating, with some customer bursts."""
    rng = random.Random(seed)
    made = 0
    cid = 0
    while made < n_turns:
        size = min(rng.randint(4, 8), n_turns - made)
        turns: list[Turn] = []
        role: Role = "customer"
        for i in range(size):
            if role == "customer":
                text = customer_text(rng, first=i == 0)
            else:
                text = agent_text(rng, first=i == 1)
            turns.append(Turn(role=role, text=text))
            # A customer sometimes sends two messages before the agent answers.
            role = "customer" if role == "customer" and rng.random() < 0.2 else ("agent" if role == "customer" else "customer")
        yield Conversation(id=f"bench-{cid}", turns=tuple(turns), channel="chat")
        cid += 1
        made += size


# ---------------------------------------------------------------- timing
def _time_heartdesk(convs: list[Conversation]) -> float:
    """Seconds for one pass of ``analyze_many`` over ``convs``."""
    from heartdesk.signals.pipeline import default_pipeline

    pipe = default_pipeline()
    gc.collect()
    t0 = time.perf_counter()
    for _a in pipe.analyze_many(convs):
        pass
    return time.perf_counter() - t0


def _time_heartdesk_json(convs: list[Conversation]) -> float:
    """Seconds for one pass of ``analyze_many`` plus the contract JSON of every analysis."""
    from heartdesk.analysis.contract import analysis_to_dict
    from heartdesk.signals.pipeline import default_pipeline

    pipe = default_pipeline()
    gc.collect()
    t0 = time.perf_counter()
    for a in pipe.analyze_many(convs):
        json.dumps(analysis_to_dict(a), ensure_ascii=False, separators=(",", ":"))
    return time.perf_counter() - t0


def _time_vader(texts: list[str]) -> float:
    """Seconds for one pass of VADER's ``polarity_scores`` over ``texts``."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    score = SentimentIntensityAnalyzer().polarity_scores
    gc.collect()
    t0 = time.perf_counter()
    for t in texts:
        score(t)
    return time.perf_counter() - t0


def breakdown(convs: list[Conversation], batch_size: int = 512) -> list[tuple[str, int, float]]:
    """(part, turns it ran on, seconds) for each part of the default pipeline.

    Mirrors Pipeline._batch/_plan/_conversation (batch models and the emotion cues per batch of
    conversations; then, a few dozen turns at a time, each detector's ``prepare`` over those turns
    of its role and the detectors turn by turn with the same TurnContext, skipping the turns
    ``prepare`` ruled out), timing each part.
    A detector's ``prepare`` time is counted as its own. Figures include a little timer
    overhead per call (~0.1 µs), which is subtracted.
    """
    from heartdesk.analysis.scorecard import build_scorecard
    from heartdesk.model import Emotion, Finding, TurnAnalysis
    from heartdesk.signals.base import TurnContext, preparer, reads_role
    from heartdesk.signals.pipeline import _LIMIT, default_pipeline

    pipe = default_pipeline()
    clock = time.perf_counter_ns
    overhead = min(-(clock() - clock()) for _ in range(2000))
    spent: dict[str, int] = {"emotion model": 0, "emotion cues": 0, "tone model": 0}
    runs: dict[str, int] = {"emotion model": 0, "emotion cues": 0, "tone model": 0}
    for d in pipe.detectors:
        spent[f"detector {d.name}"] = 0
        runs[f"detector {d.name}"] = 0
    spent["scorecard"] = runs["scorecard"] = 0
    keyed = [(d, f"detector {d.name}") for d in pipe.detectors]
    for b in range(0, len(convs), batch_size):
        batch = convs[b : b + batch_size]
        turns = [t for c in batch for t in c.turns]
        texts = [t.text[:_LIMIT] for t in turns]
        # As the pipeline does: emotion for customer turns only, None for agent turns.
        customer = [i for i, t in enumerate(turns) if t.role == "customer"]
        said = [texts[i] for i in customer]
        t0 = clock()
        predicted = pipe.emotion_model.predict(said)
        spent["emotion model"] += clock() - t0
        if pipe.emotion_cues is not None:
            cues = pipe.emotion_cues
            t0 = clock()
            predicted = [cues.adjust(e, t) for e, t in zip(predicted, said, strict=True)]
            spent["emotion cues"] += clock() - t0
            runs["emotion cues"] += len(customer)
        emotions: list[Emotion | None] = [None] * len(texts)
        for i, e in zip(customer, predicted, strict=True):
            emotions[i] = e
        t0 = clock()
        tones = pipe.tone_model.score(texts, emotions)
        spent["tone model"] += clock() - t0
        runs["emotion model"] += len(customer)
        runs["tone model"] += len(texts)
        # As in Pipeline._batch: the detectors' ``prepare`` sees a few dozen turns (whole
        # conversations) at a time, and those conversations are read before the next chunk's.
        # ``verdict``: per detector, its verdict per turn of the batch (None: run everywhere).
        verdict: dict[str, list[bool] | None] = {}
        first = 0
        k = 0
        while k < len(batch):
            stop, j = first, k
            while j < len(batch) and (j == k or stop - first < pipe.prepare_turns):
                stop += len(batch[j].turns)
                j += 1
            for role in ("customer", "agent"):
                where = [i for i in range(first, stop) if turns[i].role == role]
                seen = [texts[i] for i in where]
                for det, key in keyed:
                    prepare = preparer(det) if reads_role(det, role) else None
                    if prepare is None or not where:
                        continue
                    t0 = clock()
                    mask = prepare(seen)
                    spent[key] += clock() - t0 - overhead
                    full = verdict.setdefault(det.name, [True] * len(turns)) or []
                    for i, ok in zip(where, mask or [True] * len(where), strict=True):
                        full[i] = bool(ok)
            pos = first
            for conv in batch[k:j]:
                n = len(conv.turns)
                emo, ton = emotions[pos : pos + n], tones[pos : pos + n]
                history: list[list[Finding]] = []
                results: list[TurnAnalysis] = []
                for i, turn in enumerate(conv.turns):
                    found: list[Finding] = []
                    ctx = TurnContext(conv, i, emo, ton, history, found)
                    text = texts[pos + i]
                    seen_turn = turn if turn.text is text else Turn(turn.role, text, turn.at, turn.author, turn.end)
                    for det, key in keyed:
                        if reads_role(det, turn.role):
                            runs[key] += 1  # a turn it reads, whether or not ``prepare`` ruled it out
                            allowed = verdict.get(det.name)
                            if allowed is not None and not allowed[pos + i]:
                                continue
                            t0 = clock()
                            got = list(det.detect(seen_turn, ctx))
                            spent[key] += clock() - t0 - overhead
                            found.extend(got)
                    history.append(found)
                    results.append(
                        TurnAnalysis(i, turn.role, float(ton[i]), tuple(found), emo[i] if turn.role == "customer" else None)
                    )
                t0 = clock()
                build_scorecard(conv, tuple(results))
                spent["scorecard"] += clock() - t0
                runs["scorecard"] += n
                pos += n
            first, k = stop, j
    return [(k, runs[k], max(0, spent[k]) / 1e9) for k in spent]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("-n", "--turns", type=int, default=100_000, help="number of turns (default 100,000)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--repeat", type=int, default=1, help="time each side this many times, the two taking turns, and keep each one's best"
    )
    ap.add_argument("--no-breakdown", action="store_true", help="skip the per-component breakdown")
    ap.add_argument("--with-json", action="store_true", help="also time analyze_many + contract JSON serialisation")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = ap.parse_args(argv)

    convs = list(conversations(args.turns, args.seed))
    texts = [t.text for c in convs for t in c.turns]
    n = len(texts)
    n_agent = sum(1 for c in convs for t in c.turns if t.role == "agent")
    chars = sum(len(t) for t in texts)
    print(f"corpus: {n:,} turns ({n - n_agent:,} customer, {n_agent:,} agent) in {len(convs):,} conversations,", end=" ")
    print(f"mean {chars / n:.0f} chars/turn")

    t0 = time.perf_counter()
    from heartdesk.signals.pipeline import default_pipeline

    pipe = default_pipeline()
    for _ in pipe.analyze_many(convs[:50]):  # warm caches (lazy regex compilation, model pages)
        pass
    load_s = time.perf_counter() - t0
    print(f"heartdesk: pipeline loaded + warmed in {load_s:.2f}s; detectors: {', '.join(d.name for d in pipe.detectors)}")
    emo, tone = pipe.emotion_model, pipe.tone_model
    from heartdesk.signals.agent_match import _PREFILTER as agent_prefilter

    prefiltered = "RE2 (the default)" if agent_prefilter.active else "off (HEARTDESK_NO_PREFILTER=1, or no google-re2)"
    print(f"           emotion model {emo.name}@{emo.version}, tone model {tone.name}@{tone.version}")
    print(f"           lexicon prefilter: {prefiltered}")
    from heartdesk import native

    print(f"           engine build: {native.status().describe()}")

    # The two sides take turns, pass by pass: the host's speed drifts by several per cent over
    # minutes, and timing all of one side's passes first would charge the drift to one of them.
    hd_s = vader_s = float("inf")
    for _ in range(max(1, args.repeat)):
        hd_s = min(hd_s, _time_heartdesk(convs))
        vader_s = min(vader_s, _time_vader(texts))
    hd_json_s = _time_heartdesk_json(convs) if args.with_json else None
    hd_rate, vader_rate = n / hd_s, n / vader_s
    ratio = hd_rate / vader_rate
    print()
    print(f"heartdesk analyze_many : {hd_rate:>10,.0f} turns/s  ({hd_s:.2f}s, {1e6 / hd_rate:.1f} µs/turn)")
    if hd_json_s is not None:
        print(f"  + contract JSON      : {n / hd_json_s:>10,.0f} turns/s  ({hd_json_s:.2f}s)")
    print(f"VADER polarity_scores  : {vader_rate:>10,.0f} turns/s  ({vader_s:.2f}s, {1e6 / vader_rate:.1f} µs/turn)")
    print(f"ratio heartdesk/VADER  : {ratio:.2f}x  (target >= 1.00x: {'met' if ratio >= 1.0 else 'NOT met'})")

    parts: list[tuple[str, int, float]] = []
    if not args.no_breakdown:
        parts = breakdown(convs)
        total = sum(s for _, _, s in parts)
        print()
        print(f"breakdown (one more pass; sum {total:.2f}s = {1e6 * total / n:.1f} µs/turn over all {n:,} turns)")
        print(f"  {'part':<34} {'turns run':>10} {'µs/turn run':>12} {'µs/turn all':>12} {'share':>6}")
        for name, runs, secs in sorted(parts, key=lambda p: -p[2]):
            per_run = 1e6 * secs / runs if runs else 0.0
            share = 100 * secs / total if total else 0.0
            print(f"  {name:<34} {runs:>10,} {per_run:>12.2f} {1e6 * secs / n:>12.2f} {share:>5.1f}%")
        # Totals per role against the per-turn budgets of CONTRIBUTING.md.
        reads = {f"detector {d.name}": d.reads for d in pipe.detectors}
        n_role = {"agent": n_agent, "customer": n - n_agent}
        for role, budget in (("agent", 40.0), ("customer", 20.0)):
            secs = sum(s for name, _, s in parts if reads.get(name) in (role, "any"))
            per = 1e6 * secs / n_role[role] if n_role[role] else 0.0
            print(f"  all {role} detectors: {per:.1f} µs per {role} turn (budget {budget:.0f})")
        models: tuple[tuple[str, float | None, str | None], ...] = (
            ("emotion model", 30.0, "customer"),
            ("emotion cues", None, "customer"),
            ("tone model", 6.0, None),
        )
        for name, model_budget, per_role in models:
            secs = sum(s for part, _, s in parts if part == name)
            count = n_role[per_role] if per_role else n
            unit = f"{per_role} turn" if per_role else "turn"
            limit = f"budget {model_budget:.0f}" if model_budget is not None else "no budget of its own"
            print(f"  {name}: {1e6 * secs / max(count, 1):.1f} µs per {unit} ({limit})")

    if args.json:
        out: dict[str, Any] = {
            "turns": n,
            "conversations": len(convs),
            "heartdesk_turns_per_s": round(hd_rate, 1),
            "vader_turns_per_s": round(vader_rate, 1),
            "ratio": round(ratio, 3),
            "compiled": native.status().active,
            "heartdesk_with_json_turns_per_s": None if hd_json_s is None else round(n / hd_json_s, 1),
            "breakdown_us_per_turn_run": {name: round(1e6 * s / r, 3) if r else 0.0 for name, r, s in parts},
        }
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
