"""What each kind of job does when a worker runs it: the same functions the API and the commands
call (``cases.hotline``, ``cases.export``, ``cases.catalog_excel``), as the job's owner, with
progress written as the rows go by."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import catalog_excel, export, hotline
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.jobs import access, worker
from grassroots.jobs.choices import JobKind
from grassroots.jobs.models import Job
from grassroots.jobs.worker import Outcome, Progress
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit

Runner = Callable[[Job, Progress], Outcome]


def _district(job: Job) -> Unit:
    district = Unit.objects.filter(code=job.params.get("district", ""), kind=UnitKind.DISTRICT).first()
    if district is None:
        raise ValidationError({"district": [_("No district has this code.")]})
    return district


def _open_input(job: Job) -> IO[bytes]:
    if not job.input_file.name:
        raise ValidationError({"file": [_("The uploaded file is gone; submit it again.")]})
    return default_storage.open(job.input_file.name, "rb")


def _store_result(job: Job, name: str, content: IO[bytes]) -> str:
    """Store a result file under the job's folder (MEDIA_ROOT/jobs/<uid>/, served only through the
    owner's download view); returns its storage name."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "result"
    return default_storage.save(f"jobs/{job.uid}/{safe}", File(content, name=safe))


def _errors_workbook(job: Job, errors: list[dict[str, Any]], *, with_ref: bool) -> tuple[str, str]:
    """The row errors as a workbook beside the page's table, for fixing the file row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Row errors")[:31])
    bold = Font(bold=True)
    header = []
    for text in [_("Row"), *([_("Code")] if with_ref else []), _("Column"), _("Problem")]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for error in errors:
        texts = [*([error.get("ref", "")] if with_ref else []), error["column"], error["message"]]
        cells = []
        for text in texts:
            # Headers and codes come from the uploaded file: never let one become a formula.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(text)))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append([error["row"], *cells])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    name = f"errors-{timezone.localdate():%Y%m%d}.xlsx"
    return _store_result(job, name, buffer), name


def _data_rows(file: IO[bytes]) -> int | None:
    """Rows of a hotline ledger that the importer will read (not blank), or None when the file
    cannot be read (the import then reports why)."""
    try:
        _header, rows = hotline.read_table(file)
        count = sum(1 for _n, cells in rows if any(_filled(cell) for cell in cells))
    except ValidationError:
        count = None
    file.seek(0)
    return count


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def run_hotline_import(job: Job, progress: Progress) -> Outcome:
    """``cases.hotline.import_hotline``, in batches of ``worker.PROGRESS_EVERY`` rows (one transaction
    and one progress write each)."""
    district = _district(job)
    with _open_input(job) as file:
        progress.start(_data_rows(file))
        report = hotline.import_hotline(
            file,
            actor=job.owner,
            district=district,
            dry_run=bool(job.params.get("dry_run")),
            file_name=job.input_name,
            batch_size=worker.PROGRESS_EVERY,
            progress=lambda report: progress.advance(report.rows),
        )
    data = report.as_dict()
    errors = data.pop("errors")
    data.pop("summary")
    outcome = Outcome(counts=data, row_errors=errors, message=report.summary())
    if errors:
        outcome.result_file, outcome.result_name = _errors_workbook(job, errors, with_ref=False)
    return outcome


# Where a catalog action's field error is shown: the workbook's header for it.
_CATALOG_HEADERS = {
    **catalog_excel.COLUMNS,
    "default_class": catalog_excel.COLUMNS["class"],
    "is_active": catalog_excel.COLUMNS["active"],
    "row": "",
}


def run_catalog_import(job: Job, progress: Progress) -> Outcome:
    """``cases.catalog_excel.import_catalog`` (one transaction: progress is written before and
    after)."""
    district = _district(job)
    with _open_input(job) as file:
        rows, _ignored = catalog_excel.read_rows(file)
        progress.start(len(rows))
        file.seek(0)
        report = catalog_excel.import_catalog(
            file, actor=job.owner, district=district, atomic=bool(job.params.get("atomic"))
        )
    progress.advance(report.rows)
    errors = [
        {"row": error.row, "ref": error.code, "column": _CATALOG_HEADERS.get(key, key), "message": message}
        for error in report.errors
        for key, messages in error.errors.items()
        for message in messages
    ]
    counts = report.as_dict()
    counts.pop("errors")
    counts["failed"] = len(report.errors)
    summary = _(
        "%(rows)s rows: %(created)s categories created, %(updated)s updated, %(unchanged)s "
        "unchanged; %(written)s time limits written, %(removed)s removed; %(errors)s rows failed."
    ) % {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "written": report.limits_written,
        "removed": report.limits_removed,
        "errors": len(report.errors),
    }
    if not report.committed:
        summary = f"{summary} {_('Nothing was kept: the import was to be all or nothing.')}"
    outcome = Outcome(counts=counts, row_errors=errors, message=summary)
    if errors:
        outcome.result_file, outcome.result_name = _errors_workbook(job, errors, with_ref=True)
    return outcome


class _Counted:
    """Rows passed through, with a progress write every ``worker.PROGRESS_EVERY`` of them."""

    def __init__(self, rows: Iterable[list[Any]], progress: Progress) -> None:
        self.rows = rows
        self.progress = progress
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield row
            self.count += 1
            if self.count % worker.PROGRESS_EVERY == 0:
                self.progress.advance(self.count)


def run_case_export(job: Job, progress: Progress) -> Outcome:
    """The export of ``cases.export`` (scoped by ``cases_visible_to``, the case list's filters,
    personal data masked), written to a file; audit-recorded as ``export.export_cases`` records
    (action export, the filters with personal values sealed, the row count)."""
    actor = job.owner
    if not access.is_staff(actor):
        raise NotAllowed(_("Only staff export case lists here."))
    fmt = str(job.params.get("format", ""))
    if fmt not in export.FORMATS:
        raise ValidationError({"format": [_("Choose xlsx or csv.")]})
    filters = job.params.get("filters") or {}
    cases = export.filtered_cases(actor, filters)
    total = cases.count()
    progress.start(total)
    export.record_export(actor, fmt=fmt, params=filters, rows=total)
    rows = _Counted(export.case_rows(cases), progress)
    name = f"cases-{timezone.localdate():%Y%m%d}.{fmt}"
    with tempfile.TemporaryFile() as spool:
        if fmt == "xlsx":
            export.write_xlsx(rows, spool, title=_("Cases"))
        else:
            for chunk in export.csv_chunks(rows):
                spool.write(chunk)
        spool.seek(0)
        stored = _store_result(job, name, spool)
    progress.advance(rows.count)
    return Outcome(
        counts={"rows": rows.count, "format": fmt},
        message=_("%(rows)s cases exported.") % {"rows": rows.count},
        result_file=stored,
        result_name=name,
    )


RUNNERS: dict[str, Runner] = {
    JobKind.HOTLINE_IMPORT: run_hotline_import,
    JobKind.CATALOG_IMPORT: run_catalog_import,
    JobKind.CASE_EXPORT: run_case_export,
}
