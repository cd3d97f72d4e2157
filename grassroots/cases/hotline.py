"""Import a 12345 hotline ledger (工单台账) into the ledger (docs/domain.md §3, channel 12345 热线).

The hotline's export is read as a table (.xlsx, or .csv in UTF-8 with or without BOM, GB18030 or
UTF-16), its header row found by the column names of ``COLUMNS`` (Chinese aliases, documented in
docs/hotline-import.md), and every row is entered as ``actions.register_case`` enters a case, with
channel hotline and the ticket number (工单编号) as ``source_ref``, so the action's permission
check, validation, sealing of the phone and audit record apply to each case.

* A row with a problem is reported (row number, column, message) and skipped; the others are kept.
* A row whose ticket number is already in the district's ledger counts as "already imported",
  so the same file can be imported again without duplicates.
* Rows are read as a stream and written in batches of ``BATCH_SIZE``, one transaction per batch,
  through ``actions.register_cases`` (every row checked and placed as ``register_case`` does, the
  batch inserted at once); the catalog and the district's units are loaded once and the ledger
  is asked which ticket numbers it has once per batch. Should another import enter one of the
  batch's tickets meanwhile, that batch is entered row by row instead.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, actions
from grassroots.cases.choices import Channel, ReporterKind, Urgency
from grassroots.cases.models import Case, Category
from grassroots.core import audit
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.org import geo
from grassroots.org.access import active_posts, is_superuser
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit

BATCH_SIZE = 500
MAX_REPORTED_ERRORS = 1000
HEADER_SEARCH_ROWS = 10  # ledgers often start with a title line or two above the header
TITLE_FROM_DESCRIPTION = 30  # characters of the description used when a row has no title

# Units a row may name in its grid/community column (the levels a case can belong to).
PLACE_KINDS = frozenset({UnitKind.GRID, UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.STREET, UnitKind.TOWN})


@dataclass(frozen=True)
class Column:
    """A field of the import and the header names it is known by, in order of preference."""

    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


# The documented column mapping (docs/hotline-import.md). Headers are compared after NFKC
# normalisation, without spaces, asterisks and parenthesised remarks: "工单编号（必填）" is 工单编号.
COLUMNS: tuple[Column, ...] = (
    Column("source_ref", "工单编号", ("工单编号", "工单号", "受理编号", "编号"), required=True),
    Column("received_at", "来电时间", ("来电时间", "受理时间", "登记时间", "来电日期"), required=True),
    Column("title", "标题", ("标题", "诉求标题", "工单标题", "主题")),
    Column(
        "description",
        "诉求内容",
        ("诉求内容", "来电内容", "工单内容", "问题描述", "诉求描述", "内容"),
        required=True,
    ),
    Column("reporter_name", "来电人", ("来电人", "联系人", "来电人姓名", "诉求人", "姓名")),
    Column("reporter_phone", "联系电话", ("联系电话", "来电号码", "联系方式", "手机号码", "电话")),
    Column("category", "问题分类", ("问题分类", "诉求分类", "事项分类", "分类")),
    Column("address", "地址", ("地址", "事发地址", "事发地点", "问题地址")),
    Column("lng", "经度", ("经度",)),
    Column("lat", "纬度", ("纬度",)),
    Column("unit", "所属网格", ("所属网格", "网格", "所属社区", "社区")),
    Column("urgency", "紧急程度", ("紧急程度", "缓急程度", "紧急度")),
    Column("handling_unit", "承办单位", ("承办单位", "主办单位", "处置单位")),
    Column("confidential", "是否保密", ("是否保密", "保密", "是否匿名")),
)
_BY_FIELD = {column.field: column for column in COLUMNS}

URGENCY_WORDS: dict[str, str] = {
    "一般": Urgency.NORMAL,
    "普通": Urgency.NORMAL,
    "紧急": Urgency.URGENT,
    "加急": Urgency.URGENT,
    "特急": Urgency.CRITICAL,
    "特别紧急": Urgency.CRITICAL,
    **{value: value for value in Urgency.values},
}
_YES = frozenset({"是", "保密", "匿名", "y", "yes", "true", "1"})
_NO = frozenset({"否", "不保密", "n", "no", "false", "0"})
# Callers who gave no name are recorded so by the hotline; they are anonymous, not named "匿名".
_ANONYMOUS_NAMES = frozenset({"匿名", "匿名市民", "匿名用户", "市民", "无"})

# Where an action's field error is shown: the column that fed the field.
_ACTION_FIELD_COLUMN = {
    "title": "title",
    "description": "description",
    "reporter_phone": "reporter_phone",
    "reporter": "reporter_name",
    "lat": "lat",
    "location": "unit",
    "category": "category",
    "urgency": "urgency",
    "source_ref": "source_ref",
}


# -- the report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or one row, when ``column`` is empty), by spreadsheet row number."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row}
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import did: rows read, cases created, rows already in the ledger, rows that failed
    and why (the first ``MAX_REPORTED_ERRORS`` problems)."""

    dry_run: bool = False
    rows: int = 0
    created: int = 0
    already_imported: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_left_out: int = 0

    def add_errors(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(error)
            else:
                self.errors_left_out += 1

    def summary(self) -> str:
        text = _("%(rows)s rows: %(created)s created, %(already)s already imported, %(failed)s failed.") % {
            "rows": self.rows,
            "created": self.created,
            "already": self.already_imported,
            "failed": self.failed,
        }
        return f"{text} {_('Dry run: nothing was saved.')}" if self.dry_run else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "already_imported": self.already_imported,
            "failed": self.failed,
            "summary": self.summary(),
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
            "errors_left_out": self.errors_left_out,
        }


