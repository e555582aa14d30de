"""Impact triage: the pure priority function, severity detection, the policy and the summary."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

import pytest

from heartdesk.analysis.scorecard import build_scorecard
from heartdesk.errors import InputError
from heartdesk.model import EMOTIONS, Analysis, Conversation, Emotion, Finding, Turn, TurnAnalysis
from heartdesk.triage import (
    PolicyError,
    TicketSummary,
    default_policy,
    default_rules,
    detect,
    load_policy,
    loads_policy,
    normalize,
    prioritize,
    rank,
    reach_by_incident,
    summarize,
    ticket_fields,
)
from heartdesk.triage.severity import SeverityError, gate, load_rules

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()
HOUR = 3600.0
DOCS = Path(__file__).resolve().parent.parent / "docs" / "triage.md"
REACH_FIRST = "[reach]\nper_doubling = 15\ncap = 60\n"


def one_customer_business_down() -> TicketSummary:
    """Seed 000: one smaller customer, service down, upset about what it does to her business."""
    return TicketSummary(
        id="one-down",
        severity="service_down",
        customer_id="bakery",
        tier="standard",
        monthly_value=300.0,
        created_at=NOW - 0.25 * HOUR,
        distress_first=0.55,
        distress_last=0.8,
        findings=(("business_impact", "we can't take any orders"),),
    )


def many_mildly_affected(n: int = 12, severity: str = "degraded") -> list[TicketSummary]:
    """Seed 000: many customers with the same problem, their service still working."""
    return [
        TicketSummary(
            id=f"many-{i:02d}",
            severity=normalize(severity),
            incident="INC-7",
            customer_id=f"cust-{i}",
            tier="standard",
            monthly_value=300.0,
            created_at=NOW - 0.25 * HOUR,
            distress_first=0.2,
            distress_last=0.2,
        )
        for i in range(n)
    ]


# ------------------------------------------------------------------ seed 000, both ways


def test_default_policy_one_customer_down_outranks_many_with_a_cosmetic_problem() -> None:
    ranked = rank([*many_mildly_affected(), one_customer_business_down()], default_policy(), now=NOW)
    assert ranked[0].ticket.id == "one-down"
    many = ranked[1]
    assert many.reach == 12
    assert "12 customers report the same problem (incident INC-7) (+18)" in many.priority.reasons
    assert ranked[0].priority.score > many.priority.score


def test_default_policy_one_down_still_first_for_any_crowd_when_all_else_is_equal() -> None:
    # The documented invariant: severity gap (40 - 14) > reach cap (25).
    pol = default_policy()
    plain = TicketSummary(id="one", severity="service_down", customer_id="x")
    crowd = many_mildly_affected(1)[0]
    crowd = replace(crowd, distress_first=0.0, distress_last=0.0, tier=None, monthly_value=None, created_at=None)
    one = prioritize(plain, pol, now=NOW, reach=1)
    for n in (2, 12, 1000, 10**6):
        assert one.score > prioritize(crowd, pol, now=NOW, reach=n).score


def test_reach_weighted_policy_reverses_the_seed_000_choice() -> None:
    pol = loads_policy(REACH_FIRST, "reach-first.toml")
    ranked = rank([one_customer_business_down(), *many_mildly_affected()], pol, now=NOW)
    assert ranked[0].ticket.id.startswith("many-")
    first_one = next(i for i, r in enumerate(ranked) if r.ticket.id == "one-down")
    assert first_one == 12, "all twelve shared tickets come before the single one"
    assert "12 customers report the same problem (incident INC-7) (+54)" in ranked[0].priority.reasons


def test_many_customers_with_the_same_outage_outrank_one() -> None:
    single = replace(one_customer_business_down(), id="single")
    crowd = [
        replace(t, findings=single.findings, distress_first=0.55, distress_last=0.8)
        for t in many_mildly_affected(5, "service_down")
    ]
    ranked = rank([single, *crowd], default_policy(), now=NOW)
    assert [r.ticket.id for r in ranked][-1] == "single"
    assert ranked[0].priority.factors["reach"] == 12  # 5 x log2(5) = 11.6
    assert ranked[0].priority.band == "P1"


# ------------------------------------------------------------------ reasons


def test_reasons_are_ordered_by_weight_carry_their_points_and_add_up() -> None:
    t = replace(one_customer_business_down(), tier="enterprise", contacts=2, created_at=NOW - 3 * HOUR, incident="INC-1")
    p = prioritize(t, default_policy(), now=NOW, reach=3)
    points = [int(m.group(1)) for m in (re.search(r"\(([+-]\d+)\)$", r) for r in p.reasons) if m]
    assert len(points) == len(p.reasons), p.reasons
    assert points == sorted(points, key=abs, reverse=True)
    assert sum(points) == p.score == sum(p.factors.values())
    assert p.reasons[0] == "service down for this customer (+40)"
    assert "the customer says their business is hit: “we can't take any orders” (+12)" in p.reasons
    assert "3 customers report the same problem (incident INC-1) (+8)" in p.reasons
    assert "contacted us 2 times before (+8)" in p.reasons
    assert "customer distress 0.80 in their latest message (+10)" in p.reasons
    assert "customer distress rising 0.55 → 0.80 (+2)" in p.reasons


def test_detected_severity_quotes_the_customer() -> None:
    t = TicketSummary(id="q", severity="blocked", severity_evidence="I'm locked out")
    assert prioritize(t, default_policy(), now=NOW).reasons == ("the customer is blocked (“I'm locked out”) (+28)",)


def test_zero_factors_are_left_out_and_negative_weights_read_as_minus() -> None:
    pol = loads_policy("[severity]\nfeedback = -3\n")
    p = prioritize(TicketSummary(id="f", severity="feedback", tier="gold"), pol, now=NOW)
    assert p.reasons == ("feedback or a suggestion (-3)",)
    assert p.score == -3 and p.band == "P4"
    assert dict(p.factors) == {"severity": -3}


# ------------------------------------------------------------------ SLA, tier, value, repeat


def test_breaching_the_sla_raises_priority() -> None:
    pol = default_policy()
    t = TicketSummary(id="b", severity="blocked", tier="standard", created_at=NOW)  # blocked: 240 min
    fresh = prioritize(t, pol, now=NOW + 60)
    near = prioritize(t, pol, now=NOW + 3 * HOUR)  # 0.75 of the target: half the ramp
    breached = prioritize(t, pol, now=NOW + 5 * HOUR)
    very_late = prioritize(t, pol, now=NOW + 40 * HOUR)
    assert fresh.score < near.score < breached.score < very_late.score
    assert "waiting 3h, SLA target 4h (+3)" in near.reasons
    assert "SLA breached: waiting 5h, target 4h (+16)" in breached.reasons
    assert very_late.factors["waiting"] == 30  # capped
    assert breached.band == "P2" and fresh.band == "P2"
    assert "waiting" not in fresh.factors


def test_enterprise_customers_get_a_shorter_sla() -> None:
    pol = default_policy()
    base = TicketSummary(id="e", severity="degraded", created_at=NOW - 5 * HOUR)  # degraded: 8h
    assert "waiting 5h, SLA target 8h (+2)" in prioritize(replace(base, tier="standard"), pol, now=NOW).reasons
    ent = prioritize(replace(base, tier="enterprise"), pol, now=NOW)  # 0.5 x 8h = 4h
    assert "SLA breached: waiting 5h, target 4h (+16)" in ent.reasons


def test_tier_and_monthly_value_raise_priority() -> None:
    pol = default_policy()
    base = TicketSummary(id="t", severity="question")
    scores = {
        tier: prioritize(replace(base, tier=tier), pol, now=NOW).score for tier in ("free", "standard", "business", "enterprise")
    }
    assert scores["free"] < scores["standard"] < scores["business"] < scores["enterprise"]
    assert prioritize(replace(base, tier="platinum"), pol, now=NOW).score == prioritize(base, pol, now=NOW).score
    small = prioritize(replace(base, monthly_value=100.0), pol, now=NOW)
    mid = prioritize(replace(base, monthly_value=10_000.0), pol, now=NOW)
    huge = prioritize(replace(base, monthly_value=1e12), pol, now=NOW)
    assert "value" not in small.factors
    assert "monthly value 10,000 (+6)" in mid.reasons
    assert huge.factors["value"] == 9  # capped


def test_repeat_contact_raises_priority_up_to_its_cap() -> None:
    pol = default_policy()
    base = TicketSummary(id="r", severity="degraded")
    got = [prioritize(replace(base, contacts=n), pol, now=NOW).factors.get("repeat", 0) for n in (0, 1, 2, 10)]
    assert got == [0, 4, 8, 12]
    assert "contacted us once before (+4)" in prioritize(replace(base, contacts=1), pol, now=NOW).reasons


def test_bands_follow_the_policy_thresholds() -> None:
    pol = default_policy()
    assert [pol.band(s) for s in (80, 55, 54, 28, 27, 14, 13, -5)] == ["P1", "P1", "P2", "P2", "P3", "P3", "P4", "P4"]


def test_rank_breaks_ties_by_waiting_time_then_id() -> None:
    a = TicketSummary(id="b", severity="question", created_at=NOW - 60)
    b = TicketSummary(id="a", severity="question", created_at=NOW - 120)
    c = TicketSummary(id="c", severity="question")
    d = TicketSummary(id="0", severity="question")
    assert [r.ticket.id for r in rank([c, a, d, b], default_policy(), now=NOW)] == ["a", "b", "0", "c"]


def test_reach_counts_distinct_customers_or_the_stated_figure() -> None:
    t = TicketSummary(id="x", severity="degraded", incident="I")
    tickets = [
        replace(t, id="1", customer_id="alice"),
        replace(t, id="2", customer_id="alice"),  # same customer twice counts once
        replace(t, id="3"),  # no customer id: the ticket is its own customer
        replace(t, id="4", incident="J", affected=40),
        replace(t, id="5", incident=None),
    ]
    assert reach_by_incident(tickets) == {"I": 2, "J": 40}


# ------------------------------------------------------------------ severity detection

POSITIVE = {
    "service_down": [
        "Our shop is down since eight and we can't take any orders.",
        "Why is my website down?",
        "The whole platform has been offline for an hour.",
        "Our restaurant is at a standstill, the booking system is dead.",
        "There's an outage on your side, nobody here can log in.",
        "We can’t accept payments at all this morning.",
        "Payments fail for all of our customers since 9am.",
    ],
    "blocked": [
        "I can't log in since the password reset.",
        "I'm locked out of my account.",
        "The checkout won't let me pay with my card.",
        "My card was declined and my account is frozen... my account has been suspended.",
        "I am unable to download the invoice.",
        "It doesn't work at all.",
        "My card keeps getting declined.",
    ],
    "degraded": [
        "The app is really slow today.",
        "The dashboard font looks wrong since the update.",
        "My blender arrived broken.",
        "The connection keeps dropping every few minutes.",
        "I was charged twice for the same order.",
        "The export button does nothing.",
    ],
    "question": ["How do I add a second user?", "Is it possible to change the delivery date", "Where can I find my invoices?"],
    "feedback": ["Just wanted to say the new export is great.", "It would be nice to have a dark mode.", "Thanks, all sorted."],
}


@pytest.mark.parametrize(("level", "text"), [(lv, t) for lv, ts in POSITIVE.items() for t in ts])
def test_severity_is_detected_from_the_customer_text(level: str, text: str) -> None:
    assert detect([text]) == level


NEGATIVE = [
    ("The site was down yesterday, but it is back up now, thanks.", "feedback"),
    ("Is there a planned outage this weekend?", "question"),
    ("It is not slow any more, no longer an issue", "question"),  # vetoed degraded; falls to the default
    ("I managed to log in after all, can't log in was my mistake", "question"),
    ("Hello", "question"),  # nothing matched: the documented default
    ("How do I fix this? The shop is down!", "service_down"),  # most severe wins over the question mark
]


@pytest.mark.parametrize(("text", "level"), NEGATIVE)
def test_severity_negatives_and_vetoes(text: str, level: str) -> None:
    assert detect([text]) == level


def test_severity_reads_every_customer_turn_and_names_the_evidence() -> None:
    rules = default_rules()
    found = rules.detect(enumerate(["Hi, a question about my plan.", "Actually now the site is down completely."]))
    assert (found.level, found.turn, found.evidence) == ("service_down", 1, "site is down")


def test_pattern_gates_only_skip_work_never_change_the_answer(fixtures: Path) -> None:
    # Gates are substrings a pattern's every match must contain; with or without them, same result.
    rules = default_rules()
    corpus = [t for ts in POSITIVE.values() for t in ts] + [t for t, _ in NEGATIVE]
    corpus += [
        t["text"]
        for line in (fixtures / "triage" / "queue.jsonl").read_text(encoding="utf-8").splitlines()
        for t in json.loads(line)["turns"]
    ]
    corpus += [
        "NOTHING WORKS",
        "Nobody here can log in.",
        "It’d be nice to have tags",
        "I’d like to know the price",
        "we cant pay",
    ]
    for text in corpus:
        assert rules.detect([(0, text)]) == rules.detect([(0, text)], use_gates=False), text


def test_gates_are_derived_from_the_patterns() -> None:
    assert gate(r"\b(?:site|web ?shop)\s+is\s+(?:down|offline)\b") == frozenset({"down", "offline"})
    assert gate(r"\bnothing (?:works|loads)\b") == frozenset({"nothing "})
    assert gate(r"\?") == frozenset({"?"})
    assert gate(r"\b[abc]def\b") == frozenset({"def"})  # a class is one unknown character, not text
    assert gate(r"x\(y\)z (?:a|b)") == frozenset({"x(y)z "})
    assert gate(r"colou?r chart") == frozenset({"r chart"})
    assert gate(r"\b(?:slow|sluggish)\b|\bfast\b") is None  # top-level alternation: nothing is required
    assert gate(r"\b(?:can't|cannot)\s+\w+") == frozenset({"can", "cannot"})  # literal text stops at the apostrophe
    assert gate(r"\b(?:'re|are)\s+\w+") is None  # an alternative with no literal start: the group gives nothing


def test_severity_names_are_normalized_and_checked() -> None:
    assert normalize("Service down") == "service_down"
    assert normalize("service-down") == "service_down"
    assert normalize(" BLOCKED ") == "blocked"
    with pytest.raises(SeverityError, match=r"\[E620\] severity 'urgent'"):
        normalize("urgent")


def test_custom_severity_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "sev.toml"
    path.write_text("origin = \"test\"\ndefault = \"feedback\"\n[[levels]]\nname = \"blocked\"\npatterns = ['''\\bstuck\\b''']\n")
    rules = load_rules(path)
    assert rules.detect(enumerate(["I'm stuck"])).level == "blocked"
    assert rules.detect(enumerate(["the site is down"])).level == "feedback"
    path.write_text("origin = \"t\"\n[[levels]]\nname = \"blocked\"\npatterns = ['''(stuck)''']\n")
    with pytest.raises(SeverityError, match="E622"):
        load_rules(path)


# ------------------------------------------------------------------ policy


def test_a_policy_file_lays_over_the_default(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "reach-first"\n' + REACH_FIRST + '[tier.points]\ngold = 7\n[findings.venting]\npoints = 3\nreason = "venting"\n'
    )
    pol = load_policy(path)
    assert (pol.name, pol.reach_per_doubling, pol.reach_cap) == ("reach-first", 15.0, 60.0)
    assert pol.severity["service_down"] == 40.0  # untouched default
    assert pol.tier_points["gold"] == 7.0 and pol.tier_points["enterprise"] == 10.0
    assert pol.findings["venting"].points == 3.0 and "business_impact" in pol.findings


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("[reach\n", "E602", "not valid TOML"),
        ("[reach]\nper_dubling = 4\n", "E603", "did you mean 'per_doubling'"),
        ("[severty]\nblocked = 1\n", "E603", "did you mean 'severity'"),
        ("[severity]\nurgent = 50\n", "E603", "'severity.urgent'"),
        ("[sla]\nbreach = 'high'\n", "E604", "'sla.breach' must be a number"),
        ("severity = 3\n", "E604", "'severity' must be a table"),
        ("[reach]\ncap = -1\n", "E605", "'reach.cap' must be >= 0"),
        ("[sla.minutes]\nblocked = 0\n", "E605", "'sla.minutes.blocked' must be > 0"),
        ("[sla.tier_factor]\ngold = 0\n", "E605", "'sla.tier_factor.gold' must be > 0"),
        ("[sla]\napproaching_from = 1.5\n", "E605", "approaching_from"),
        ("[bands]\nP2 = 60\n", "E606", "P1 > P2 > P3"),
        ("[findings.venting]\npoints = 3\n", "E607", "'findings.venting' needs 'points' and 'reason'"),
        ("[findings.venting]\npoints = 3\nreason = 'v'\nweight = 2\n", "E603", "findings.venting.weight"),
        ("[tier]\nenterprise = 5\n", "E603", "'tier.enterprise'"),
    ],
)
def test_bad_policies_are_refused_with_numbered_errors(text: str, code: str, needle: str) -> None:
    with pytest.raises(PolicyError) as info:
        loads_policy(text, "team.toml")
    assert info.value.code == code
    assert needle in str(info.value) and "team.toml" in str(info.value)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="E601"):
        load_policy(tmp_path / "nope.toml")


def test_every_default_weight_is_documented_in_docs_triage_md() -> None:
    page = DOCS.read_text(encoding="utf-8")
    raw = default_policy().raw
    for table, entries in raw.items():
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    if not isinstance(v, str):  # numbers; a finding's `reason` text is not a weight
                        assert f"| `{table}.{key}.{sub}` | {v:g} |" in page, f"{table}.{key}.{sub} = {v} is not in docs/triage.md"
            else:
                assert f"| `{table}.{key}` | {value:g} |" in page, f"{table}.{key} = {value} is not in docs/triage.md"


# ------------------------------------------------------------------ fields and summaries


def _emotion(label: str, negative: float) -> Emotion:
    scores = dict.fromkeys(EMOTIONS, 0.0)
    scores[label] = negative
    scores["neutral"] = 1.0 - negative
    return Emotion(label, negative, MappingProxyType(scores))


def test_summarize_reads_findings_distress_and_fields_from_an_analysis() -> None:
    # An analysis built by hand, so the test does not depend on detector or model accuracy.
    text0 = "Our checkout stopped, we can't take a single order."
    conv = Conversation(
        id="c1",
        turns=(
            Turn("customer", text0),
            Turn("agent", "I'm on it."),
            Turn("customer", "Still nothing. This is killing my business."),
        ),
        customer=MappingProxyType({"id": "bakery", "tier": "Enterprise", "monthly_value": 2500, "contacts": [1, 2]}),
        meta=MappingProxyType({"extra": {"incident": 7, "created_at": "2026-11-20T10:00:00Z"}}),
    )
    start = text0.index("we can't")
    impact = Finding("business_impact", start, len(text0) - 1, 0.9, "business hit", "test", "1")
    weak = Finding("churn_threat", 0, 5, 0.3, "below the presence threshold", "test", "1")
    turns = (
        TurnAnalysis(0, "customer", -0.4, (impact, weak), _emotion("anxiety", 0.5)),
        TurnAnalysis(1, "agent", 0.2, ()),
        TurnAnalysis(2, "customer", -0.7, (), _emotion("anger", 0.9)),
    )
    s = summarize(Analysis(conv, turns, build_scorecard(conv, turns)))
    assert s.severity == "service_down" and not s.severity_given
    assert s.severity_evidence == "we can't take a single order"
    assert s.findings == (("business_impact", "we can't take a single order"),)
    assert (s.distress_first, s.distress_last) == (0.5, 0.9)
    assert (s.tier, s.monthly_value, s.contacts, s.incident, s.customer_id) == ("enterprise", 2500.0, 2, "7", "bakery")
    assert s.created_at == datetime(2026, 11, 20, 10, tzinfo=UTC).timestamp()


def test_given_severity_wins_over_the_text() -> None:
    conv = Conversation.of("g", ("customer", "Everything is down!"), meta={"severity": "question"})
    turns = (TurnAnalysis(0, "customer", 0.0, ()),)
    s = summarize(Analysis(conv, turns, build_scorecard(conv, turns)))
    assert (s.severity, s.severity_given, s.severity_evidence) == ("question", True, "")


def test_created_at_falls_back_to_the_first_turn_time() -> None:
    at = datetime(2026, 11, 20, 9, 30)  # no zone: taken as UTC
    conv = Conversation.of("t", Turn("customer", "hi", at=at))
    assert ticket_fields(conv).created_at == at.replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("extra", "customer", "code"),
    [
        ({"severity": "urgent"}, {}, "E611"),
        ({"created_at": "last tuesday"}, {}, "E612"),
        ({}, {"monthly_value": -5}, "E613"),
        ({}, {"tier": 3}, "E613"),
        ({"contacts": -1}, {}, "E613"),
        ({"incident": ["a"]}, {}, "E614"),
        ({"affected": 0}, {}, "E615"),
    ],
)
def test_bad_ticket_fields_are_named(extra: dict[str, object], customer: dict[str, object], code: str) -> None:
    conv = Conversation.of(
        "bad", ("customer", "hi"), customer=MappingProxyType(customer), meta=MappingProxyType({"extra": extra})
    )
    with pytest.raises(InputError) as info:
        ticket_fields(conv)
    assert info.value.code == code and "'bad'" in str(info.value)


def test_a_summary_round_trips_through_json_and_ranks_the_same() -> None:
    s = replace(one_customer_business_down(), incident="INC-3", contacts=2, severity_evidence="shop is down")
    back = TicketSummary.from_dict(json.loads(json.dumps(s.to_dict())))
    assert back == s
    assert prioritize(back, default_policy(), now=NOW, reach=4) == prioritize(s, default_policy(), now=NOW, reach=4)
