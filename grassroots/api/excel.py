"""Excel in and out of the ledger: the 12345 hotline ledger import and exports of filtered case lists.

- ``POST cases/import/`` (multipart: ``file``, ``district`` code, ``dry_run``) imports a hotline
  ledger through ``cases.hotline.import_hotline`` and answers with the summary and the row errors
  (200), 400 when the file cannot be read as a ledger at all, 403 when the caller may not report
  cases in the district. Every row is entered through ``actions.register_case``.
- ``GET cases/export.xlsx`` and ``GET cases/export.csv`` take the filters of ``GET cases/``
  (``cases.filters.CaseFilter``) and stream the cases the caller sees, personal data masked; each
  export is audit-recorded (``cases.export.export_cases``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from grassroots.api.base import actor
from grassroots.api.renderers import XlsxRenderer
from grassroots.cases import export, hotline
from grassroots.cases.access import cases_visible_to
from grassroots.cases.filters import CaseFilter
from grassroots.cases.models import Case
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit


class CsvRenderer(BaseRenderer):
    """Lets a client ask for ``text/csv``; the export answers with its own streamed bytes, and an
    error still answers as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class HotlineImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The ledger: an .xlsx workbook or a CSV file (UTF-8 or GB18030).")
    district = serializers.CharField(max_length=40, help_text="Code of the district the cases belong to.")
    dry_run = serializers.BooleanField(default=False, help_text="Check every row, save nothing.")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as a spreadsheet shows it (the header row counted).")
    column = serializers.CharField(help_text="The file's header of the column, empty for the whole row.")
    message = serializers.CharField()


# Declared inline: a serializer class cannot have a field called ``errors``.
ImportReportSerializer = inline_serializer(
    "HotlineImportReport",
    {
        "dry_run": serializers.BooleanField(),
        "rows": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "already_imported": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
        "summary": serializers.CharField(),
        "errors": RowErrorSerializer(many=True),
        "errors_left_out": serializers.IntegerField(help_text="Problems beyond the first 1000, not listed."),
    },
)


class HotlineImportView(APIView):
    """Import a 12345 hotline ledger (工单台账); see docs/hotline-import.md for the columns."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": HotlineImportSerializer},
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(description="The file cannot be read as a ledger, or no such district."),
            403: OpenApiResponse(description="The caller may not report cases in the district."),
        },
        description=(
            "Import a 12345 hotline ledger (.xlsx or .csv). Valid rows become cases (channel hotline, "
            "the ticket number as source reference); bad rows are listed with row number, column and "
            "message; rows whose ticket number is already in the ledger count as already imported."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = HotlineImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Unit codes are public identifiers; whether the caller may import there is the importer's check.
        district = Unit.objects.filter(code=data["district"], kind=UnitKind.DISTRICT).first()
        if district is None:
            raise ValidationError({"district": [_("No district has this code.")]})
        upload = data["file"]
        report = hotline.import_hotline(
            upload,
            actor=actor(request),
            district=district,
            dry_run=data["dry_run"],
            file_name=upload.name or "",
        )
        return Response(report.as_dict())


class ExportSchema(AutoSchema):
    """A file of a list takes the list's filters: document them, though the answer is not a JSON list."""

    def get_filter_backends(self) -> list[Any]:
        return list(getattr(self.view, "filter_backends", []))


class CaseExportView(GenericAPIView[Case]):
    """The case list, with the list's filters, as a file; the filters are documented from the list's
    FilterSet, and the export itself reads through ``cases.export`` (scoped, masked, audited)."""

    fmt = "xlsx"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = None
    renderer_classes = [JSONRenderer, XlsxRenderer, CsvRenderer]
    schema = ExportSchema()

    def get_queryset(self) -> QuerySet[Case]:
        return cases_visible_to(self.request.user)

    def get(self, request: Request) -> StreamingHttpResponse:
        result = export.export_cases(actor(request), fmt=self.fmt, params=request.query_params)
        response = StreamingHttpResponse(result.chunks, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        response["X-Row-Count"] = str(result.rows)
        return response


def _export_schema(fmt: str, media_type: str) -> Any:
    return extend_schema(
        operation_id=f"cases_export_{fmt}",
        responses={
            (200, media_type): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="Bad filters."),
        },
        description=(
            f"The cases the caller sees, with the filters of `GET /api/cases/`, as {fmt.upper()}: "
            "reporter phones masked, anonymous reporters' names left out; audit-recorded."
        ),
    )


@extend_schema_view(get=_export_schema("xlsx", export.XLSX))
class CaseXlsxExportView(CaseExportView):
    fmt = "xlsx"
    renderer_classes = [JSONRenderer, XlsxRenderer]


@extend_schema_view(get=_export_schema("csv", "text/csv"))
class CaseCsvExportView(CaseExportView):
    fmt = "csv"
    renderer_classes = [JSONRenderer, CsvRenderer]


extra_urlpatterns: list[URLPattern] = [
    path("cases/import/", HotlineImportView.as_view(), name="case-import"),
    path("cases/export.xlsx", CaseXlsxExportView.as_view(), name="case-export-xlsx"),
    path("cases/export.csv", CaseCsvExportView.as_view(), name="case-export-csv"),
]


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router (its routes are plain paths, above)."""
