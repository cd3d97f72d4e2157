"""The matter catalog, time limits, the holiday calendar and deadline settings (docs/domain.md §3.3).

Routes (a district is named by its unit code; categories by their code, unique in the district;
time-limit rows, which have no public id of their own, by their number; calendar entries by date)::

    GET    catalog/{district}/categories/                 the catalog as a tree (``?active=true``)
    POST   catalog/{district}/categories/                 add a category
    GET    catalog/{district}/categories/{code}/          one category
    PATCH  catalog/{district}/categories/{code}/          change it
    POST   catalog/{district}/categories/{code}/deactivate/
    GET    catalog/{district}/time-limits/                ``?category=CODE`` (``*``: defaults), ``?stage``
    POST   catalog/{district}/time-limits/                set a row (created 201, or changed 200)
    PATCH  catalog/{district}/time-limits/{id}/           change its days
    DELETE catalog/{district}/time-limits/{id}/
    GET    catalog/{district}/sla/                        the district's deadline settings
    PATCH  catalog/{district}/sla/
    GET    catalog/export.xlsx?district=CODE              the catalog as a workbook
    POST   catalog/import/                                multipart: district, file, atomic
    GET    holidays/?year=2026                            the holiday calendar
    POST   holidays/   PATCH/DELETE holidays/{date}/

Who (``cases.catalog``): everyone with a post in the district reads its catalog, time limits
and deadline settings, and exports the workbook; a resident reads the active categories of their
own district; everyone signed in reads the calendar. District administrators write (through the
catalog actions, which refuse the others with 403); a district the caller cannot read is 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from grassroots.api.base import CreateMixin, PartialUpdateMixin, ScopedViewSet, actor
from grassroots.api.renderers import XLSX
from grassroots.cases import catalog, catalog_excel
from grassroots.cases.choices import TriageClass
from grassroots.cases.models import Category, LimitStage, SlaSettings, TimeLimit
from grassroots.core.models import DayKind, Holiday, User
from grassroots.org.models import Department, Unit

DISTRICT = OpenApiParameter(
    "district", str, OpenApiParameter.PATH, description="The district's unit code (e.g. `530113`)."
)
CLASS_CHOICES = [("", gettext_lazy("Any class")), *TriageClass.choices]


def _district(user: Any, code: str, scope: Any = catalog.catalog_districts_visible_to) -> Unit:
    district = scope(user).filter(code=code).first()
    if district is None:
        raise Http404
    return district


class DistrictMixin(GenericAPIView[Any]):
    """Views under ``catalog/{district}/``: the district, if the caller may read this part of its
    catalog (``district_scope``), else 404."""

    district_scope: Any = staticmethod(catalog.catalog_districts_visible_to)

    @cached_property
    def district(self) -> Unit:
        return _district(self.request.user, self.kwargs["district"], scope=self.district_scope)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["district"] = self.district
        return context


# -- categories ---------------------------------------------------------------------------------------


class DepartmentRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)


def _department(department: Department | None) -> dict[str, str] | None:
    if department is None:
        return None
    return {"code": department.code, "name": department.name, "short_name": department.short_name}


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)  # type: ignore[assignment]
    path = serializers.SerializerMethodField()
    effective_class = serializers.SerializerMethodField()
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    effective_department = serializers.SerializerMethodField()
    keywords = serializers.SerializerMethodField()
    examples = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "parent",
            "level",
            "path",
            "default_class",
            "effective_class",
            "department",
            "effective_department",
            "keywords",
            "examples",
            "auto_escalate",
            "urgent_may_skip",
            "sort_order",
            "is_active",
        ]
        read_only_fields = fields

    def get_path(self, obj: Category) -> str:
        return catalog.path_of(obj)

    @extend_schema_field(serializers.ChoiceField(choices=CLASS_CHOICES))
    def get_effective_class(self, obj: Category) -> str:
        return obj.effective_class()

    @extend_schema_field(DepartmentRefSerializer(allow_null=True))
    def get_effective_department(self, obj: Category) -> dict[str, str] | None:
        return _department(obj.effective_department())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_keywords(self, obj: Category) -> list[str]:
        return catalog.keyword_list(obj.keywords)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_examples(self, obj: Category) -> list[str]:
        return catalog.example_list(obj.examples)


class CategoryNodeSerializer(serializers.Serializer):
    """One category of the tree with the categories under it (``children``, in order)."""

    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    default_class = serializers.ChoiceField(choices=CLASS_CHOICES)
    effective_class = serializers.ChoiceField(choices=CLASS_CHOICES)
    department = DepartmentRefSerializer(allow_null=True)
    effective_department = DepartmentRefSerializer(allow_null=True)
    keywords = serializers.ListField(child=serializers.CharField())
    examples = serializers.ListField(child=serializers.CharField())
    auto_escalate = serializers.BooleanField()
    urgent_may_skip = serializers.BooleanField()
    sort_order = serializers.IntegerField()
    is_active = serializers.BooleanField()
    children = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}})
    def get_children(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        return list(obj["children"])


def category_tree(categories: list[Category]) -> list[dict[str, Any]]:
    """Nested nodes from categories in tree order; the class and department a category inherits
    are worked out from its ancestors in memory. A category whose parent is not in the list (not
    readable by the caller) is left out with its children."""
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for category in categories:
        parent = nodes.get(category.parent_id) if category.parent_id else None
        if category.parent_id and parent is None:
            continue
        department = _department(category.department) if category.department_id else None
        node = {
            "code": category.code,
            "name": category.name,
            "level": category.level,
            "default_class": category.default_class,
            "effective_class": category.default_class or (parent["effective_class"] if parent else ""),
            "department": department,
            "effective_department": department or (parent["effective_department"] if parent else None),
            "keywords": catalog.keyword_list(category.keywords),
            "examples": catalog.example_list(category.examples),
            "auto_escalate": category.auto_escalate,
            "urgent_may_skip": category.urgent_may_skip,
            "sort_order": category.sort_order,
            "is_active": category.is_active,
            "children": [],
        }
        nodes[category.pk] = node
        (parent["children"] if parent else roots).append(node)
    return roots


class CategoryWriteSerializer(serializers.Serializer):
    """A category's fields; ``parent`` and ``department`` by code, in the same district."""

    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)
    parent = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)  # type: ignore[assignment]
    default_class = serializers.ChoiceField(choices=CLASS_CHOICES, required=False)
    department = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)
    keywords = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    examples = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    auto_escalate = serializers.BooleanField(required=False)
    urgent_may_skip = serializers.BooleanField(required=False)
    sort_order = serializers.IntegerField(min_value=0, required=False)
    is_active = serializers.BooleanField(required=False)

    def validate_parent(self, value: str | None) -> Category | None:
        if not value:
            return None
        found = Category.objects.filter(district=self.context["district"], code=value).first()
        if found is None:
            raise ValidationError(_("No category has this code in the district's catalog."))
        return found

    def validate_department(self, value: str | None) -> Department | None:
        if not value:
            return None
        found = Department.objects.filter(district=self.context["district"], code=value).first()
        if found is None:
            raise ValidationError(_("The district has no department with this code."))
        return found