# -- permission -------------------------------------------------------------------------------------


def may_import(actor: User, district: Unit) -> bool:
    """Staff who may report cases in the district (``access.can_report_in``). Residents report only
    their own problems (``register_case``), so they cannot import."""
    staff = is_superuser(actor) or bool(active_posts(actor))
    return staff and access.can_report_in(actor, district)


# -- reading the table ------------------------------------------------------------------------------


def _normalize_header(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"\([^)]*\)", "", value)
    return re.sub(r"[\s*:]", "", value).lower()


def _alias_table() -> dict[str, tuple[str, int]]:
    """Normalised header → (field, rank among the field's aliases)."""
    table: dict[str, tuple[str, int]] = {}
    for column in COLUMNS:
        for rank, alias in enumerate((*column.aliases, column.field)):
            table.setdefault(_normalize_header(alias), (column.field, rank))
    return table


_ALIASES = _alias_table()


@dataclass
class _Header:
    """Which cells of a row feed which field: ``columns[field]`` lists (cell index, header text) by
    preference; the first non-empty cell wins (所属网格 before 所属社区)."""

    columns: dict[str, list[tuple[int, str]]]

    @classmethod
    def find(cls, cells: Iterable[Any]) -> _Header | None:
        found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for index, cell in enumerate(cells):
            hit = _ALIASES.get(_normalize_header(cell))
            if hit is not None:
                found[hit[0]].append((hit[1], index, str(cell).strip()))
        if "source_ref" not in found:
            return None
        return cls({name: [(i, text) for _r, i, text in sorted(hits)] for name, hits in found.items()})

    def missing(self) -> list[str]:
        return [c.label for c in COLUMNS if c.required and c.field not in self.columns]

    def label(self, name: str) -> str:
        hits = self.columns.get(name)
        return hits[0][1] if hits else _BY_FIELD[name].label

    def cell(self, cells: tuple[Any, ...], name: str) -> tuple[Any, str]:
        """(value, header) of the first non-empty cell for ``name``."""
        for index, header in self.columns.get(name, ()):
            value = cells[index] if index < len(cells) else None
            if value is not None and (not isinstance(value, str) or value.strip()):
                return value, header
        return None, self.label(name)


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _sniff_encoding(head: bytes) -> str:
    """UTF-8 (a BOM is dropped) unless the bytes say otherwise; GB18030 when they are not UTF-8,
    as Chinese government systems often export; UTF-16 only with its BOM (Excel's "Unicode text")."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut off at the end of the sample is not evidence against UTF-8.
        if exc.start < len(head) - 3 or exc.reason != "unexpected end of data":
            return "gb18030"
    return "utf-8"


def _text_lines(file: IO[bytes], encoding: str) -> Iterator[str]:
    """Decoded lines, split on ``\\n`` only (csv handles ``\\r`` and quoted line breaks)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    while chunk := file.read(1 << 20):
        pending += decoder.decode(chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def _csv_rows(file: IO[bytes], head: bytes) -> Iterator[tuple[Any, ...]]:
    lines = _text_lines(file, _sniff_encoding(head))
    first = next(lines, "")
    delimiter = max(",\t;", key=first.count)
    yield from (tuple(cells) for cells in csv.reader(chain([first], lines), delimiter=delimiter))


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _file_error(_("The workbook cannot be read (%(error)s).") % {"error": exc}) from None
    try:
        sheet = book.worksheets[0]
        # Exports often carry wrong dimensions; without them every stored row is read.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def read_table(file: IO[bytes]) -> tuple[_Header, Iterator[tuple[int, tuple[Any, ...]]]]:
    """The header of a hotline ledger and its data rows as (spreadsheet row number, cells).

    The format is told from the bytes, not the name: a ZIP is an .xlsx workbook, anything else is
    read as CSV. File-level problems raise ``ValidationError`` on ``file``."""
    head = file.read(65536)
    file.seek(0)
    if not head.strip():
        raise _file_error(_("The file is empty."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("Old-style .xls workbooks cannot be read; save the file as .xlsx or .csv."))
    raw = _xlsx_rows(file) if head.startswith(b"PK\x03\x04") else _csv_rows(file, head)
    numbered = enumerate(raw, start=1)
    for _number, cells in islice(numbered, HEADER_SEARCH_ROWS):
        header = _Header.find(cells)
        if header is not None:
            missing = header.missing()
            if missing:
                raise _file_error(
                    _("The header row has no column for: %(columns)s.") % {"columns": "、".join(missing)}
                )
            return header, ((n, tuple(c)) for n, c in numbered)
    raise _file_error(
        _("No header row with a %(column)s column in the first %(n)s rows.")
        % {"column": _BY_FIELD["source_ref"].label, "n": HEADER_SEARCH_ROWS}
    )


# -- parsing cells ----------------------------------------------------------------------------------


class _CellError(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number-typed 工单编号 or phone in a workbook
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H",
    "%Y-%m-%d",
    "%Y%m%d%H%M%S",
    "%Y%m%d%H%M",
    "%Y%m%d",
)
_CHINESE_DATE = str.maketrans(
    {"年": "-", "月": "-", "日": " ", "号": " ", "时": ":", "点": ":", "分": ":", "秒": " "}
)


def _parse_received(value: Any, now: dt.datetime) -> dt.datetime:
    """A time in one of the forms hotline exports use: workbook dates, ``2024-03-05 14:30[:00]``,
    ``2024/3/5 14:30``, ``2024.03.05``, ``2024年3月5日 14时30分``, ``20240305143000``; naive times
    are local (``TIME_ZONE``). A time in the future is refused."""
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float) and 20000 < value < 80000:
        from openpyxl.utils.datetime import from_excel

        parsed = from_excel(value)  # a date cell stored as its serial number
    else:
        text = unicodedata.normalize("NFKC", _text(value))
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            cleaned = text.translate(_CHINESE_DATE).replace("/", "-").replace("T", " ")
            date_part, _sep, time_part = cleaned.strip().partition(" ")
            cleaned = f"{date_part.replace('.', '-')} {time_part.strip().rstrip(':')}".strip()
            cleaned = re.sub(r"\s+", " ", cleaned)
            for pattern in _DATE_FORMATS:
                try:
                    parsed = dt.datetime.strptime(cleaned, pattern)
                    break
                except ValueError:
                    continue
    if parsed is None:
        raise _CellError(_("Not a date and time (for example 2024-03-05 14:30)."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now + dt.timedelta(minutes=5):
        raise _CellError(_("The time lies in the future."))
    return parsed


def _parse_coordinate(value: Any) -> float | None:
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise _CellError(_("Not a number.")) from None


def _split_path(text: str, separators: str) -> list[str]:
    value = unicodedata.normalize("NFKC", text)
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", value) if part.strip()]


# -- what is loaded once ------------------------------------------------------------------------------


class _Lookup:
    """Codes, names and name paths of a district's catalog or units, each to the records it may
    mean; ``unknown`` and ``ambiguous`` are the messages for a name that means none or several."""

    def __init__(self, separators: str, *, unknown: str, ambiguous: str) -> None:
        self.separators = separators
        self.unknown = unknown
        self.ambiguous = ambiguous
        self.by_code: dict[str, Any] = {}
        self.by_path: dict[str, list[Any]] = defaultdict(list)

    def add(self, item: Any, code: str, names: list[str]) -> None:
        self.by_code[code] = item
        for start in range(len(names)):  # every tail of the path: 道路维修, 城乡建设/道路维修
            self.by_path["/".join(names[start:])].append(item)

    def find(self, value: Any) -> Any:
        text = _text(value)
        if text in self.by_code:
            return self.by_code[text]
        parts = _split_path(text, self.separators)
        hits = self.by_path.get("/".join(parts), [])
        while not hits and len(parts) > 1:  # a leading name above the district's tree (区 name)
            parts = parts[1:]
            hits = self.by_path.get("/".join(parts), [])
        if len(hits) == 1:
            return hits[0]
        raise _CellError((self.ambiguous if hits else self.unknown) % {"name": text})


def _catalog(district: Unit) -> _Lookup:
    """The district's active catalog, parents linked in memory so ``lineage()`` makes no query."""
    categories = list(Category.objects.filter(district=district, is_active=True).order_by("level", "pk"))
    by_id = {c.pk: c for c in categories}
    lookup = _Lookup(
        "/\\>|-—",
        unknown=_("No category is called %(name)s."),
        ambiguous=_("Several categories are called %(name)s; give the path, for example 城乡建设/道路维修."),
    )
    for category in categories:
        category.parent = by_id.get(category.parent_id) if category.parent_id else None
    for category in categories:
        names = [c.name for c in reversed(category.lineage())]
        lookup.add(category, category.code, names)
    return lookup


@dataclass
class _Places:
    lookup: _Lookup
    unit_ids: set[int]


def _places(district: Unit) -> _Places:
    """The district's units a row may name (grids up to streets), and all its unit ids (to check
    that a located point lies in this district)."""
    units = list(
        Unit.objects.filter(district=district, is_active=True)
        .exclude(kind=UnitKind.BUILDING)
        .defer("boundary")
        .order_by("depth", "pk")
    )
    by_id = {u.pk: u for u in units}
    lookup = _Lookup(
        "/\\>|",
        unknown=_("No grid or community is called %(name)s."),
        ambiguous=_("Several units are called %(name)s; give the path, for example 桂苑社区/第一网格."),
    )
    for unit in units:
        if unit.kind not in PLACE_KINDS:
            continue
        names: list[str] = []
        node: Unit | None = unit
        while node is not None and node.kind != UnitKind.DISTRICT:
            names.append(node.name)
            node = by_id.get(node.parent_id) if node.parent_id else None
        lookup.add(unit, unit.code, list(reversed(names)))
    return _Places(lookup, set(by_id))


# -- one row ----------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    source_ref: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # field → the file's header for it
    errors: list[RowError] = field(default_factory=list)


class _Importer:
    def __init__(self, *, actor: User, district: Unit, dry_run: bool) -> None:
        self.actor = actor
        self.district = district
        self.dry_run = dry_run
        self.catalog = _catalog(district)
        self.places = _places(district)
        self.locator = geo.get_locator()
        self.now = timezone.now()
        self.seen: set[str] = set()  # tickets a dry run has "entered" (its batches are rolled back)

    def parse(self, header: _Header, number: int, cells: tuple[Any, ...]) -> _Row:
        row = _Row(number)
        values: dict[str, Any] = {}
        labels: dict[str, str] = {}
        for column in COLUMNS:
            values[column.field], labels[column.field] = header.cell(cells, column.field)

        def fail(name: str, message: str) -> None:
            row.errors.append(RowError(number, labels[name], message))

        def parse(name: str, parser: Callable[[Any], Any]) -> Any:
            try:
                return parser(values[name])
            except _CellError as exc:
                fail(name, str(exc))
                return None

        row.source_ref = _text(values["source_ref"])
        if not row.source_ref:
            fail("source_ref", _("The ticket number is missing."))
        elif len(row.source_ref) > 64:
            fail("source_ref", _("At most 64 characters."))
        text: dict[str, str] = {name: _text(values[name]) for name in values}
        if not text["received_at"]:
            fail("received_at", _("The time of the call is missing."))
            received = None
        else:
            received = parse("received_at", lambda v: _parse_received(v, self.now))
        description = text["description"]
        if not description:
            fail("description", _("Describe the problem."))
        title = text["title"]
        if not title and description:
            first = description.splitlines()[0].strip()
            title = first if len(first) <= TITLE_FROM_DESCRIPTION else first[:TITLE_FROM_DESCRIPTION] + "…"
        if text["handling_unit"]:
            # register_case has no field for it; keep the hotline's assignment where triage reads it.
            description = f"{description}\n\n{labels['handling_unit']}：{text['handling_unit']}"
        category = None
        if text["category"]:
            category = parse("category", self.catalog.find)
        urgency = Urgency.NORMAL.value
        if text["urgency"]:
            found = URGENCY_WORDS.get(text["urgency"].lower())
            if found is None:
                fail("urgency", _("Use 一般, 紧急 or 特急."))
            else:
                urgency = found
        public_anonymous = False
        if text["confidential"]:
            flag = text["confidential"].lower()
            if flag not in _YES | _NO:
                fail("confidential", _("Use 是 or 否."))
            public_anonymous = flag in _YES
        reporter_name = text["reporter_name"]
        if reporter_name in _ANONYMOUS_NAMES:
            reporter_name, public_anonymous = "", True
        lat = parse("lat", _parse_coordinate)
        lng = parse("lng", _parse_coordinate)
        if lat == 0 and lng == 0:
            lat = lng = None  # exports fill unknown points with 0, 0
        unit = None
        if text["unit"]:
            unit = parse("unit", self.places.lookup.find)
        point_unreadable = any(e.column in (labels["lat"], labels["lng"]) for e in row.errors)
        if point_unreadable:
            pass  # already reported
        elif lat is not None and lng is not None:
            self._check_point(lat, lng, fail)
        elif lat is not None or lng is not None:
            fail("lng" if lng is None else "lat", _("Give both longitude and latitude."))
        elif not text["unit"]:
            fail("unit", _("Give the grid or community, or the longitude and latitude."))
        row.fields = {
            "title": title,
            "description": description,
            "reporter_name": reporter_name,
            "reporter_phone": text["reporter_phone"],
            "public_anonymous": public_anonymous,
            "lat": lat,
            "lng": lng,
            "address": text["address"],
            "unit": unit,
            "category": category,
            "urgency": urgency,
            "received_at": received,
        }
        row.labels = labels
        return row

    def _check_point(self, lat: float, lng: float, fail: Callable[[str, str], None]) -> None:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            fail("lat", _("The point is outside latitude/longitude range."))
            return
        hit = self.locator.locate(lat, lng)
        if hit is None:
            fail("lng", _("The point lies outside every unit on the map."))
        elif hit.unit_id not in self.places.unit_ids:
            fail("lng", _("The point lies outside the district."))

    def write(self, row: _Row, report: ImportReport) -> None:
        """Enter one row by itself (when its batch could not be entered at once)."""
        try:
            _case, created = actions.register_case(actor=self.actor, **self.entry(row))
        except (ValidationError, NotAllowed) as exc:
            self.refused(row, exc, report)
            return
        report.created += int(created)

    def entry(self, row: _Row) -> dict[str, Any]:
        return {
            "channel": Channel.HOTLINE,
            "reporter_kind": ReporterKind.RESIDENT,  # becomes on-behalf or anonymous by what is known
            "source_ref": row.source_ref,
            **row.fields,
        }

    def refused(self, row: _Row, exc: ValidationError | NotAllowed, report: ImportReport) -> None:
        if isinstance(exc, NotAllowed):
            report.failed += 1
            report.add_errors([RowError(row.number, "", str(exc))])
            return
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        if set(messages) == {"source_ref"}:  # entered by a concurrent import of the same ticket
            report.already_imported += 1
            return
        report.failed += 1
        report.add_errors(
            RowError(row.number, row.labels.get(_ACTION_FIELD_COLUMN.get(name, ""), ""), message)
            for name, texts in messages.items()
            for message in texts
        )

    def known(self, refs: set[str]) -> set[str]:
        """Which of these ticket numbers the district's ledger already has."""
        found = Case.objects.filter(
            district=self.district, channel=Channel.HOTLINE, source_ref__in=sorted(refs)
        )
        return set(found.values_list("source_ref", flat=True))

    def run_batch(
        self, header: _Header, batch: list[tuple[int, tuple[Any, ...]]], report: ImportReport
    ) -> None:
        rows = [self.parse(header, number, cells) for number, cells in batch]
        known = self.known({row.source_ref for row in rows if row.source_ref})
        fresh: list[_Row] = []
        for row in rows:
            report.rows += 1
            if row.source_ref and (row.source_ref in known or row.source_ref in self.seen):
                report.already_imported += 1
            elif row.errors:
                report.failed += 1
                report.add_errors(row.errors)
            else:
                fresh.append(row)
                known.add(row.source_ref)  # the file's own repeat further down is already imported
        with transaction.atomic():
            try:
                with transaction.atomic():
                    results = actions.register_cases(actor=self.actor, entries=[self.entry(r) for r in fresh])
            except IntegrityError:  # a concurrent import entered one of these tickets: row by row
                for row in fresh:
                    self.write(row, report)
            else:
                for row, result in zip(fresh, results, strict=True):
                    if isinstance(result, Case):
                        report.created += 1
                    else:
                        self.refused(row, result, report)
            if self.dry_run:
                # A dry run rolls every batch back, so the file's repeats across batches are
                # remembered here instead.
                self.seen.update(row.source_ref for row in fresh)
                transaction.set_rollback(True)


def _is_blank(cells: tuple[Any, ...]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def import_hotline(
    file: IO[bytes],
    *,
    actor: User,
    district: Unit,
    dry_run: bool = False,
    file_name: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a 12345 hotline ledger into ``district`` as ``actor`` (see the module docstring).

    Raises ``NotAllowed`` if the actor may not report cases in the district, and ``ValidationError``
    on ``file`` when the file cannot be read as a ledger at all; row problems go into the report.
    ``progress`` is called with the report after every batch. A dry run checks and writes every row
    as a real import would, then rolls each batch back."""
    if district.kind != UnitKind.DISTRICT:
        raise ValidationError({"district": [_("Choose a district.")]})
    if not may_import(actor, district):
        raise NotAllowed(_("You cannot import cases into this district."))
    header, rows = read_table(file)
    importer = _Importer(actor=actor, district=district, dry_run=dry_run)
    report = ImportReport(dry_run=dry_run)
    data = (row for row in rows if not _is_blank(row[1]))
    while batch := list(islice(data, batch_size)):
        importer.run_batch(header, batch, report)
        if progress is not None:
            progress(report)
    if not dry_run:
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            target_type="cases.hotline",
            target_id=district.code,
            label=file_name[:200] or str(_("12345 hotline ledger")),
            scope_path=district.path,
            changes={
                "rows": report.rows,
                "created": report.created,
                "already_imported": report.already_imported,
                "failed": report.failed,
            },
        )
    return report
