"""Possible duplicates of a request being triaged or entered (docs/triage.md, "Duplicates").

A candidate is a root original (not itself a duplicate: ``mark_duplicate`` links to the root) of
the same district that the user sees (``cases.access.cases_visible_to``), received within
``TRIAGE_DUPLICATE_DAYS`` before the text's own receipt and not after it, open or closed; of a
category sharing the given category's
top-level ancestor (any category when none is given); when both points are known, within the
category's radius (``TRIAGE_DUPLICATE_RADIUS_BY_CATEGORY``, inherited by sub-categories, else
``TRIAGE_DUPLICATE_RADIUS_M``) — a case without a point is judged by its text alone; and whose
text is similar enough: the cosine of the character-bigram counts of ``text.join(title,
description)`` at least ``TRIAGE_DUPLICATE_MIN_SIMILARITY``.

A re-post is the same reporting resident sending the same text (identical once normalised, or
similarity at least ``REPOST_SIMILARITY``) within ``TRIAGE_REPOST_MINUTES``: it comes first.
Otherwise candidates rank by similarity, then nearer, then newer.

The reference time is when the text came in: ``received_at`` when given (a case in the ledger,
looked at days or months later, is compared with the cases received in the N days up to its own
receipt), else now (a request being entered). A case received after it is never offered: the
later of two reports is the duplicate, never the original, and ``mark_duplicate`` would link the
earlier case to it the wrong way round. Simultaneous receipts are offered.

The pre-filter (district, window, categories, bounding box, the newest ``PREFILTER_LIMIT``) runs
in SQL in one query; the similarity in Python.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases.access import cases_visible_to
from grassroots.cases.models import Case, Category
from grassroots.org.access import AnyUser
from grassroots.org.models import Unit
from grassroots.people.models import Resident
from grassroots.triage import text as text_mod

REPOST_SIMILARITY = 0.9
PREFILTER_LIMIT = 500
METRES_PER_DEGREE = 111_320.0
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Candidate:
    case: Case
    score: float
    distance_m: float | None
    repost: bool = False
    reasons: list[str] = field(default_factory=list)


def bigrams(text: str) -> Counter[str]:
    """Character-bigram counts of the text without its spaces (a one-character text counts itself)."""
    compact = "".join(text.split())
    if len(compact) < 2:
        return Counter([compact]) if compact else Counter()
    return Counter(compact[i : i + 2] for i in range(len(compact) - 1))


def similarity(a: Counter[str], b: Counter[str]) -> float:
    """Cosine of two count vectors: 0 (nothing shared) to 1 (same proportions)."""
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm if norm else 0.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def radius_for(category: Category | None) -> float:
    """The search radius for a category: the override of the nearest of its lineage that has one
    (a code applies to its sub-categories), else ``TRIAGE_DUPLICATE_RADIUS_M``."""
    overrides: dict[str, float] = settings.TRIAGE_DUPLICATE_RADIUS_BY_CATEGORY
    if category is not None:
        for node in category.lineage():
            if node.code in overrides:
                return float(overrides[node.code])
    return float(settings.TRIAGE_DUPLICATE_RADIUS_M)


def category_family(category: Category) -> Q:
    """The categories sharing the category's top-level ancestor (it and its descendants; the
    catalog has at most three levels)."""
    top = category.lineage()[-1]
    return Q(category=top) | Q(category__parent=top) | Q(category__parent__parent=top)


def find_duplicates(
    user: AnyUser,
    *,
    district: Unit,
    title: str,
    description: str,
    category: Category | None = None,
    lat: float | None = None,
    lng: float | None = None,
    reporter: Resident | None = None,
    exclude: Case | None = None,
    now: datetime | None = None,
    received_at: datetime | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Up to ``limit`` possible duplicates of the text, best first (module docstring).
    ``received_at`` is when the text came in (default: ``now``, itself by default the present):
    the day window ends there and the re-post window is measured from it."""
    given = text_mod.join(title, description)
    if not given:
        return []
    received_at = received_at or now or timezone.now()
    query = cases_visible_to(user).filter(
        district=district,
        duplicate_of__isnull=True,
        received_at__gte=received_at - timedelta(days=settings.TRIAGE_DUPLICATE_DAYS),
        received_at__lte=received_at,
    )
    if exclude is not None:
        query = query.exclude(pk=exclude.pk)
    if category is not None:
        query = query.filter(category_family(category))
    radius = radius_for(category)
    origin = (lat, lng) if lat is not None and lng is not None else None
    if lat is not None and lng is not None:
        dlat = radius / METRES_PER_DEGREE
        dlng = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        query = query.filter(
            Q(lat__isnull=True)
            | Q(lng__isnull=True)
            | Q(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
        )
    rows = list(
        query.only(
            "pk", "number", "title", "description", "state", "received_at", "lat", "lng", "reporter_id"
        ).order_by("-received_at", "-pk")[:PREFILTER_LIMIT]
    )
    grams = bigrams(given)
    threshold = settings.TRIAGE_DUPLICATE_MIN_SIMILARITY
    repost_window = timedelta(minutes=settings.TRIAGE_REPOST_MINUTES)
    found: list[Candidate] = []
    for case in rows:
        other = text_mod.join(case.title, case.description)
        score = 1.0 if other == given else similarity(grams, bigrams(other))
        if score < threshold:
            continue
        metres: float | None = None
        if origin is not None and case.lat is not None and case.lng is not None:
            metres = distance_m(origin[0], origin[1], case.lat, case.lng)
            if metres > radius:
                continue
        reasons = [_("similar text (%(percent)d%%)") % {"percent": round(score * 100)}]
        if metres is not None:
            reasons.append(_("%(metres)d m away") % {"metres": round(metres)})
        if category is not None:
            reasons.append(_("related category"))
        repost = (
            reporter is not None
            and case.reporter_id == reporter.pk
            and score >= REPOST_SIMILARITY
            and received_at - case.received_at <= repost_window
        )
        if repost:
            reasons.insert(0, _("sent again by the same reporter"))
        found.append(Candidate(case=case, score=score, distance_m=metres, repost=repost, reasons=reasons))
    found.sort(
        key=lambda c: (
            not c.repost,
            -c.score,
            c.distance_m if c.distance_m is not None else math.inf,
            -c.case.received_at.timestamp(),
        )
    )
    return found[:limit]


def duplicates_of_case(user: AnyUser, case: Case, *, limit: int = 5) -> list[Candidate]:
    """The possible duplicates of a case in the ledger: its own text, point, category and
    reporter; the day and re-post windows end when it was received, so a case looked at later
    still finds its original and never a later case; the case itself left out.
    Select ``district`` and ``category__parent__parent`` with the case to spare their queries."""
    # Only the reporter's key is compared: a stand-in spares loading the resident.
    reporter = Resident(pk=case.reporter_id) if case.reporter_id is not None else None
    return find_duplicates(
        user,
        district=case.district,
        title=case.title,
        description=case.description,
        category=case.category,
        lat=case.lat,
        lng=case.lng,
        reporter=reporter,
        exclude=case,
        received_at=case.received_at,
        limit=limit,
    )
