"""``register_cases`` (an import's batches): every entry is checked and placed exactly as
``register_case`` would, refusals come back per entry, numbers follow on, one ticket already in
the ledger writes nothing, and what the cases share is read once per batch, not per case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user, square
from grassroots.cases import actions
from grassroots.cases.models import Case, CaseEvent, CaseSequence
from grassroots.core import pii
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditRecord, DayKind, Holiday
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role, UnitKind

LOCAL = timezone.get_fixed_timezone(8 * 60)
# What differs between two registrations of the same input: identity, number, time of writing,
# and the phone's cipher (a fresh nonce each time; its hash and mask must agree).
NOT_COMPARED = {"id", "number", "uid", "created_at", "updated_at", "phone_cipher", "source_ref"}


def entries(w: Any) -> list[dict[str, Any]]:
    friday = dt.datetime(2026, 9, 25, 15, 30, tzinfo=LOCAL)  # before the National Day week off
    base = {"channel": "hotline", "received_at": friday}
    return [
        {**base, "title": "路灯不亮", "description": "一栋门口", "lat": 26.005, "lng": 103.015},
        {
            **base,
            "title": "楼道灯坏",
            "description": "三单元",
            "unit": w.community,
            "category": w.cat_light,  # the catalog's time limits (5 days) apply
            "reporter_name": "王先生",
            "reporter_phone": "13800001234",
        },
        {
            **base,
            "title": "井盖缺失",
            "description": "人行道",
            "household": w.household_x,
            "urgency": "critical",
            "category": w.cat_road,
            "public_anonymous": True,
        },
        {
            **base,
            "title": "噪音",
            "description": "夜间施工",
            "building": w.building_x,
            "urgency": "urgent",
            "reporter_kind": "anonymous",
            "received_at": friday - dt.timedelta(days=30),
        },
        {**base, "title": "漏水", "description": "楼上", "reporter": w.resident_a, "channel": "grid_patrol"},
    ]


@pytest.fixture
def holidays(db: Any) -> None:
    for day in range(1, 9):
        Holiday.objects.create(date=dt.date(2026, 10, day), kind=DayKind.OFF)
    Holiday.objects.create(date=dt.date(2026, 9, 27), kind=DayKind.WORKDAY)  # a Sunday worked


def fields_of(case: Case) -> dict[str, Any]:
    return {k: v for k, v in model_to_dict(case).items() if k not in NOT_COMPARED}


def test_a_batch_enters_each_case_as_register_case_does(ledger, holidays):
    one_by_one = [actions.register_case(actor=ledger.grid_manager_x, **e)[0] for e in entries(ledger)]
    together = actions.register_cases(actor=ledger.grid_manager_x, entries=entries(ledger))
    assert all(isinstance(case, Case) for case in together)
    for single, batched in zip(one_by_one, together, strict=True):
        assert isinstance(batched, Case)
        stored = Case.objects.get(pk=batched.pk)
        assert fields_of(stored) == fields_of(Case.objects.get(pk=single.pk))
        assert pii.reveal(stored, "phone", kind="phone") == pii.reveal(single, "phone", kind="phone")
        single_event = CaseEvent.objects.get(case=single)
        event = CaseEvent.objects.get(case=stored)
        assert (event.kind, event.to_state, event.data, event.version, event.actor_id) == (
            single_event.kind,
            single_event.to_state,
            single_event.data,
            single_event.version,
            single_event.actor_id,
        )
        record = AuditRecord.objects.get(target_type="cases.case", target_id=stored.number)
        single_record = AuditRecord.objects.get(target_type="cases.case", target_id=single.number)
        assert (record.action, record.changes, record.scope_path, record.actor_id) == (
            single_record.action,
            single_record.changes,
            single_record.scope_path,
            single_record.actor_id,
        )
    # the clocks really differ between the entries: the holiday week and the limits took effect
    assert len({case.due_at for case in together if isinstance(case, Case)}) >= 4


def test_refused_entries_come_back_and_the_others_are_written(ledger):
    elsewhere = org_actions.create_unit(actor=ledger.root, kind=UnitKind.DISTRICT, name="邻区", code="530199")
    parent = elsewhere
    for kind, name in ((UnitKind.STREET, "远街道"), (UnitKind.COMMUNITY, "远社区")):
        parent = org_actions.create_unit(actor=ledger.root, kind=kind, name=name, parent=parent)
    far_grid = org_actions.create_unit(
        actor=ledger.root, kind=UnitKind.GRID, name="远网格", parent=parent, boundary=square(104.0, 27.0)
    )
    good = {"title": "路灯", "description": "不亮", "channel": "hotline", "unit": ledger.grid_y}
    results = actions.register_cases(
        actor=ledger.grid_manager_x,
        entries=[
            good,
            {**good, "title": " "},
            {**good, "reporter_phone": "12"},
            {**good, "unit": None},
            {**good, "unit": far_grid},
            good,
        ],
    )
    assert [type(r).__name__ for r in results] == [
        "Case",
        "ValidationError",
        "ValidationError",
        "ValidationError",
        "NotAllowed",
        "Case",
    ]
    refused = {i: set(r.message_dict) for i, r in enumerate(results) if isinstance(r, ValidationError)}
    assert refused == {1: {"title"}, 2: {"reporter_phone"}, 3: {"location"}}
    assert isinstance(results[4], NotAllowed)
    assert Case.objects.count() == 2
    assert CaseEvent.objects.filter(kind="register").count() == 2


def test_numbers_follow_on_from_single_registrations(ledger):
    fields = {"title": "路灯", "description": "不亮", "channel": "hotline", "unit": ledger.grid_y}
    first, _ = actions.register_case(actor=ledger.grid_manager_x, **fields)
    batch = actions.register_cases(actor=ledger.grid_manager_x, entries=[fields] * 3)
    last, _ = actions.register_case(actor=ledger.grid_manager_x, **fields)
    year = timezone.localdate().year
    numbers = [first.number, *(c.number for c in batch if isinstance(c, Case)), last.number]
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 6)]
    assert CaseSequence.objects.get(year=year).last == 5
    # ids come from the table's own sequence: later rows never collide with the batch's
    assert last.pk > max(c.pk for c in batch if isinstance(c, Case))


def test_a_ticket_already_in_the_ledger_writes_nothing(ledger):
    fields = {"title": "路灯", "description": "不亮", "channel": "hotline", "unit": ledger.grid_y}
    actions.register_case(actor=ledger.grid_manager_x, source_ref="T-2", **fields)
    before = (Case.objects.count(), CaseEvent.objects.count(), AuditRecord.objects.count())
    with pytest.raises(IntegrityError):
        actions.register_cases(
            actor=ledger.grid_manager_x,
            entries=[{**fields, "source_ref": "T-1"}, {**fields, "source_ref": "T-2"}],
        )
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditRecord.objects.count()) == before
    assert CaseSequence.objects.get().last == 1


def test_what_the_cases_share_is_read_once_per_batch(ledger, holidays):
    """The queries of a batch do not grow with its size: units, deadline settings, time limits,
    the calendar and the right to report are read once, the rows written in bulk."""

    def queries(n: int) -> int:
        many = [e for _ in range(n) for e in entries(ledger)]
        with CaptureQueriesContext(connection) as captured:
            results = actions.register_cases(actor=ledger.grid_manager_x, entries=many)
        assert all(isinstance(r, Case) for r in results)
        return len(captured.captured_queries)

    queries(1)  # what is cached per process (the locator, the actor's posts) is read here
    assert queries(2) == queries(20)


def test_a_resident_entering_a_batch_is_refused_per_entry(ledger):
    stranger = make_user("stranger")
    fields = {"title": "路灯", "description": "不亮", "channel": "hotline", "unit": ledger.grid_y}
    results = actions.register_cases(actor=stranger, entries=[fields, fields])
    assert all(isinstance(r, NotAllowed) for r in results)
    assert not Case.objects.exists()


def test_a_district_admin_may_enter_a_batch_anywhere_in_the_district(ledger):
    admin = make_user("da_batch")
    org_actions.assign_post(actor=ledger.root, user=admin, role=Role.DISTRICT_ADMIN, unit=ledger.district)
    fields = {"title": "路灯", "description": "不亮", "channel": "hotline"}
    results = actions.register_cases(
        actor=admin, entries=[{**fields, "unit": ledger.grid_w}, {**fields, "lat": 26.005, "lng": 103.005}]
    )
    assert [c.unit_id for c in results if isinstance(c, Case)] == [ledger.grid_w.pk, ledger.grid_x.pk]
