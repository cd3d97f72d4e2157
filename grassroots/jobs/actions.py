"""Submitting jobs: one action per kind. Each checks that the actor may do the work the job will
do, checks the parameters and the file as far as can be done at once (so that the form shows the
error, not the job later), stores the upload, queues the job and writes one audit record. The work
itself is done by ``manage.py run_jobs`` (``jobs.worker``), as the submitter, through the same
functions the API and the commands use — so their own checks and audit records apply again then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from grassroots.cases import catalog, catalog_excel, export, hotline
from grassroots.core import audit, context
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.jobs import access
from grassroots.jobs.choices import JobKind
from grassroots.jobs.models import Job
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit

# The reverse proxy takes requests up to 20 MB (docs/deploy.md §5); a ledger of 100 000 rows is
# well below that.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _origin() -> dict[str, Any]:
    """Where the submission came from, for the job's own audit records and texts."""
    ctx = context.current()
    return {
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "source": ctx.source,
        "ip": ctx.ip,
        "user_agent": ctx.user_agent,
    }


def _check_upload(upload: UploadedFile | None) -> UploadedFile:
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    if not upload.size:
        raise ValidationError({"file": [_("The file is empty.")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}]}
        )
    return upload


def _district(district: Unit | None) -> Unit:
    if district is None or district.kind != UnitKind.DISTRICT:
        raise ValidationError({"district": [_("Choose a district.")]})
    return district


def _queue(
    *,
    actor: User,
    kind: JobKind,
    params: dict[str, Any],
    upload: UploadedFile | None,
    scope_path: str,
    recorded: Mapping[str, Any],
) -> Job:
    with transaction.atomic():
        job = Job(kind=kind, owner=actor, params=params, origin=_origin())
        if upload is not None:
            upload.seek(0)
            job.input_name = (upload.name or "")[:200]
            job.input_file.save(upload.name or "upload", upload, save=False)
        job.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            target=job,
            label=str(job.get_kind_display()),
            scope_path=scope_path,
            changes={"kind": kind.value, **recorded, **({"file": job.input_name} if upload else {})},
        )
    return job


def submit_hotline_import(
    *, actor: User, district: Unit | None, upload: UploadedFile | None, dry_run: bool = False
) -> Job:
    """Queue a 12345 hotline ledger import into ``district`` (``cases.hotline``). Needs the right to
    report cases there; the file must be readable as a ledger with a header row."""
    district = _district(district)
    if not hotline.may_import(actor, district):
        raise NotAllowed(_("You cannot import cases into this district."))
    upload = _check_upload(upload)
    header, rows = hotline.read_table(upload)  # a file-level problem is a form error now
    del header, rows
    params = {"district": district.code, "dry_run": bool(dry_run)}
    return _queue(
        actor=actor,
        kind=JobKind.HOTLINE_IMPORT,
        params=params,
        upload=upload,
        scope_path=district.path,
        recorded=params,
    )


def submit_catalog_import(
    *, actor: User, district: Unit | None, upload: UploadedFile | None, atomic: bool = False
) -> Job:
    """Queue a matter catalog workbook import into ``district`` (``cases.catalog_excel``). Needs the
    right to edit the district's catalog; the file must be a workbook with a code column."""
    district = _district(district)
    if not catalog.can_edit_catalog(actor, district):
        raise NotAllowed(_("You cannot edit this district's catalog."))
    upload = _check_upload(upload)
    catalog_excel.read_rows(upload)
    params = {"district": district.code, "atomic": bool(atomic)}
    return _queue(
        actor=actor,
        kind=JobKind.CATALOG_IMPORT,
        params=params,
        upload=upload,
        scope_path=district.path,
        recorded=params,
    )


def filter_lists(filters: Mapping[str, Any]) -> dict[str, list[str]]:
    """Filter values as lists of strings per name, empty ones left out (a query string's shape)."""
    lists: dict[str, list[str]] = {}
    for key in filters:
        values: Any = filters.getlist(key) if isinstance(filters, QueryDict) else filters[key]
        if not isinstance(values, list | tuple):
            values = [values]
        kept = [str(value) for value in values if value not in (None, "")]
        if kept:
            lists[str(key)] = kept
    return lists


def submit_case_export(*, actor: User, fmt: str, filters: Mapping[str, Any]) -> Job:
    """Queue an export of the cases ``actor`` sees, narrowed by the case list's filters
    (``cases.export``: masked, audit-recorded when it runs). Needs a post; bad filter values are
    field errors now."""
    if not access.is_staff(actor):
        raise NotAllowed(_("Only staff export case lists here."))
    if fmt not in export.FORMATS:
        raise ValidationError({"format": [_("Choose xlsx or csv.")]})
    lists = filter_lists(filters)
    export.filtered_cases(actor, lists)  # validates; the query runs in the job
    return _queue(
        actor=actor,
        kind=JobKind.CASE_EXPORT,
        params={"format": fmt, "filters": lists},
        upload=None,
        scope_path=export.scope_path_of(actor),
        recorded={"format": fmt, "filter": export.recorded_filters(lists)},
    )
