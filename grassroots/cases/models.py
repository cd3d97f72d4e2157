"""The ledger of residents' requests (民情台账, docs/domain.md §3).

Every problem, request or suggestion is a ``Case``; everything that happens to it is a
``CaseEvent`` (its timeline). The matter catalog (``Category`` with its ``TimeLimit`` rows) gives
each kind of matter its default triage class, department and deadlines; ``SlaSettings`` holds a
district's warning fraction, rating window and fallbacks. All large tables carry ``district``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.cases.choices import (
    Channel,
    Color,
    EventKind,
    ExtensionStatus,
    HandlingMode,
    Level,
    Outcome,
    PrivateMode,
    ProblemState,
    ReporterKind,
    Satisfaction,
    State,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.core.models import SealedPhone
from grassroots.org.models import Department, Unit
from grassroots.people.models import Household, Resident


def _days(default: str) -> models.DecimalField:
    return models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(default), validators=[MinValueValidator(Decimal("0"))]
    )


class SlaSettings(models.Model):
    """A district's deadline rules (docs/domain.md §3.3): warning fraction, urgency factors, rating
    window, supervision thresholds, the minimum sample for rankings, and fallback limits used when
    the catalog has none. Edited by district administrators."""

    district = models.OneToOneField(
        Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="sla"
    )
    yellow_fraction = models.DecimalField(
        _("yellow warning at fraction of the limit"), max_digits=3, decimal_places=2, default=Decimal("0.70")
    )
    urgent_factor = models.DecimalField(
        _("limit factor for urgent cases"), max_digits=3, decimal_places=2, default=Decimal("0.50")
    )
    critical_factor = models.DecimalField(
        _("limit factor for critical cases"), max_digits=3, decimal_places=2, default=Decimal("0.25")
    )
    rating_window_days = models.PositiveSmallIntegerField(_("rating and reopen window (days)"), default=7)
    red_card_after_days = _days("5.00")
    min_ranking_sample = models.PositiveIntegerField(_("minimum cases for a ranking"), default=20)
    response_days = _days("1.00")
    grid_days = _days("2.00")
    community_days = _days("5.00")
    street_days = _days("7.00")
    department_days = _days("10.00")
    case_days = _days("15.00")
    verification_days = _days("2.00")
    follow_up_days = _days("5.00")

    class Meta:
        verbose_name = _("deadline settings")
        verbose_name_plural = _("deadline settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_fraction__gt=0, yellow_fraction__lt=1), name="sla_yellow_fraction"
            ),
            models.CheckConstraint(
                condition=Q(urgent_factor__gt=0, urgent_factor__lte=1), name="sla_urgent_factor"
            ),
            models.CheckConstraint(
                condition=Q(critical_factor__gt=0, critical_factor__lte=1), name="sla_critical_factor"
            ),
        ]

    def __str__(self) -> str:
        return str(self.district)


class Category(models.Model):
    """A matter in the district's catalog (事项清单), up to three levels deep.

    Empty ``default_class`` / ``department`` inherit from the parent. ``keywords`` and ``examples``
    seed the text suggestions before the ledger has enough verified triage decisions.
    """

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    default_class = models.CharField(
        _("default class"), max_length=12, choices=TriageClass.choices, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), null=True, blank=True, on_delete=models.PROTECT
    )
    keywords = models.TextField(_("keywords"), blank=True)
    examples = models.TextField(_("examples"), blank=True)
    auto_escalate = models.BooleanField(_("escalate automatically when a stage is overdue"), default=False)
    urgent_may_skip = models.BooleanField(_("urgent cases may skip levels"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("matter category")
        verbose_name_plural = _("matter catalog")
        ordering = ["district_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="category_code_unique"),
            models.UniqueConstraint(fields=["district", "parent", "name"], name="category_name_unique"),
            models.UniqueConstraint(
                fields=["district", "name"],
                condition=Q(parent__isnull=True),
                name="category_root_name_unique",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="category_level_1_to_3"),
        ]

    def __str__(self) -> str:
        return self.name

    def lineage(self) -> list[Category]:
        """This category and its ancestors, nearest first (at most three)."""
        chain: list[Category] = []
        node: Category | None = self
        while node is not None and len(chain) < 3:
            chain.append(node)
            node = node.parent
        return chain

    def effective_class(self) -> str:
        return next((c.default_class for c in self.lineage() if c.default_class), "")

    def effective_department(self) -> Department | None:
        return next((c.department for c in self.lineage() if c.department_id), None)


class LimitStage(models.TextChoices):
    """A time limit applies to one handling level, or to the whole case."""

    GRID = Level.GRID.value, Level.GRID.label
    COMMUNITY = Level.COMMUNITY.value, Level.COMMUNITY.label
    STREET = Level.STREET.value, Level.STREET.label
    DEPARTMENT = Level.DEPARTMENT.value, Level.DEPARTMENT.label
    CASE = "case", _("Whole case")


class TimeLimit(models.Model):
    """Time limits in working days for a category (or, with no category, the district default), a
    triage class (or any) and a level (or the whole case). The most specific row wins:
    category → its parents → district default; a given class before "any class"."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="limits",
    )
    triage_class = models.CharField(_("class"), max_length=12, choices=TriageClass.choices, blank=True)
    stage = models.CharField(_("level"), max_length=12, choices=LimitStage.choices)
    response_days = _days("1.00")
    handling_days = _days("5.00")
    verification_days = _days("2.00")

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "category", "triage_class", "stage"],
                condition=Q(category__isnull=False),
                name="timelimit_unique",
            ),
            models.UniqueConstraint(
                fields=["district", "triage_class", "stage"],
                condition=Q(category__isnull=True),
                name="timelimit_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or _('default')} · {self.triage_class or '*'} · {self.stage}"


class CaseSequence(models.Model):
    """The last case number given out in a year (numbers are ``YYYY-NNNNNN``, unique per year)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CommonProblem(models.Model):
    """A common problem (共性问题): similar cases linked so that they are handled once; resolving it
    resolves its open members, whose reporters each still rate (docs/domain.md §3.2)."""

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="problems")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    resolution = models.TextField(_("what was done"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("common problem")
        verbose_name_plural = _("common problems")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Case(SealedPhone):
    """One resident's request, from intake to closure (docs/domain.md §3).

    ``unit`` is the unit the case belongs to: the grid its location falls in, else the enclosing
    community or street (the fallback queue), so nothing is orphaned. ``responsible_unit`` /
    ``responsible_department`` hold it at its current ``level``. Two clocks run: the stage's
    (``stage_*``) and the whole case's (``yellow_at``/``due_at``); ``next_sweep_at`` is when the
    sweeper next has something to do. Every change goes through ``cases.actions`` and bumps
    ``version`` (optimistic locking). The sealed ``phone`` is the reporter's contact number.
    """

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)

    reporter_kind = models.CharField(_("reporter"), max_length=12, choices=ReporterKind.choices)
    reporter = models.ForeignKey(
        Resident,
        verbose_name=_("reporting resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    public_anonymous = models.BooleanField(_("anonymous to the public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    building = models.ForeignKey(
        Unit, verbose_name=_("building"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Unit, verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cases")

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    triage_class = models.CharField(_("class"), max_length=12, choices=TriageClass.choices, blank=True)
    triage_reason = models.TextField(_("reason for the class"), blank=True)
    private_mode = models.CharField(
        _("self-resolution path"), max_length=8, choices=PrivateMode.choices, blank=True
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    handling_mode = models.CharField(
        _("handling mode"), max_length=12, choices=HandlingMode.choices, blank=True
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    planned_department = models.ForeignKey(
        Department,
        verbose_name=_("department it is headed for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REGISTERED)
    version = models.PositiveIntegerField(_("version"), default=1)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)
    closure_reason = models.TextField(_("reason"), blank=True)

    received_at = models.DateTimeField(_("received"))
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first acted on"), null=True, blank=True)
    stage_started_at = models.DateTimeField(_("stage started"), null=True, blank=True)
    stage_yellow_at = models.DateTimeField(_("stage warning from"), null=True, blank=True)
    stage_due_at = models.DateTimeField(_("stage due"), null=True, blank=True)
    yellow_at = models.DateTimeField(_("case warning from"), null=True, blank=True)
    due_at = models.DateTimeField(_("case due"), null=True, blank=True)
    red_card_at = models.DateTimeField(_("red card from"), null=True, blank=True)
    follow_up_due_at = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    verification_due_at = models.DateTimeField(_("verification due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    rating_due_at = models.DateTimeField(_("rating window ends"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    stage_color = models.CharField(_("stage warning"), max_length=8, choices=Color.choices, blank=True)
    case_color = models.CharField(_("case warning"), max_length=8, choices=Color.choices, blank=True)
    supervision = models.CharField(_("supervision"), max_length=12, choices=Supervision.choices, blank=True)
    next_sweep_at = models.DateTimeField(null=True, blank=True, editable=False)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    problem = models.ForeignKey(
        CommonProblem,
        verbose_name=_("common problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )

    satisfaction = models.CharField(
        _("satisfaction"), max_length=14, choices=Satisfaction.choices, blank=True
    )
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "channel", "source_ref"],
                condition=~Q(source_ref=""),
                name="case_source_ref_unique",
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="case_state_valid"),
            models.CheckConstraint(
                condition=(Q(state=State.CLOSED) & ~Q(outcome="")) | (~Q(state=State.CLOSED) & Q(outcome="")),
                name="case_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="case_score_1_5"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="case_version_positive"),
        ]
        indexes = [
            models.Index(fields=["district", "state"], name="case_district_state_idx"),
            models.Index(fields=["state", "unit"], name="case_state_unit_idx"),
            models.Index(fields=["unit", "state"], name="case_unit_state_idx"),
            models.Index(fields=["responsible_unit", "state"], name="case_resp_unit_idx"),
            models.Index(fields=["responsible_department", "state"], name="case_resp_dept_idx"),
            models.Index(fields=["assignee", "state"], name="case_assignee_idx"),
            models.Index(fields=["next_sweep_at"], name="case_next_sweep_idx"),
            models.Index(fields=["district", "received_at"], name="case_received_idx"),
            models.Index(fields=["district", "due_at"], name="case_due_idx"),
            models.Index(fields=["district", "closed_at"], name="case_closed_idx"),
        ]

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Case:
        case = super().from_db(db, field_names, values, **kwargs)
        # The row as loaded, for the board's counters: a write conditional on this version changes
        # them by the difference (``cases.tally``). Kept as it came; its mark is made when asked for.
        case.__dict__["_loaded_row"] = (field_names, values)
        return case

    @property
    def _tally_mark(self) -> Any:
        """``cases.tally.Mark`` of the case as loaded or last written; None when it was loaded
        without the counted fields (``only``/``defer``)."""
        if "_tally_mark_value" not in self.__dict__:
            from grassroots.cases import tally

            row = self.__dict__.get("_loaded_row")
            self.__dict__["_tally_mark_value"] = (
                tally.mark_from_row(dict(zip(*row, strict=True))) if row else None
            )
        return self.__dict__["_tally_mark_value"]

    @_tally_mark.setter
    def _tally_mark(self, mark: Any) -> None:
        self.__dict__["_tally_mark_value"] = mark

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED


class CaseEvent(models.Model):
    """One thing that happened to a case: who, when, from which state to which, and a note.
    The ordered events are the case's timeline."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version after"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CaseDepartment(models.Model):
    """A department a case was routed or copied to; department handlers see these cases."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="department_links")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="case_links")
    copied = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="casedepartment_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department_id}"


class CaseSupport(models.Model):
    """A resident's "me too" (我也遇到) on a public case of their community: one per resident and
    case. With the linked duplicates it is the heat of a case and of a common problem
    (docs/domain.md §3.2)."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="casesupport_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} + {self.case_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.received_at:%Y/%m}/{instance.uid}{instance.extension}"


