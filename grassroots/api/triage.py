"""Category suggestions over the API (docs/triage.md).

Routes::

    POST triage/suggest/                  {district?, title, description, k?} → the suggestions
    GET  cases/{number}/suggestions/      the suggestions for the case's own title and description
    POST triage/duplicates/               {district?, title, description, category?, lat?, lng?}
                                          → possible duplicates of a case being entered
    GET  cases/{number}/duplicates/       possible duplicates of the case (itself left out)

Who: ``triage.suggest`` offers the categories of a district whose catalog the caller reads
(``cases.catalog``); a district the caller does not read is a field error, as an unknown one is.
Duplicates are root originals the caller sees (``triage.duplicates``).
The case endpoints are sub-resources of the case: a case the caller cannot see is 404, and one
they see but may not triage (``cases.access.can_triage``) is 403 — suggestions serve the triage.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.api.base import RefSerializer, actor
from grassroots.api.cases import NUMBER_REGEX
from grassroots.cases import access
from grassroots.cases.catalog import catalog_districts_visible_to
from grassroots.cases.models import Case, Category
from grassroots.core.errors import NotAllowed
from grassroots.org.access import AnyUser, active_posts
from grassroots.org.models import Unit
from grassroots.triage.duplicates import Candidate, duplicates_of_case, find_duplicates
from grassroots.triage.suggest import CategorySuggestion, suggest_categories

K_DEFAULT = 3
K_MAX = 5


def default_district(user: AnyUser) -> Unit | None:
    """The district a caller means when they name none: their only readable district, else the
    district of their first active post that they read."""
    readable = list(catalog_districts_visible_to(user).order_by("path")[:2])
    if len(readable) == 1:
        return readable[0]
    by_pk = {district.pk: district for district in catalog_districts_visible_to(user)}
    for post in active_posts(user):
        if post.unit is not None and post.unit.district_id in by_pk:
            return by_pk[post.unit.district_id]
        if post.department is not None and post.department.district_id in by_pk:
            return by_pk[post.department.district_id]
    return None


def category_path(category: Category) -> list[str]:
    """The names from the top of the catalog down to the category."""
    return [node.name for node in reversed(category.lineage())]


def suggestion_data(suggestion: CategorySuggestion) -> dict[str, Any]:
    category = suggestion.category
    department = suggestion.department
    return {
        "category": {"code": category.code, "name": category.name, "path": category_path(category)},
        "confidence": round(suggestion.confidence, 4),
        "words": list(suggestion.words),
        "triage_class": suggestion.triage_class,
        "department": {"code": department.code, "name": department.name} if department else None,
        "preselect": suggestion.preselect,
        "source": suggestion.source,
    }


class SuggestedCategorySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    path = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Names from the top category down."
    )


class SuggestionSerializer(serializers.Serializer):
    category = SuggestedCategorySerializer(read_only=True)
    confidence = serializers.FloatField(read_only=True, help_text="0–1; the confidences sum to at most 1.")
    words = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Words of the given text that drove it."
    )
    triage_class = serializers.CharField(
        read_only=True, help_text="The category's default class, inherited up the tree (may be empty)."
    )
    department = RefSerializer(read_only=True, allow_null=True)
    preselect = serializers.BooleanField(
        read_only=True, help_text="Confident enough (TRIAGE_PRESELECT_CONFIDENCE) to pre-select on a form."
    )
    source = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text='"text" (a trained model) or "keywords" (cold start).'
    )


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True, read_only=True)


class SuggestRequestSerializer(serializers.Serializer):
    district = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Unit code; by default the caller's only district, else that of their first post.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    k = serializers.IntegerField(required=False, min_value=1, max_value=K_MAX, default=K_DEFAULT)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        errors: dict[str, list[str]] = {}
        if not (attrs.get("title", "").strip() or attrs.get("description", "").strip()):
            errors["title"] = [_("Give a title or a description.")]
        code = attrs.get("district", "").strip()
        district: Unit | None
        if code:
            district = catalog_districts_visible_to(user).filter(code=code).first()
            if district is None:
                errors["district"] = [_("No district with this code whose catalog you read.")]
        else:
            district = default_district(user)
            if district is None:
                errors["district"] = [_("You read no district's catalog; name the district.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["district"] = district
        return attrs


_AUTH_ERRORS = {
    401: OpenApiResponse(description="Not signed in."),
}


class SuggestView(APIView):
    """Suggest categories of a district's catalog for a title and description (docs/triage.md)."""

    @extend_schema(
        request=SuggestRequestSerializer,
        responses={
            200: SuggestionsSerializer,
            400: OpenApiResponse(description="Field errors: no text, an unknown or unreadable district, k."),
            **_AUTH_ERRORS,
        },
        summary="Suggest categories for a text",
    )
    def post(self, request: Request) -> Response:
        serializer = SuggestRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        found = suggest_categories(
            actor(request), data["district"], data["title"], data["description"], k=data["k"]
        )
        return Response({"suggestions": [suggestion_data(s) for s in found]})


