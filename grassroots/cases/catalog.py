"""The matter catalog (事项清单), its time limits, a district's deadline settings and the holiday
calendar: who reads them, and every change to them (docs/domain.md §3.3).

Reading
    The catalog is what people report and triage against, so everyone who holds a post in a
    district (any role, at a unit of the district or at one of its departments) reads the whole
    catalog of that district, its time limits and its deadline settings; a resident reads the
    *active* categories of their own district, to report. Nobody else reads anything (404).
    The holiday calendar is public: every signed-in user reads it.

Writing
    District administrators of the district (a post at the district or at the city above it) and
    superusers edit the catalog, its time limits and the deadline settings. The holiday calendar
    is deployment-wide — one national calendar (State Council notices) serves every district — so
    superusers and district administrators of any district edit it; the audit records of those
    edits carry no district scope, so superusers read them. ``actor=None`` means the system (a
    management command such as ``load_catalog``): it skips the permission check, and the audit
    record names the command as its source.

Every write is one transaction, validates its input (field errors), writes, and leaves one audit
record; a write that would change nothing writes nothing (no audit record either), so loading the
same catalog or importing the same workbook twice changes nothing. Categories are never deleted
(cases point at them): they are deactivated, and deactivating one deactivates the categories
below it. Holiday entries and time-limit rows are plain data and are removed.

Changing limits or the calendar applies to clocks started afterwards: the moments a running case
is due are stored on the case when its clock starts (``cases.deadlines``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from grassroots.cases import deadlines
from grassroots.cases.choices import TriageClass
from grassroots.cases.models import Category, LimitStage, SlaSettings, TimeLimit
from grassroots.core import audit
from grassroots.core.errors import NotAllowed, ValidationError, only_fields
from grassroots.core.models import AuditAction, DayKind, Holiday, User
from grassroots.core.tree import subtree_q
from grassroots.org.access import AnyUser, active_posts, has_role, is_superuser
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Department, Unit
from grassroots.people.access import own_resident

MAX_LEVEL = 3
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
# Keywords are typed with any of the usual separators and stored with the Chinese enumeration comma.
KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")
KEYWORD_JOIN = "、"
MAX_DAYS = Decimal("365")
CATEGORY_FIELDS = (
    "code",
    "name",
    "parent",
    "default_class",
    "department",
    "keywords",
    "examples",
    "auto_escalate",
    "urgent_may_skip",
    "sort_order",
    "is_active",
)
LIMIT_DAYS = ("response_days", "handling_days", "verification_days")
SLA_FRACTIONS = ("yellow_fraction", "urgent_factor", "critical_factor")
SLA_DAYS = (
    "red_card_after_days",
    "response_days",
    "grid_days",
    "community_days",
    "street_days",
    "department_days",
    "case_days",
    "verification_days",
    "follow_up_days",
)
SLA_COUNTS = ("rating_window_days", "min_ranking_sample")
SLA_FIELDS = SLA_FRACTIONS + SLA_DAYS + SLA_COUNTS
HOLIDAY_FIELDS = ("date", "kind", "name")


# -- who reads ---------------------------------------------------------------------------------------


def staff_districts(user: AnyUser) -> QuerySet[Unit]:
    """Districts in which the user holds any post (at a unit of the district or above it, or at
    one of its departments)."""
    if is_superuser(user):
        return Unit.objects.filter(kind=UnitKind.DISTRICT)
    posts = active_posts(user)
    ids = {post.unit.district_id for post in posts if post.unit is not None and post.unit.district_id}
    ids |= {post.department.district_id for post in posts if post.department is not None}
    above = [post.unit.path for post in posts if post.unit is not None and post.unit.kind == UnitKind.CITY]
    return Unit.objects.filter(kind=UnitKind.DISTRICT).filter(Q(pk__in=ids) | subtree_q("path", above))


def catalog_districts_visible_to(user: AnyUser) -> QuerySet[Unit]:
    """Districts whose catalog the user reads: their staff districts and a resident's own district."""
    if is_superuser(user):
        return Unit.objects.filter(kind=UnitKind.DISTRICT)
    resident = own_resident(user)
    own = Q(pk=resident.district_id) if resident is not None else Q(pk__in=[])
    return Unit.objects.filter(kind=UnitKind.DISTRICT).filter(
        Q(pk__in=staff_districts(user).values("pk")) | own
    )


