"""The ledger's cases (docs/domain.md §3): intake, lists, detail with timeline, one endpoint per act,
photos, the residents' public view and common problems.

- ``POST cases/`` enters a case through ``actions.register_case``. An ``Idempotency-Key`` header
  makes it safe to retry: the same user sending the same key again gets the case of the first
  call (200 instead of 201), whatever the body says this time.
- ``GET cases/`` lists the cases the caller sees (``access.cases_visible_to``) with the filters of
  ``cases.filters.CaseFilter``; ``GET cases/{number}/`` is the detail with the timeline, photos,
  extensions, supervision records, links and the acts the caller may take now.
- ``POST cases/{number}/<act>/`` takes one act. Every act names the ``version`` it read (in the
  body, or as ``If-Match: "<version>"``); answers are 200 with the new detail, 400 for field
  errors, 403 when the case is visible but the act not allowed, 404 when the case is not visible,
  409 (with ``current_version``) when the case changed meanwhile or the act is impossible in its
  state.
- Photos are served only through ``cases/{number}/attachments/{uid}/``, to those who see the case.
- ``public-cases/`` is the residents' view of their community's public matters: no personal data
  and no reporter (docs/domain.md §3, §8), with each case's "me too" figure (``cases.heat``).
- ``POST``/``DELETE cases/{number}/support/``: a resident says "me too" (我也遇到) on a public
  matter of their community, or takes it back (``actions.support_case``/``withdraw_support``); 404
  for a case the caller sees neither as a public matter nor otherwise, 403 for one they see but may
  not support (their own report, a closed case, staff).
- ``problems/`` are common problems (共性问题) under the caller's units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from grassroots.api.base import UUID_REGEX, RefSerializer, ScopedSlugField, ScopedViewSet, actor
from grassroots.api.pagination import NewestFirstCursorPagination
from grassroots.cases import actions
from grassroots.cases.access import (
    cases_visible_to,
    may_see_reporter,
    problems_visible_to,
    public_cases_for,
)
from grassroots.cases.acts import available_acts
from grassroots.cases.choices import (
    Channel,
    ExtensionStatus,
    Level,
    Outcome,
    PrivateMode,
    ProblemState,
    ReporterKind,
    Satisfaction,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.cases.filters import CaseFilter, PublicCaseFilter
from grassroots.cases.heat import me_too, with_me_too, with_support_of
from grassroots.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    CommonProblem,
    Extension,
    SupervisionRecord,
)
from grassroots.cases.photos import photo_response
from grassroots.core.errors import Conflict
from grassroots.core.models import User
from grassroots.org.access import (
    AnyUser,
    active_posts,
    departments_visible_to,
    is_superuser,
    units_visible_to,
)
from grassroots.org.choices import UnitKind
from grassroots.org.models import Department, Unit
from grassroots.people.access import households_visible_to, own_resident, residents_visible_to
from grassroots.people.models import Household, Resident

# Case numbers are ``YYYY-NNNNNN``; anything else is "not found" before a query is made.
NUMBER_REGEX = r"[0-9]{4}-[0-9]{6,}"

# Units come joined to every case; their boundaries (often kilobytes) are never needed here.
_LIST_RELATIONS = ("category", "unit", "responsible_unit", "responsible_department", "assignee")
_DETAIL_RELATIONS = (
    *_LIST_RELATIONS,
    "grid",
    "building",
    "household",
    "reporter",
    "planned_department",
    "created_by",
    "handler",
    "verifier",
    "duplicate_of",
    "problem",
)
_UNIT_RELATIONS = ("unit", "responsible_unit", "grid", "building")


def _joined(queryset: QuerySet[Case], relations: tuple[str, ...]) -> QuerySet[Case]:
    deferred = [f"{name}__boundary" for name in relations if name in _UNIT_RELATIONS]
    return queryset.select_related(*relations).defer(*deferred)


def _district_ids(user: AnyUser) -> set[int] | None:
    """Districts whose catalog the user reports in (``None``: every district)."""
    if is_superuser(user):
        return None
    ids: set[int] = set()
    for post in active_posts(user):
        if post.unit is not None and post.unit.district_id:
            ids.add(post.unit.district_id)
        if post.department is not None:
            ids.add(post.department.district_id)
    resident = own_resident(user)
    if resident is not None and resident.grid.district_id:
        ids.add(resident.grid.district_id)
    return ids


def _category(code: str, district_ids: set[int] | None) -> Category:
    """The active category with ``code`` in one of the districts (a code is unique per district)."""
    found = Category.objects.filter(code=code, is_active=True)
    if district_ids is not None:
        found = found.filter(district_id__in=district_ids)
    matches = list(found[:2])
    if not matches:
        raise ValidationError({"category": [_("No category with this code in the catalog.")]})
    if len(matches) > 1:
        raise ValidationError(
            {"category": [_("Several districts have this category code; give the case's location.")]}
        )
    return matches[0]


def _version_from(request: Request, body: int | None) -> int:
    """The version the caller read: ``version`` in the body or ``If-Match: "<version>"``."""
    header = request.headers.get("If-Match", "").strip()
    from_header: int | None = None
    if header:
        text = header.removeprefix("W/").strip().strip('"')
        if not text.isdigit():
            raise ValidationError({"version": [_('If-Match must be the version in quotes, e.g. "3".')]})
        from_header = int(text)
    if from_header is None:
        if body is None:
            raise ValidationError(
                {"version": [_("Send the version you read, in the body or as an If-Match header.")]}
            )
        return body
    if body is not None and body != from_header:
        raise ValidationError({"version": [_("The body and If-Match name different versions.")]})
    return from_header


# -- shared pieces --------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A user as their public id and display name."""

    uid = serializers.UUIDField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    current_version = serializers.IntegerField(required=False)


