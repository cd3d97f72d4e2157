"""The benchmark city's historical cases (``demo.history``): as many as asked for, spread over the
past three years, each in its own district's units and catalog, in a realistic mix of states and
outcomes with consistent moments and deadlines, numbered without collisions, and gone on reset."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from grassroots.cases import actions
from grassroots.cases.choices import OPEN_STATES, Channel, Outcome, ReporterKind, Satisfaction, State
from grassroots.cases.models import Case, CaseDepartment, CaseSequence, Category
from grassroots.core.models import User
from grassroots.demo import accounts, generator, plan, reset
from grassroots.demo.tests.tiny import TINY_CITY, load_city
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Unit

CASES = 3_000
MOMENTS = ("received_at", "first_response_at", "resolved_at", "verified_at", "rated_at", "closed_at")


@pytest.fixture
def city(db):
    return load_city(CASES, today=timezone.localdate())


def midnight() -> dt.datetime:
    return dt.datetime.combine(timezone.localdate(), dt.time(), tzinfo=timezone.get_current_timezone())


def test_the_city_gets_as_many_cases_as_asked_for_shared_among_its_districts(city):
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT)
    per_district = Counter(Case.objects.values_list("district_id", flat=True))

    assert Case.objects.count() == city.counts["cases"] == CASES
    assert set(per_district) == set(districts.values_list("pk", flat=True))
    assert min(per_district.values()) > CASES / 4
    assert CaseDepartment.objects.count() == city.counts["case_departments"] > 0
    assert generator.is_complete(city.root, TINY_CITY)


def test_every_case_lies_in_its_district_and_uses_its_districts_catalog(city):
    rows = Case.objects.values_list(
        "district_id",
        "unit__district_id",
        "grid__district_id",
        "responsible_unit__district_id",
        "responsible_department__district_id",
        "category__district_id",
        "unit__kind",
    )
    for district, *others, kind in rows:
        assert {other for other in others if other is not None} == {district}
        assert kind in (UnitKind.GRID, UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.STREET, UnitKind.TOWN)
    # a few are in the fallback queues of a community or street (located in no grid)
    assert Case.objects.filter(grid__isnull=True).exclude(unit__kind=UnitKind.GRID).exists()
    assert not Case.objects.filter(grid__isnull=True, unit__kind=UnitKind.GRID).exists()
    links = CaseDepartment.objects.values_list("district_id", "case__district_id", "department__district_id")
    assert all(len(set(link)) == 1 for link in links)


def test_every_key_points_at_an_existing_row(city):
    for field in Case._meta.concrete_fields:
        related = field.related_model
        if isinstance(related, type):
            dangling = Case.objects.filter(**{f"{field.attname}__isnull": False}).exclude(
                **{f"{field.attname}__in": related._default_manager.values("pk")}
            )
            assert not dangling.exists(), field.name
    assert not Case.objects.filter(duplicate_of__outcome=Outcome.DUPLICATE).exists()  # no chains


def test_most_cases_are_closed_and_the_recent_ones_open_in_several_states(city):
    states = Counter(Case.objects.values_list("state", flat=True))
    outcomes = Counter(Case.objects.filter(state=State.CLOSED).values_list("outcome", flat=True))
    satisfaction = Counter(Case.objects.exclude(satisfaction="").values_list("satisfaction", flat=True))
    open_cases = Case.objects.filter(state__in=OPEN_STATES)

    assert 0.9 < states[State.CLOSED] / CASES < 0.999
    assert len(set(states) & OPEN_STATES) >= 3
    assert not open_cases.filter(received_at__lt=midnight() - dt.timedelta(days=90)).exists()
    assert set(outcomes) == set(Outcome.values)
    assert outcomes[Outcome.SOLVED] > 0.8 * sum(outcomes.values())
    assert satisfaction.most_common(1)[0][0] == Satisfaction.SATISFIED
    assert set(satisfaction) == set(Satisfaction.values)
    assert Case.objects.filter(reopen_count__gt=0).exists()
    late = Case.objects.filter(outcome=Outcome.SOLVED, resolved_at__gt=F("due_at")).count()
    assert 0.03 < late / outcomes[Outcome.SOLVED] < 0.3
    assert set(Case.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Case.objects.filter(reporter__isnull=False).exists()
    assert Case.objects.filter(reporter_kind=ReporterKind.ANONYMOUS, reporter_name="").exists()


def test_the_cases_span_three_years_and_their_moments_are_in_order(city):
    now = midnight()
    first = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    last = Case.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    assert first is not None
    assert last is not None
    assert now - dt.timedelta(days=3 * 366) < first < now - dt.timedelta(days=3 * 365 - 10)
    assert now - dt.timedelta(days=2) < last < now
    for earlier, later in itertools.pairwise(MOMENTS):
        assert not Case.objects.filter(**{f"{later}__lt": F(earlier)}).exists(), (earlier, later)
    assert not Case.objects.filter(closed_at__gt=now).exists()
    assert not Case.objects.filter(received_at__gt=F("response_due_at")).exists()
    assert not Case.objects.filter(due_at__lt=F("yellow_at")).exists()
    assert not Case.objects.filter(stage_due_at__lt=F("stage_yellow_at")).exists()
    # nothing is due for the sweeper at once: it finds the open cases as it would have left them
    assert not Case.objects.filter(next_sweep_at__lte=now).exists()
    assert not Case.objects.filter(state=State.CLOSED, next_sweep_at__isnull=False).exists()
    # later years are a little busier
    years = Counter(
        (now - received).days // 365 for received in Case.objects.values_list("received_at", flat=True)
    )
    assert years[0] > years[2]


def test_case_numbers_are_unique_and_cases_entered_later_get_new_ones(city):
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    for sequence in CaseSequence.objects.all():
        used = [int(n.split("-")[1]) for n in numbers if n.startswith(f"{sequence.year}-")]
        assert sequence.last == max(used, default=0)

    manager = User.objects.get(username=accounts.username("city", Role.GRID_MANAGER))
    case, created = actions.register_case(
        actor=manager, title="路灯不亮", description="小区门口路灯不亮。", channel=Channel.GRID_PATROL,
        reporter_kind=ReporterKind.ANONYMOUS, unit=manager.posts.get().unit,
    )  # fmt: skip
    assert created
    assert case.number not in numbers
    assert Case.objects.count() == CASES + 1


def test_the_same_seed_gives_the_same_cases(db):
    def snapshot() -> list:
        return list(
            Case.objects.order_by("number").values_list(
                "number", "title", "state", "outcome", "received_at", "closed_at", "satisfaction"
            )
        )

    today = dt.date(2026, 5, 20)
    load_city(500, today=today)
    first = snapshot()
    reset.reset(TINY_CITY)
    load_city(500, today=today)
    assert snapshot() == first


def test_reset_deletes_the_citys_cases_and_rewinds_the_numbering(city):
    deleted = reset.reset(TINY_CITY)

    assert deleted["case"] == CASES
    assert deleted["casedepartment"] > 0
    assert not Case.objects.exists()
    assert not CaseDepartment.objects.exists()
    assert not Category.objects.exists()
    assert set(CaseSequence.objects.values_list("last", flat=True)) == {0}


def test_the_command_reports_the_cases_and_their_rate(db, monkeypatch):
    monkeypatch.setitem(plan.SIZES, "city", TINY_CITY)
    out = io.StringIO()
    call_command("demo", scale="city", cases=400, quiet=True, stdout=out)
    output = out.getvalue()

    assert Case.objects.count() == 400
    assert "cases/s" in output
    assert "Cases: 400 in" in output.splitlines()[-1]


def test_cases_belong_to_the_city_scale(db):
    with pytest.raises(CommandError, match="--cases"):
        call_command("demo", cases=100, stdout=io.StringIO())
