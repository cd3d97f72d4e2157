"""Re-seal every encrypted ID number and phone under the current PII_KEY.

Key rotation: set PII_KEY to the new key and PII_OLD_KEYS to the old one, restart, run this
command, then remove the old key. Rows are re-sealed in batches; each row is updated only if its
ciphertext is still the one that was read, so a concurrent edit is never overwritten. Lookup
hashes are recomputed too, because they are keyed by PII_KEY as well.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from grassroots.core import audit, context, pii
from grassroots.core.models import AuditAction, SealedIdNumber, SealedPhone

BATCH = 1000


def sealed_models() -> list[tuple[type[models.Model], list[tuple[str, pii.PiiKind]]]]:
    found = []
    for model in apps.get_models():
        attributes: list[tuple[str, pii.PiiKind]] = []
        if issubclass(model, SealedIdNumber):
            attributes.append(("id_number", "id_number"))
        if issubclass(model, SealedPhone):
            attributes.append(("phone", "phone"))
        if attributes:
            found.append((model, attributes))
    return found


class Command(BaseCommand):
    help = "Re-encrypt personal data and recompute lookup hashes under the current PII_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        current = pii.current_keyring().key_id
        total = 0
        with context.command_context("rotate_pii_key"):
            for model, attributes in sealed_models():
                count = self._rotate(model, attributes, current)
                total += count
                self.stdout.write(f"{model._meta.label}: {count} rows re-sealed")
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                target_type="core.pii_key",
                target_id=current,
                label="PII key rotation",
                changes={"rows": total},
            )
        self.stdout.write(self.style.SUCCESS(f"{total} rows now sealed under key {current}"))

    def _rotate(
        self, model: type[models.Model], attributes: list[tuple[str, pii.PiiKind]], current: str
    ) -> int:
        stale = models.Q()
        for attribute, _ in attributes:
            cipher = f"{attribute}_cipher"
            stale |= ~models.Q(**{cipher: ""}) & ~models.Q(**{f"{cipher}__contains": f":{current}:"})
        done = 0
        last_pk = 0
        manager = model._default_manager
        while True:
            batch = list(manager.filter(stale, pk__gt=last_pk).order_by("pk")[:BATCH])
            if not batch:
                return done
            last_pk = batch[-1].pk
            with transaction.atomic():
                for row in batch:
                    expected: dict[str, str] = {}
                    values: dict[str, str] = {}
                    for attribute, kind in attributes:
                        token = getattr(row, f"{attribute}_cipher")
                        expected[f"{attribute}_cipher"] = token
                        if token and pii.key_id_of(token) != current:
                            plain = pii.decrypt(token, kind=kind)
                            values[f"{attribute}_cipher"] = pii.encrypt(plain, kind=kind)
                            values[f"{attribute}_hash"] = pii.blind_index(plain, kind=kind)
                    if values:
                        done += manager.filter(pk=row.pk, **expected).update(**values)
