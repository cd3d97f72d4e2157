"""``manage.py sweep_cases`` (docs/ledger.md): sweeps what is due, prints what it did, takes
``--now`` for tests and replays, and records its writes as coming from the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from grassroots.cases.models import Case
from grassroots.core.models import AuditRecord


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sweep_cases", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_sweeps_what_is_due_at_the_given_moment_and_says_what_it_did(ledger, bring):
    case = bring.routed()
    moment = timezone.localtime(case.stage_due_at).isoformat()
    assert run("--now", moment) == (
        "cases looked at: 1, warnings: 1, escalations: 0, supervisions: 1, closures: 0, skipped: 0, failed: 0"
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.stage_color, case.supervision) == ("red", "normal")
    sources = set(
        AuditRecord.objects.filter(target_id=case.number, actor=None).values_list("source", flat=True)
    )
    assert sources == {"command:sweep_cases"}
    assert run("--now", moment).startswith("cases looked at: 0, warnings: 0")


def test_a_moment_without_a_zone_is_local_time(ledger, bring):
    case = bring.routed()
    local = timezone.localtime(case.stage_due_at).replace(tzinfo=None).isoformat()
    run("--now", local)
    assert Case.objects.get(pk=case.pk).stage_color == "red"


def test_nothing_is_due_now(ledger, bring):
    bring.routed()
    assert run().startswith("cases looked at: 0,")


def test_a_bad_moment_or_batch_size_stops_the_command(db):
    with pytest.raises(CommandError):
        run("--now", "next tuesday")
    with pytest.raises(CommandError):
        run("--batch-size", "0")


def test_small_batches_sweep_everything(ledger, bring):
    cases = [bring.routed() for _ in range(3)]
    moment = timezone.localtime(max(c.stage_yellow_at for c in cases)).isoformat()
    assert run("--now", moment, "--batch-size", "1").startswith("cases looked at: 3, warnings: 3")


def test_one_broken_case_does_not_stop_the_others_but_fails_the_run(ledger, bring, monkeypatch):
    from grassroots.cases import actions, sweep

    broken, fine = bring.routed(), bring.routed()
    real = actions.sweep_case

    def sweep_case(case, *, now):
        if case.pk == broken.pk:
            raise RuntimeError("boom")
        return real(case, now=now)

    monkeypatch.setattr(sweep.actions, "sweep_case", sweep_case)
    moment = timezone.localtime(fine.stage_yellow_at).isoformat()
    with pytest.raises(CommandError, match="1 case"):
        run("--now", moment)
    assert Case.objects.get(pk=fine.pk).stage_color == "yellow"
    assert Case.objects.get(pk=broken.pk).stage_color == ""