class Attachment(models.Model):
    """A photo attached to a case. Type and size are checked from the bytes; files are served only
    through an access-checked view, never as public media."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.original_name or str(self.uid)

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}.get(
            self.content_type, ""
        )


class Extension(models.Model):
    """A request to extend a case's deadlines by some working days, and its decision."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["case_id", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_case",
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="extension_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class SupervisionRecord(models.Model):
    """A case put under supervision (督办): by the sweeper when overdue, or by an administrator."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supervisions"
    )
    level = models.CharField(_("level"), max_length=12, choices=Supervision.choices)
    reason = models.TextField(_("reason"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    responsible_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["case", "level"], name="supervision_once_per_level")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level}"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class MetricSnapshot(models.Model):
    """The counts behind the published metrics of one unit's subtree for one past period, frozen
    by ``manage.py freeze_metrics`` so that rankings and past figures never move
    (docs/domain.md §3.5). Ratios are computed from these counts with the published formulas."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="metric_snapshots"
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    received = models.PositiveIntegerField(default=0)
    responded_in_time = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    solved_in_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    frozen_at = models.DateTimeField(_("frozen"))

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_kind", "period_start"], name="metricsnapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_kind} {self.period_start}"


class CaseTally(models.Model):
    """The board's counters for one unit and month: the counts behind the metrics of the cases
    whose own unit this is, each filed under the month of its clock (``cases.tally``). Kept in step
    by every write to a case; ``manage.py case_tally`` checks and rebuilds them."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    received = models.IntegerField(default=0)
    responded_in_time = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    solved_in_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="casetally_unit_month")]
        indexes = [models.Index(fields=["district", "month"], name="casetally_district_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class _Split(models.Model):
    """Cases received in one month per triage class and category (``category`` holds the
    category's id, 0 for none), within a district: the 三事分流 split and the top categories."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    triage_class = models.CharField(max_length=12, blank=True)
    category = models.PositiveIntegerField(default=0)
    received = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.triage_class or '-'} {self.category}"


class SplitTally(_Split):
    """The split of one unit's cases (``cases.tally``)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "triage_class", "category"], name="splittally_unique"
            )
        ]
        indexes = [models.Index(fields=["district", "month"], name="splittally_district_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {super().__str__()}"


class DistrictSplitTally(_Split):
    """``SplitTally`` added up over a whole district: what a district's or a city's split reads
    (one row per month, class and category instead of one per unit as well)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "month", "triage_class", "category"], name="districtsplittally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {super().__str__()}"


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` for case creation: a retry with the same key returns the same case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique")]

    def __str__(self) -> str:
        return self.key


__all__ = [
    "Attachment",
    "Case",
    "CaseDepartment",
    "CaseEvent",
    "CaseSequence",
    "Category",
    "CommonProblem",
    "Extension",
    "HandlingMode",
    "IdempotencyKey",
    "LimitStage",
    "MetricSnapshot",
    "PeriodKind",
    "SlaSettings",
    "SupervisionRecord",
    "TimeLimit",
]
