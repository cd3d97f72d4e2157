"""Candidate common problems (共性问题) of a district: find, rank, list (docs/triage.md, "Common
problems"; docs/domain.md §3.2).

``refresh(district)`` groups the district's open root cases received in the last
``TRIAGE_PROBLEM_DAYS`` that are in no common problem yet (``grouping.group``: text, place and
category family), and replaces the district's proposed candidates with the groups of at least
``TRIAGE_PROBLEM_MIN_CASES`` cases. A group whose cases all lie in a candidate staff dismissed is
not proposed again.

Each candidate carries its heat: the distinct households behind its cases (a case's household, else
its reporter's phone, else the case itself) plus its "me too" figure (linked duplicates and residents'
support, ``cases.heat``); candidates rank by heat, then by number of cases. A candidate with at least
``TRIAGE_PROPOSE_HOUSEHOLDS`` households or spread over at least ``TRIAGE_PROPOSE_GRIDS`` grids is
proposed for escalation as one 大事. Its label is the place (the smallest unit containing all its
cases) and its most characteristic phrases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases.access import cases_visible_to
from grassroots.cases.choices import OPEN_STATES
from grassroots.cases.heat import with_me_too
from grassroots.cases.models import Case
from grassroots.core.tree import common_ancestor_path, subtree_q
from grassroots.org.access import AnyUser, is_superuser, scope_paths
from grassroots.org.models import Unit
from grassroots.triage import grouping
from grassroots.triage import text as text_mod
from grassroots.triage.models import CandidateMember, CandidateState, ProblemCandidate

LABEL_MAX = 200


@dataclass(frozen=True)
class Heat:
    cases: int
    households: int
    grids: int
    me_too: int

    @property
    def score(self) -> int:
        return self.households + self.me_too

    @property
    def propose_major(self) -> bool:
        return (
            self.households >= settings.TRIAGE_PROPOSE_HOUSEHOLDS
            or self.grids >= settings.TRIAGE_PROPOSE_GRIDS
        )


def household_key(case: Case) -> tuple[str, object]:
    """Who stands behind a case, for counting distinct households: its household, else the
    reporter's phone (hotline callers without a registered household), else the case itself."""
    if case.household_id is not None:
        return ("household", case.household_id)
    if case.phone_hash:
        return ("phone", case.phone_hash)
    return ("case", case.pk)


def heat_of(cases: Sequence[Case]) -> Heat:
    """The heat of a group of cases read through ``cases.heat.with_me_too``."""
    return Heat(
        cases=len(cases),
        households=len({household_key(case) for case in cases}),
        grids=len({case.grid_id for case in cases if case.grid_id is not None}),
        me_too=sum(int(getattr(case, "me_too_count", 0)) for case in cases),
    )


def label_for(place: Unit, phrases: Sequence[str]) -> str:
    words = "、".join(phrases) or _("similar requests")
    return f"{place.name}：{words}"[:LABEL_MAX]


def _family(case: Case) -> int | None:
    if case.category is None:
        return None
    return case.category.lineage()[-1].pk


def groupable_cases(district: Unit, *, since: datetime) -> QuerySet[Case]:
    """The cases grouped: open, root (not a duplicate), in no common problem, received since."""
    return with_me_too(
        Case.objects.filter(
            district=district,
            state__in=OPEN_STATES,
            duplicate_of__isnull=True,
            problem__isnull=True,
            received_at__gte=since,
        )
        .select_related("unit", "category__parent__parent")
        .order_by("received_at", "pk")
    )


@dataclass(frozen=True)
class Found:
    cases: list[Case]  # the centre first
    similarity: list[float]
    phrases: list[str]
    place: Unit
    heat: Heat


