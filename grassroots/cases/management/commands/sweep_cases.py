"""``manage.py sweep_cases``: deadline colours, automatic escalation, supervision and lapsed
rating windows for the open cases that are due (``grassroots.cases.sweep``).

Run it from cron every minute (docs/ledger.md); two copies running at once are safe.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from grassroots.cases import sweep
from grassroots.core import context


def moment(value: str) -> dt.datetime:
    """An ISO 8601 date and time; without a zone it is read in the site's time zone."""
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Mark deadline warnings, escalate and supervise overdue cases, close lapsed rating windows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=moment,
            help="Sweep as if it were this moment (ISO 8601, e.g. 2026-05-06T09:00), for tests and replays.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=sweep.BATCH_SIZE, help="Cases read per query (default 200)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        with context.command_context("sweep_cases"):
            result = sweep.sweep(options["now"], batch_size=options["batch_size"])
        self.stdout.write(result.summary())
        if result.failed:
            raise CommandError(f"{result.failed} case(s) could not be swept; see the log.")
