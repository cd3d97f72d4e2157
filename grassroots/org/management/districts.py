"""The ``--district`` option that commands working district by district share."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet

from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit


def add_district_argument(parser: CommandParser) -> None:
    parser.add_argument("--district", help="the district's code (default: every district)")


def chosen_districts(options: dict[str, Any]) -> QuerySet[Unit]:
    """The district named by ``--district``, or every district, in code order."""
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code")
    if options.get("district"):
        districts = districts.filter(code=options["district"])
        if not districts.exists():
            raise CommandError(f"No district with code {options['district']!r}.")
    return districts
