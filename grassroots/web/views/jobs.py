"""Imports and exports as background jobs: submit one, watch its progress, read its result.

A form checks what it can at once (the district, the file's header, the filters) and queues the
job through ``jobs.actions``; ``manage.py run_jobs`` runs it. The job's page polls its status
(htmx, every two seconds while it waits or runs) and, once it has finished, shows the counts, the
row errors and the link to the result file.

A job is its owner's alone: anyone else, superusers included, gets "not found" for its page, its
status and its file (``jobs.access``). The list is offered to staff who may submit a job, and to
anyone with jobs of their own.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.cases.filters import CaseFilter
from grassroots.core.models import User
from grassroots.jobs import access, actions
from grassroots.jobs.choices import JobKind, JobState
from grassroots.jobs.models import Job
from grassroots.org.models import Unit
from grassroots.web import session
from grassroots.web.forms import add_action_errors

PAGE_SIZE = 30
ERRORS_PAGE_SIZE = 200

DESCRIPTIONS: dict[str, Promise] = {
    JobKind.HOTLINE_IMPORT: _(
        "Enter a 12345 hotline ledger (.xlsx or .csv) as cases. Rows with problems are listed and "
        "skipped; tickets already in the ledger are not entered twice."
    ),
    JobKind.CASE_EXPORT: _(
        "The cases you can see, narrowed by the filters below, as an Excel or CSV file. Phone numbers "
        "are masked; the export is recorded in the audit log."
    ),
    JobKind.CATALOG_IMPORT: _(
        "Read a matter catalog workbook (the format of the catalog export) into the district's catalog. "
        "Rows with problems are listed; the others are kept unless you ask for all or nothing."
    ),
}


# -- forms ------------------------------------------------------------------------------------------


class DistrictChoiceField(forms.ChoiceField):
    """A district among those offered, by its code (public id)."""

    def __init__(self, districts: list[Unit], **kwargs: Any) -> None:
        super().__init__(choices=[(d.code, d.name) for d in districts], label=_("District"), **kwargs)
        self.districts = {d.code: d for d in districts}

    def clean(self, value: Any) -> Unit:
        return self.districts[super().clean(value)]


class JobForm(forms.Form):
    district: DistrictChoiceField

    def __init__(
        self, *args: Any, districts: list[Unit], initial_district: Unit | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"] = DistrictChoiceField(districts)
        self.order_fields(["district", "file"])
        codes = [d.code for d in districts]
        if initial_district is not None and initial_district.code in codes:
            self.initial.setdefault("district", initial_district.code)


class HotlineImportForm(JobForm):
    file = forms.FileField(
        label=_("Hotline ledger"),
        help_text=_(
            "An .xlsx workbook or a .csv file (UTF-8 or GB18030) with a header row; the columns 工单编号, "
            "来电时间 and 诉求内容 are required."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Check only (save nothing)"), required=False)


class CatalogImportForm(JobForm):
    file = forms.FileField(
        label=_("Catalog workbook"),
        help_text=_("An .xlsx workbook in the format of the catalog export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    atomic = forms.BooleanField(label=_("All or nothing (keep nothing if any row fails)"), required=False)


class ExportFormatForm(forms.Form):
    format = forms.ChoiceField(
        label=_("File type"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV (UTF-8)"))],
        initial="xlsx",
    )


# The filters the export form shows (``CaseFilter``'s own, by their query-string names).
EXPORT_FILTERS = (
    "q",
    "state",
    "open",
    "triage_class",
    "category",
    "unit",
    "channel",
    "urgency",
    "color",
    "supervised",
    "received",
)


class ExportFilter(CaseFilter):
    """The case list's filters that the export form offers, with widgets for a form rather than a
    query string: boxes to tick instead of multiple selects (usable on a phone), "any/yes/no"
    instead of "unknown/yes/no", and date pickers."""

    @property
    def form(self) -> forms.Form:
        form: forms.Form | None = getattr(self, "_export_form", None)
        if form is None:
            form = super().form
            for field in form.fields.values():
                if isinstance(field.widget, forms.SelectMultiple):
                    field.widget = forms.CheckboxSelectMultiple(choices=field.widget.choices)
                elif isinstance(field, forms.NullBooleanField):
                    field.widget = forms.Select(
                        choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
                    )
                elif isinstance(field.widget, forms.MultiWidget):
                    for widget in field.widget.widgets:
                        if isinstance(widget, forms.DateInput):
                            widget.input_type = "date"
                            widget.format = "%Y-%m-%d"
            self._export_form = form
        return form


ExportFilter.base_filters = {name: CaseFilter.base_filters[name] for name in EXPORT_FILTERS}
FILTER_PARAMS = frozenset({*EXPORT_FILTERS, "received_after", "received_before"} - {"received"})


def _filter_data(data: QueryDict) -> QueryDict:
    """Only the filters the form shows; the rest of a query (a page number, a tab) is left out."""
    kept = QueryDict(mutable=True)
    for key in data:
        if key in FILTER_PARAMS:
            kept.setlist(key, data.getlist(key))
    return kept


# -- pages ------------------------------------------------------------------------------------------


def _own_job(request: HttpRequest, uid: uuid.UUID) -> Job:
    return get_object_or_404(access.jobs_visible_to(session.account(request)), uid=uid)


def _jobs(user: User) -> QuerySet[Job]:
    # The list shows no parameters, files or errors: leave the large columns unread.
    return access.jobs_visible_to(user).defer("params", "origin", "row_errors", "counts")


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's jobs, newest first, and the kinds they may submit."""
    user = session.account(request)
    kinds = access.kinds_for(user)
    jobs = _jobs(user)
    if not kinds and not jobs.exists():
        raise Http404
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav": "jobs", "kinds": kinds, "page": page}
    return render(request, "web/jobs/list.html", context)


