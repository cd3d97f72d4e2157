"""Evaluate the category model beside the plain baseline, on labelled CSV files.

    manage.py triage_evaluate --train A.csv --test B.csv
    manage.py triage_evaluate --cv 5 labelled.csv [--seeds 3] [--unlabeled more.csv …] [--catalog tree.csv]

Prints accuracy, macro-F1 (mean and spread over the folds), training time, prediction speed and the
per-class F1 of both, measured in the same run (grassroots/triage/evaluate.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.triage import evaluate


class Command(BaseCommand):
    help = "Evaluate the category model against a plain baseline on labelled CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("data", nargs="?", type=Path, help="one labelled file, with --cv")
        parser.add_argument("--train", type=Path, help="labelled training file")
        parser.add_argument("--test", type=Path, help="labelled test file")
        parser.add_argument("--cv", type=int, help="K stratified folds on the one file given")
        parser.add_argument("--seeds", type=int, default=1, help="repeat the folds with this many shuffles")
        parser.add_argument(
            "--unlabeled", type=Path, action="append", default=[], help="unlabelled texts (repeatable)"
        )
        parser.add_argument(
            "--catalog",
            type=Path,
            help="a category tree as CSV (top category first, then its sub-categories) lent as texts",
        )
        parser.add_argument("--title-column", default=evaluate.TITLE)
        parser.add_argument("--text-column", default=evaluate.TEXT)
        parser.add_argument("--label-column", default=evaluate.LABEL)

    def handle(self, *args: Any, **options: Any) -> None:
        columns = {
            "title": options["title_column"],
            "text": options["text_column"],
            "label": options["label_column"],
        }
        try:
            unlabeled = [
                text
                for path in options["unlabeled"]
                for text in evaluate.read_csv(
                    path, title=columns["title"], text=columns["text"], label=None
                ).texts
            ]
            extra = evaluate.Extra(
                unlabeled, evaluate.read_catalog(options["catalog"]) if options["catalog"] else ()
            )
            if options["cv"]:
                if options["data"] is None or options["train"] or options["test"]:
                    raise CommandError("--cv K takes one labelled file, without --train/--test.")
                if options["cv"] < 2:
                    raise CommandError("--cv needs at least 2 folds.")
                data = evaluate.read_csv(options["data"], **columns)
                for seed in range(options["seeds"]):
                    scores = evaluate.cross_validate(data, options["cv"], extra, seed=seed)
                    self.stdout.write(
                        f"\n{options['cv']}-fold cross-validation, shuffle {seed}, {len(data.texts)} rows"
                    )
                    self.stdout.write(evaluate.report(scores))
            else:
                if not (options["train"] and options["test"]) or options["data"]:
                    raise CommandError("Give --train A.csv --test B.csv, or --cv K with one file.")
                train = evaluate.read_csv(options["train"], **columns)
                test = evaluate.read_csv(options["test"], **columns)
                scores = evaluate.evaluate(train, test, extra)
                self.stdout.write(f"trained on {len(train.texts)} rows, tested on {len(test.texts)}")
                self.stdout.write(evaluate.report(scores))
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
