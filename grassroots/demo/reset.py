"""Deleting a demo (``manage.py demo --reset``): every row under its root, then its users.

Foreign keys are PROTECT almost everywhere, so rows go in dependency order — the ledger (case
events and the rest, cases, common problems, the catalog) first, people before households,
households before buildings, posts before units, children before parents (deepest tree level
first) — with plain ``DELETE … WHERE district_id IN (…)`` statements instead of
Django's collector, which would load millions of rows into memory at city scale. Users go last
through the ORM, which clears the references other tables keep to them (audit records keep their
rows with the actor emptied). Audit records themselves are never deleted (docs/domain.md §8); the reset
adds one, with the number of rows deleted per table.

A row outside the demo that points into it (say, a case filed by hand against a demo grid) makes
the database refuse the delete; the transaction rolls back and nothing is lost.
"""

from __future__ import annotations

from collections import Counter

from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Length

from grassroots.cases.models import (
    Attachment,
    Case,
    CaseDepartment,
    CaseEvent,
    CaseSequence,
    CaseTally,
    Category,
    CommonProblem,
    DistrictSplitTally,
    Extension,
    IdempotencyKey,
    MetricSnapshot,
    SlaSettings,
    SplitTally,
    SupervisionRecord,
    TimeLimit,
)
from grassroots.core import audit
from grassroots.core.context import command_context
from grassroots.core.models import AuditAction, User
from grassroots.demo import accounts
from grassroots.demo.plan import Size
from grassroots.org.choices import UnitKind
from grassroots.org.models import Department, PartyOrg, Post, Unit
from grassroots.people.models import CareTag, Facility, Household, Organization, PartyMember, Resident

# Dependency order: a model's rows go before the rows they point at. The ledger first: cases
# point at households, residents, units, departments and the catalog.
LEDGER_TABLES: tuple[type[models.Model], ...] = (
    CaseEvent,
    CaseDepartment,
    Attachment,
    Extension,
    SupervisionRecord,
    MetricSnapshot,
    CaseTally,
    SplitTally,
    DistrictSplitTally,
)
CATALOG_TABLES: tuple[type[models.Model], ...] = (TimeLimit, Category, SlaSettings)
PEOPLE_TABLES: tuple[type[models.Model], ...] = (
    CareTag,
    PartyMember,
    Resident,
    Household,
    Organization,
    Facility,
)


class ResetError(RuntimeError):
    """Something outside the demo still points into it."""


def _raw_delete(queryset: models.QuerySet[models.Model]) -> int:
    return queryset._raw_delete(queryset.db)


def _by_depth(queryset: models.QuerySet[models.Model]) -> int:
    """Delete tree nodes deepest level first, so no node goes before its children."""
    deepest = queryset.aggregate(deepest=Max("depth"))["deepest"]
    deleted = 0
    for depth in range(deepest if deepest is not None else -1, -1, -1):
        deleted += _raw_delete(queryset.filter(depth=depth))
    return deleted


def _delete_ledger(districts: list[int]) -> Counter[str]:
    """The districts' cases and everything hanging on them, their common problems and catalog;
    then each year's case numbering goes back to the last number still in use, so that a demo
    generated again gets the same numbers. (The holiday calendar is shared and stays.)"""
    deleted: Counter[str] = Counter()
    # One statement per table and district: the city has millions of cases per district.
    for district in districts:
        cases = Case.objects.filter(district_id=district)
        deleted["idempotencykey"] += _raw_delete(IdempotencyKey.objects.filter(case__in=cases.values("pk")))
        for model in LEDGER_TABLES:
            deleted[model._meta.model_name or ""] += _raw_delete(
                model._default_manager.filter(district_id=district)
            )
        deleted["case"] += _raw_delete(cases)
    deleted["commonproblem"] = _raw_delete(CommonProblem.objects.filter(district_id__in=districts))
    for model in CATALOG_TABLES:
        deleted[model._meta.model_name or ""] = _raw_delete(
            model._default_manager.filter(district_id__in=districts)
        )
    if deleted["case"]:
        for sequence in CaseSequence.objects.all():
            last = (  # beyond 999,999 a year the numbers have seven digits: longest first
                Case.objects.filter(number__startswith=f"{sequence.year}-")
                .order_by(Length("number").desc(), "-number")
                .values_list("number", flat=True)
                .first()
            )
            CaseSequence.objects.filter(pk=sequence.pk).update(last=int(last.split("-")[1]) if last else 0)
    return +deleted


def demo_users(size: Size) -> models.QuerySet[User]:
    """The users a demo of ``size`` generated: ``demo.gm.00042``-style staff and ``demo_<role>``."""
    return User.objects.filter(
        Q(username__startswith=f"{size.prefix}.") | Q(username__in=accounts.usernames(size.prefix))
    )


def reset(size: Size) -> Counter[str]:
    """Delete the demo of ``size`` (its root's subtree and its users); rows deleted per table."""
    deleted: Counter[str] = Counter()
    try:
        with command_context("demo"), transaction.atomic():
            root = Unit.objects.filter(code=size.root_code, parent__isnull=True).first()
            if root is not None:
                units = Unit.objects.filter(path__subtree=root.path)
                districts = list(units.filter(kind=UnitKind.DISTRICT).values_list("pk", flat=True))
                deleted.update(_delete_ledger(districts))
                for model in PEOPLE_TABLES:
                    qs = model._default_manager.filter(district_id__in=districts)
                    deleted[model._meta.model_name or ""] = _raw_delete(qs)
                deleted["post"] = _raw_delete(
                    Post.objects.filter(
                        Q(unit_id__in=units.values("pk")) | Q(department__district_id__in=districts)
                    )
                )
                deleted["department"] = _raw_delete(Department.objects.filter(district_id__in=districts))
                deleted["partyorg"] = _by_depth(PartyOrg.objects.filter(district_id__in=districts))
                deleted["unit"] = _by_depth(units)
            users = demo_users(size)
            deleted["post"] += _raw_delete(Post.objects.filter(user__in=users))
            deleted["user"] = users.delete()[1].get(User._meta.label, 0)
            if deleted.total():
                audit.record(
                    actor=None,
                    action=AuditAction.DELETE,
                    target_type=f"demo.{size.scale}",
                    target_id=size.root_code,
                    label=root.name if root else size.root_code,
                    scope_path=root.path if root else "",
                    changes={"rows": dict(sorted(deleted.items()))},
                )
    except IntegrityError as exc:
        raise ResetError(f"rows outside the demo still refer to it: {exc}") from exc
    return deleted