def categories_visible_to(user: AnyUser) -> QuerySet[Category]:
    """The whole catalog of the user's staff districts; the active categories of a resident's own
    district (module docstring)."""
    if is_superuser(user):
        return Category.objects.all()
    q = Q(district__in=staff_districts(user).values("pk"))
    resident = own_resident(user)
    if resident is not None:
        q |= Q(district_id=resident.district_id, is_active=True)
    return Category.objects.filter(q)


def time_limits_visible_to(user: AnyUser) -> QuerySet[TimeLimit]:
    return TimeLimit.objects.filter(district__in=staff_districts(user).values("pk"))


def sla_visible_to(user: AnyUser) -> QuerySet[SlaSettings]:
    return SlaSettings.objects.filter(district__in=staff_districts(user).values("pk"))


def holidays_visible_to(user: AnyUser) -> QuerySet[Holiday]:
    """The calendar is public information: every signed-in user reads it."""
    return Holiday.objects.all() if user.is_authenticated else Holiday.objects.none()


# -- who writes --------------------------------------------------------------------------------------


def can_edit_catalog(user: AnyUser, district: Unit) -> bool:
    """District administrators of ``district`` (a post there or at the city above) and superusers."""
    if is_superuser(user):
        return True
    return any(
        post.role == Role.DISTRICT_ADMIN and post.unit is not None and post.unit.is_ancestor_of(district)
        for post in active_posts(user)
    )


def can_edit_calendar(user: AnyUser) -> bool:
    """Superusers and district administrators of any district (the calendar is deployment-wide)."""
    return is_superuser(user) or has_role(user, Role.DISTRICT_ADMIN)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _check_catalog_actor(actor: User | None, district: Unit) -> None:
    if actor is not None:
        _require(can_edit_catalog(actor, district), _("You cannot edit this district's catalog."))


def _check_calendar_actor(actor: User | None) -> None:
    if actor is not None:
        _require(can_edit_calendar(actor), _("Only district administrators edit the holiday calendar."))


# -- tree order --------------------------------------------------------------------------------------


def _ancestor_key(at: int, field: str) -> Case:
    """The row's ancestor at level ``at`` — itself, its parent or its grandparent, by its own level
    — and that ancestor's ``field``; -1 or "" when the row lies above level ``at``."""
    hops = {at: field, at + 1: f"parent__{field}", at + 2: f"parent__parent__{field}"}
    number = field == "sort_order"
    return Case(
        *[When(level=own, then=F(lookup)) for own, lookup in hops.items() if own <= MAX_LEVEL],
        default=Value(-1 if number else ""),
        output_field=IntegerField() if number else CharField(),
    )


_TREE_KEYS = {f"_tree_{field}{at}": (at, field) for at in (1, 2, 3) for field in ("sort_order", "code")}
# The ordering of ``in_tree_order`` querysets (for an admin's ``get_ordering``).
TREE_ORDERING = ("district_id", *_TREE_KEYS)


def in_tree_order(queryset: QuerySet[Category]) -> QuerySet[Category]:
    """Categories in tree order (each parent before its children, siblings by ``sort_order`` then
    code), sorted in the database by their ancestors at levels 1, 2 and 3."""
    keys = {name: _ancestor_key(at, field) for name, (at, field) in _TREE_KEYS.items()}
    return queryset.annotate(**keys).order_by(*TREE_ORDERING)


def path_of(category: Category) -> str:
    """``城乡建设 / 市政设施 / 道路破损``."""
    return " / ".join(c.name for c in reversed(category.lineage()))


def keyword_list(text: str) -> list[str]:
    """A category's keywords, however they were typed."""
    seen: dict[str, None] = {}
    for word in KEYWORD_SPLIT.split(text or ""):
        if word:
            seen.setdefault(word, None)
    return list(seen)


