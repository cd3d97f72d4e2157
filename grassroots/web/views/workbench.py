"""The workbench (工作台): a staff member's queues of cases, with filters, paging and bulk assignment.

Every list starts from ``cases.access.cases_visible_to`` and only narrows it: a queue is a
condition on top of what the user may read, and the filters are the ledger's own
(``cases.filters.CaseFilter``, one definition for the API and the pages). The tabs' counts come
from one aggregate query over the same filtered set, so each count is the length of its list.

Only staff use it (docs/domain.md §1): residents, party members, volunteers and accounts without
a post get "not found" (404), as for any page they have nothing on.

Writes go through ``cases.actions.assign_case``, one call per selected case with the version the
list showed, so a case changed in the meantime is refused ("changed by someone else"), never
overwritten (docs/ledger.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from grassroots.cases import access as case_access
from grassroots.cases import actions
from grassroots.cases.admin.act_forms import category_label
from grassroots.cases.choices import (
    HANDLING_STATES,
    OPEN_STATES,
    Channel,
    Color,
    State,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.cases.filters import CaseFilter, to_verify_q
from grassroots.cases.models import Case, Category
from grassroots.core.errors import Conflict, NotAllowed
from grassroots.core.models import User
from grassroots.core.tree import subtree_q
from grassroots.org import access
from grassroots.org.choices import UnitKind
from grassroots.org.models import Post
from grassroots.web import session

PAGE_SIZE = 25
MAX_BULK = 100  # more than a page can show; a longer selection is a crafted request

# The filters the page shows, by their query-string names (``CaseFilter``'s own); any other
# parameter is ignored, so that a tab or page link never carries a filter the form does not show.
FILTER_PARAMS = (
    "q",
    "state",
    "triage_class",
    "category",
    "channel",
    "urgency",
    "received_after",
    "received_before",
)

# The open states named rather than "not closed", so that the state-led indexes serve a queue.
OPEN = Q(state__in=sorted(OPEN_STATES))


def case_url(number: str) -> str:
    return reverse("web:case", args=[number])


# -- the queues ------------------------------------------------------------------------------------


def _to_triage(user: User, post: Post | None) -> Q:
    """Registered cases, and triaged ones not yet routed, under a unit where the user triages
    (``cases.access.can_triage``: community workers, street staff, district administrators).
    Triaged-but-unrouted cases are here because routing is the triager's next act and no other
    queue holds them."""
    waiting = Q(state__in=[State.REGISTERED, State.TRIAGED])
    if access.is_superuser(user):
        return waiting
    return waiting & subtree_q("unit__path", access.scope_paths(user, case_access.TRIAGE_ROLES))


def _assigned_to_me(user: User, post: Post | None) -> Q:
    """Cases being handled (routed, in progress, guided) with the user as their assignee."""
    return Q(assignee=user, state__in=sorted(HANDLING_STATES))


def _my_unit(user: User, post: Post | None) -> Q:
    """Cases being handled that the current post's unit or department holds. The current post
    (the unit switcher) is a default only; the list is still within what the user may read."""
    if post is None:
        return Q(pk__in=[])
    held = Q(state__in=sorted(HANDLING_STATES))
    if post.department_id is not None:
        return held & Q(responsible_department_id=post.department_id)
    return held & Q(responsible_unit_id=post.unit_id)


def _yellow(user: User, post: Post | None) -> Q:
    """Open cases with a yellow warning on either clock and no red one (docs/domain.md §3.3)."""
    yellow = Q(stage_color=Color.YELLOW) | Q(case_color=Color.YELLOW)
    return OPEN & yellow & ~Q(stage_color=Color.RED) & ~Q(case_color=Color.RED)


def _red(user: User, post: Post | None) -> Q:
    """Open cases past a deadline on either clock (docs/domain.md §3.3)."""
    return OPEN & (Q(stage_color=Color.RED) | Q(case_color=Color.RED))


def _to_verify(user: User, post: Post | None) -> Q:
    """Resolved cases the user may verify: above the case and not its handler (核实, §3.4)."""
    return to_verify_q(user)


def _reopened(user: User, post: Post | None) -> Q:
    """Open cases that a reporter has reopened at least once (docs/domain.md §3.4)."""
    return OPEN & Q(reopen_count__gt=0)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    help: str | Promise
    condition: Callable[[User, Post | None], Q]


QUEUES: tuple[Queue, ...] = (
    Queue(
        "to_triage",
        gettext_lazy("To triage"),
        gettext_lazy("Registered, or triaged and not yet routed, where you triage"),
        _to_triage,
    ),
    Queue(
        "mine",
        gettext_lazy("Assigned to me"),
        gettext_lazy("Being handled, with you as assignee"),
        _assigned_to_me,
    ),
    Queue(
        "unit",
        gettext_lazy("My unit's"),
        gettext_lazy("Being handled by the unit or department of the post you are working in"),
        _my_unit,
    ),
    Queue("yellow", gettext_lazy("Yellow"), gettext_lazy("Open, with a deadline warning"), _yellow),
    Queue("red", gettext_lazy("Red"), gettext_lazy("Open and overdue"), _red),
    Queue(
        "verify",
        gettext_lazy("Awaiting verification"),
        gettext_lazy("Resolved by someone else, for you to verify"),
        _to_verify,
    ),
    Queue("reopened", gettext_lazy("Reopened"), gettext_lazy("Open cases a reporter reopened"), _reopened),
)
QUEUE_BY_KEY = {queue.key: queue for queue in QUEUES}


# -- reading the request ---------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = session.account(request)
    if not access.is_staff(user):
        raise Http404
    return user


def _filter_data(params: QueryDict) -> QueryDict:
    """The page's filters from the query string, without empty values (an empty select means
    "any", which ``CaseFilter``'s multiple-choice filters would reject as a choice)."""
    data = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        values = [value for value in params.getlist(name) if value.strip()]
        if values:
            data.setlist(name, values)
    return data


