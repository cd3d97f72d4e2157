"""Switch a district's active category model back to the previous version, or to ``--to N``
(docs/triage.md). Instant: nothing is retrained; web workers pick it up on their next suggestion."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.cases.management.commands._actor import district_from
from grassroots.triage import store


class Command(BaseCommand):
    help = "Activate the previous (or a given) category suggestion model version of a district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="the district's code")
        parser.add_argument(
            "--to", type=int, metavar="N", help="the version to activate (default: the previous)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_from(options["district"])
        try:
            if options["to"] is not None:
                store.activate(district, options["to"])
                version = options["to"]
            else:
                version = store.rollback(district)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{district.code}: v{version} is now active"))
