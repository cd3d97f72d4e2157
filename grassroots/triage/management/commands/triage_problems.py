"""Group the open cases of every district (or the one given) into candidate common problems and
print them, hottest first (docs/triage.md, "Common problems"). Scheduled every quarter of an hour:
``*/15 * * * *  manage.py triage_problems``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.org.management.districts import add_district_argument, chosen_districts
from grassroots.triage import problems
from grassroots.triage.models import CandidateState, ProblemCandidate


class Command(BaseCommand):
    help = "Find candidate common problems among each district's open cases."

    def add_arguments(self, parser: CommandParser) -> None:
        add_district_argument(parser)
        parser.add_argument("--top", type=int, default=10, help="how many candidates to print (default 10)")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = chosen_districts(options)
        for district in districts:
            started = time.perf_counter()
            result = problems.refresh(district)
            seconds = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"{district.code}: {result.cases} open cases grouped in {seconds:.1f} s; candidates: "
                    f"{result.candidates}, proposed as one major matter: {result.proposed_major}, "
                    f"left out as dismissed before: {result.skipped_dismissed}"
                )
            )
            top = ProblemCandidate.objects.filter(district=district, state=CandidateState.PROPOSED)
            for candidate in top[: options["top"]]:
                flag = "  ↑ major" if candidate.propose_major else ""
                self.stdout.write(
                    f"  heat {candidate.heat:>4}  cases {candidate.case_count:>3}  households "
                    f"{candidate.household_count:>3}  grids {candidate.grid_count:>2}  me too "
                    f"{candidate.me_too_count:>3}  {candidate.label}{flag}"
                )
