"""Candidate common problems (共性问题) of a district: find, rank, list (docs/triage.md, "Common
problems"; docs/domain.md §3.2).

``refresh(district)`` groups the district's open root cases received in the last
``TRIAGE_PROBLEM_DAYS`` that are in no common problem yet (``grouping.group``: text, place and
category family) into groups of at least ``TRIAGE_PROBLEM_MIN_CASES`` cases; a group continuing a
proposed candidate (most of their cases shared) updates it, keeping its uid, and the others become
new candidates. A group whose cases all lie in a candidate staff dismissed is not proposed again.

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
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
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
SAME_CANDIDATE = 0.5  # Jaccard share of cases from which a fresh group continues a candidate


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


def heat_of(cases: Sequence[Case], me_too: dict[int, int]) -> Heat:
    """The heat of a group of cases; ``me_too``: case id → its "me too" figure."""
    return Heat(
        cases=len(cases),
        households=len({household_key(case) for case in cases}),
        grids=len({case.grid_id for case in cases if case.grid_id is not None}),
        me_too=sum(me_too.get(case.pk, 0) for case in cases),
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
    return (
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


def _groups(district: Unit, cases: list[Case]) -> list[Found]:
    """The groups among ``cases`` with their place and heat, hottest first."""
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
    # The "me too" figures of the grouped cases only, and each group's place, in one query each
    # (``Any``: the type checker does not know the annotation).
    grouped: Any = with_me_too(Case.objects.filter(pk__in=[case.pk for group in members for case in group]))
    me_too = dict(grouped.values_list("pk", "me_too_count"))
    place_paths = [common_ancestor_path(case.unit.path for case in group) for group in members]
    places = {unit.path: unit for unit in Unit.objects.filter(path__in=set(place_paths))}
    found = [
        Found(
            cases=group_cases,
            similarity=group.similarity,
            phrases=group.phrases,
            place=places.get(path, district),
            heat=heat_of(group_cases, me_too),
        )
        for group, group_cases, path in zip(groups, members, place_paths, strict=True)
    ]
    found.sort(key=lambda f: (-f.heat.score, -f.heat.cases, f.cases[0].received_at))
    return found


def _member_sets(district: Unit, state: CandidateState, since: datetime | None = None) -> dict[int, set[int]]:
    """Candidate id → its case ids, for the district's candidates in ``state`` (decided since)."""
    rows = CandidateMember.objects.filter(candidate__district=district, candidate__state=state)
    if since is not None:
        rows = rows.filter(candidate__decided_at__gte=since)
    sets: dict[int, set[int]] = {}
    for candidate_id, case_id in rows.values_list("candidate_id", "case_id"):
        sets.setdefault(candidate_id, set()).add(case_id)
    return sets


def _successor(ids: set[int], proposed: dict[int, set[int]]) -> int | None:
    """The proposed candidate a fresh group continues: the one sharing the most of its cases, if
    they are at least half of the two together (Jaccard ≥ ``SAME_CANDIDATE``)."""
    best, best_share = None, 0.0
    for candidate_id, members in proposed.items():
        share = len(ids & members) / len(ids | members)
        if share > best_share:
            best, best_share = candidate_id, share
    return best if best_share >= SAME_CANDIDATE else None


@dataclass(frozen=True)
class Refreshed:
    cases: int  # cases looked at
    candidates: int
    proposed_major: int
    skipped_dismissed: int


@transaction.atomic
def refresh(district: Unit, *, now: datetime | None = None) -> Refreshed:
    """Bring the district's proposed candidates up to a fresh grouping (module docstring). A group
    that continues a proposed candidate updates it in place — same uid, so links and pages stay
    valid; its version goes up when its cases changed, so a decision taken on the old cases is
    refused as stale — and the candidates no group continues are removed. Runs of the same
    district queue behind one another (the district row is locked)."""
    now = now or timezone.now()
    Unit.objects.select_for_update().filter(pk=district.pk).first()
    since = now - timedelta(days=settings.TRIAGE_PROBLEM_DAYS)
    cases = list(groupable_cases(district, since=since))
    found = _groups(district, cases)
    dismissed = list(_member_sets(district, CandidateState.DISMISSED, since).values())
    proposed = _member_sets(district, CandidateState.PROPOSED)
    kept: set[int] = set()
    created = skipped = major = 0
    for group in found:
        ids = {case.pk for case in group.cases}
        if any(ids <= gone for gone in dismissed):
            skipped += 1
            continue
        fields = {
            "unit": group.place,
            "label": label_for(group.place, group.phrases),
            "phrases": group.phrases,
            "case_count": group.heat.cases,
            "household_count": group.heat.households,
            "grid_count": group.heat.grids,
            "me_too_count": group.heat.me_too,
            "heat": group.heat.score,
            "propose_major": group.heat.propose_major,
            "window_start": since,
            "found_at": now,
        }
        previous = _successor(ids, {k: v for k, v in proposed.items() if k not in kept})
        if previous is None:
            candidate = ProblemCandidate.objects.create(district=district, **fields)
        else:
            kept.add(previous)
            changed = proposed[previous] != ids
            ProblemCandidate.objects.filter(pk=previous).update(
                **fields, version=F("version") + (1 if changed else 0)
            )
            candidate = ProblemCandidate(pk=previous)
            CandidateMember.objects.filter(candidate_id=previous).delete()
        CandidateMember.objects.bulk_create(
            CandidateMember(
                district=district, candidate=candidate, case=case, centre=(k == 0), similarity=similarity
            )
            for k, (case, similarity) in enumerate(zip(group.cases, group.similarity, strict=True))
        )
        created += 1
        major += group.heat.propose_major
    ProblemCandidate.objects.filter(pk__in=set(proposed) - kept).delete()
    return Refreshed(cases=len(cases), candidates=created, proposed_major=major, skipped_dismissed=skipped)


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
