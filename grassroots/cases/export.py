"""Export a filtered list of cases to Excel (.xlsx) or CSV, for upward reporting (docs/domain.md §7).

What a person may export is what they may read: the list starts from ``cases_visible_to`` and is
narrowed by the same filters as ``GET /api/cases/``. Personal data leaves only masked: the
reporter's phone as its masked form, the reporter's name not at all when the reporter is
anonymous or asked to stay anonymous to the public (docs/domain.md §8). Every export leaves an
audit record with its filters and row count (personal filter values sealed).

Rows are read in chunks and written as they come: CSV streams, the workbook is written in
openpyxl's write-only mode to a temporary file that spills to disk, so memory stays flat however
long the list.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access
from grassroots.cases.choices import (
    Channel,
    Color,
    Outcome,
    ReporterKind,
    Satisfaction,
    State,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.cases.filters import CaseFilter
from grassroots.cases.models import Case, Category
from grassroots.core import audit
from grassroots.core.errors import ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.core.tree import SEGMENT, pks_of
from grassroots.org.access import active_posts
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people.access import own_resident

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
CHUNK = 2000
SPOOL_BYTES = 8 * 1024 * 1024  # a workbook larger than this is written to a temporary file
# Filter values that are personal data are recorded as sealed, never in clear.
_PERSONAL_FILTERS = ("phone", "id_number")
# Cells that a spreadsheet would run as a formula when opening a CSV (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_FIELDS = (
    "number",
    "received_at",
    "title",
    "description",
    "channel",
    "district_id",
    "category_id",
    "triage_class",
    "urgency",
    "unit__path",
    "responsible_unit__path",
    "responsible_department__name",
    "state",
    "outcome",
    "due_at",
    "closed_at",
    "stage_color",
    "case_color",
    "supervision",
    "satisfaction",
    "score",
    "reporter_kind",
    "public_anonymous",
    "reporter_name",
    "reporter__name",
    "phone_masked",
    "reporter__phone_masked",
)
_AT = {name: index for index, name in enumerate(_FIELDS)}


def headers() -> list[str]:
    return [
        _("Number"),
        _("Received"),
        _("Title"),
        _("Description"),
        _("Channel"),
        _("Category"),
        _("Class"),
        _("Urgency"),
        _("Unit"),
        _("Responsible unit or department"),
        _("State"),
        _("Outcome"),
        _("Due"),
        _("Closed"),
        _("Stage warning"),
        _("Case warning"),
        _("Supervision"),
        _("Satisfaction"),
        _("Score"),
        _("Reporter"),
        _("Reporter's phone"),
    ]


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


class _Names:
    """Name paths of units and categories, loaded in bulk the first time a chunk needs them."""

    def __init__(self) -> None:
        self.units: dict[int, tuple[str, str]] = {}  # pk → (name, kind)
        self.categories: dict[int, tuple[str, int | None]] = {}  # pk → (name, parent pk)
        self.catalogs: set[int] = set()  # districts whose catalog is loaded

    def load(self, rows: list[tuple[Any, ...]]) -> None:
        wanted: set[int] = set()
        for row in rows:
            for path in (row[_AT["unit__path"]], row[_AT["responsible_unit__path"]]):
                if path:
                    wanted.update(pks_of(path))
        missing = wanted - self.units.keys()
        if missing:
            for pk, name, kind in Unit.objects.filter(pk__in=sorted(missing)).values_list(
                "pk", "name", "kind"
            ):
                self.units[pk] = (name, kind)
        districts = {row[_AT["district_id"]] for row in rows if row[_AT["category_id"]]} - self.catalogs
        if districts:
            for pk, name, parent in Category.objects.filter(district_id__in=sorted(districts)).values_list(
                "pk", "name", "parent_id"
            ):
                self.categories[pk] = (name, parent)
            self.catalogs |= districts

    def unit_path(self, path: str | None) -> str:
        if not path:
            return ""
        names = [self.units.get(pk, ("?", "")) for pk in pks_of(path)]
        return "/".join(name for name, kind in names if kind != UnitKind.CITY)

    def category_path(self, pk: int | None) -> str:
        names: list[str] = []
        while pk is not None and pk in self.categories and len(names) < 3:
            name, pk = self.categories[pk]
            names.append(name)
        return "/".join(reversed(names))


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheets have no time zones: times are written as the district's local time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def case_rows(queryset: QuerySet[Case]) -> Iterator[list[Any]]:
    """One list of cell values per case, in ``headers()`` order. Labels are taken in the language
    active now, so that a lazily consumed stream still speaks the language of the request."""
    labels = {
        "channel": _labels(Channel),
        "class": _labels(TriageClass),
        "urgency": _labels(Urgency),
        "state": _labels(State),
        "outcome": _labels(Outcome),
        "color": {**_labels(Color), "": ""},
        "supervision": {**_labels(Supervision), "": ""},
        "satisfaction": _labels(Satisfaction),
    }
    return _rows(queryset.values_list(*_FIELDS), labels)


def _rows(rows: Any, labels: dict[str, dict[str, str]]) -> Iterator[list[Any]]:
    names = _Names()
    stream = rows.iterator(chunk_size=CHUNK)
    while chunk := list(islice(stream, CHUNK)):
        names.load(chunk)
        for (
            number,
            received_at,
            title,
            description,
            channel,
            _district_id,
            category_id,
            triage_class,
            urgency,
            unit_path,
            responsible_unit_path,
            department,
            state,
            outcome,
            due_at,
            closed_at,
            stage_color,
            case_color,
            supervision,
            satisfaction,
            score,
            reporter_kind,
            public_anonymous,
            reporter_name,
            resident_name,
            phone_masked,
            resident_phone_masked,
        ) in chunk:
            hidden = reporter_kind == ReporterKind.ANONYMOUS or public_anonymous
            yield [
                number,
                _local(received_at),
                title,
                description,
                labels["channel"].get(channel, channel),
                names.category_path(category_id),
                labels["class"].get(triage_class, ""),
                labels["urgency"].get(urgency, urgency),
                names.unit_path(unit_path),
                department or names.unit_path(responsible_unit_path),
                labels["state"].get(state, state),
                labels["outcome"].get(outcome, ""),
                _local(due_at),
                _local(closed_at),
                labels["color"].get(stage_color, ""),
                labels["color"].get(case_color, ""),
                labels["supervision"].get(supervision, ""),
                labels["satisfaction"].get(satisfaction, ""),
                score,
                "" if hidden else (reporter_name or resident_name or ""),
                phone_masked or resident_phone_masked or "",
            ]


# -- writers ----------------------------------------------------------------------------------------


def write_xlsx(rows: Iterable[list[Any]], out: Any, *, title: str) -> int:
    """Write a one-sheet workbook in write-only mode; returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "B2"
    for letter, width in (("A", 14), ("B", 18), ("C", 30), ("D", 50), ("F", 24), ("I", 30), ("J", 24)):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        values: list[Any] = []
        for value in row:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    # openpyxl would store it as a formula; residents' text is never one.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            values.append(value)
        sheet.append(values)
        count += 1
    book.save(out)
    return count


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so that Excel reads the Chinese right), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield codecs.BOM_UTF8
    writer.writerow(headers())
    for index, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if index % 200 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# -- the export -------------------------------------------------------------------------------------