def _default_district(request: HttpRequest) -> Unit | None:
    unit = session.current_unit(request)
    if unit is not None:
        return unit.district if unit.district_id else None
    post = session.current_post(request)
    return post.department.district if post is not None and post.department is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request: HttpRequest, kind: str) -> HttpResponse:
    """The form of one kind of job; a valid one is queued and its page shown."""
    user = session.account(request)
    if kind not in JobKind.values or not access.may_submit(user, kind):
        raise Http404
    job_kind = JobKind(kind)
    if job_kind == JobKind.CASE_EXPORT:
        return _export_form(request, user)
    if job_kind == JobKind.HOTLINE_IMPORT:
        form: JobForm = HotlineImportForm(
            request.POST or None,
            request.FILES or None,
            districts=access.hotline_districts(user),
            initial_district=_default_district(request),
        )
    else:
        form = CatalogImportForm(
            request.POST or None,
            request.FILES or None,
            districts=access.catalog_districts(user),
            initial_district=_default_district(request),
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if job_kind == JobKind.HOTLINE_IMPORT:
                job = actions.submit_hotline_import(
                    actor=user, district=data["district"], upload=data["file"], dry_run=data["dry_run"]
                )
            else:
                job = actions.submit_catalog_import(
                    actor=user, district=data["district"], upload=data["file"], atomic=data["atomic"]
                )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("web:job", uid=job.uid)
    return _new_page(request, job_kind, {"form": form, "multipart": True})


def _export_form(request: HttpRequest, user: User) -> HttpResponse:
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    format_form = ExportFormatForm(data if posted else None)
    filters = _filter_data(data)
    filterset = ExportFilter(data=filters if (posted or filters) else None, request=request)
    if posted and format_form.is_valid() and filterset.is_valid():
        try:
            job = actions.submit_case_export(
                actor=user, fmt=format_form.cleaned_data["format"], filters=filters
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "format" in exc.error_dict:
                add_action_errors(format_form, exc)
            else:
                add_action_errors(filterset.form, exc)
        else:
            return redirect("web:job", uid=job.uid)
    return _new_page(
        request,
        JobKind.CASE_EXPORT,
        {"form": format_form, "filter_form": filterset.form, "multipart": False},
    )


def _new_page(request: HttpRequest, kind: JobKind, extra: dict[str, Any]) -> HttpResponse:
    context = {"nav": "jobs", "kind": kind, "description": DESCRIPTIONS[kind], **extra}
    status = 400 if request.method == "POST" else 200
    return render(request, "web/jobs/new.html", context, status=status)


def _count_lines(job: Job) -> list[tuple[Promise, Any]]:
    """The result's counts as (label, number) lines, in the order a reader wants them."""
    labels: dict[str, list[tuple[str, Promise]]] = {
        JobKind.HOTLINE_IMPORT: [
            ("rows", _("Rows read")),
            ("created", _("Cases created")),
            ("already_imported", _("Already in the ledger")),
            ("failed", _("Rows with problems")),
        ],
        JobKind.CATALOG_IMPORT: [
            ("rows", _("Rows read")),
            ("created", _("Categories created")),
            ("updated", _("Categories changed")),
            ("unchanged", _("Categories unchanged")),
            ("limits_written", _("Time limits written")),
            ("limits_removed", _("Time limits removed")),
            ("failed", _("Rows with problems")),
        ],
        JobKind.CASE_EXPORT: [("rows", _("Cases exported"))],
    }
    counts = job.counts or {}
    return [(label, counts[key]) for key, label in labels.get(job.kind, []) if key in counts]


def _status_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    errors = Paginator(job.row_errors or [], ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = job.counts or {}
    return {
        "job": job,
        "count_lines": _count_lines(job) if job.state == JobState.DONE else [],
        "errors": errors,
        "with_ref": job.kind == JobKind.CATALOG_IMPORT,
        "errors_left_out": counts.get("errors_left_out") or 0,
        "ignored_columns": counts.get("ignored_columns") or [],
        "may_download": bool(job.result_file) and access.may_download(request.user, job),
    }


@login_required
@require_GET
def job_page(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A job: its parameters, its progress (polled while it runs) and, once finished, its result."""
    job = _own_job(request, uid)
    context = {"nav": "jobs", **_status_context(request, job)}
    return render(request, "web/jobs/detail.html", context)


@login_required
@require_GET
def job_status(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The polled part of the job's page (htmx swaps it in place of the old one)."""
    job = _own_job(request, uid)
    response = render(request, "web/jobs/_status.html", _status_context(request, job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_result(request: HttpRequest, uid: uuid.UUID) -> FileResponse:
    """The job's result file, to its owner only (``jobs.access.may_download``)."""
    job = _own_job(request, uid)
    name = job.result_file.name
    if not name or not access.may_download(request.user, job):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.result_name or "result")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("jobs/", job_list, name="jobs"),
    path("jobs/new/<slug:kind>/", job_new, name="job-new"),
    path("jobs/<uuid:uid>/", job_page, name="job"),
    path("jobs/<uuid:uid>/status/", job_status, name="job-status"),
    path("jobs/<uuid:uid>/result/", job_result, name="job-result"),
]