class CategoryUpdateSerializer(CategoryWriteSerializer):
    code = serializers.CharField(max_length=40, required=False)
    name = serializers.CharField(max_length=100, required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            DISTRICT,
            OpenApiParameter("active", bool, description="Only active (`true`) or inactive (`false`) ones."),
        ],
        responses=CategoryNodeSerializer(many=True),
        description="The district's catalog as a tree (top classes with their children, in order).",
    ),
    retrieve=extend_schema(parameters=[DISTRICT]),
    create=extend_schema(parameters=[DISTRICT]),
    partial_update=extend_schema(parameters=[DISTRICT]),
    deactivate=extend_schema(parameters=[DISTRICT], request=None),
)
class CategoryViewSet(DistrictMixin, CreateMixin[Category], PartialUpdateMixin[Category]):
    """The matter catalog (事项清单) of one district, by category code."""

    serializer_class = CategorySerializer
    write_serializers = {"create": CategoryWriteSerializer, "partial_update": CategoryUpdateSerializer}
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Category]:
        return (
            catalog.categories_visible_to(self.request.user)
            .filter(district=self.district)
            .select_related(
                "parent__parent__department", "parent__department", "department", "parent__parent"
            )
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        categories = catalog.in_tree_order(self.get_queryset())
        active = request.query_params.get("active")
        if active is not None:
            categories = categories.filter(is_active=active.lower() in ("1", "true", "yes"))
        return Response(category_tree(list(categories)))

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Category:
        return catalog.create_category(actor=user, district=self.district, **data)

    def perform_action_update(self, user: User, instance: Category, data: dict[str, Any]) -> Category:
        return catalog.update_category(actor=user, category=instance, **data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Take the category (and the ones below it) out of use; cases keep pointing at it."""
        category = self.get_object()
        return self.respond_with(catalog.deactivate_category(actor=actor(request), category=category))


# -- time limits --------------------------------------------------------------------------------------


class TimeLimitSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True, allow_null=True, default=None)
    triage_class = serializers.ChoiceField(choices=CLASS_CHOICES, read_only=True)

    class Meta:
        model = TimeLimit
        fields = [
            "id",
            "category",
            "triage_class",
            "stage",
            "response_days",
            "handling_days",
            "verification_days",
        ]
        read_only_fields = fields


def _days() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal(0), required=False)


class TimeLimitWriteSerializer(serializers.Serializer):
    """A row is named by its category (code; empty for the district default), class (empty: any)
    and stage; setting a row that exists changes its days."""

    category = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)
    triage_class = serializers.ChoiceField(choices=CLASS_CHOICES, required=False, default="")
    stage = serializers.ChoiceField(choices=LimitStage.choices)
    response_days = _days()
    handling_days = _days()
    verification_days = _days()

    def validate_category(self, value: str | None) -> Category | None:
        if not value:
            return None
        found = Category.objects.filter(district=self.context["district"], code=value).first()
        if found is None:
            raise ValidationError(_("No category has this code in the district's catalog."))
        return found


class TimeLimitDaysSerializer(serializers.Serializer):
    response_days = _days()
    handling_days = _days()
    verification_days = _days()


class TimeLimitQuerySerializer(serializers.Serializer):
    category = serializers.CharField(
        required=False, help_text="A category code, or `*` for district defaults."
    )
    stage = serializers.ChoiceField(choices=LimitStage.choices, required=False)
    triage_class = serializers.ChoiceField(choices=CLASS_CHOICES, required=False)


@extend_schema_view(
    list=extend_schema(parameters=[DISTRICT, TimeLimitQuerySerializer]),
    retrieve=extend_schema(parameters=[DISTRICT]),
    create=extend_schema(
        parameters=[DISTRICT], responses={200: TimeLimitSerializer, 201: TimeLimitSerializer}
    ),
    partial_update=extend_schema(parameters=[DISTRICT]),
    destroy=extend_schema(parameters=[DISTRICT]),
)
class TimeLimitViewSet(DistrictMixin, mixins.DestroyModelMixin, ScopedViewSet[TimeLimit]):
    """Time limits in working days of the district's catalog (and its defaults), by row number.
    The list is the whole district's (a few hundred rows at most), not paged."""

    serializer_class = TimeLimitSerializer
    write_serializers = {"create": TimeLimitWriteSerializer, "partial_update": TimeLimitDaysSerializer}
    district_scope = staticmethod(catalog.staff_districts)
    lookup_value_regex = r"[0-9]+"
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[TimeLimit]:
        return (
            catalog.time_limits_visible_to(self.request.user)
            .filter(district=self.district)
            .select_related("category")
            .order_by("category__code", "triage_class", "stage", "id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = TimeLimitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = self.get_queryset()
        params = query.validated_data
        if "category" in params:
            code = params["category"]
            rows = rows.filter(category__isnull=True) if code == "*" else rows.filter(category__code=code)
        if "stage" in params:
            rows = rows.filter(stage=params["stage"])
        if "triage_class" in params:
            rows = rows.filter(triage_class=params["triage_class"])
        return Response(TimeLimitSerializer(rows, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(request)
        key = {
            "category": data.get("category"),
            "triage_class": data.get("triage_class", ""),
            "stage": data["stage"],
        }
        existed = TimeLimit.objects.filter(district=self.district, **key).exists()
        limit = catalog.set_time_limit(actor=actor(request), district=self.district, **data)
        return self.respond_with(limit, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        limit = self.get_object()
        data = self.validated(request, limit)
        limit = catalog.set_time_limit(
            actor=actor(request),
            district=self.district,
            category=limit.category,
            triage_class=limit.triage_class,
            stage=limit.stage,
            **data,
        )
        return self.respond_with(limit)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog.remove_time_limit(actor=actor(request), limit=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- deadline settings --------------------------------------------------------------------------------


class SlaSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = SlaSettings
        fields = ["district", *catalog.SLA_FIELDS]
        read_only_fields = fields


class SlaUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaSettings
        fields = list(catalog.SLA_FIELDS)
        extra_kwargs = {name: {"required": False} for name in catalog.SLA_FIELDS}


@extend_schema_view(
    get=extend_schema(parameters=[DISTRICT]),
    patch=extend_schema(parameters=[DISTRICT], request=SlaUpdateSerializer, responses=SlaSerializer),
)
class SlaView(GenericAPIView[SlaSettings]):
    """A district's deadline settings (warning fraction, urgency factors, rating window, fallback
    limits); read by the district's staff, changed by its administrators."""

    serializer_class = SlaSerializer

    def _district(self) -> Unit:
        return _district(self.request.user, self.kwargs["district"], scope=catalog.staff_districts)

    def get(self, request: Request, district: str) -> Response:
        unit = self._district()
        sla = SlaSettings.objects.filter(district=unit).first() or SlaSettings(district=unit)
        return Response(SlaSerializer(sla).data)

    def patch(self, request: Request, district: str) -> Response:
        unit = self._district()
        serializer = SlaUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        sla = catalog.update_sla_settings(actor=actor(request), district=unit, **serializer.validated_data)
        return Response(SlaSerializer(sla).data)


# -- the workbook -------------------------------------------------------------------------------------


class CatalogImportSerializer(serializers.Serializer):
    district = serializers.CharField(max_length=40, help_text="The district's unit code.")
    file = serializers.FileField(help_text="An .xlsx workbook in the format of the export.")
    atomic = serializers.BooleanField(default=False, help_text="Keep nothing if any row fails.")


# Declared inline: a serializer class cannot have a field called ``errors``.
CatalogRowErrorSerializer = inline_serializer(
    "CatalogRowError",
    {
        "row": serializers.IntegerField(help_text="Row number as the spreadsheet shows it (header: row 1)."),
        "code": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


CatalogImportReportSerializer = inline_serializer(
    "CatalogImportReport",
    {
        "rows": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "limits_written": serializers.IntegerField(),
        "limits_removed": serializers.IntegerField(),
        "errors": serializers.ListField(child=CatalogRowErrorSerializer),
        "ignored_columns": serializers.ListField(child=serializers.CharField()),
        "committed": serializers.BooleanField(
            help_text="False when `atomic` and a row failed: nothing kept."
        ),
    },
)


class CatalogExportView(APIView):
    @extend_schema(
        operation_id="catalog_export_xlsx",
        parameters=[
            OpenApiParameter("district", str, required=True, description="The district's unit code.")
        ],
        responses={(200, XLSX): OpenApiTypes.BINARY, 404: OpenApiResponse(description="No such district.")},
        description=(
            "The district's catalog as an Excel workbook: one row per category (path, code, class, "
            "department short name, keywords, examples, flags) with its time limits in columns per "
            "class and level; the first row after the header holds the district defaults (code `*`). "
            "Audit-recorded."
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        district = _district(
            request.user, request.query_params.get("district", ""), scope=catalog.staff_districts
        )
        body = catalog_excel.export_catalog(district, actor=actor(request))
        response = HttpResponse(body, content_type=XLSX)
        filename = f"catalog-{district.code}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CatalogImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CatalogImportSerializer},
        responses={
            200: CatalogImportReportSerializer,
            400: OpenApiResponse(
                CatalogImportReportSerializer,
                description="Not a workbook, no such district, or (atomic) a row failed: nothing kept.",
            ),
            403: OpenApiResponse(description="The caller may not edit the district's catalog."),
        },
        description=(
            "Read a catalog workbook (the export's format) into the district through the catalog "
            "actions. Failing rows are listed with their row numbers and field errors; the other rows "
            "are kept unless `atomic`. Importing the same workbook again changes nothing."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = CatalogImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        district = catalog.staff_districts(request.user).filter(code=data["district"]).first()
        if district is None:
            raise ValidationError({"district": [_("No district has this code.")]})
        report = catalog_excel.import_catalog(
            data["file"], actor=actor(request), district=district, atomic=data["atomic"]
        )
        return Response(
            report.as_dict(), status=status.HTTP_200_OK if report.committed else status.HTTP_400_BAD_REQUEST
        )


# -- the holiday calendar -----------------------------------------------------------------------------


class HolidaySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DayKind.choices, read_only=True)

    class Meta:
        model = Holiday
        fields = ["date", "kind", "name"]
        read_only_fields = fields


class HolidayWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class HolidayUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=DayKind.choices, required=False)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class HolidayQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)
    kind = serializers.ChoiceField(choices=DayKind.choices, required=False)


@extend_schema_view(list=extend_schema(parameters=[HolidayQuerySerializer]))
class HolidayViewSet(mixins.DestroyModelMixin, CreateMixin[Holiday], PartialUpdateMixin[Holiday]):
    """The holiday calendar (days off and make-up working days), by date (``2026-10-01``); one
    calendar for the whole deployment. Everyone signed in reads it; district administrators and
    superusers change it. Not paged (a year has a few dozen entries)."""

    serializer_class = HolidaySerializer
    write_serializers = {"create": HolidayWriteSerializer, "partial_update": HolidayUpdateSerializer}
    lookup_field = "date"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Holiday]:
        return catalog.holidays_visible_to(self.request.user).order_by("date")

    def get_object(self) -> Holiday:
        try:
            day = dt.date.fromisoformat(self.kwargs["date"])
        except ValueError:
            raise Http404 from None
        holiday: Holiday = get_object_or_404(self.get_queryset(), date=day)
        return holiday

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = HolidayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = self.get_queryset()
        if "year" in query.validated_data:
            rows = rows.filter(date__year=query.validated_data["year"])
        if "kind" in query.validated_data:
            rows = rows.filter(kind=query.validated_data["kind"])
        return Response(HolidaySerializer(rows, many=True).data)

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Holiday:
        return catalog.add_holiday(actor=user, **data)

    def perform_action_update(self, user: User, instance: Holiday, data: dict[str, Any]) -> Holiday:
        return catalog.update_holiday(actor=user, holiday=instance, **data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        catalog.remove_holiday(actor=actor(request), holiday=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


extra_urlpatterns: list[URLPattern] = [
    path("catalog/export.xlsx", CatalogExportView.as_view(), name="catalog-export-xlsx"),
    path("catalog/import/", CatalogImportView.as_view(), name="catalog-import"),
    path("catalog/<str:district>/sla/", SlaView.as_view(), name="catalog-sla"),
]


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register(r"catalog/(?P<district>[^/]+)/categories", CategoryViewSet, basename="catalog-category")
    router.register(
        r"catalog/(?P<district>[^/]+)/time-limits", TimeLimitViewSet, basename="catalog-time-limit"
    )
    router.register("holidays", HolidayViewSet, basename="holiday")
