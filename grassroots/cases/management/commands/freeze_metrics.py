"""Freeze the metrics of complete past periods (docs/domain.md §3.5: past figures never move).

For every district (or the one given), every complete month, quarter and year (or the kind given)
from the district's first case up to ``--until`` (default today), and every active
administrative unit (district, streets, communities, grids) without a snapshot for that period,
writes a ``MetricSnapshot``. Safe from cron, and with two copies running at once: periods already
frozen are skipped and the unique constraint on (unit, period) turns a duplicate into a no-op, so a
second run writes nothing. Suggested crontab line: ``15 1 * * *  manage.py freeze_metrics``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.cases import metrics
from grassroots.cases.models import PeriodKind
from grassroots.core import context
from grassroots.org.management.districts import add_district_argument, chosen_districts


class Command(BaseCommand):
    help = "Write metric snapshots for complete past periods that are not frozen yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind", choices=PeriodKind.values, help="month, quarter or year (default: all three)"
        )
        parser.add_argument(
            "--until",
            type=dt.date.fromisoformat,
            help="freeze periods that end on or before this date, YYYY-MM-DD (default: today)",
        )
        add_district_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = [options["kind"]] if options["kind"] else list(PeriodKind.values)
        districts = chosen_districts(options)
        total = 0
        with context.command_context("freeze_metrics"):
            for district in districts:
                for kind in kinds:
                    written = metrics.freeze(district, kind, until=options["until"])
                    total += written
                    if written:
                        self.stdout.write(f"{district.code} {kind}: {written} snapshots")
        self.stdout.write(self.style.SUCCESS(f"{total} snapshots written"))
