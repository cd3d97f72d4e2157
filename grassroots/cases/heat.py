"""The "me too" figure (我也遇到) of a case: how many other residents have the same problem.

It counts the cases linked to it as duplicates (``mark_duplicate`` always links to the root
original, so every duplicate of a case points straight at it) and the residents who said "me too"
on it in the portal (``CaseSupport``). With the number of cases and households it is the heat of
a common problem (docs/domain.md §3.2, docs/ledger.md "Me too").

Lists annotate the figure with two correlated subqueries rather than joins: joining both
relations would multiply the rows (duplicates × supports) and need DISTINCT counts, and the
subqueries read the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from grassroots.cases.models import Case, CaseSupport
from grassroots.org.access import AnyUser


def _count(queryset: QuerySet[Case] | QuerySet[CaseSupport], key: str) -> Coalesce:
    """``COUNT(*)`` of ``queryset`` grouped by ``key`` (the outer case), 0 where there is none."""
    counted = (
        queryset.order_by()  # the default ordering would add its columns to the GROUP BY
        .values(key)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def with_me_too(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases annotated with ``duplicate_count`` (cases whose ``duplicate_of`` is the case),
    ``support_count`` (residents' "me too") and ``me_too_count`` (their sum), in the one query
    that reads the cases."""
    duplicates = _count(Case.objects.filter(duplicate_of=OuterRef("pk")), "duplicate_of")
    supports = _count(CaseSupport.objects.filter(case=OuterRef("pk")), "case")
    return queryset.annotate(duplicate_count=duplicates, support_count=supports).annotate(
        me_too_count=F("duplicate_count") + F("support_count")
    )


def with_support_of(queryset: QuerySet[Case], user: AnyUser) -> QuerySet[Case]:
    """The cases annotated with ``supported`` (bool): whether ``user`` said "me too" on each."""
    if not user.is_authenticated:
        return queryset.annotate(supported=Value(False))
    return queryset.annotate(supported=Exists(CaseSupport.objects.filter(case=OuterRef("pk"), user=user)))


def me_too(case: Case) -> int:
    """The figure of one case: the annotation if the case was read with ``with_me_too``, else two
    counts."""
    annotated = getattr(case, "me_too_count", None)
    if annotated is not None:
        return int(annotated)
    return Case.objects.filter(duplicate_of=case).count() + CaseSupport.objects.filter(case=case).count()