def example_list(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _keywords(value: str | Iterable[str]) -> str:
    words = keyword_list(value) if isinstance(value, str) else keyword_list(" ".join(value))
    return KEYWORD_JOIN.join(words)


def _examples(value: str | Iterable[str]) -> str:
    lines = (
        example_list(value) if isinstance(value, str) else [str(v).strip() for v in value if str(v).strip()]
    )
    return "\n".join(lines)


# -- categories --------------------------------------------------------------------------------------


def _descendants(category: Category) -> QuerySet[Category]:
    return Category.objects.filter(Q(parent=category) | Q(parent__parent=category))


def _depth_below(category: Category) -> int:
    """How many levels hang below ``category`` (0, 1 or 2)."""
    if Category.objects.filter(parent__parent=category).exists():
        return 2
    return 1 if Category.objects.filter(parent=category).exists() else 0


def _check_category(
    *,
    district: Unit,
    values: dict[str, Any],
    category: Category | None,
    errors: dict[str, list[str]],
) -> None:
    """Field errors for the values a category would have (docs/domain.md §3)."""
    code, name, parent = values["code"], values["name"], values["parent"]
    exclude = Q(pk=category.pk) if category is not None else Q(pk__in=[])
    if not code:
        errors["code"] = [_("A code is required.")]
    elif len(code) > 40 or not CODE_RE.match(code):
        errors["code"] = [
            _("Use letters, digits, “-”, “_” or “.” (at most 40), starting with a letter or digit.")
        ]
    elif Category.objects.filter(district=district, code=code).exclude(exclude).exists():
        errors["code"] = [_("This district's catalog already has a category with this code.")]
    if not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > 100:
        errors["name"] = [_("At most 100 characters.")]
    elif Category.objects.filter(district=district, parent=parent, name=name).exclude(exclude).exists():
        errors["name"] = [_("Another category under the same parent already has this name.")]
    if parent is not None:
        below = _depth_below(category) if category is not None and category.pk else 0
        if parent.district_id != district.pk:
            errors["parent"] = [_("The parent belongs to another district's catalog.")]
        elif (
            category is not None
            and category.pk
            and (parent.pk == category.pk or any(c.pk == category.pk for c in parent.lineage()))
        ):
            errors["parent"] = [
                _("A category cannot be placed under itself or under one of its own children.")
            ]
        elif parent.level + 1 + below > MAX_LEVEL:
            errors["parent"] = [_("The catalog has at most three levels.")]
        elif values["is_active"] and not parent.is_active:
            errors["parent"] = [_("An active category cannot sit under an inactive one.")]
    if values["default_class"] not in ("", *TriageClass.values):
        errors["default_class"] = [_("Choose 大事, 小事 or 私事, or leave it empty to inherit.")]
    department: Department | None = values["department"]
    if department is not None:
        if department.district_id != district.pk:
            errors["department"] = [_("That department belongs to another district.")]
        elif not department.is_active and (category is None or category.department_id != department.pk):
            errors["department"] = [_("That department is no longer active.")]
    sort_order = values["sort_order"]
    if not isinstance(sort_order, int) or isinstance(sort_order, bool) or sort_order < 0:
        errors["sort_order"] = [_("Give a whole number, 0 or more.")]


def _category_values(fields: dict[str, Any], base: Category | None) -> dict[str, Any]:
    """The full set of values from ``fields`` over ``base`` (or the defaults), normalised."""

    def pick(name: str, default: Any) -> Any:
        if name in fields:
            return fields[name]
        return getattr(base, name) if base is not None else default

    return {
        "code": str(pick("code", "") or "").strip(),
        "name": str(pick("name", "") or "").strip(),
        "parent": pick("parent", None),
        "default_class": str(pick("default_class", "") or ""),
        "department": pick("department", None),
        "keywords": _keywords(pick("keywords", "") or ""),
        "examples": _examples(pick("examples", "") or ""),
        "auto_escalate": bool(pick("auto_escalate", False)),
        "urgent_may_skip": bool(pick("urgent_may_skip", False)),
        "sort_order": pick("sort_order", 0),
        "is_active": bool(pick("is_active", True)),
    }


def _save_category(category: Category) -> None:
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:  # a concurrent write took the code or name first
        raise ValidationError(
            {"code": [_("This district's catalog already has a category with this code or name.")]}
        ) from None


@transaction.atomic
def create_category(
    *,
    actor: User | None,
    district: Unit,
    code: str,
    name: str,
    parent: Category | None = None,
    default_class: str = "",
    department: Department | None = None,
    keywords: str | Iterable[str] = "",
    examples: str | Iterable[str] = "",
    auto_escalate: bool = False,
    urgent_may_skip: bool = False,
    sort_order: int = 0,
    is_active: bool = True,
) -> Category:
    """Add a matter to a district's catalog, at most three levels deep, with a code unique in the
    district; an empty class or department is inherited from the parent."""
    _check_catalog_actor(actor, district)
    errors: dict[str, list[str]] = {}
    if district.kind != UnitKind.DISTRICT:
        raise ValidationError({"district": [_("A catalog belongs to a district.")]})
    values = _category_values(
        {
            "code": code,
            "name": name,
            "parent": parent,
            "default_class": default_class,
            "department": department,
            "keywords": keywords,
            "examples": examples,
            "auto_escalate": auto_escalate,
            "urgent_may_skip": urgent_may_skip,
            "sort_order": sort_order,
            "is_active": is_active,
        },
        None,
    )
    _check_category(district=district, values=values, category=None, errors=errors)
    if errors:
        raise ValidationError(errors)
    category = Category(district=district, level=parent.level + 1 if parent else 1, **values)
    _save_category(category)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=category,
        scope_path=district.path,
        changes={"code": [None, category.code], "name": [None, category.name]},
    )
    return category


