"""List the stored category model versions of a district, the active one marked (docs/triage.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.cases.management.commands._actor import district_from
from grassroots.triage import store


class Command(BaseCommand):
    help = "List the stored category suggestion models of a district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="the district's code")

    def handle(self, *args: Any, **options: Any) -> None:
        district = district_from(options["district"])
        found = store.versions(district)
        if not found:
            self.stdout.write(
                f"{district.code}: no trained model (suggestions come from the catalog's keywords)"
            )
        for meta in found:
            evaluation = meta.get("evaluation") or {}
            self.stdout.write(
                f"{'*' if meta['current'] else ' '} v{meta['version']}  {meta.get('created_at', '')}  "
                f"{meta.get('kind', '')}  n={meta.get('n', '')}  labels={len(meta.get('labels', []))}  "
                f"accuracy={evaluation.get('accuracy', '')}  macro-F1={evaluation.get('macro_f1', '')}  "
                f"by {meta.get('trained_by', '')}"
            )
