"""Train the category model of every district (or the one given) from its verified triage
decisions, evaluate it on a held-out fifth and store it as the active version (docs/triage.md).
A district without enough verified cases keeps the catalog's keywords (cold start) and the reason
is printed. Scheduled nightly: ``30 2 * * *  manage.py triage_train``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.triage import training


class Command(BaseCommand):
    help = "Train, evaluate and store the category suggestion model of each district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="the district's code (default: every district)")

    def handle(self, *args: Any, **options: Any) -> None:
        districts = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code")
        if options["district"]:
            districts = districts.filter(code=options["district"])
            if not districts.exists():
                raise CommandError(f"No district with code {options['district']!r}.")
        for district in districts:
            result = training.train(district)
            if result.version is None:
                self.stdout.write(f"{district.code}: not trained: {result.reason}")
                continue
            e = result.evaluation
            self.stdout.write(
                self.style.SUCCESS(
                    f"{district.code}: v{result.version} trained on {e['n_train'] + e['n']} cases; "
                    f"held out {e['n']}: accuracy {e['accuracy']:.3f}, macro-F1 {e['macro_f1']:.3f}"
                )
            )
            for code, f1 in sorted(e["per_category"].items()):
                self.stdout.write(f"  {code}\tF1 {f1:.3f}")
            if result.left_out:
                self.stdout.write(f"  left out (too few cases): {', '.join(result.left_out)}")
