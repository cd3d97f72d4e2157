"""The demo's ledger: the holiday calendar and the default catalog are loaded (department short
names mapped to the demo's departments), and the cases are played through the actions — every
channel, path and outcome, overdue cases under supervision, ratings, a reopened case, a common
problem — over the past months, the same on every load."""

from collections import Counter

from grassroots.cases.choices import Channel, Outcome
from grassroots.cases.models import Case, CaseEvent, Category, CommonProblem, SupervisionRecord
from grassroots.core.models import AuditRecord, Holiday
from grassroots.demo import reset
from grassroots.demo.tests.tiny import TINY, TODAY, load
from grassroots.org.models import Department, Unit
from grassroots.triage.models import CandidateState, ProblemCandidate


def test_the_calendar_and_the_catalog_are_loaded_with_the_demos_departments(tiny):
    district = Unit.objects.get(code="DEMO")
    road = Category.objects.get(district=district, code="CJ-01-01")
    insurance = Category.objects.get(district=district, code="LS-03-02")  # 医保 → the demo's 人社

    assert Holiday.objects.filter(date__year=2026).exists()
    assert Category.objects.filter(district=district, level=1).count() >= 15
    assert road.department == Department.objects.get(district=district, short_name="住建")
    assert insurance.department == Department.objects.get(district=district, short_name="人社")
    assert tiny.counts["categories"] == Category.objects.count()


def test_the_cases_are_played_through_the_actions_without_a_refusal(tiny):
    cases = Case.objects.all()
    assert tiny.failures == []
    assert cases.count() == tiny.counts["cases"] >= 30
    # every case's timeline starts with its registration, written by the action
    assert CaseEvent.objects.filter(kind="register").count() == cases.count()
    assert AuditRecord.objects.filter(target_type="cases.case").count() > cases.count() * 3


def test_the_ledger_shows_every_channel_outcome_and_turn(tiny):
    cases = Case.objects.all()
    outcomes = Counter(cases.values_list("outcome", flat=True))
    events = Counter(CaseEvent.objects.values_list("kind", flat=True))

    assert set(cases.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Outcome.values) <= set(outcomes)
    assert outcomes[""] > 0  # some still open
    assert len(set(cases.exclude(state="closed").values_list("state", flat=True))) >= 2
    turns = (
        "solve_on_spot", "guide", "follow_up", "retriage", "escalate", "return", "reopen",
        "request_extension", "verify_failed", "rate", "mark_duplicate", "join_problem", "warn",
    )  # fmt: skip
    assert [kind for kind in turns if not events[kind]] == []
    assert CommonProblem.objects.filter(state="verified").exists()
    assert SupervisionRecord.objects.exists()
    assert cases.filter(case_color="red").exclude(state="closed").exists()
    assert cases.exclude(satisfaction="").exists()


def test_cases_are_spread_over_the_past_months_and_numbered_in_order(tiny):
    cases = list(Case.objects.order_by("number"))
    received = [case.received_at for case in cases]
    assert received == sorted(received)
    assert (max(received) - min(received)).days > 60
    assert max(received).date() <= TODAY
    assert all(
        case.events.order_by("at", "id").values_list("kind", flat=True).first() == "register"
        for case in cases[:5]
    )


def test_the_same_seed_gives_the_same_ledger_after_a_reset(db):
    def snapshot() -> list:
        return list(
            Case.objects.order_by("number").values_list(
                "number", "title", "channel", "state", "outcome", "received_at", "supervision", "satisfaction"
            )
        )

    load(seed=5)
    first = snapshot()
    deleted = reset.reset(TINY)
    load(seed=5)

    assert deleted["case"] == len(first)
    assert deleted["category"] > 100
    assert snapshot() == first


def test_a_recent_problem_reported_by_many_households_is_a_candidate_common_problem(tiny):
    candidate = ProblemCandidate.objects.filter(state=CandidateState.PROPOSED).order_by("-heat").first()
    assert candidate is not None
    assert "漏水" in candidate.label
    assert candidate.grid_count == 3
    assert candidate.propose_major
