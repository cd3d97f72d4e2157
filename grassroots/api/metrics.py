"""The published metrics of the ledger (docs/domain.md §3.5) with their formulas, and rankings.

    GET /api/metrics/?unit=CODE&period=month&start=2026-10-01&levels=1
    GET /api/metrics/ranking/?unit=CODE&period=quarter&start=2026-07-01&metric=completion
    GET /api/metrics/split/?unit=CODE&period=year&start=2026-01-01&top=10

``start`` may be any day of the period (default: the current one). The figures count people's
requests, so they follow the people scope (``can_read_people_in``), like the base survey: a unit
outside it is "not found".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from grassroots.cases import metrics
from grassroots.cases.models import PeriodKind
from grassroots.org import access
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit

MAX_LEVELS = 4  # district → street → community → grid

# -- query parameters ---------------------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(help_text=_("The unit's code."))
    period = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.MONTH)
    start = serializers.DateField(
        required=False, help_text=_("Any day of the period (local time); default: the current period.")
    )


class MetricsQuerySerializer(PeriodQuerySerializer):
    levels = serializers.IntegerField(min_value=0, max_value=MAX_LEVELS, default=1)


class RankingQuerySerializer(PeriodQuerySerializer):
    metric = serializers.ChoiceField(choices=list(metrics.METRICS))


class SplitQuerySerializer(PeriodQuerySerializer):
    top = serializers.IntegerField(min_value=1, max_value=50, default=10)


# -- answers (documentation of the shapes built below) ------------------------------------------------


class CountsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    responded_in_time = serializers.IntegerField()
    due = serializers.IntegerField()
    solved = serializers.IntegerField()
    solved_in_time = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    closed = serializers.IntegerField()
    reopened = serializers.IntegerField()


class RatiosSerializer(serializers.Serializer):
    response = serializers.FloatField(allow_null=True)
    completion = serializers.FloatField(allow_null=True)
    on_time = serializers.FloatField(allow_null=True)
    satisfaction = serializers.FloatField(allow_null=True)
    reopen = serializers.FloatField(allow_null=True)


class FormulasSerializer(serializers.Serializer):
    response = serializers.CharField()
    completion = serializers.CharField()
    on_time = serializers.CharField()
    satisfaction = serializers.CharField()
    reopen = serializers.CharField()


class MetricUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UnitKind.choices)


class MetricRowSerializer(MetricUnitSerializer):
    depth = serializers.IntegerField()
    source = serializers.ChoiceField(choices=metrics.SOURCES, help_text=_("frozen or live"))  # type: ignore[assignment]
    frozen_at = serializers.DateTimeField(allow_null=True)
    counts = CountsSerializer()
    ratios = RatiosSerializer()


class PeriodSerializer(serializers.Serializer):
    unit = MetricUnitSerializer()
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    start = serializers.DateField()
    end = serializers.DateField(help_text=_("The period's last day."))
    complete = serializers.BooleanField(help_text=_("The period has ended."))


class MetricsSerializer(PeriodSerializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=metrics.SOURCES,
        help_text=_("frozen: all rows from snapshots; live: computed now; mixed: both."),
    )
    levels = serializers.IntegerField()
    rows = MetricRowSerializer(many=True)
    formulas = FormulasSerializer()


class RankEntrySerializer(MetricUnitSerializer):
    rank = serializers.IntegerField(allow_null=True)
    insufficient_sample = serializers.BooleanField(
        help_text=_("The denominator is below the minimum sample: listed, not ranked.")
    )
    value = serializers.FloatField(allow_null=True)
    sample = serializers.IntegerField(help_text=_("The ratio's denominator."))


class RankingSerializer(PeriodSerializer):
    source = serializers.ChoiceField(choices=metrics.SOURCES)  # type: ignore[assignment]
    metric = serializers.ChoiceField(choices=list(metrics.METRICS))
    formula = serializers.CharField()
    min_sample = serializers.IntegerField()
    entries = RankEntrySerializer(many=True)


class ClassCountsSerializer(serializers.Serializer):
    major = serializers.IntegerField()
    community = serializers.IntegerField()
    private = serializers.IntegerField()
    unclassified = serializers.IntegerField()


class CategoryCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class SplitSerializer(PeriodSerializer):
    received = serializers.IntegerField()
    by_class = ClassCountsSerializer()
    top_categories = CategoryCountSerializer(many=True)
    uncategorised = serializers.IntegerField()


# -- views ----------------------------------------------------------------------------------------------


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _unit(request: Request, code: str) -> Unit:
    """The unit, if the caller may read the people data under it; otherwise "not found"."""
    unit = access.units_visible_to(request.user).filter(code=code).first()
    if unit is None or not access.can_read_people_in(request.user, unit):
        raise Http404
    return unit


def _period_head(unit: Unit, period: metrics.Period, complete: bool) -> dict[str, Any]:
    return {
        "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
        "period": period.kind,
        "start": period.start,
        "end": period.last_day,
        "complete": complete,
    }


def _start(query: dict[str, Any]) -> dt.date:
    start = query.get("start")
    return start if start is not None else metrics.current_period(query["period"]).start


class MetricsView(APIView):
    @extend_schema(
        parameters=[MetricsQuerySerializer],
        responses=MetricsSerializer,
        description=(
            "Response, completion, on-time, satisfaction and reopen rates of the unit and its "
            "administrative children `levels` deep, with the counts behind them and the published "
            "formulas. Complete periods come from frozen snapshots where they exist."
        ),
    )
    def get(self, request: Request) -> Response:
        query = _query(MetricsQuerySerializer, request)
        unit = _unit(request, query["unit"])
        table = metrics.period_metrics(unit, query["period"], _start(query), levels=query["levels"])
        return Response(
            {
                **_period_head(unit, table.period, table.complete),
                "source": table.source,
                "levels": query["levels"],
                "rows": [row.as_dict() for row in table.rows],
                "formulas": metrics.formulas(),
            }
        )


class RankingView(APIView):
    @extend_schema(
        parameters=[RankingQuerySerializer],
        responses=RankingSerializer,
        description=(
            "The unit's children ranked by one rate (ties share a rank). Children whose denominator "
            "is below the district's minimum sample are listed last, unranked, with `insufficient_sample`."
        ),
    )
    def get(self, request: Request) -> Response:
        query = _query(RankingQuerySerializer, request)
        unit = _unit(request, query["unit"])
        result = metrics.ranking(unit, query["period"], _start(query), query["metric"])
        return Response(
            {
                **_period_head(unit, result.period, result.complete),
                "source": result.source,
                "metric": result.metric,
                "formula": result.formula,
                "min_sample": result.min_sample,
                "entries": [
                    {
                        "code": entry.row.code,
                        "name": entry.row.name,
                        "kind": entry.row.kind,
                        "rank": entry.rank,
                        "insufficient_sample": entry.status == metrics.INSUFFICIENT_SAMPLE,
                        "value": round(entry.value, 4) if entry.value is not None else None,
                        "sample": entry.sample,
                    }
                    for entry in result.entries
                ],
            }
        )


class SplitView(APIView):
    @extend_schema(
        parameters=[SplitQuerySerializer],
        responses=SplitSerializer,
        description=(
            "Cases received in the period under the unit by triage class (大事/小事/私事, or not yet "
            "triaged) and by top-level category, largest first."
        ),
    )
    def get(self, request: Request) -> Response:
        query = _query(SplitQuerySerializer, request)
        unit = _unit(request, query["unit"])
        period = metrics.period_containing(query["period"], _start(query))
        result = metrics.split(unit, period.start, period.end, top=query["top"])
        return Response(
            {
                **_period_head(unit, period, period.is_complete()),
                "received": result.received,
                "by_class": result.by_class,
                "top_categories": [
                    {"code": c.code, "name": c.name, "count": c.count} for c in result.top_categories
                ],
                "uncategorised": result.uncategorised,
            }
        )


extra_urlpatterns: list[URLPattern] = [
    path("metrics/", MetricsView.as_view(), name="metrics"),
    path("metrics/ranking/", RankingView.as_view(), name="metrics-ranking"),
    path("metrics/split/", SplitView.as_view(), name="metrics-split"),
]


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router (the metrics are plain views, see above)."""
