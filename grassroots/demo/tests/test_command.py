"""``manage.py demo`` is safe to run twice, prints the accounts every time, and --reset regenerates."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from grassroots.core.models import AuditAction, AuditRecord, User
from grassroots.demo import accounts
from grassroots.org.models import Post, Unit
from grassroots.people.models import Household, Resident

TINY_ARGS = {"grids": 6, "households": [10, 15]}


def run(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, **TINY_ARGS, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Unit, Household, Resident, User, Post, AuditRecord)
    }


def test_the_first_run_generates_the_district_and_prints_every_account(db):
    output = run()
    assert Unit.objects.filter(code="DEMO").exists()
    for role in accounts.DEMO_ROLES:
        assert accounts.username("demo", role.code) in output
    assert accounts.DEMO_PASSWORD in output


def test_a_second_run_creates_nothing_and_still_prints_the_accounts(db):
    run()
    before = counts()
    output = run()
    assert counts() == before
    assert "already exists" in output
    for role in accounts.DEMO_ROLES:
        assert accounts.username("demo", role.code) in output


def test_quiet_leaves_out_the_account_table(db):
    output = run(quiet=True)
    assert "demo_resident" not in output


def test_reset_deletes_the_demo_and_generates_it_again(db):
    run()
    old_root = Unit.objects.get(code="DEMO")
    old_users = set(User.objects.values_list("pk", flat=True))
    before = counts()
    output = run(reset=True)
    assert "Deleted the demo" in output
    new_root = Unit.objects.get(code="DEMO")
    assert new_root.pk != old_root.pk
    assert not Unit.objects.filter(path__startswith=old_root.path).exists()
    assert not set(User.objects.values_list("pk", flat=True)) & old_users
    after = counts()
    # audit records are kept: the reset adds one, the new load as many as the first except for
    # the holiday calendar, which is shared and stays
    holidays = AuditRecord.objects.filter(target_type="core.holiday").count()
    assert holidays > 0
    assert after.pop("AuditRecord") == 2 * before.pop("AuditRecord") + 1 - holidays
    assert after == before
    assert AuditRecord.objects.filter(action=AuditAction.DELETE, target_type="demo.district").count() == 1


def test_reset_keeps_everything_outside_the_demo(world):
    run()
    run(reset=True)
    assert Unit.objects.filter(pk=world.district.pk).exists()
    assert Resident.objects.filter(pk=world.resident_a.pk).exists()
    assert User.objects.filter(pk=world.grid_manager_x.pk).exists()


def test_an_incomplete_demo_is_reported_instead_of_skipped(db):
    run()
    AuditRecord.objects.filter(target_type="demo.district").delete()  # as if the load had stopped
    with pytest.raises(CommandError, match="reset"):
        run()


def test_size_options_belong_to_the_district_scale(db):
    with pytest.raises(CommandError):
        call_command("demo", scale="city", grids=6, stdout=io.StringIO())
