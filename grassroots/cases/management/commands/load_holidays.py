"""``manage.py load_holidays [--year 2026 …] [--as USERNAME]``: write the shipped official holiday
arrangements (``cases.default_holidays``) into the holiday calendar, through the calendar
actions. Idempotent; entries for other dates are kept. Default: every shipped year."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.cases.default_holidays import YEARS, load_holidays
from grassroots.cases.management.commands._actor import actor_from, add_actor_argument
from grassroots.core.context import command_context
from grassroots.core.errors import ValidationError


class Command(BaseCommand):
    help = "Load the official holiday arrangements (days off and make-up working days); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            choices=YEARS,
            help="a year to load (repeatable); default: all shipped years",
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        years = tuple(options["years"] or YEARS)
        actor = actor_from(options["as_user"])
        with command_context("load_holidays"):
            try:
                report = load_holidays(actor=actor, years=years)
            except (ValidationError, PermissionDenied) as exc:
                raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Holiday calendar %(years)s: %(created)s entries added, %(updated)s corrected, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "years": ", ".join(str(y) for y in years),
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
        )
