"""Send queued notifications through the enabled outbound channels (docs/notifications.md).

Run it as a long-lived service (it polls every ``--interval`` seconds when idle), or from cron with
``--once`` (send what is due now, then exit). Any number of copies may run at once: each delivery
is claimed with a conditional UPDATE, so no two copies send the same one (see
``grassroots.notify.sender`` for the at-least-once nuance when a sender dies mid-send).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.core import context
from grassroots.notify import sender


class Command(BaseCommand):
    help = "Send pending notification deliveries (email, and any channel in NOTIFY_CHANNELS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument("--batch", type=int, default=100, help="deliveries per pass (default 100)")
        parser.add_argument(
            "--interval", type=float, default=10.0, help="seconds to wait when idle (default 10)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch"])
        verbose = options["verbosity"] > 1
        total = sender.SendReport()
        with context.command_context("send_notifications"):
            try:
                while True:
                    report = sender.send_due(batch=batch)
                    total += report
                    if report.claimed or report.skipped:
                        if verbose:
                            self.stdout.write(self._line(report))
                        continue  # more may be due: go again without waiting
                    if options["once"]:
                        break
                    time.sleep(options["interval"])
            except KeyboardInterrupt:
                pass
        self.stdout.write(self.style.SUCCESS(self._line(total)))

    @staticmethod
    def _line(report: sender.SendReport) -> str:
        return (
            f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, "
            f"taken by another sender {report.skipped}"
        )
