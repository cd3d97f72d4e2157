"""Import a 12345 hotline ledger (.xlsx or .csv) into a district's ledger.

    manage.py import_hotline FILE --district CODE --as USERNAME [--dry-run] [--batch-size N]

The command acts as the named user, so the same permission checks and audit records apply as in the
API: staff who may report cases in the district. Valid rows are kept and bad rows are listed with
their row number and column; the command exits non-zero when any row failed, after keeping the
others. Importing the same file again creates nothing twice. See docs/hotline-import.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.cases import hotline
from grassroots.core import context
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import User
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit


class Command(BaseCommand):
    help = "Import a 12345 hotline ledger (.xlsx or .csv) into a district's ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the ledger: an .xlsx workbook or a CSV file (UTF-8 or GB18030)")
        parser.add_argument("--district", required=True, help="code of the district the cases belong to")
        parser.add_argument("--as", dest="username", required=True, help="act as this user")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=hotline.BATCH_SIZE,
            help="rows per transaction (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(name)r.") % {"name": options["username"]})
        # Unit codes are public identifiers; whether the actor may import there is the importer's check.
        district = Unit.objects.filter(code=options["district"], kind=UnitKind.DISTRICT).first()
        if district is None:
            raise CommandError(_("No district has the code %(code)s.") % {"code": options["district"]})
        if options["batch_size"] < 1:
            raise CommandError(_("The batch size must be at least 1."))
        try:
            with open(options["file"], "rb") as source, context.command_context("import_hotline"):
                report = hotline.import_hotline(
                    source,
                    actor=actor,
                    district=district,
                    dry_run=options["dry_run"],
                    file_name=options["file"],
                    batch_size=options["batch_size"],
                    progress=self._progress if options["verbosity"] > 1 else None,
                )
        except OSError as exc:
            message = _("Cannot read %(file)s: %(error)s") % {"file": options["file"], "error": exc}
            raise CommandError(message) from None
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for error in report.errors:
            self.stdout.write(str(error))
        if report.errors_left_out:
            self.stdout.write(_("… and %(n)s more problems.") % {"n": report.errors_left_out})
        if report.failed:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _progress(self, report: hotline.ImportReport) -> None:
        self.stderr.write(report.summary())