def _counts(cases: QuerySet[Case], user: User, post: Post | None) -> dict[str, int]:
    """Every queue's count in one aggregate query over the filtered list. Each condition becomes
    a selected column first: an aggregate's own filter may not join (queues look at the unit's
    path), and a column that is only aliased is lost when a filter makes the list distinct and
    Django counts over a subquery."""
    flags = {
        f"in_{queue.key}": ExpressionWrapper(queue.condition(user, post), output_field=BooleanField())
        for queue in QUEUES
    }
    counted = cases.annotate(**flags).aggregate(
        **{queue.key: Count("pk", filter=Q(**{f"in_{queue.key}": True})) for queue in QUEUES}
    )
    return {queue.key: int(counted[queue.key] or 0) for queue in QUEUES}


# -- the rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    number: str
    url: str
    version: int
    title: str
    category: str
    triage_class: str
    unit: str
    holder: str
    deadline: dt.datetime | None
    deadline_label: str
    color: str
    color_label: str
    state: str
    supervision: str
    supervision_label: str
    assignable: bool


def _unit_label(case: Case) -> str:
    unit = case.unit
    # Grids are named within their community (三个"第一网格"), so the community goes first.
    if unit.kind == UnitKind.GRID and unit.parent is not None:
        return f"{unit.parent.name} {unit.name}"
    return unit.name


def _holder(case: Case) -> str:
    place = case.responsible_department or case.responsible_unit
    parts = [str(place)] if place is not None and case.state in HANDLING_STATES else []
    if case.assignee is not None and case.state in HANDLING_STATES:
        parts.append(case.assignee.display_name or case.assignee.username)
    return " · ".join(parts)


def _deadline(case: Case) -> tuple[dt.datetime | None, str]:
    """The deadline that matters now: the stage's while a unit holds the case, verification's
    while it waits for it, else the whole case's (docs/ledger.md, "Deadlines and colours")."""
    if case.state in HANDLING_STATES and case.stage_due_at is not None:
        return case.stage_due_at, _("Stage due")
    if case.state == State.RESOLVED and case.verification_due_at is not None:
        return case.verification_due_at, _("Verification due")
    if case.state == State.CLOSED:
        return None, ""
    return case.due_at, _("Case due")


def _color(case: Case) -> str:
    colors = {case.stage_color, case.case_color}
    if case.state == State.CLOSED:
        return ""
    if Color.RED in colors:
        return Color.RED
    return Color.YELLOW if Color.YELLOW in colors else ""


SUPERVISION_CHIP = {Supervision.NORMAL: "", Supervision.YELLOW_CARD: "yellow", Supervision.RED_CARD: "red"}


