"""Check or rebuild the board's counters (``cases.tally``) against the cases.

    manage.py case_tally --check [--district CODE]     # exit 1 and list the differences, if any
    manage.py case_tally --rebuild [--district CODE]   # recount from the cases

Every write through the application keeps the counters exact; a rebuild is needed only after rows
were written behind its back (a bulk load, a manual repair in SQL). Rebuilding a district reads all
its cases once (about a million cases a minute) and blocks writers to the counters meanwhile on
PostgreSQL, so run it off-peak. See docs/metrics.md.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.cases import tally
from grassroots.org.management.districts import add_district_argument, chosen_districts


class Command(BaseCommand):
    help = "Check the board's counters against the cases, or rebuild them."

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="compare; exit 1 on any difference")
        action.add_argument("--rebuild", action="store_true", help="recount from the cases")
        add_district_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        wrong = 0
        for district in chosen_districts(options):
            started = time.monotonic()
            if options["rebuild"]:
                rows = tally.rebuild(district)
                self.stdout.write(
                    f"{district.code}: {rows:,} counter rows in {time.monotonic() - started:.1f} s"
                )
                continue
            differences = tally.differences(district)
            wrong += bool(differences)
            for line in differences[:20]:
                self.stdout.write(f"{district.code}: {line}")
            if len(differences) > 20:
                self.stdout.write(f"{district.code}: … {len(differences) - 20} more")
            if not differences:
                self.stdout.write(f"{district.code}: the counters agree with the cases")
        if wrong:
            raise CommandError(f"The counters of {wrong} districts differ from the cases; use --rebuild.")
