"""``manage.py demo``: load the demo district (or the benchmark city) and print the demo sign-ins.

    manage.py demo                      # the demo district; skipped if it is already there
    manage.py demo --reset              # delete it and generate it again
    manage.py demo --scale city         # 5,000 grids, 1.5 million households, 10 million cases
                                        # on PostgreSQL (2 million on SQLite): benchmarks
    manage.py demo --scale city --cases 20000     # the same city with fewer historical cases
    manage.py demo --grids 6 --households 10 20   # a tiny district (tests, quick looks)

The city's historical cases (spread over the past three years) are written in bulk, district by
district, without timeline events; the progress shows each district's cases and cases per second,
and the summary line the total. The account table is printed on every run, also when nothing was
generated: ``make run`` relies on it. See docs/demo.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.demo import accounts, generator, reset
from grassroots.demo.plan import DEFAULT_SEED, SIZES, Size, district_of_grids


class Command(BaseCommand):
    help = "Load the demo district (or with --scale city the benchmark city) and print one sign-in per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SIZES), default="district")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default: %(default)s")
        parser.add_argument("--reset", action="store_true", help="delete the demo and generate it again")
        parser.add_argument("--quiet", action="store_true", help="do not print the account table")
        parser.add_argument(
            "--grids", type=int, help="district scale only: a district of about this many grids"
        )
        parser.add_argument(
            "--households",
            type=int,
            nargs=2,
            metavar=("MIN", "MAX"),
            help="with --grids: households per grid (default 200 300)",
        )
        parser.add_argument(
            "--cases",
            type=int,
            help="city scale only: historical cases (default 10 million on PostgreSQL, 2 million on SQLite)",
        )

    def size(self, options: dict[str, Any]) -> Size:
        size = SIZES[options["scale"]]
        if options["cases"] is not None and (options["scale"] != "city" or options["cases"] < 0):
            raise CommandError(_("--cases applies to the city scale only and is 0 or more."))
        if options["grids"] is None and options["households"] is None:
            return size
        if options["scale"] != "district":
            raise CommandError(_("--grids and --households apply to the district scale only."))
        grids, households = options["grids"] or size.grids, options["households"]
        if grids < 1 or (households is not None and not 1 <= households[0] <= households[1]):
            raise CommandError(_("Give at least one grid and a range of households such as 200 300."))
        return district_of_grids(grids, households=tuple(households) if households else None)

    def case_rate(self, result: generator.Result) -> str:
        """How fast the city's historical cases went in (empty for the district)."""
        if not result.case_seconds:
            return ""
        cases = result.counts["cases"]
        return " " + _("Cases: %(cases)s in %(seconds).1f s, %(rate)s cases/s.") % {
            "cases": f"{cases:,}",
            "seconds": result.case_seconds,
            "rate": f"{cases / result.case_seconds:,.0f}",
        }

    def handle(self, *args: Any, **options: Any) -> None:
        size = self.size(options)
        verbose = options["verbosity"] >= 1
        if options["reset"]:
            try:
                deleted = reset.reset(size)
            except reset.ResetError as exc:
                raise CommandError(str(exc)) from exc
            if verbose:
                self.stdout.write(_("Deleted the demo: %(rows)s rows.") % {"rows": f"{deleted.total():,}"})
        root = generator.find_root(size)
        if root is not None:
            if not generator.is_complete(root, size):
                raise CommandError(
                    _("The demo %(name)s (%(code)s) is incomplete (a load stopped half-way); use --reset.")
                    % {"name": root.name, "code": root.code}
                )
            if verbose:
                self.stdout.write(
                    _("The demo %(name)s (%(code)s) already exists: nothing generated (--reset redoes it).")
                    % {"name": root.name, "code": root.code}
                )
        else:
            result = generator.load(
                size,
                seed=options["seed"],
                progress=self.stdout.write if verbose else None,
                cases=options["cases"],
            )
            if verbose:
                rows = ", ".join(f"{name} {count:,}" for name, count in sorted(result.counts.items()))
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Generated %(name)s (%(code)s, seed %(seed)s) in %(seconds).1f s: %(rows)s.")
                        % {
                            "name": result.root.name,
                            "code": result.root.code,
                            "seed": options["seed"],
                            "seconds": result.seconds,
                            "rows": rows,
                        }
                        + self.case_rate(result)
                    )
                )
        if not options["quiet"]:
            self.stdout.write("")
            self.stdout.write(accounts.format_table(accounts.rows(size.prefix)))
            self.stdout.write(
                _("Demo passwords are for a local demo only (DEBUG); never use them for real data.")
            )