@transaction.atomic
def update_category(*, actor: User | None, category: Category, **fields: Any) -> Category:
    """Change a category (any of ``CATEGORY_FIELDS``). Moving it moves its children along (the
    catalog stays at most three levels deep); deactivating it deactivates the categories below it;
    reactivating needs an active parent. Nothing changed: nothing written."""
    district = category.district
    _check_catalog_actor(actor, district)
    only_fields(fields, CATEGORY_FIELDS)
    values = _category_values(fields, category)
    before = audit.snapshot(category, CATEGORY_FIELDS)
    changed = {
        name: value
        for name, value in values.items()
        if (getattr(category, f"{name}_id") if name in ("parent", "department") else getattr(category, name))
        != (value.pk if name in ("parent", "department") and value is not None else value)
    }
    if not changed:
        return category
    errors: dict[str, list[str]] = {}
    _check_category(district=district, values=values, category=category, errors=errors)
    if errors:
        raise ValidationError(errors)
    for name, value in changed.items():
        setattr(category, name, value)
    parent: Category | None = values["parent"]
    category.level = parent.level + 1 if parent else 1
    _save_category(category)
    if "parent" in changed:
        for child in category.children.all():
            Category.objects.filter(pk=child.pk).update(level=category.level + 1)
            Category.objects.filter(parent=child).update(level=category.level + 2)
    if changed.get("is_active") is False:
        _descendants(category).filter(is_active=True).update(is_active=False)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=category,
        scope_path=district.path,
        changes=audit.diff(before, audit.snapshot(category, CATEGORY_FIELDS)),
    )
    return category


def deactivate_category(*, actor: User | None, category: Category) -> Category:
    """Take a category (and the ones below it) out of use; its cases keep pointing at it."""
    return update_category(actor=actor, category=category, is_active=False)


# -- time limits -------------------------------------------------------------------------------------


def _days(value: Any, field: str, errors: dict[str, list[str]], *, maximum: Decimal = MAX_DAYS) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Give a number of working days.")]
        return Decimal(0)
    if not amount.is_finite() or amount < 0:
        errors[field] = [_("A time limit cannot be negative.")]
    elif amount > maximum:
        errors[field] = [_("At most %(max)s.") % {"max": maximum}]
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = [_("At most two decimal places.")]
    return amount


def _limit_label(limit: TimeLimit) -> str:
    return f"{limit.category.code if limit.category else '*'}:{limit.triage_class or '*'}:{limit.stage}"


