"""``manage.py load_catalog --district CODE [--replace] [--as USERNAME]``: load the default matter
catalog (``cases.default_catalog``) into a district, through the catalog actions.

Idempotent: existing codes are updated to the shipped values, missing ones created; running it
again changes nothing. ``--replace`` also deactivates the district's other categories and removes
the time-limit rows the defaults do not ship. By default the system loads it (no permission
check; the audit records name ``command:load_catalog``); ``--as`` acts as a user, whose
permissions apply (a district administrator of the district, or a superuser).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.cases.default_catalog import load_default_catalog
from grassroots.cases.management.commands._actor import actor_from, add_actor_argument, district_from
from grassroots.core.context import command_context
from grassroots.core.errors import ValidationError


class Command(BaseCommand):
    help = "Load the default matter catalog (事项清单) into a district; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, metavar="CODE", help="the district's unit code")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="make the catalog exactly the default one (deactivate other categories)",
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_from(options["district"])
        actor = actor_from(options["as_user"])
        with command_context("load_catalog"):
            try:
                report = load_default_catalog(district, actor=actor, replace=options["replace"])
            except ValidationError as exc:
                lines = [f"{key}: {'; '.join(m)}" for key, m in exc.message_dict.items()]
                raise CommandError("\n".join([_("Nothing was loaded:"), *lines])) from exc
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(district)s: %(created)s categories created, %(updated)s updated, %(unchanged)s "
                    "unchanged, %(deactivated)s deactivated; %(written)s time limits written, "
                    "%(removed)s removed."
                )
                % {
                    "district": district.name,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "deactivated": report.deactivated,
                    "written": report.limits_written,
                    "removed": report.limits_removed,
                }
            )
        )
        for short_name, count in sorted(report.missing_departments.items()):
            self.stdout.write(
                self.style.WARNING(
                    _("No active department with the short name %(name)s: %(count)s categories have none.")
                    % {"name": short_name, "count": count}
                )
            )
