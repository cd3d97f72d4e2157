"""Train the category model of every district (or the one given) from its verified triage
decisions, evaluate it on a held-out fifth and store it as the active version (docs/triage.md).
A district without enough verified cases keeps the catalog's keywords (cold start) and the reason
is printed. Scheduled nightly: ``30 2 * * *  manage.py triage_train``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.org.management.districts import add_district_argument, chosen_districts
from grassroots.triage import training


class Command(BaseCommand):
    help = "Train, evaluate and store the category suggestion model of each district."

    def add_arguments(self, parser: CommandParser) -> None:
        add_district_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        districts = chosen_districts(options)
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