def _act_errors() -> dict[int, Any]:
    return {
        400: OpenApiResponse(description="Field errors: {field: [message, …]}"),
        403: OpenApiResponse(description="The case is visible but this act is not allowed."),
        404: OpenApiResponse(description="No such case, or not visible to the caller."),
        409: OpenApiResponse(
            response=ConflictSerializer,
            description="The case changed since it was read, or the act is impossible in its state.",
        ),
    }


# -- read serializers -----------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    category = RefSerializer(read_only=True, allow_null=True)
    unit = RefSerializer(read_only=True)
    responsible_unit = RefSerializer(read_only=True, allow_null=True)
    responsible_department = RefSerializer(read_only=True, allow_null=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "channel",
            "triage_class",
            "category",
            "urgency",
            "state",
            "outcome",
            "unit",
            "level",
            "responsible_unit",
            "responsible_department",
            "assignee",
            "received_at",
            "stage_due_at",
            "due_at",
            "stage_color",
            "case_color",
            "supervision",
            "closed_at",
            "version",
        ]
        read_only_fields = fields


class ReporterSerializer(serializers.Serializer):
    """Who reported; ``resident``, ``name`` and ``phone_masked`` are null for viewers who may not see them."""

    kind = serializers.ChoiceField(choices=ReporterKind.choices)
    resident = serializers.UUIDField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    phone_masked = serializers.CharField(allow_null=True)
    public_anonymous = serializers.BooleanField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["at", "kind", "actor", "from_state", "to_state", "note", "data", "version"]
        read_only_fields = fields

    def get_actor(self, event: CaseEvent) -> str | None:
        """The actor's display name; none for the sweeper, and none where it would name a reporter
        the viewer may not see."""
        if event.actor is None:
            return None
        if event.actor_id in self.context.get("hidden_user_ids", ()):
            return None
        return str(event.actor)


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["uid", "content_type", "size", "original_name", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        """Where the file is served, to those who see the case."""
        return reverse(
            "api:case-attachment-file", kwargs={"number": attachment.case.number, "uid": attachment.uid}
        )


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = PersonSerializer(read_only=True, allow_null=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Extension
        fields = [
            "days",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class SupervisionSerializer(serializers.ModelSerializer):
    issued_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SupervisionRecord
        fields = ["level", "reason", "issued_by", "at"]
        read_only_fields = fields


class ProblemRefSerializer(serializers.Serializer):
    uid = serializers.UUIDField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=ProblemState.choices)


class AvailableActSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField()


class CaseDetailSerializer(CaseListSerializer):
    """Everything about a case that the viewer may see. The reporter's phone is only ever masked."""

    reporter = serializers.SerializerMethodField()
    created_by = PersonSerializer(read_only=True, allow_null=True)
    household = serializers.UUIDField(source="household.uid", read_only=True, allow_null=True, default=None)
    building = RefSerializer(read_only=True, allow_null=True)
    grid = RefSerializer(read_only=True, allow_null=True)
    planned_department = RefSerializer(read_only=True, allow_null=True)
    handler = PersonSerializer(read_only=True, allow_null=True)
    verifier = PersonSerializer(read_only=True, allow_null=True)
    duplicate_of = serializers.CharField(
        source="duplicate_of.number", read_only=True, allow_null=True, default=None
    )
    duplicates = serializers.SerializerMethodField()
    me_too = serializers.SerializerMethodField()
    problem = ProblemRefSerializer(read_only=True, allow_null=True)
    timeline = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    supervisions = SupervisionSerializer(many=True, read_only=True)
    available_acts = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "description",
            "source_ref",
            "reporter",
            "created_by",
            "lat",
            "lng",
            "address",
            "household",
            "building",
            "grid",
            "triage_reason",
            "private_mode",
            "handling_mode",
            "planned_department",
            "handler",
            "verifier",
            "resolution",
            "closure_reason",
            "response_due_at",
            "first_response_at",
            "stage_started_at",
            "stage_yellow_at",
            "yellow_at",
            "red_card_at",
            "follow_up_due_at",
            "verification_due_at",
            "resolved_at",
            "verified_at",
            "rating_due_at",
            "satisfaction",
            "score",
            "rating_comment",
            "rated_at",
            "reopen_count",
            "duplicate_of",
            "duplicates",
            "me_too",
            "problem",
            "timeline",
            "attachments",
            "extensions",
            "supervisions",
            "available_acts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _user(self) -> AnyUser:
        return self.context["request"].user

    def _sees_reporter(self, case: Case) -> bool:
        cache: dict[int, bool] = self.__dict__.setdefault("_reporter_shown", {})
        if case.pk not in cache:
            cache[case.pk] = may_see_reporter(self._user(), case)
        return cache[case.pk]

    @extend_schema_field(ReporterSerializer)
    def get_reporter(self, case: Case) -> dict[str, Any]:
        shown = self._sees_reporter(case)
        name = (case.reporter.name if case.reporter else case.reporter_name) or None
        return {
            "kind": case.reporter_kind,
            "resident": case.reporter.uid if shown and case.reporter else None,
            "name": name if shown else None,
            "phone_masked": (case.phone_masked or None) if shown else None,
            "public_anonymous": case.public_anonymous,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_duplicates(self, case: Case) -> list[str]:
        """Numbers of the cases merged into this one that the viewer sees."""
        return list(
            cases_visible_to(self._user())
            .filter(duplicate_of=case)
            .order_by("pk")
            .values_list("number", flat=True)
        )

    @extend_schema_field(serializers.IntegerField())
    def get_me_too(self, case: Case) -> int:
        """我也遇到: the cases linked as its duplicates plus the residents who said "me too"
        (``cases.heat``; annotated by the view's queryset)."""
        return me_too(case)

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: Case) -> Any:
        hidden: set[int] = set()
        if not self._sees_reporter(case) and case.reporter is not None and case.reporter.user_id:
            hidden.add(case.reporter.user_id)
        return EventSerializer(case.events.all(), many=True, context={"hidden_user_ids": hidden}).data

    @extend_schema_field(AvailableActSerializer(many=True))
    def get_available_acts(self, case: Case) -> list[dict[str, str]]:
        """What the viewer may do now; the act itself still checks everything when it is taken."""
        base = reverse("api:case-detail", kwargs={"number": case.number})
        return [
            {"name": act.name, "label": str(act.label), "url": f"{base}{act.name.replace('_', '-')}/"}
            for act in available_acts(self._user(), case)
        ]


class PublicCaseSerializer(serializers.ModelSerializer):
    """The public view (docs/domain.md §3): what the matter is and how it went, nothing about who
    reported it, no description, no address, no personal data."""

    category = RefSerializer(read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    me_too = serializers.IntegerField(
        source="me_too_count",
        read_only=True,
        help_text='我也遇到: linked duplicates plus residents who said "me too".',
    )
    supported = serializers.BooleanField(read_only=True, help_text='Whether the caller said "me too".')

    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "category",
            "triage_class",
            "state",
            "unit_name",
            "received_at",
            "resolved_at",
            "closed_at",
            "outcome",
            "me_too",
            "supported",
        ]
        read_only_fields = fields


# -- intake ---------------------------------------------------------------------------------------


class CaseCreateSerializer(serializers.Serializer):
    """A new case. Residents report for themselves (self-report; ``reporter`` is themselves or
    omitted). Staff report on behalf of a resident (``reporter``: the resident's public id), for a
    named caller (``reporter_name`` and/or ``reporter_phone``, kept sealed), or anonymously
    (``reporter_kind: anonymous``). Give a location: ``lat``/``lng``, a ``household``, a
    ``building`` code, or a ``unit`` code as the fallback queue."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    category = serializers.CharField(max_length=40, required=False, help_text="Catalog category code.")
    reporter_kind = serializers.ChoiceField(choices=ReporterKind.choices, required=False)
    reporter = ScopedSlugField(
        Resident, residents_visible_to, slug_field="uid", required=False, allow_null=True
    )
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The caller's phone in plaintext: sealed on save, only ever shown masked.",
    )
    public_anonymous = serializers.BooleanField(required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    household = ScopedSlugField(
        Household, households_visible_to, slug_field="uid", required=False, allow_null=True
    )
    building = ScopedSlugField(
        Unit,
        lambda user: units_visible_to(user).filter(kind=UnitKind.BUILDING),
        slug_field="code",
        required=False,
        allow_null=True,
    )
    unit = ScopedSlugField(Unit, units_visible_to, slug_field="code", required=False, allow_null=True)
    source_ref = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if "channel" not in attrs:
            # A resident's report is always a self-report; staff say how the case came in.
            if active_posts(user) or is_superuser(user):
                raise ValidationError({"channel": [_("Say how the case came in.")]})
            attrs["channel"] = Channel.SELF_REPORT
        code = attrs.pop("category", "")
        if code:
            attrs["category"] = _category(code, self._districts(attrs))
        return attrs

    def _districts(self, attrs: dict[str, Any]) -> set[int] | None:
        """The district the location names, else the caller's districts."""
        household, building, unit, reporter = (
            attrs.get("household"),
            attrs.get("building"),
            attrs.get("unit"),
            attrs.get("reporter"),
        )
        if household is not None:
            return {household.grid.district_id}
        for place in (building, unit):
            if place is not None and place.district_id:
                return {place.district_id}
        if reporter is not None:
            return {reporter.grid.district_id}
        return _district_ids(self.context["request"].user)


# -- acts -----------------------------------------------------------------------------------------


class ActSerializer(serializers.Serializer):
    """Every act names the case version it was taken on (or sends ``If-Match``)."""

    version = serializers.IntegerField(
        min_value=1, required=False, help_text='The version read; or send the header If-Match: "<version>".'
    )

    def case(self) -> Case:
        return self.context["case"]

    def category_in_case_district(self, code: str) -> Category:
        return _category(code, {self.case().district_id})


def _reason(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=2000, **kwargs)


def _note() -> serializers.CharField:
    return serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _department_field() -> ScopedSlugField:
    return ScopedSlugField(
        Department, departments_visible_to, slug_field="code", required=False, allow_null=True
    )


class _CategoryMixin(ActSerializer):
    category = serializers.CharField(max_length=40, required=False, help_text="Catalog category code.")

    def validate_category(self, value: str) -> Category:
        return self.category_in_case_district(value)


class TriageSerializer(_CategoryMixin):
    triage_class = serializers.ChoiceField(choices=TriageClass.choices)
    reason = _reason()
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)


class RetriageSerializer(_CategoryMixin):
    triage_class = serializers.ChoiceField(choices=TriageClass.choices)
    reason = _reason()


class RouteSerializer(ActSerializer):
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    department = _department_field()
    private_mode = serializers.ChoiceField(choices=PrivateMode.choices, required=False)
    note = _note()


class FollowUpSerializer(ActSerializer):
    solved = serializers.BooleanField()
    private_mode = serializers.ChoiceField(choices=PrivateMode.choices, required=False)
    note = _reason()


def _assignable(user: AnyUser) -> QuerySet[User]:
    """Any active user by public id: the act itself checks that they hold a post of the unit or
    department holding the case, after checking that the caller may assign at all (so a caller
    who may not assign is refused, 403, rather than told about the assignee, 400)."""
    return User.objects.filter(is_active=True)


class AssignSerializer(ActSerializer):
    assignee = ScopedSlugField(User, _assignable, slug_field="uid", help_text="The user's public id.")


class NoteSerializer(ActSerializer):
    note = _note()


class RequiredNoteSerializer(ActSerializer):
    note = _reason()


class ResolutionSerializer(ActSerializer):
    resolution = _reason(help_text="What was done.")


class SolveOnTheSpotSerializer(ResolutionSerializer):
    triage_class = serializers.ChoiceField(choices=TriageClass.choices, required=False)


class VerifySerializer(ActSerializer):
    passed = serializers.BooleanField(default=True)
    note = _note()


class RateSerializer(ActSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    score = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    by_phone = serializers.BooleanField(
        required=False, help_text="Staff recording a rating given on a call-back (回访)."
    )


class ReasonSerializer(ActSerializer):
    reason = _reason()


class EscalateSerializer(ReasonSerializer):
    to_level = serializers.ChoiceField(choices=Level.choices, required=False)
    department = _department_field()


class RequestExtensionSerializer(ReasonSerializer):
    days = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Working days.")


class DecideExtensionSerializer(ActSerializer):
    approve = serializers.BooleanField(help_text="Approve (true) or refuse (false) the pending request.")
    note = _note()


# The outcomes of a rejection (不予受理 / 不属实); named in the schema as RejectOutcomeEnum.
REJECT_OUTCOMES = [(o.value, o.label) for o in (Outcome.NOT_RESPONSIBLE, Outcome.NOT_TRUE)]


class RejectSerializer(ReasonSerializer):
    outcome = serializers.ChoiceField(choices=REJECT_OUTCOMES)


class MarkDuplicateSerializer(ActSerializer):
    original = ScopedSlugField(
        Case, cases_visible_to, slug_field="number", help_text="The original's number."
    )
    note = _note()


class ReopenSerializer(ActSerializer):
    comment = _reason()
    by_phone = serializers.BooleanField(
        required=False, help_text="Staff recording a reopening asked for on a call-back."
    )


class SuperviseSerializer(ReasonSerializer):
    level = serializers.ChoiceField(choices=[(s.value, s.label) for s in Supervision if s])


Perform = Callable[[Case, User, int, dict[str, Any]], object]


def _calls(function: Callable[..., object]) -> Perform:
    """An act that is the action called with the request's fields."""

    def perform(case: Case, user: User, version: int, data: dict[str, Any]) -> object:
        return function(case, actor=user, version=version, **data)

    return perform


def _decide_extension(case: Case, user: User, version: int, data: dict[str, Any]) -> object:
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
    if pending is None:
        raise Conflict(_("No extension request is waiting for a decision."), current_version=case.version)
    return actions.decide_extension(pending, actor=user, version=version, **data)


# name (as in ``cases.acts``; the URL uses hyphens): input, the act, what it does
ACT_ENDPOINTS: dict[str, tuple[type[ActSerializer], Perform, str]] = {
    "triage": (TriageSerializer, _calls(actions.triage_case), "三事分流: classify with a reason."),
    "route": (
        RouteSerializer,
        _calls(actions.route_case),
        "Send a triaged case to whoever handles its class.",
    ),
    "retriage": (RetriageSerializer, _calls(actions.retriage_case), "Change the class, with a reason."),
    "follow_up": (
        FollowUpSerializer,
        _calls(actions.follow_up_private),
        "Record the follow-up of a guided 私事.",
    ),
    "assign": (AssignSerializer, _calls(actions.assign_case), "Give the case to one person of the unit."),
    "accept": (NoteSerializer, _calls(actions.accept_case), "受理: take the case on."),
    "progress": (RequiredNoteSerializer, _calls(actions.add_progress), "A progress note."),
    "resolve": (ResolutionSerializer, _calls(actions.resolve_case), "办结: say what was done."),
    "solve_on_the_spot": (
        SolveOnTheSpotSerializer,
        _calls(actions.solve_on_the_spot),
        "马上办: solved at once by whoever received it.",
    ),
    "verify": (VerifySerializer, _calls(actions.verify_case), "核实, by someone other than the handler."),
    "request_rating": (NoteSerializer, _calls(actions.request_rating), "Ask the reporter again to rate."),
    "rate": (RateSerializer, _calls(actions.rate_case), "The reporter rates the result."),
    "close": (NoteSerializer, _calls(actions.close_case), "销号: strike the case off the ledger."),
    "return": (ReasonSerializer, _calls(actions.return_case), "退回: misrouted, back to triage."),
    "escalate": (EscalateSerializer, _calls(actions.escalate_case), "Take the case a level up."),
    "request_extension": (
        RequestExtensionSerializer,
        _calls(actions.request_extension),
        "Ask for more working days.",
    ),
    "decide_extension": (
        DecideExtensionSerializer,
        _decide_extension,
        "Approve or refuse the pending extension request.",
    ),
    "reject": (RejectSerializer, _calls(actions.reject_case), "Close as not ours or not true."),
    "mark_duplicate": (
        MarkDuplicateSerializer,
        _calls(actions.mark_duplicate),
        "Close as a duplicate of another case.",
    ),
    "reopen": (ReopenSerializer, _calls(actions.reopen_case), "The reporter says it is not solved."),
    "close_unsolved": (ReasonSerializer, _calls(actions.close_unsolved), "Close without a solution."),
    "supervise": (SuperviseSerializer, _calls(actions.supervise_case), "督办."),
    "comment": (RequiredNoteSerializer, _calls(actions.comment_case), "A note on the timeline."),
}


# -- photos ---------------------------------------------------------------------------------------


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG, PNG, WebP or GIF photo.")


class PhotoRenderer(BaseRenderer):
    """Lets a client that accepts only images fetch a photo; errors still answer as JSON."""

    media_type = "image/*"
    format = "image"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class SupportSerializer(serializers.Serializer):
    number = serializers.CharField()
    me_too = serializers.IntegerField(help_text='我也遇到: linked duplicates plus residents\' "me too".')
    supported = serializers.BooleanField()


_SUPPORT_ERRORS = {
    403: OpenApiResponse(description="Visible, but not the caller's to support (own report, closed, staff)."),
    404: OpenApiResponse(
        description="Neither a public matter of the caller's community nor a case they see."
    ),
}


# -- the case endpoints ---------------------------------------------------------------------------


class CaseViewSet(ScopedViewSet[Case]):
    """The ledger: ``POST`` to enter a case, lists with filters, detail with timeline, acts, photos."""

    lookup_field = "number"
    lookup_value_regex = NUMBER_REGEX
    serializer_class = CaseDetailSerializer
    filterset_class = CaseFilter
    pagination_class = NewestFirstCursorPagination
    write_serializers = {
        "create": CaseCreateSerializer,
        "attachments": AttachmentUploadSerializer,
        **{name: serializer for name, (serializer, _perform, _doc) in ACT_ENDPOINTS.items()},
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "list":
            return CaseListSerializer
        return super().get_serializer_class()

    def scoped(self) -> QuerySet[Case]:
        return cases_visible_to(self.request.user)

    def get_queryset(self) -> QuerySet[Case]:
        if self.action == "list":
            return _joined(self.scoped(), _LIST_RELATIONS)
        return self.detail_queryset()

    def detail_queryset(self) -> QuerySet[Case]:
        events = CaseEvent.objects.select_related("actor").order_by("at", "id")
        return _joined(with_me_too(self.scoped()), _DETAIL_RELATIONS).prefetch_related(
            Prefetch("events", queryset=events),
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("requested_by", "decided_by").order_by(
                    "requested_at", "id"
                ),
            ),
            Prefetch("supervisions", queryset=SupervisionRecord.objects.select_related("issued_by")),
        )

    def case_for_act(self, number: str) -> Case:
        """The case as the actions want it: visible to the caller (else 404), nothing prefetched."""
        case = get_object_or_404(self.scoped().select_related("unit", "category"), number=number)
        self.check_object_permissions(self.request, case)
        return case

    def detail_response(
        self, case: Case, status_code: int = status.HTTP_200_OK, *, reread: bool = True
    ) -> Response:
        """The detail (re-read with its relations after a write), its version also as the ETag."""
        if reread:
            response = self.respond_with(case, status_code)
        else:
            data = CaseDetailSerializer(case, context=self.get_serializer_context()).data
            response = Response(data, status=status_code)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.detail_response(self.get_object(), reread=False)

    @extend_schema(
        request=CaseCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description=(
                    "Makes a retry safe: the same user sending the same key gets the case of the first "
                    "call (200) instead of a new one (201). The key is not compared with the body: a "
                    "different body under a used key still answers the first case. At most 100 characters."
                ),
            )
        ],
        responses={
            201: CaseDetailSerializer,
            200: OpenApiResponse(CaseDetailSerializer, description="A retry with a used Idempotency-Key."),
            400: OpenApiResponse(description="Field errors."),
            403: OpenApiResponse(description="The caller may not report here (or for this resident)."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        data = self.validated(request)
        case, created = actions.register_case(actor=actor(request), idempotency_key=key, **data)
        if not created:
            return self.detail_response(case, status.HTTP_200_OK)
        # The instance just written is the case as stored, its relations attached: no re-read (on
        # PostgreSQL, planning the detail query's joins costs more than the whole registration).
        case.me_too_count = 0  # type: ignore[attr-defined]  # no duplicates or "me too" yet
        return self.detail_response(case, status.HTTP_201_CREATED, reread=False)

    def run_act(self, request: Request, number: str, name: str) -> Response:
        serializer_class, perform, _doc = ACT_ENDPOINTS[name]
        case = self.case_for_act(number)
        serializer = serializer_class(
            data=request.data, context={**self.get_serializer_context(), "case": case}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = _version_from(request, data.pop("version", None))
        perform(case, actor(request), version, data)
        return self.detail_response(case)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            400: OpenApiResponse(description="Not a photo, too large, empty, or too many photos."),
            403: OpenApiResponse(description="The case is visible but the caller may not add photos."),
            404: OpenApiResponse(description="No such case, or not visible to the caller."),
        },
    )
    @action(detail=True, methods=["post"], url_path="attachments", url_name="attachments")
    def attachments(self, request: Request, number: str) -> Response:
        """Attach a photo (type and size are checked from the bytes)."""
        case = self.case_for_act(number)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        attachment = actions.attach_photo(case, actor=actor(request), upload=upload, name=upload.name or "")
        data = AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo."),
            (404, "application/json"): OpenApiResponse(description="Not visible, or no such photo."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"attachments/(?P<uid>{UUID_REGEX})",
        url_name="attachment-file",
        renderer_classes=[JSONRenderer, PhotoRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def attachment_file(self, request: Request, number: str, uid: str) -> FileResponse:
        """The photo's bytes, only to those who see the case; never cached by anyone else."""
        case = self.case_for_act(number)
        return photo_response(case.attachments.filter(uid=uid).first())

    @extend_schema(
        methods=["POST"],
        request=None,
        responses={201: SupportSerializer, **_SUPPORT_ERRORS},
        summary="我也遇到: say me too",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None, **_SUPPORT_ERRORS},
        summary="Take back a me too",
    )
    @action(detail=True, methods=["post", "delete"], url_path="support", url_name="support")
    def support(self, request: Request, number: str) -> Response:
        """我也遇到: ``POST`` says "me too" on a public matter of the caller's community (again: no
        change), ``DELETE`` takes it back (none to take back: no change)."""
        user = actor(request)
        # Seen as a public matter or otherwise (their own report, staff's scope): the action decides
        # (403); anything else does not exist for the caller (404).
        seen = public_cases_for(user) | cases_visible_to(user)
        case = get_object_or_404(seen.select_related("unit"), number=number)
        if request.method == "DELETE":
            actions.withdraw_support(case, actor=user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        actions.support_case(case, actor=user)
        data = {"number": case.number, "me_too": me_too(case), "supported": True}
        return Response(SupportSerializer(data).data, status=status.HTTP_201_CREATED)


def _act_endpoint(name: str, serializer: type[ActSerializer], doc: str) -> Callable[..., Response]:
    def endpoint(self: CaseViewSet, request: Request, number: str) -> Response:
        return self.run_act(request, number, name)

    endpoint.__name__ = name
    endpoint.__doc__ = doc
    url = name.replace("_", "-")
    decorated = action(detail=True, methods=["post"], url_path=url, url_name=url)(endpoint)
    return extend_schema(
        request=serializer,
        responses={200: CaseDetailSerializer, **_act_errors()},
        summary=doc,
        parameters=[
            OpenApiParameter(
                "If-Match",
                location=OpenApiParameter.HEADER,
                required=False,
                description='The version read, as "<version>" (instead of "version" in the body).',
            )
        ],
    )(decorated)


# One endpoint per act, all alike: the table above says what each takes and calls.
for _name, (_serializer, _perform, _doc) in ACT_ENDPOINTS.items():
    setattr(CaseViewSet, _name, _act_endpoint(_name, _serializer, _doc))


class PublicCaseViewSet(ScopedViewSet[Case]):
    """The public matters (大事, 小事) of the resident's community, without personal data."""

    lookup_field = "number"
    lookup_value_regex = NUMBER_REGEX
    serializer_class = PublicCaseSerializer
    filterset_class = PublicCaseFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[Case]:
        user = self.request.user
        cases = public_cases_for(user).select_related("category", "unit").defer("unit__boundary")
        return with_support_of(with_me_too(cases), user)


# -- common problems ------------------------------------------------------------------------------


class ProblemCaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    version = serializers.IntegerField()


class ProblemSerializer(serializers.ModelSerializer):
    unit = RefSerializer(read_only=True)
    category = RefSerializer(read_only=True, allow_null=True)
    created_by = PersonSerializer(read_only=True, allow_null=True)
    resolved_by = PersonSerializer(read_only=True, allow_null=True)
    cases = serializers.SerializerMethodField()

    class Meta:
        model = CommonProblem
        fields = [
            "uid",
            "title",
            "description",
            "category",
            "unit",
            "state",
            "resolution",
            "created_by",
            "created_at",
            "resolved_by",
            "resolved_at",
            "verified_at",
            "version",
            "cases",
        ]
        read_only_fields = fields

    @extend_schema_field(ProblemCaseSerializer(many=True))
    def get_cases(self, problem: CommonProblem) -> list[dict[str, Any]]:
        """The member cases the viewer sees (prefetched by the view)."""
        return [
            {"number": c.number, "title": c.title, "state": c.state, "version": c.version}
            for c in problem.visible_cases  # type: ignore[attr-defined]
        ]


class ProblemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=40, required=False, help_text="Catalog category code.")
    cases = ScopedSlugField(
        Case, cases_visible_to, slug_field="number", many=True, help_text="Numbers of at least two cases."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        code = attrs.pop("category", "")
        if code and attrs["cases"]:
            attrs["category"] = _category(code, {attrs["cases"][0].district_id})
        return attrs


class ProblemLinkSerializer(serializers.Serializer):
    case = ScopedSlugField(Case, cases_visible_to, slug_field="number", help_text="The case's number.")
    version = serializers.IntegerField(min_value=1, required=False, help_text="The case's version.")


class ProblemResolveSerializer(serializers.Serializer):
    resolution = _reason(help_text="What was done, once for every member case.")
    version = serializers.IntegerField(min_value=1, required=False, help_text="The problem's version.")


class ProblemVerifySerializer(serializers.Serializer):
    note = _note()
    version = serializers.IntegerField(min_value=1, required=False, help_text="The problem's version.")


_PROBLEM_ERRORS = {
    400: OpenApiResponse(description="Field errors."),
    403: OpenApiResponse(description="Visible, but the caller may not do this."),
    404: OpenApiResponse(description="No such problem, or not visible to the caller."),
    409: OpenApiResponse(response=ConflictSerializer, description="Changed meanwhile, or not in that state."),
}


class ProblemViewSet(ScopedViewSet[CommonProblem]):
    """Common problems (共性问题): similar cases handled once (docs/domain.md §3.2)."""

    lookup_field = "uid"
    lookup_value_regex = UUID_REGEX
    serializer_class = ProblemSerializer
    write_serializers = {
        "create": ProblemCreateSerializer,
        "link": ProblemLinkSerializer,
        "unlink": ProblemLinkSerializer,
        "resolve": ProblemResolveSerializer,
        "verify": ProblemVerifySerializer,
    }
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[CommonProblem]:
        members = cases_visible_to(self.request.user).only(
            "number", "title", "state", "version", "problem_id"
        )
        return (
            problems_visible_to(self.request.user)
            .select_related("unit", "category", "created_by", "resolved_by")
            .defer("unit__boundary")
            .prefetch_related(Prefetch("cases", queryset=members.order_by("pk"), to_attr="visible_cases"))
        )

    def _plain(self) -> CommonProblem:
        """The problem for an action: visible to the caller, else 404."""
        return get_object_or_404(
            problems_visible_to(self.request.user).select_related("unit"), uid=self.kwargs["uid"]
        )

    @extend_schema(request=ProblemCreateSerializer, responses={201: ProblemSerializer, **_PROBLEM_ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        problem = actions.create_problem(actor=actor(request), **self.validated(request))
        return self.respond_with(problem, status.HTTP_201_CREATED)

    @extend_schema(request=ProblemLinkSerializer, responses={200: ProblemSerializer, **_PROBLEM_ERRORS})
    @action(detail=True, methods=["post"])
    def link(self, request: Request, uid: str) -> Response:
        """Add a case to the problem (``version``: the case's)."""
        problem = self._plain()
        data = self.validated(request)
        case = data["case"]
        actions.link_to_problem(
            problem, case, actor=actor(request), version=_version_from(request, data.get("version"))
        )
        return self.respond_with(problem)

    @extend_schema(request=ProblemLinkSerializer, responses={200: ProblemSerializer, **_PROBLEM_ERRORS})
    @action(detail=True, methods=["post"])
    def unlink(self, request: Request, uid: str) -> Response:
        """Take a case out of the problem (``version``: the case's)."""
        problem = self._plain()
        data = self.validated(request)
        case = data["case"]
        if case.problem_id != problem.pk:
            raise ValidationError({"case": [_("The case is not part of this problem.")]})
        actions.unlink_from_problem(
            case, actor=actor(request), version=_version_from(request, data.get("version"))
        )
        return self.respond_with(problem)

    @extend_schema(request=ProblemResolveSerializer, responses={200: ProblemSerializer, **_PROBLEM_ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, uid: str) -> Response:
        """Resolve the problem once: every open member case is resolved with the same account."""
        problem = self._plain()
        data = self.validated(request)
        actions.resolve_problem(
            problem,
            actor=actor(request),
            version=_version_from(request, data.get("version")),
            resolution=data["resolution"],
        )
        return self.respond_with(problem)

    @extend_schema(request=ProblemVerifySerializer, responses={200: ProblemSerializer, **_PROBLEM_ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, uid: str) -> Response:
        """Verify the problem (someone other than who resolved it); members go to their reporters' rating."""
        problem = self._plain()
        data = self.validated(request)
        actions.verify_problem(
            problem,
            actor=actor(request),
            version=_version_from(request, data.get("version")),
            note=data.get("note", ""),
        )
        return self.respond_with(problem)


extra_urlpatterns: list[URLPattern] = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("cases", CaseViewSet, basename="case")
    router.register("public-cases", PublicCaseViewSet, basename="public-case")
    router.register("problems", ProblemViewSet, basename="problem")
