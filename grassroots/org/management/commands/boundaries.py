"""Export and import unit boundaries as a GeoJSON FeatureCollection.

    manage.py boundaries export --as USERNAME [--root CODE] [--kind grid] [-o FILE]
    manage.py boundaries import FILE --as USERNAME [--create-missing] [--dry-run]

The command acts as the named user, so the same permission checks and audit records apply as in
the admin: a superuser, or someone whose posts let them administer the units in the file.
``FILE`` may be ``-`` for standard input. An import with any error writes nothing and exits non-zero.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.core import context
from grassroots.core.models import User
from grassroots.org import access, boundaries
from grassroots.org.choices import UnitKind


class Command(BaseCommand):
    help = "Export or import unit boundaries as a GeoJSON FeatureCollection."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the boundaries of a subtree as GeoJSON.")
        export.add_argument("--as", dest="username", required=True, help="act as this user")
        export.add_argument("--root", help="code of the subtree's root (default: everything the user sees)")
        export.add_argument(
            "--kind", action="append", choices=UnitKind.values, help="only units of this kind (repeatable)"
        )
        export.add_argument("-o", "--output", help="file to write (default: standard output)")
        imp = sub.add_parser("import", help="Set boundaries from GeoJSON, all or nothing.")
        imp.add_argument("file", help="GeoJSON FeatureCollection file, or - for standard input")
        imp.add_argument("--as", dest="username", required=True, help="act as this user")
        imp.add_argument(
            "--create-missing", action="store_true", help="create units that do not exist, under parent_code"
        )
        imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        imp.add_argument(
            "--overlap-tolerance",
            type=float,
            default=boundaries.OVERLAP_TOLERANCE_M2,
            help="overlap allowed between two units of one kind, in m² (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(name)r.") % {"name": options["username"]})
        with context.command_context("boundaries"):
            if options["action"] == "export":
                self._export(actor, options)
            else:
                self._import(actor, options)

    def _export(self, actor: User, options: dict[str, Any]) -> None:
        root = None
        if options["root"]:
            root = access.units_visible_to(actor).filter(code=options["root"]).first()
            if root is None:
                raise CommandError(_("No unit has the code %(code)s.") % {"code": options["root"]})
        collection = boundaries.export_boundaries(actor=actor, root=root, kinds=options["kind"])
        text = json.dumps(collection, ensure_ascii=False, indent=1)
        if options["output"] and options["output"] != "-":
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
            self.stderr.write(f"{len(collection['features'])} features written to {options['output']}")
        else:
            self.stdout.write(text)

    def _import(self, actor: User, options: dict[str, Any]) -> None:
        try:
            if options["file"] == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(options["file"], "rb") as source:
                    data = source.read()
        except OSError as exc:
            message = _("Cannot read %(file)s: %(error)s") % {"file": options["file"], "error": exc}
            raise CommandError(message) from None
        report = boundaries.import_boundaries(
            actor=actor,
            data=data,
            create_missing=options["create_missing"],
            dry_run=options["dry_run"],
            overlap_tolerance_m2=options["overlap_tolerance"],
        )
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
