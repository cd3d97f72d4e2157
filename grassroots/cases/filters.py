"""Filters over the ledger, one definition for the API, pages and exports (docs/architecture.md).

They narrow a queryset that ``cases.access.cases_visible_to`` (or ``public_cases_for``) has
already scoped; none of them widens it. An unknown code, or one outside the caller's scope,
matches nothing, exactly like a code that exists but holds none of the caller's cases.

The work queues (``queue``) are the queryset form of the ``cases.access`` predicates, built from
the same role tables, so that a workbench lists what ``available_acts`` would offer:

- ``to_triage``: registered cases under a unit where the user triages (``can_triage``);
- ``held_by_me``: cases being handled by the user, their unit at its level's roles, or their
  department (``can_handle``);
- ``to_verify``: resolved cases above which the user verifies and which they did not resolve
  (``can_verify``).
"""

from __future__ import annotations

import uuid

import django_filters as filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.cases.access import HANDLER_ROLES, TRIAGE_ROLES, VERIFIER_ROLES
from grassroots.cases.choices import (
    HANDLING_STATES,
    OPEN_STATES,
    Channel,
    Color,
    Level,
    Outcome,
    State,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.cases.models import Case
from grassroots.core.tree import subtree_q
from grassroots.org.access import AnyUser, active_posts, is_superuser, scope_paths
from grassroots.org.filters import in_unit_subtree

WARNING_COLORS = [(Color.YELLOW.value, Color.YELLOW.label), (Color.RED.value, Color.RED.label)]
SUPERVISION_LEVELS = [(level.value, level.label) for level in Supervision if level]


QUEUES = [
    ("to_triage", _("Waiting for my triage")),
    ("held_by_me", _("Held by me, my unit or my department")),
    ("to_verify", _("Waiting for my verification")),
]


def to_triage_q(user: AnyUser) -> Q:
    """Registered cases under a unit where ``user`` holds a triage role (``access.can_triage``)."""
    if is_superuser(user):
        return Q(state=State.REGISTERED)
    return Q(state=State.REGISTERED) & subtree_q("unit__path", scope_paths(user, TRIAGE_ROLES))


def held_by_q(user: AnyUser) -> Q:
    """Cases being handled that ``access.can_handle`` gives to ``user``: assigned to them, held by
    a department they serve in, or held by their unit at a level their role handles."""
    held = Q(state__in=sorted(HANDLING_STATES))
    if is_superuser(user):
        return held
    if not user.is_authenticated:
        return Q(pk__in=[])
    mine = Q(assignee=user)
    for post in active_posts(user):
        if post.department_id:
            mine |= Q(responsible_department_id=post.department_id)
        if post.unit_id:
            levels = sorted(level for level, roles in HANDLER_ROLES.items() if post.role in roles)
            if levels:
                mine |= Q(responsible_unit_id=post.unit_id, level__in=levels)
    return held & mine


def to_verify_q(user: AnyUser) -> Q:
    """Resolved cases under a unit where ``user`` verifies, resolved by someone else
    (``access.can_verify``)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    resolved = Q(state=State.RESOLVED) & ~Q(handler=user)
    if is_superuser(user):
        return resolved
    return resolved & subtree_q("unit__path", scope_paths(user, VERIFIER_ROLES))


_QUEUE_Q = {"to_triage": to_triage_q, "held_by_me": held_by_q, "to_verify": to_verify_q}


def category_q(code: str) -> Q:
    """The category with ``code`` and its sub-categories (the catalog is at most three levels deep)."""
    return Q(category__code=code) | Q(category__parent__code=code) | Q(category__parent__parent__code=code)


class CaseFilter(filters.FilterSet):
    """The ledger's list filters. ``assignee=me`` and ``queue`` need the request's user."""

    state = filters.MultipleChoiceFilter(label=_("State"), choices=State.choices)
    open = filters.BooleanFilter(label=_("Open (not closed)"), method="filter_open")
    triage_class = filters.MultipleChoiceFilter(label=_("Class"), choices=TriageClass.choices)
    category = filters.CharFilter(
        label=_("Category code (with its sub-categories)"), method="filter_category"
    )
    unit = filters.CharFilter(label=_("Unit code (the case lies in its subtree)"), method="filter_unit")
    channel = filters.MultipleChoiceFilter(label=_("Channel"), choices=Channel.choices)
    urgency = filters.MultipleChoiceFilter(label=_("Urgency"), choices=Urgency.choices)
    level = filters.MultipleChoiceFilter(label=_("Handled at level"), choices=Level.choices)
    department = filters.CharFilter(
        label=_("Responsible department code"), field_name="responsible_department__code"
    )
    outcome = filters.MultipleChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    stage_color = filters.MultipleChoiceFilter(label=_("Stage deadline warning"), choices=WARNING_COLORS)
    case_color = filters.MultipleChoiceFilter(label=_("Case deadline warning"), choices=WARNING_COLORS)
    color = filters.MultipleChoiceFilter(
        label=_("Either deadline warning"), choices=WARNING_COLORS, method="filter_color"
    )
    supervision = filters.MultipleChoiceFilter(label=_("Supervision (督办)"), choices=SUPERVISION_LEVELS)
    supervised = filters.BooleanFilter(label=_("Under supervision"), method="filter_supervised")
    received = filters.DateFromToRangeFilter(label=_("Received"), field_name="received_at")
    due = filters.DateFromToRangeFilter(label=_("Case due"), field_name="due_at")
    closed = filters.DateFromToRangeFilter(label=_("Closed"), field_name="closed_at")
    problem = filters.UUIDFilter(label=_("Common problem (public id)"), field_name="problem__uid")
    q = filters.CharFilter(label=_("Number, title or description contains"), method="filter_q")
    assignee = filters.CharFilter(label=_("Assignee: “me” or a user's public id"), method="filter_assignee")
    queue = filters.ChoiceFilter(label=_("My work queue"), choices=QUEUES, method="filter_queue")

    class Meta:
        model = Case
        fields: list[str] = []

    def _user(self) -> AnyUser:
        request = getattr(self, "request", None)
        return getattr(request, "user", None) or AnonymousUser()

    def filter_open(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if value is None:
            return queryset
        # The open states named (not "not closed"), so the (state, unit) index finds the few open
        # cases among millions of closed ones.
        return (
            queryset.filter(state__in=sorted(OPEN_STATES)) if value else queryset.filter(state=State.CLOSED)
        )

    def filter_category(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(category_q(value)) if value else queryset

    def filter_unit(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return in_unit_subtree(queryset, "unit__path", value)

    def filter_color(self, queryset: QuerySet[Case], name: str, value: list[str]) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(Q(stage_color__in=value) | Q(case_color__in=value))

    def filter_supervised(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        if value is None:
            return queryset
        return queryset.exclude(supervision="") if value else queryset.filter(supervision="")

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text)
        )

    def filter_assignee(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        text = value.strip()
        if not text:
            return queryset
        if text == "me":
            user = self._user()
            return queryset.filter(assignee=user) if user.is_authenticated else queryset.none()
        try:
            uid = uuid.UUID(text)
        except ValueError:
            return queryset.none()
        return queryset.filter(assignee__uid=uid)

    def filter_queue(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(_QUEUE_Q[value](self._user()))


class PublicCaseFilter(filters.FilterSet):
    """Filters of the public view: only over what the public view shows (no text search, which
    would reach the descriptions it hides)."""

    state = filters.MultipleChoiceFilter(label=_("State"), choices=State.choices)
    triage_class = filters.MultipleChoiceFilter(
        label=_("Class"),
        choices=[(c.value, c.label) for c in (TriageClass.MAJOR, TriageClass.COMMUNITY)],
    )
    category = filters.CharFilter(
        label=_("Category code (with its sub-categories)"), method="filter_category"
    )
    received = filters.DateFromToRangeFilter(label=_("Received"), field_name="received_at")

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_category(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(category_q(value)) if value else queryset