@transaction.atomic
def set_time_limit(
    *,
    actor: User | None,
    district: Unit,
    stage: str,
    category: Category | None = None,
    triage_class: str = "",
    response_days: Any = None,
    handling_days: Any = None,
    verification_days: Any = None,
) -> TimeLimit:
    """Set the working-day limits of a category (or, with none, the district default) for a class
    (or any) at a level (or the whole case); days not given keep their value (or the default).
    The most specific row wins when a case's clock starts (``deadlines.limits_for``)."""
    _check_catalog_actor(actor, district)
    errors: dict[str, list[str]] = {}
    if stage not in LimitStage.values:
        errors["stage"] = [_("Choose a level or the whole case.")]
    if triage_class not in ("", *TriageClass.values):
        errors["triage_class"] = [_("Choose 大事, 小事 or 私事, or leave it empty for any class.")]
    if category is not None and category.district_id != district.pk:
        errors["category"] = [_("That category belongs to another district's catalog.")]
    given = {
        "response_days": response_days,
        "handling_days": handling_days,
        "verification_days": verification_days,
    }
    days = {
        name: _days(value, name, errors) for name, value in given.items() if value is not None and value != ""
    }
    if errors:
        raise ValidationError(errors)
    limit = TimeLimit.objects.filter(
        district=district, category=category, triage_class=triage_class, stage=stage
    ).first()
    if limit is None:
        limit = TimeLimit(
            district=district, category=category, triage_class=triage_class, stage=stage, **days
        )
        try:
            with transaction.atomic():
                limit.save()
        except IntegrityError:
            raise ValidationError(
                {"stage": [_("This time limit was just set by someone else; reload.")]}
            ) from None
        action, changes = AuditAction.CREATE, {name: [None, str(getattr(limit, name))] for name in LIMIT_DAYS}
    else:
        changes = {
            name: [str(getattr(limit, name)), str(value)]
            for name, value in days.items()
            if Decimal(getattr(limit, name)) != value
        }
        if not changes:
            return limit
        for name, value in days.items():
            setattr(limit, name, value)
        limit.save(update_fields=list(days))
        action = AuditAction.UPDATE
    audit.record(
        actor=actor,
        action=action,
        target=limit,
        target_id=_limit_label(limit),
        scope_path=district.path,
        changes=changes,
    )
    return limit


@transaction.atomic
def remove_time_limit(*, actor: User | None, limit: TimeLimit) -> None:
    """Remove a time-limit row; the next less specific row (or the deadline settings) applies."""
    district = limit.district
    _check_catalog_actor(actor, district)
    label = _limit_label(limit)
    limit.delete()
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        target_type="cases.timelimit",
        target_id=label,
        label=label,
        scope_path=district.path,
    )


# -- deadline settings -------------------------------------------------------------------------------


@transaction.atomic
def update_sla_settings(*, actor: User | None, district: Unit, **fields: Any) -> SlaSettings:
    """Change a district's deadline settings (docs/domain.md §3.3): the yellow warning fraction
    (strictly between 0 and 1), the urgency factors (above 0, at most 1), the fallback limits in
    working days (not negative), the rating window (1–365 days) and the minimum ranking sample."""
    _check_catalog_actor(actor, district)
    only_fields(fields, SLA_FIELDS)
    if district.kind != UnitKind.DISTRICT:
        raise ValidationError({"district": [_("Deadline settings belong to a district.")]})
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name in SLA_FRACTIONS:
            amount = _days(value, name, errors, maximum=Decimal(1))
            if name not in errors:
                if name == "yellow_fraction" and not Decimal(0) < amount < Decimal(1):
                    errors[name] = [_("The warning comes strictly between 0 and 1 of the limit (e.g. 0.7).")]
                elif amount <= 0:
                    errors[name] = [_("A factor is above 0 and at most 1.")]
            values[name] = amount
        elif name in SLA_DAYS:
            values[name] = _days(value, name, errors)
        else:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if isinstance(value, bool) or number < 1 or (name == "rating_window_days" and number > 365):
                errors[name] = [_("Give a whole number of at least 1.")]
            values[name] = number
    if errors:
        raise ValidationError(errors)
    sla = deadlines.sla_for(district)
    changes = {
        name: [str(getattr(sla, name)), str(value)]
        for name, value in values.items()
        if getattr(sla, name) != value
    }
    if not changes:
        return sla
    for name in changes:
        setattr(sla, name, values[name])
    sla.save(update_fields=list(changes))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=sla,
        target_id=district.code,
        scope_path=district.path,
        changes=changes,
    )
    return sla