def find(district: Unit, *, now: datetime | None = None) -> list[Found]:
    """The district's groups, hottest first, without writing anything."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.TRIAGE_PROBLEM_DAYS)
    cases = list(groupable_cases(district, since=since))
    items = [
        grouping.Item(
            text=text_mod.join(case.title, case.description),
            lat=case.lat,
            lng=case.lng,
            family=_family(case),
        )
        for case in cases
    ]
    groups = grouping.group(
        items,
        min_similarity=settings.TRIAGE_PROBLEM_MIN_SIMILARITY,
        radius_m=settings.TRIAGE_PROBLEM_RADIUS_M,
        min_size=settings.TRIAGE_PROBLEM_MIN_CASES,
    )
    members = [[cases[i] for i in group.members] for group in groups]
    paths = {common_ancestor_path(case.unit.path for case in group) for group in members}
    places = {unit.path: unit for unit in Unit.objects.filter(path__in=paths)}
    found = [
        Found(
            cases=group_cases,
            similarity=group.similarity,
            phrases=group.phrases,
            place=places.get(common_ancestor_path(c.unit.path for c in group_cases), district),
            heat=heat_of(group_cases),
        )
        for group, group_cases in zip(groups, members, strict=True)
    ]
    found.sort(key=lambda f: (-f.heat.score, -f.heat.cases, f.cases[0].received_at))
    return found


def _dismissed_sets(district: Unit, since: datetime) -> list[set[int]]:
    sets: dict[int, set[int]] = {}
    rows = CandidateMember.objects.filter(
        candidate__district=district,
        candidate__state=CandidateState.DISMISSED,
        candidate__decided_at__gte=since,
    ).values_list("candidate_id", "case_id")
    for candidate_id, case_id in rows:
        sets.setdefault(candidate_id, set()).add(case_id)
    return list(sets.values())


@dataclass(frozen=True)
class Refreshed:
    cases: int  # cases looked at
    candidates: int
    proposed_major: int
    skipped_dismissed: int


@transaction.atomic
def refresh(district: Unit, *, now: datetime | None = None) -> Refreshed:
    """Replace the district's proposed candidates with a fresh grouping (module docstring).
    Runs of the same district queue behind one another (the district row is locked)."""
    now = now or timezone.now()
    Unit.objects.select_for_update().filter(pk=district.pk).first()
    since = now - timedelta(days=settings.TRIAGE_PROBLEM_DAYS)
    found = find(district, now=now)
    looked_at = groupable_cases(district, since=since).count()
    dismissed = _dismissed_sets(district, since)
    ProblemCandidate.objects.filter(district=district, state=CandidateState.PROPOSED).delete()
    created = skipped = major = 0
    for group in found:
        ids = {case.pk for case in group.cases}
        if any(ids <= gone for gone in dismissed):
            skipped += 1
            continue
        candidate = ProblemCandidate.objects.create(
            district=district,
            unit=group.place,
            label=label_for(group.place, group.phrases),
            phrases=group.phrases,
            case_count=group.heat.cases,
            household_count=group.heat.households,
            grid_count=group.heat.grids,
            me_too_count=group.heat.me_too,
            heat=group.heat.score,
            propose_major=group.heat.propose_major,
            window_start=since,
            found_at=now,
        )
        CandidateMember.objects.bulk_create(
            CandidateMember(
                district=district, candidate=candidate, case=case, centre=(k == 0), similarity=similarity
            )
            for k, (case, similarity) in enumerate(zip(group.cases, group.similarity, strict=True))
        )
        created += 1
        major += group.heat.propose_major
    return Refreshed(cases=looked_at, candidates=created, proposed_major=major, skipped_dismissed=skipped)


def candidates_visible_to(user: AnyUser) -> QuerySet[ProblemCandidate]:
    """Candidates whose place lies in the user's scope, as for common problems (docs/domain.md §1)."""
    if not user.is_authenticated:
        return ProblemCandidate.objects.none()
    if is_superuser(user):
        return ProblemCandidate.objects.all()
    return ProblemCandidate.objects.filter(subtree_q("unit__path", scope_paths(user)))


def members_visible_to(user: AnyUser, candidate: ProblemCandidate) -> QuerySet[Case]:
    """The candidate's cases the user may see, the centre first, with their "me too" figures."""
    membership = CandidateMember.objects.filter(candidate=candidate, case=OuterRef("pk"))
    return with_me_too(
        cases_visible_to(user)
        .filter(Exists(membership))
        .annotate(
            centre=Subquery(membership.values("centre")[:1]),
            similarity=Subquery(membership.values("similarity")[:1]),
        )
        .select_related("unit", "grid", "category")
        .order_by("-centre", "-similarity", "pk")
    )
