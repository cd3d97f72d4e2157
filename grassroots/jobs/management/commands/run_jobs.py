"""Run queued imports and exports (the jobs submitted on the pages, ``grassroots.jobs``).

Run it as a long-lived service (it polls every ``--interval`` seconds when idle), or from cron with
``--once`` (run what is queued now, then exit). Any number of copies may run at once: each job is
claimed with a conditional UPDATE, so no two copies run the same job, and a job whose worker
stopped (no progress for ``--stale-after`` seconds) is taken over (see ``grassroots.jobs.worker``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.core import context
from grassroots.jobs import worker


class Command(BaseCommand):
    help = "Run queued background jobs (Excel imports, case list exports)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued now, then exit")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds to wait when idle (default 5)"
        )
        parser.add_argument(
            "--stale-after",
            type=int,
            default=int(worker.STALE_AFTER.total_seconds()),
            help="seconds without progress after which a running job is taken over (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stale_after"] < 30:
            raise CommandError("--stale-after must be at least 30 seconds.")
        if options["interval"] <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        stale_after = dt.timedelta(seconds=options["stale_after"])
        total = worker.RunReport()
        with context.command_context("run_jobs"):
            try:
                while True:
                    report = worker.run_pending(stale_after=stale_after)
                    for name in ("done", "failed", "lost", "skipped"):
                        setattr(total, name, getattr(total, name) + getattr(report, name))
                    if report.ran and options["verbosity"] > 1:
                        self.stdout.write(self._line(report))
                    if options["once"]:
                        break
                    time.sleep(options["interval"])
            except KeyboardInterrupt:
                pass
        self.stdout.write(self.style.SUCCESS(self._line(total)))

    @staticmethod
    def _line(report: worker.RunReport) -> str:
        return (
            f"done {report.done}, failed {report.failed}, taken over by another worker {report.lost}, "
            f"claimed by another worker first {report.skipped}"
        )
