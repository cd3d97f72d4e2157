"""Candidate common problems over the API (docs/triage.md, "Common problems").

Routes::

    GET  triage/problems/                 candidates whose place is in the caller's scope, hottest
                                          first; ``?state=proposed|accepted|dismissed`` (default proposed)
    GET  triage/problems/{uid}/           one candidate with its member cases the caller sees
    POST triage/problems/{uid}/accept/    {version, cases?, title?, description?, category?}
                                          → 201 with the common problem created
    POST triage/problems/{uid}/dismiss/   {version}

Deciding belongs to the triage roles at or above the candidate's place (403 for others who see
it); a candidate already decided, or changed since the version sent, is 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from grassroots.api.base import UUID_REGEX, RefSerializer, ScopedSlugField, ScopedViewSet, actor
from grassroots.api.cases import ConflictSerializer, _category, _version_from
from grassroots.cases.access import cases_visible_to
from grassroots.cases.models import Case
from grassroots.triage import problems
from grassroots.triage.actions import accept_candidate, dismiss_candidate
from grassroots.triage.models import CandidateState, ProblemCandidate


class CandidateMemberSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()
    grid = RefSerializer(allow_null=True)
    similarity = serializers.FloatField(help_text="Cosine with the candidate's centre message.")
    me_too = serializers.IntegerField(source="me_too_count")


class ProblemCandidateSerializer(serializers.ModelSerializer):
    unit = RefSerializer(read_only=True)
    problem = serializers.UUIDField(
        source="problem.uid", read_only=True, allow_null=True, default=None, help_text="Once accepted."
    )
    members = serializers.SerializerMethodField()

    class Meta:
        model = ProblemCandidate
        fields = [
            "uid",
            "label",
            "phrases",
            "unit",
            "case_count",
            "household_count",
            "grid_count",
            "me_too_count",
            "heat",
            "propose_major",
            "window_start",
            "found_at",
            "state",
            "version",
            "problem",
            "members",
        ]
        read_only_fields = fields

    @extend_schema_field(CandidateMemberSerializer(many=True))
    def get_members(self, candidate: ProblemCandidate) -> list[dict[str, Any]]:
        """The member cases the caller sees, the centre first (only in the detail)."""
        members = getattr(candidate, "visible_members", None)
        return list(CandidateMemberSerializer(members, many=True).data) if members is not None else []


class AcceptSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False, help_text="The candidate's version.")
    cases = ScopedSlugField(
        Case,
        cases_visible_to,
        slug_field="number",
        many=True,
        required=False,
        help_text="The members to keep (default: every open one).",
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=40, required=False, help_text="Catalog category code.")


class DismissSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False, help_text="The candidate's version.")


_ERRORS = {
    400: OpenApiResponse(description="Field errors."),
    403: OpenApiResponse(description="Visible, but the caller may not decide."),
    404: OpenApiResponse(description="No such candidate, or not visible to the caller."),
    409: OpenApiResponse(response=ConflictSerializer, description="Already decided, or changed meanwhile."),
}


@extend_schema(
    parameters=[
        OpenApiParameter("state", enum=[s.value for s in CandidateState], description="default: proposed")
    ]
)
class CandidateViewSet(ScopedViewSet[ProblemCandidate]):
    """Candidate common problems (共性问题) found among open cases, hottest first."""

    lookup_field = "uid"
    lookup_value_regex = UUID_REGEX
    serializer_class = ProblemCandidateSerializer
    write_serializers = {"accept": AcceptSerializer, "dismiss": DismissSerializer}

    def get_queryset(self) -> QuerySet[ProblemCandidate]:
        found = problems.candidates_visible_to(self.request.user).select_related("unit", "problem")
        if self.action == "list":
            state = self.request.query_params.get("state", CandidateState.PROPOSED)
            if state not in CandidateState.values:
                raise ValidationError({"state": [_("Unknown state.")]})
            found = found.filter(state=state)
        return found.order_by("-heat", "-case_count", "id")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        candidate = self.get_object()
        candidate.visible_members = list(problems.members_visible_to(request.user, candidate))  # type: ignore[attr-defined]
        return Response(self.get_serializer(candidate).data)

    @extend_schema(request=AcceptSerializer, responses={201: ProblemCandidateSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, uid: str) -> Response:
        """Create the common problem from the candidate (through the ledger's act); the answer is
        the accepted candidate, whose ``problem`` is the new problem's uid."""
        candidate = self.get_object()
        data = self.validated(request)
        code = data.pop("category", "")
        category = _category(code, {candidate.district_id}) if code else None
        accept_candidate(
            candidate,
            actor=actor(request),
            version=_version_from(request, data.pop("version", None)),
            category=category,
            **data,
        )
        return self.respond_with(candidate, status.HTTP_201_CREATED)

    @extend_schema(request=DismissSerializer, responses={200: ProblemCandidateSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, uid: str) -> Response:
        """Not one problem: the same cases are not proposed together again."""
        candidate = self.get_object()
        data = self.validated(request)
        dismiss_candidate(
            candidate, actor=actor(request), version=_version_from(request, data.get("version"))
        )
        return self.respond_with(candidate)


def register(router: SimpleRouter) -> None:
    router.register("triage/problems", CandidateViewSet, basename="problem-candidate")
