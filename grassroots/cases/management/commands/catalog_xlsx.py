"""``manage.py catalog_xlsx``: a district's matter catalog as an Excel workbook, out and in.

    manage.py catalog_xlsx export --district CODE [-o FILE]       # default: catalog-CODE.xlsx
    manage.py catalog_xlsx import --district CODE FILE [--atomic] [--as USERNAME]

The format and its column mapping are described in ``grassroots/cases/catalog_excel.py`` (and
docs/catalog.md). Import reports every failing row with its row number; the other rows are kept
unless ``--atomic``. By default the system acts (no permission check, audit records name the
command); ``--as`` acts as a user, whose permissions apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.cases import catalog_excel
from grassroots.cases.management.commands._actor import actor_from, add_actor_argument, district_from
from grassroots.core.context import command_context
from grassroots.core.errors import ValidationError


class Command(BaseCommand):
    help = "Export a district's matter catalog to an Excel workbook, or import one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="direction", required=True)
        export = sub.add_parser("export", help="write the catalog to a workbook")
        export.add_argument("--district", required=True, metavar="CODE")
        export.add_argument("-o", "--output", metavar="FILE", help="default: catalog-CODE.xlsx")
        add_actor_argument(export)
        load = sub.add_parser("import", help="read a workbook into the catalog")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--district", required=True, metavar="CODE")
        load.add_argument("--atomic", action="store_true", help="keep nothing if any row fails")
        add_actor_argument(load)

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_from(options["district"])
        actor = actor_from(options["as_user"])
        with command_context("catalog_xlsx"):
            if options["direction"] == "export":
                target = Path(options["output"] or f"catalog-{district.code}.xlsx")
                target.write_bytes(catalog_excel.export_catalog(district, actor=actor))
                self.stdout.write(self.style.SUCCESS(_("Wrote %(file)s.") % {"file": target}))
                return
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(_("No such file: %(file)s") % {"file": path})
            try:
                with path.open("rb") as handle:
                    report = catalog_excel.import_catalog(
                        handle, actor=actor, district=district, atomic=options["atomic"]
                    )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        for error in report.errors:
            details = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in error.errors.items())
            self.stdout.write(
                self.style.ERROR(
                    _("Row %(row)s (%(code)s): %(errors)s")
                    % {"row": error.row, "code": error.code or "-", "errors": details}
                )
            )
        if report.ignored_columns:
            self.stdout.write(
                self.style.WARNING(
                    _("Ignored columns: %(columns)s") % {"columns": ", ".join(report.ignored_columns)}
                )
            )
        summary = _(
            "%(rows)s rows: %(created)s categories created, %(updated)s updated, %(unchanged)s "
            "unchanged; %(written)s time limits written, %(removed)s removed; %(errors)s rows failed."
        ) % {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "written": report.limits_written,
            "removed": report.limits_removed,
            "errors": len(report.errors),
        }
        if not report.committed:
            raise CommandError(summary + " " + _("Nothing was kept (--atomic)."))
        self.stdout.write(self.style.SUCCESS(summary) if not report.errors else summary)
