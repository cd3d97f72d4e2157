"""The ledger's sweeper: deadline colours, automatic escalation, supervision and lapsed rating
windows, for every open case whose ``next_sweep_at`` has come (docs/domain.md §3.3; run by
``manage.py sweep_cases``, see docs/ledger.md).

Safe to run from cron every minute and with several copies at once. Each case is swept in its own
transaction that first re-reads the case and re-checks that it is still due: on PostgreSQL under
``SELECT … FOR UPDATE SKIP LOCKED``, so parallel sweepers take different rows; on SQLite the
``IMMEDIATE`` transactions queue writers one after the other, so the second sweeper re-reads what
the first wrote. Either way every write is a versioned conditional update
(``actions.sweep_case``): a case changed since it was read is a ``Conflict``, rolled back and
skipped, and notifications carry dedupe keys, so nothing is escalated, supervised or announced
twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from grassroots.cases import actions
from grassroots.cases.choices import OPEN_STATES
from grassroots.cases.models import Case
from grassroots.core.errors import Conflict

log = logging.getLogger(__name__)

BATCH_SIZE = 200

# What ``actions.sweep_case`` reports, by the summary line it counts in.
_TALLY = {
    "stage-yellow": "warnings",
    "stage-red": "warnings",
    "case-yellow": "warnings",
    "case-red": "warnings",
    "escalated": "escalations",
    "supervised": "supervisions",
    "yellow_card": "supervisions",
    "red_card": "supervisions",
    "closed": "closures",
}


# (pk, next_sweep_at) of the last case listed: the batches walk the next_sweep_at index.
Cursor = tuple[int, dt.datetime]


@dataclass
class SweepResult:
    looked_at: int = 0
    warnings: int = 0
    escalations: int = 0
    supervisions: int = 0
    closures: int = 0
    skipped: int = 0  # changed by someone else while being swept, or taken by another sweeper
    failed: int = 0  # an unexpected error, logged; the case is tried again on the next run

    def count(self, done: list[str]) -> None:
        for item in done:
            name = _TALLY[item]
            setattr(self, name, getattr(self, name) + 1)

    def summary(self) -> str:
        return (
            f"cases looked at: {self.looked_at}, warnings: {self.warnings}, "
            f"escalations: {self.escalations}, supervisions: {self.supervisions}, "
            f"closures: {self.closures}, skipped: {self.skipped}, failed: {self.failed}"
        )


def sweep(now: dt.datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Sweep every open case due at ``now`` (default: the present), in batches in the order they
    fell due; each case at most once per run."""
    now = now or timezone.now()
    result = SweepResult()
    after: Cursor | None = None
    while batch := due_batch(now, after=after, size=batch_size):
        after = batch[-1]
        for pk, _ in batch:
            sweep_one(pk, now, result)
    return result


def due_batch(now: dt.datetime, *, after: Cursor | None, size: int) -> list[Cursor]:
    """The next open cases due at ``now`` after the cursor, as ``(pk, next_sweep_at)``. A case
    swept meanwhile is due later than ``now`` and leaves the range, so it is never listed twice."""
    cases = Case.objects.filter(next_sweep_at__lte=now, state__in=sorted(OPEN_STATES))
    if after is not None:
        last_pk, last_moment = after
        cases = cases.filter(Q(next_sweep_at__gt=last_moment) | Q(next_sweep_at=last_moment, pk__gt=last_pk))
    rows = cases.order_by("next_sweep_at", "pk").values_list("pk", "next_sweep_at")[:size]
    return [(pk, moment) for pk, moment in rows if moment is not None]


def sweep_one(pk: int, now: dt.datetime, result: SweepResult) -> None:
    """Sweep one case in its own transaction; a case that is no longer due, locked by another
    sweeper, or changed under us is left alone."""
    try:
        with transaction.atomic():
            case = claim(pk, now)
            if case is None:
                result.skipped += 1
                return
            result.looked_at += 1
            done = actions.sweep_case(case, now=now)
    except Conflict:
        result.skipped += 1
        return
    except Exception:
        # One broken case must not stop the sweep of all the others; it is logged and retried.
        log.exception("sweeping case %s failed", pk)
        result.failed += 1
        return
    result.count(done)


def claim(pk: int, now: dt.datetime) -> Case | None:
    """Re-read the case inside the caller's transaction if it is still open and due; on databases
    that can, lock its row and skip it when another sweeper holds it."""
    cases = Case.objects.filter(pk=pk, next_sweep_at__lte=now, state__in=sorted(OPEN_STATES))
    if connection.features.has_select_for_update_skip_locked:
        cases = cases.select_for_update(skip_locked=True, of=("self",))
    return cases.first()