def _may_assign(user: User, case: Case) -> bool:
    return case.state in HANDLING_STATES and (
        case_access.can_handle(user, case) or case_access.can_triage(user, case)
    )


def _row(user: User, case: Case) -> Row:
    deadline, deadline_label = _deadline(case)
    color = _color(case)
    return Row(
        number=case.number,
        url=case_url(case.number),
        version=case.version,
        title=case.title,
        category=case.category.name if case.category is not None else "",
        triage_class=case.get_triage_class_display() if case.triage_class else "",
        unit=_unit_label(case),
        holder=_holder(case),
        deadline=deadline,
        deadline_label=deadline_label,
        color=color,
        color_label=str(Color(color).label),
        state=case.get_state_display(),
        supervision=SUPERVISION_CHIP.get(Supervision(case.supervision), "") if case.supervision else "",
        supervision_label=case.get_supervision_display() if case.supervision else "",
        assignable=_may_assign(user, case),
    )


def _list(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The list's rows with everything a row shows in the same query; boundaries (GeoJSON) stay
    behind. Soonest deadline first, as a work queue is worked."""
    return (
        cases.select_related(
            "category", "unit__parent", "responsible_unit", "responsible_department", "assignee"
        )
        .defer("unit__boundary", "unit__parent__boundary", "responsible_unit__boundary", "description")
        .order_by(F("due_at").asc(nulls_last=True), "received_at", "pk")
    )


# -- assignment ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    uid: str
    label: str


@dataclass
class PlaceGroup:
    label: str
    people: list[Person] = field(default_factory=list)


def _candidates(cases: list[Case]) -> list[PlaceGroup]:
    """Who the selected cases may go to: the people holding a handler post at the unit or
    department that holds each case (``cases.actions.assign_case`` checks it again)."""
    wanted: list[Q] = []
    for case in cases:
        if case.responsible_department_id is not None:
            wanted.append(Q(department_id=case.responsible_department_id))
        elif case.responsible_unit_id is not None:
            roles = sorted(case_access.HANDLER_ROLES.get(case.level, frozenset()))
            if roles:
                wanted.append(Q(unit_id=case.responsible_unit_id, role__in=roles))
    if not wanted:
        return []
    posts = (
        Post.objects.active()
        .filter(reduce(or_, wanted), user__is_active=True)
        .select_related("user", "unit", "department")
        .defer("unit__boundary")
        .order_by("department__name", "unit__path", "role", "user__username")
    )
    groups: dict[str, PlaceGroup] = {}
    for post in posts:
        place = str(post.department if post.department is not None else post.unit)
        group = groups.setdefault(place, PlaceGroup(place))
        name = post.user.display_name or post.user.username
        group.people.append(Person(str(post.user.uid), f"{name} · {post.get_role_display()}"))
    return list(groups.values())


@dataclass(frozen=True)
class Outcome:
    number: str
    url: str
    done: bool
    message: str


@dataclass
class Report:
    error: str = ""
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.done)

    @property
    def refused(self) -> int:
        return sum(1 for outcome in self.outcomes if not outcome.done)


def _assignee(value: str) -> User | None:
    try:
        uid = uuid.UUID(value)
    except ValueError:
        return None
    return User.objects.filter(uid=uid, is_active=True).first()


def _version(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _assign_all(request: HttpRequest, user: User) -> Report:
    """Assign each selected case through ``actions.assign_case`` with the version the list showed;
    each case succeeds or is refused on its own (docs/ledger.md)."""
    numbers = list(dict.fromkeys(request.POST.getlist("case")))
    if not numbers:
        return Report(error=_("Select at least one case."))
    if len(numbers) > MAX_BULK:
        return Report(error=_("Select at most %(count)s cases at a time.") % {"count": MAX_BULK})
    assignee = _assignee(request.POST.get("assignee", ""))
    if assignee is None:
        return Report(error=_("Choose the person to assign the cases to."))
    found = {case.number: case for case in case_access.cases_visible_to(user).filter(number__in=numbers)}
    report = Report()
    for number in numbers:
        case = found.get(number)
        version = _version(request.POST.get(f"version-{number}"))
        if case is None:
            report.outcomes.append(Outcome(number, "", False, _("Not found.")))
            continue
        url = case_url(number)
        if version is None:
            report.outcomes.append(
                Outcome(number, url, False, _("The list did not say which version you saw; reload it."))
            )
            continue
        try:
            actions.assign_case(case, actor=user, version=version, assignee=assignee)
        except Conflict as exc:
            message = exc.message
            if case.version != version or exc.current_version not in (None, version):
                message = _("Changed by someone else; it was not assigned. The list shows it as it is now.")
            report.outcomes.append(Outcome(number, url, False, message))
        except NotAllowed as exc:
            report.outcomes.append(Outcome(number, url, False, " ".join(str(arg) for arg in exc.args)))
        except ValidationError as exc:
            report.outcomes.append(Outcome(number, url, False, " ".join(exc.messages)))
        else:
            name = assignee.display_name or assignee.username
            report.outcomes.append(Outcome(number, url, True, _("Assigned to %(name)s.") % {"name": name}))
    return report


# -- the page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    help: str | Promise
    count: int
    query: str
    current: bool


def _query(data: QueryDict, **extra: str) -> str:
    out = data.copy()
    for name, value in extra.items():
        out[name] = value
    return out.urlencode()


def _districts(user: User) -> list[int]:
    ids = set()
    for post in access.active_posts(user):
        if post.unit is not None:
            ids.add(post.unit.district_id or post.unit.pk)
        if post.department is not None:
            ids.add(post.department.district_id)
    return sorted(ids)


def _categories(user: User) -> list[tuple[str, str]]:
    """The catalog of the user's districts for the category filter (not personal data)."""
    categories = Category.objects.filter(is_active=True).select_related("parent__parent").order_by("code")
    if not access.is_superuser(user):
        categories = categories.filter(district_id__in=_districts(user))
    return [(category.code, category_label(category)) for category in categories]


def _wants_partial(request: HttpRequest) -> bool:
    """An htmx request for the results only (tabs, filters, paging, bulk assign); a history
    restore after the browser's cache missed asks for the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == "wb-results"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _render(request: HttpRequest, user: User, report: Report | None = None) -> HttpResponse:
    post = session.current_post(request)
    data = _filter_data(request.GET)
    filterset = CaseFilter(data, queryset=case_access.cases_visible_to(user), request=request)
    filtered = filterset.qs
    counts = _counts(filtered, user, post)
    requested = request.GET.get("tab", "")
    if requested in QUEUE_BY_KEY:
        queue = QUEUE_BY_KEY[requested]
    else:  # the first queue with work in it
        queue = next((q for q in QUEUES if counts[q.key]), QUEUES[0])
    paginator = Paginator(_list(filtered.filter(queue.condition(user, post))), PAGE_SIZE)
    paginator.count = counts[queue.key]  # the tab's count is the same list's length: no second COUNT
    page: Page[Case] = paginator.get_page(request.GET.get("page"))
    rows = [_row(user, case) for case in page.object_list]
    assignable = [case for case in page.object_list if _may_assign(user, case)]
    tabs = [
        Tab(q.key, q.label, q.help, counts[q.key], _query(data, tab=q.key), q.key == queue.key)
        for q in QUEUES
    ]
    context: dict[str, Any] = {
        "nav": "workbench",
        "queue": queue,
        "tabs": tabs,
        "rows": rows,
        "page": page,
        "count": counts[queue.key],
        "query": _query(data, tab=queue.key),
        "filters": data,
        "filter_errors": filterset.form.errors if data else {},
        "candidates": _candidates(assignable) if assignable else [],
        "report": report,
        "current_post": post,
    }
    if _wants_partial(request):
        response = render(request, "web/workbench/_results.html", context)
    else:
        context.update(
            states=State.choices,
            classes=TriageClass.choices,
            channels=Channel.choices,
            urgencies=Urgency.choices,
            categories=_categories(user),
        )
        response = render(request, "web/workbench/page.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """The queues (docs/domain.md §3); the page's filters are ``CaseFilter``'s."""
    return _render(request, _staff(request))


@login_required
@require_POST
def assign(request: HttpRequest) -> HttpResponse:
    """Bulk assignment: one ``assign_case`` per selected case; the page comes back with the
    report of what was assigned and what was refused, and the list as it is now."""
    user = _staff(request)
    return _render(request, user, report=_assign_all(request, user))


urlpatterns = [
    path("workbench/", workbench, name="workbench"),
    path("workbench/assign/", assign, name="workbench-assign"),
]
