"""The unit tree: lists, tree, subtree, structure, boundaries, locate, base survey (docs/domain.md §2)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.api.base import (
    CODE_REGEX,
    CreateMixin,
    PartialUpdateMixin,
    ScopedSlugField,
    actor,
)
from grassroots.api.pagination import PathCursorPagination
from grassroots.api.renderers import XLSX, GeoJSONParser, XlsxRenderer
from grassroots.core.models import User
from grassroots.org import access, actions, geo
from grassroots.org.choices import UnitKind
from grassroots.org.filters import UnitFilter
from grassroots.org.models import Unit
from grassroots.people import survey

# A nested tree answer is one response; past this many nodes the client must ask for fewer levels.
TREE_MAX_NODES = 20_000
TREE_DEFAULT_LEVELS = 2
MAX_LEVELS = 10
# Points per batch locate request: enough for an import file, small enough for one request.
LOCATE_MAX_POINTS = 10_000
# SQLite allows 32,766 parameters per statement; stay far below with the ``pk IN (...)`` lookups.
_IN_CHUNK = 2_000


def visible_units(user: Any) -> QuerySet[Unit]:
    """Units the user sees, with the parent's and district's codes joined and no boundary loaded."""
    return (
        access.units_visible_to(user)
        .defer("boundary")
        .annotate(
            parent_code=F("parent__code"),
            district_code=F("district__code"),
            has_boundary=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField()),
        )
    )


# -- serializers ----------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_code", read_only=True, allow_null=True)  # type: ignore[assignment]
    district = serializers.CharField(source="district_code", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    has_boundary = serializers.BooleanField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "kind",
            "kind_label",
            "parent",
            "district",
            "depth",
            "address",
            "lat",
            "lng",
            "sort_order",
            "is_active",
            "has_boundary",
        ]
        read_only_fields = fields


class UnitCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    name = serializers.CharField(max_length=100)
    parent = ScopedSlugField(  # type: ignore[assignment]
        Unit, access.units_visible_to, slug_field="code", required=False, allow_null=True
    )
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    boundary = serializers.JSONField(
        required=False, allow_null=True, help_text=gettext_lazy("GeoJSON Polygon or MultiPolygon (lng, lat).")
    )
    sort_order = serializers.IntegerField(min_value=0, required=False)


class UnitUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    code = serializers.CharField(max_length=40, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    sort_order = serializers.IntegerField(min_value=0, required=False)
    is_active = serializers.BooleanField(required=False)


class UnitMoveSerializer(serializers.Serializer):
    parent = ScopedSlugField(Unit, access.units_visible_to, slug_field="code")  # type: ignore[assignment]


class LevelsSerializer(serializers.Serializer):
    levels = serializers.IntegerField(min_value=0, max_value=MAX_LEVELS, required=False)


class TreeQuerySerializer(LevelsSerializer):
    root = serializers.CharField(required=False)  # type: ignore[assignment]


@extend_schema_field(
    {"type": "array", "items": {"$ref": "#/components/schemas/UnitTreeNode"}, "readOnly": True}
)
class _TreeChildrenField(serializers.ListField):
    pass


class UnitTreeNodeSerializer(serializers.Serializer):
    """Documents one node of ``/units/tree/``; the nodes themselves are built without serializers."""

    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    depth = serializers.IntegerField()
    is_active = serializers.BooleanField()
    has_boundary = serializers.BooleanField()
    children = _TreeChildrenField()


class GeometrySerializer(serializers.Serializer):
    """A GeoJSON Polygon or MultiPolygon in lng/lat (RFC 7946); a Feature wrapping one is accepted too."""

    type = serializers.ChoiceField(choices=["Polygon", "MultiPolygon"])
    coordinates = serializers.ListField(child=serializers.JSONField())


class BoundaryFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    properties = serializers.DictField()
    geometry = GeometrySerializer(allow_null=True)


class LocateQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)


@extend_schema_field(
    {
        "type": "array",
        "maxItems": LOCATE_MAX_POINTS,
        "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "description": "[[lat, lng], ...]",
    }
)
class PointsField(serializers.Field):
    """``[[lat, lng], …]`` as an (n, 2) float array, checked in one pass instead of per number."""

    default_error_messages = {
        "not_pairs": gettext_lazy("Send a list of [lat, lng] pairs of numbers."),
        "too_many": gettext_lazy("At most {max} points per request."),
        "out_of_range": gettext_lazy(
            "Point {index} is outside latitude -90..90 / longitude -180..180 (send [lat, lng])."
        ),
    }

    def to_internal_value(self, data: Any) -> np.ndarray:
        if not isinstance(data, list):
            self.fail("not_pairs")
        if len(data) > LOCATE_MAX_POINTS:
            self.fail("too_many", max=LOCATE_MAX_POINTS)
        try:
            points = np.asarray(data, dtype=float).reshape(len(data), -1) if data else np.zeros((0, 2))
        except (TypeError, ValueError):
            self.fail("not_pairs")
        if points.shape[1] != 2:
            self.fail("not_pairs")
        lat, lng = points[:, 0], points[:, 1]
        bad = ~(np.isfinite(points).all(axis=1) & (np.abs(lat) <= 90) & (np.abs(lng) <= 180))
        if bad.any():
            self.fail("out_of_range", index=int(np.flatnonzero(bad)[0]))
        return points

    def to_representation(self, value: Any) -> Any:
        return value.tolist()


class LocateBatchSerializer(serializers.Serializer):
    points = PointsField()


class LocateResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    is_grid = serializers.BooleanField(
        help_text=gettext_lazy(
            "False when the point lies in no grid and the smallest enclosing unit answers."
        )
    )


class LocateSerializer(serializers.Serializer):
    result = LocateResultSerializer(allow_null=True)


class LocateBatchResultSerializer(serializers.Serializer):
    results = serializers.ListField(child=LocateResultSerializer(allow_null=True))


class SurveyUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UnitKind.choices)


class SurveyRowSerializer(SurveyUnitSerializer):
    depth = serializers.IntegerField()
    households = serializers.IntegerField()
    residents = serializers.IntegerField()
    elderly = serializers.IntegerField()
    elderly_share = serializers.FloatField(allow_null=True)
    party_members = serializers.IntegerField()
    buildings = serializers.IntegerField()
    grids = serializers.IntegerField()
    grids_covered = serializers.IntegerField()
    grid_coverage = serializers.FloatField(allow_null=True)
    organizations = serializers.DictField(child=serializers.IntegerField())
    facilities = serializers.DictField(child=serializers.IntegerField())


class StatisticsSerializer(serializers.Serializer):
    unit = SurveyUnitSerializer()
    levels = serializers.IntegerField()
    rows = SurveyRowSerializer(many=True)
    formulas = serializers.DictField(child=serializers.CharField())


# -- the view -------------------------------------------------------------------------------------


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _feature(unit: Unit) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": unit.code,
        "properties": {"code": unit.code, "name": unit.name, "kind": unit.kind},
        "geometry": unit.boundary,
    }


class UnitViewSet(CreateMixin[Unit], PartialUpdateMixin[Unit]):
    """Units of the administrative tree, by ``code``; every read is scoped by ``units_visible_to``."""

    serializer_class = UnitSerializer
    write_serializers = {
        "create": UnitCreateSerializer,
        "partial_update": UnitUpdateSerializer,
        "move": UnitMoveSerializer,
    }
    filterset_class = UnitFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[Unit]:
        return visible_units(self.request.user)

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Unit:
        return actions.create_unit(actor=user, **data)

    def perform_action_update(self, user: User, instance: Unit, data: dict[str, Any]) -> Unit:
        return actions.update_unit(actor=user, unit=instance, **data)

    @action(detail=True, methods=["post"])
    def move(self, request: Request, code: str) -> Response:
        """Re-hang the unit and its subtree under another parent in the same district."""
        unit = self.get_object()
        parent = self.validated(request)["parent"]
        return self.respond_with(actions.move_unit(actor=actor(request), unit=unit, new_parent=parent))

    @extend_schema(
        parameters=[LevelsSerializer],
        responses=UnitSerializer(many=True),
        description="The unit and its descendants, flat, in tree order, `levels` deep (all if omitted).",
    )
    @action(detail=True, methods=["get"], pagination_class=PathCursorPagination, filter_backends=[])
    def subtree(self, request: Request, code: str) -> Response:
        unit = self.get_object()
        levels = _query(LevelsSerializer, request).get("levels")
        rows = self.get_queryset().filter(path__subtree=unit.path)
        if levels is not None:
            rows = rows.filter(depth__lte=unit.depth + levels)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        parameters=[TreeQuerySerializer],
        responses=UnitTreeNodeSerializer(many=True),
        description=(
            "Nested tree from `root` (default: the caller's top units), `levels` below it (default 2). "
            f"At most {TREE_MAX_NODES} nodes per answer."
        ),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def tree(self, request: Request) -> Response:
        query = _query(TreeQuerySerializer, request)
        levels = query.get("levels", TREE_DEFAULT_LEVELS)
        visible: QuerySet[Any] = self.get_queryset()  # annotated with has_boundary
        if "root" in query:
            roots = list(visible.filter(code=query["root"]).values("path", "depth"))
            if not roots:
                raise Http404
        else:
            # The caller's top units: visible units whose parent they do not see.
            top = visible.filter(~Exists(visible.filter(pk=OuterRef("parent_id"))))
            roots = list(top.values("path", "depth"))
        if not roots:
            return Response([])
        within = Q(pk__in=[])
        for root in roots:
            within |= Q(path__subtree=root["path"], depth__lte=root["depth"] + levels)
        rows = list(
            visible.filter(within)
            .order_by("path")
            .values("pk", "parent_id", "code", "name", "kind", "depth", "is_active", "has_boundary")[
                : TREE_MAX_NODES + 1
            ]
        )
        if len(rows) > TREE_MAX_NODES:
            raise ValidationError(
                {
                    "levels": [
                        _("The tree has more than %(n)s nodes; ask for fewer levels.") % {"n": TREE_MAX_NODES}
                    ]
                }
            )
        nodes: dict[int, dict[str, Any]] = {}
        forest: list[dict[str, Any]] = []
        for row in rows:  # tree order: a parent comes before its children
            pk, parent_id = row.pop("pk"), row.pop("parent_id")
            node = nodes[pk] = {**row, "children": []}
            parent = nodes.get(parent_id)
            (parent["children"] if parent is not None else forest).append(node)
        return Response(forest)

    @extend_schema(methods=["GET"], request=None, responses=BoundaryFeatureSerializer)
    @extend_schema(
        methods=["PUT"],
        request=GeometrySerializer,
        responses={200: BoundaryFeatureSerializer, 400: OpenApiResponse(description="Invalid geometry")},
        description="Set the boundary (a GeoJSON Polygon/MultiPolygon or a Feature holding one).",
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["get", "put", "delete"],
        parser_classes=[JSONParser, GeoJSONParser],
        filter_backends=[],
    )
    def boundary(self, request: Request, code: str) -> Response:
        unit = self.get_object()
        if request.method == "GET":
            return Response(_feature(unit))
        geometry: Any = None if request.method == "DELETE" else request.data
        try:
            unit = actions.set_boundary(actor=actor(request), unit=unit, boundary=geometry)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            raise ValidationError({"boundary": exc.messages}) from None
        if request.method == "DELETE":
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(_feature(unit))

    @extend_schema(
        methods=["GET"],
        parameters=[LocateQuerySerializer],
        request=None,
        responses=LocateSerializer,
        description=(
            "The grid containing the point, else the smallest enclosing unit with a boundary "
            "(`is_grid` false), else null. Units outside the caller's scope answer null."
        ),
    )
    @extend_schema(
        methods=["POST"],
        request=LocateBatchSerializer,
        responses=LocateBatchResultSerializer,
        description=f"Batch form: up to {LOCATE_MAX_POINTS} points; `results` is aligned with `points`.",
    )
    @action(detail=False, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def locate(self, request: Request) -> Response:
        locator = geo.get_locator()
        if request.method == "GET":
            point = _query(LocateQuerySerializer, request)
            hit = locator.locate(point["lat"], point["lng"])
            ids = np.array([0 if hit is None else (hit.unit_id if hit.is_grid else -hit.unit_id)])
        else:
            serializer = LocateBatchSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            points = serializer.validated_data["points"]
            ids = locator.locate_many(points[:, 0], points[:, 1]) if len(points) else np.zeros(0, np.int64)
        units = self._visible_by_id({abs(int(pk)) for pk in np.unique(ids) if pk})
        results = []
        for pk in ids.tolist():
            unit = units.get(abs(pk))
            results.append(None if unit is None else {**unit, "is_grid": pk > 0})
        if request.method == "GET":
            return Response({"result": results[0]})
        return Response({"results": results})

    def _visible_by_id(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        """The located units the caller may see; the others answer as if no unit were there."""
        found: dict[int, dict[str, Any]] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start : start + _IN_CHUNK]
            rows = access.units_visible_to(self.request.user).filter(pk__in=chunk)
            for pk, code, name, kind in rows.values_list("pk", "code", "name", "kind"):
                found[pk] = {"code": code, "name": name, "kind": kind}
        return found

    @extend_schema(
        parameters=[
            LevelsSerializer,
            OpenApiParameter(
                "format", str, enum=["json", "xlsx"], description="`xlsx` for the Excel workbook"
            ),
        ],
        responses={
            (200, "application/json"): StatisticsSerializer,
            (200, XLSX): OpenApiTypes.BINARY,
        },
        description=(
            "Base survey (摸清底数) of the unit and its administrative subtree, `levels` deep (default 1). "
            "Only for units whose people data the caller may read."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, XlsxRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def statistics(self, request: Request, code: str) -> Response:
        unit = self.get_object()
        # The table counts people, so it follows the people scope, not the unit scope.
        if not access.can_read_people_in(request.user, unit):
            raise Http404
        levels = _query(LevelsSerializer, request).get("levels", 1)
        rows = survey.survey(unit, levels=levels)
        if request.accepted_renderer.format == XlsxRenderer.format:
            filename = f"survey-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx"
            return Response(
                survey.workbook(unit, rows),
                content_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(
            {
                "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
                "levels": levels,
                "rows": [row.as_dict() for row in rows],
                "formulas": survey.formulas(),
            }
        )