def _query(params: Mapping[str, Any]) -> QueryDict:
    """Filter values as a query string carries them (a list per name), from a query or a plain dict."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return query


def filtered_cases(actor: User, params: Mapping[str, Any]) -> QuerySet[Case]:
    """The cases ``actor`` may read, narrowed by the filters of the case list (``GET /api/cases/``,
    ``cases.filters.CaseFilter``). Invalid filter values are a ``ValidationError`` (400 in the
    API), never an unfiltered list."""
    # The filters read the user from the request (assignee=me, queue); any caller passes the actor.
    filterset = CaseFilter(
        data=_query(params), queryset=access.cases_visible_to(actor), request=SimpleNamespace(user=actor)
    )
    if not filterset.is_valid():
        raise ValidationError(dict(filterset.errors))
    return filterset.qs


def _common_path(paths: list[str]) -> str:
    # Character by character is right here: a path is a string of fixed-width segments.
    prefix = os.path.commonprefix(paths) if paths else ""  # noqa: RUF071
    return prefix[: len(prefix) - len(prefix) % SEGMENT]


def scope_path_of(actor: User) -> str:
    """Where an export is recorded: the common root of the actor's posts (a department's district),
    so the administrators above them read the record; a resident's grid."""
    places = [
        place
        for post in active_posts(actor)
        if (place := post.unit or (post.department.district if post.department else None)) is not None
    ]
    if places:
        return _common_path([place.path for place in places])
    resident = own_resident(actor)
    return resident.grid.path if resident is not None else ""


def recorded_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of an export as its audit record keeps them: personal-data searches sealed."""
    query = _query(params)
    recorded: dict[str, Any] = {}
    for key in sorted(query.keys()):
        values = query.getlist(key)
        if any(word in key for word in _PERSONAL_FILTERS):
            recorded[key] = audit.SEALED
        else:
            recorded[key] = values[0] if len(values) == 1 else values
    return recorded


@dataclass
class Export:
    """A finished or streaming export: its bytes come from ``chunks``."""

    filename: str
    content_type: str
    rows: int
    chunks: Iterable[bytes]


def record_export(actor: User, *, fmt: str, params: Mapping[str, Any], rows: int) -> None:
    """The audit record of one export of cases: who, the format, the filters, how many rows."""
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="cases.case",
        label=str(_("Cases (%(format)s)") % {"format": fmt}),
        scope_path=scope_path_of(actor),
        changes={"format": fmt, "filter": recorded_filters(params), "rows": rows},
    )


def export_cases(
    actor: User,
    *,
    fmt: str,
    params: Mapping[str, Any] | None = None,
    queryset: QuerySet[Case] | None = None,
) -> Export:
    """Export the cases ``actor`` may read, filtered by ``params`` (the case list's filters) and, if
    given, narrowed further by ``queryset`` (for example an admin changelist's), as ``fmt``
    ("xlsx" or "csv"). Writes one audit record (action export, the filters, the row count)."""
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("Choose xlsx or csv.")]})
    params = params if params is not None else {}
    cases = filtered_cases(actor, params)
    if queryset is not None:
        cases = cases & queryset
    count = cases.count()
    record_export(actor, fmt=fmt, params=params, rows=count)
    filename = f"cases-{timezone.localdate():%Y%m%d}.{fmt}"
    rows = case_rows(cases)
    if fmt == "csv":
        return Export(filename, CSV, count, csv_chunks(rows))
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response
    written = write_xlsx(rows, spool, title=_("Cases"))
    spool.seek(0)
    return Export(filename, XLSX, written, _file_chunks(spool))


def _file_chunks(file: Any, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := file.read(size):
            yield chunk
    finally:
        file.close()