# -- the holiday calendar ----------------------------------------------------------------------------


def _check_holiday(values: dict[str, Any], holiday: Holiday | None, errors: dict[str, list[str]]) -> None:
    day = values["date"]
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors["date"] = [_("Give a date.")]
    elif Holiday.objects.filter(date=day).exclude(pk__in=[holiday.pk] if holiday else []).exists():
        errors["date"] = [_("The calendar already has an entry for this date.")]
    if values["kind"] not in DayKind.values:
        errors["kind"] = [_("Choose a day off or a make-up working day.")]
    elif values["kind"] == DayKind.WORKDAY and "date" not in errors and day.weekday() < 5:
        errors["kind"] = [_("A make-up working day (调休上班) falls on a Saturday or Sunday.")]
    if len(values["name"]) > 50:
        errors["name"] = [_("At most 50 characters.")]


@transaction.atomic
def add_holiday(*, actor: User | None, date: dt.date, kind: str, name: str = "") -> Holiday:
    """Add a calendar entry: a day off (法定节假日, also a weekend day within a holiday) or a
    weekend day worked (调休上班)."""
    _check_calendar_actor(actor)
    values = {"date": date, "kind": kind, "name": (name or "").strip()}
    errors: dict[str, list[str]] = {}
    _check_holiday(values, None, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(**values)
    except IntegrityError:
        raise ValidationError({"date": [_("The calendar already has an entry for this date.")]}) from None
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=holiday,
        target_id=date.isoformat(),
        changes={"kind": [None, kind], "name": [None, values["name"]]},
    )
    return holiday


@transaction.atomic
def update_holiday(*, actor: User | None, holiday: Holiday, **fields: Any) -> Holiday:
    """Change a calendar entry's date, kind or name. Nothing changed: nothing written."""
    _check_calendar_actor(actor)
    only_fields(fields, HOLIDAY_FIELDS)
    values = {
        "date": fields.get("date", holiday.date),
        "kind": fields.get("kind", holiday.kind),
        "name": str(fields.get("name", holiday.name) or "").strip(),
    }
    changes = {
        key: [str(getattr(holiday, key)), str(value)]
        for key, value in values.items()
        if getattr(holiday, key) != value
    }
    if not changes:
        return holiday
    errors: dict[str, list[str]] = {}
    _check_holiday(values, holiday, errors)
    if errors:
        raise ValidationError(errors)
    for key in changes:
        setattr(holiday, key, values[key])
    holiday.save(update_fields=list(changes))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=holiday,
        target_id=holiday.date.isoformat(),
        changes=changes,
    )
    return holiday


@transaction.atomic
def remove_holiday(*, actor: User | None, holiday: Holiday) -> None:
    """Remove a calendar entry: the day becomes an ordinary weekday or weekend day again."""
    _check_calendar_actor(actor)
    label = str(holiday)
    day = holiday.date.isoformat()
    holiday.delete()
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        target_type="core.holiday",
        target_id=day,
        label=label,
    )


__all__ = [
    "add_holiday",
    "can_edit_calendar",
    "can_edit_catalog",
    "catalog_districts_visible_to",
    "categories_visible_to",
    "create_category",
    "deactivate_category",
    "example_list",
    "holidays_visible_to",
    "in_tree_order",
    "keyword_list",
    "path_of",
    "remove_holiday",
    "remove_time_limit",
    "set_time_limit",
    "sla_visible_to",
    "staff_districts",
    "time_limits_visible_to",
    "update_category",
    "update_holiday",
    "update_sla_settings",
]