def case_to_triage(user: AnyUser, number: str) -> Case:
    """A case the caller sees (else 404) and may triage (else 403): whom its suggestions serve."""
    case = get_object_or_404(
        access.cases_visible_to(user).select_related("unit", "district", "category__parent__parent"),
        number=number,
    )
    if not access.can_triage(user, case):
        raise NotAllowed(_("You may not triage this case."))
    return case


class CaseSuggestionsView(APIView):
    """Suggest categories for a case from its own title and description, to those who triage it."""

    @extend_schema(
        responses={
            200: SuggestionsSerializer,
            403: OpenApiResponse(description="The case is visible but the caller may not triage it."),
            404: OpenApiResponse(description="No such case, or not visible to the caller."),
            **_AUTH_ERRORS,
        },
        summary="Suggest categories for a case",
    )
    def get(self, request: Request, number: str) -> Response:
        user = actor(request)
        case = case_to_triage(user, number)
        found = suggest_categories(user, case.district, case.title, case.description)
        return Response({"suggestions": [suggestion_data(s) for s in found]})


def candidate_data(candidate: Candidate) -> dict[str, Any]:
    case = candidate.case
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "received_at": case.received_at.isoformat(),
        "score": round(candidate.score, 4),
        "distance_m": round(candidate.distance_m) if candidate.distance_m is not None else None,
        "repost": candidate.repost,
        "reasons": [str(reason) for reason in candidate.reasons],
    }


class CandidateSerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    score = serializers.FloatField(read_only=True, help_text="Text similarity, 0–1.")
    distance_m = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Metres between the points; null when either is unknown."
    )
    repost = serializers.BooleanField(
        read_only=True, help_text="The same reporter sent the same text within TRIAGE_REPOST_MINUTES."
    )
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)


class CandidatesSerializer(serializers.Serializer):
    candidates = CandidateSerializer(many=True, read_only=True)


class DuplicatesRequestSerializer(SuggestRequestSerializer):
    k = None  # type: ignore[assignment]
    category = serializers.CharField(
        required=False, allow_blank=True, help_text="Category code in the district's catalog."
    )
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        code = attrs.get("category", "").strip()
        attrs["category"] = None
        if code:
            category = Category.objects.filter(district=attrs["district"], code=code).first()
            if category is None:
                raise serializers.ValidationError({"category": [_("No category with this code.")]})
            attrs["category"] = category
        return attrs


class DuplicatesView(APIView):
    """Possible duplicates of a request being entered (docs/triage.md, "Duplicates")."""

    @extend_schema(
        request=DuplicatesRequestSerializer,
        responses={
            200: CandidatesSerializer,
            400: OpenApiResponse(description="Field errors: no text, an unknown district or category."),
            **_AUTH_ERRORS,
        },
        summary="Find possible duplicates of a text",
    )
    def post(self, request: Request) -> Response:
        serializer = DuplicatesRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        found = find_duplicates(
            actor(request),
            district=data["district"],
            title=data["title"],
            description=data["description"],
            category=data["category"],
            lat=data.get("lat"),
            lng=data.get("lng"),
        )
        return Response({"candidates": [candidate_data(c) for c in found]})


class CaseDuplicatesView(APIView):
    """Possible duplicates of a case, to those who triage it."""

    @extend_schema(
        responses={
            200: CandidatesSerializer,
            403: OpenApiResponse(description="The case is visible but the caller may not triage it."),
            404: OpenApiResponse(description="No such case, or not visible to the caller."),
            **_AUTH_ERRORS,
        },
        summary="Find possible duplicates of a case",
    )
    def get(self, request: Request, number: str) -> Response:
        user = actor(request)
        case = case_to_triage(user, number)
        return Response({"candidates": [candidate_data(c) for c in duplicates_of_case(user, case)]})


extra_urlpatterns: list[URLPattern] = [
    path("triage/duplicates/", DuplicatesView.as_view(), name="triage-duplicates"),
    re_path(
        rf"^cases/(?P<number>{NUMBER_REGEX})/duplicates/$",
        CaseDuplicatesView.as_view(),
        name="case-duplicates",
    ),
    path("triage/suggest/", SuggestView.as_view(), name="triage-suggest"),
    re_path(
        rf"^cases/(?P<number>{NUMBER_REGEX})/suggestions/$",
        CaseSuggestionsView.as_view(),
        name="case-suggestions",
    ),
]
