"""A district's matter catalog as an Excel workbook, out and back in.

The workbook has one sheet, one row per category in tree order, headed by one row of column
names. Import reads the same format back through the catalog actions (checked, audited), so an
exported workbook re-imported unchanged changes nothing. Column mapping (the Chinese header is
what export writes; import also accepts the English key, in any letter case):

=================  ==================  ============================================================
header             key                 value
=================  ==================  ============================================================
编码               code                the category's code (required; ``*`` = the district-default
                                       time limits, on a row of their own)
名称               name                required to create a category
上级编码           parent              the parent's code; empty = a top class
层级, 路径         level, path         written for reading; ignored on import
默认分类           class               大事 / 小事 / 私事 (or major / community / private); empty
                                       inherits from the parent
责任部门           department          a department of the district by short name, name or code;
                                       empty inherits
关键词             keywords            separated by 、 , ， ; or spaces
示例               examples            one per line
超时自动升级       auto_escalate       是 / 否 (also 1/0, true/false, yes/no, Y/N, √)
紧急可越级         urgent_may_skip     是 / 否
排序               sort_order          a whole number
启用               active              是 / 否 (否 deactivates the category and those below it)
大事·部门·办理 …   major.department.   working days of one time-limit row: class (大事 / 小事 / 私事
                   handling …          / 不限 = any) · level (网格 / 社区 / 街道 / 部门 / 全程 = the
                                       whole case) · 响应 / 办理 / 核实 (response / handling /
                                       verification). English key: ``any|major|community|private
                                       . grid|community|street|department|case . response|
                                       handling|verification``.
=================  ==================  ============================================================

On import a column that is absent leaves its field alone; a present but empty cell clears it
(for a time-limit group: all of the group's cells empty removes that row). Rows are applied
parents first, whatever their order in the sheet. A row that fails is reported with its row
number and its field errors; the others are kept, unless ``atomic`` (then nothing is kept when
any row fails). Unknown columns are reported and ignored.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from grassroots.cases import catalog
from grassroots.cases.models import Category, TimeLimit
from grassroots.core import audit
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.org.models import Department, Unit

DEFAULTS_CODE = "*"
SHEET_TITLE = "事项清单"
# key → the header export writes (Chinese: the workbook is for the district's staff).
COLUMNS: dict[str, str] = {
    "code": "编码",
    "name": "名称",
    "parent": "上级编码",
    "level": "层级",
    "path": "路径",
    "class": "默认分类",
    "department": "责任部门",
    "keywords": "关键词",
    "examples": "示例",
    "auto_escalate": "超时自动升级",
    "urgent_may_skip": "紧急可越级",
    "sort_order": "排序",
    "active": "启用",
}
INFORMATIONAL = frozenset({"level", "path"})
CLASS_NAMES: dict[str, str] = {"": "不限", "major": "大事", "community": "小事", "private": "私事"}
CLASS_KEYS: dict[str, str] = {"": "any", "major": "major", "community": "community", "private": "private"}
STAGE_NAMES: dict[str, str] = {
    "grid": "网格",
    "community": "社区",
    "street": "街道",
    "department": "部门",
    "case": "全程",
}
DAY_NAMES: dict[str, str] = {"response_days": "响应", "handling_days": "办理", "verification_days": "核实"}
DAY_KEYS: dict[str, str] = {
    "response_days": "response",
    "handling_days": "handling",
    "verification_days": "verification",
}
TRUE_WORDS = frozenset({"是", "1", "true", "yes", "y", "√", "✓", "x"})
FALSE_WORDS = frozenset({"否", "0", "false", "no", "n", ""})
Group = tuple[str, str]  # (class, stage)


def _limit_header(group: Group, day: str) -> str:
    return f"{CLASS_NAMES[group[0]]}·{STAGE_NAMES[group[1]]}·{DAY_NAMES[day]}"


def _header_index() -> dict[str, tuple[str, Any]]:
    """Every accepted header (lower-cased) → ("field", key) or ("limit", (group, day))."""
    index: dict[str, tuple[str, Any]] = {}
    for key, header in COLUMNS.items():
        index[header.lower()] = ("field", key)
        index[key] = ("field", key)
    for alias, key in (("is_active", "active"), ("default_class", "class"), ("parent_code", "parent")):
        index[alias] = ("field", key)
    for cls in CLASS_NAMES:
        for stage in STAGE_NAMES:
            for day in DAY_NAMES:
                target = ("limit", ((cls, stage), day))
                index[_limit_header((cls, stage), day).lower()] = target
                index[f"{CLASS_KEYS[cls]}.{stage}.{DAY_KEYS[day]}"] = target
    return index


HEADERS = _header_index()
CANONICAL_GROUPS: list[Group] = [(cls, stage) for cls in CLASS_NAMES for stage in STAGE_NAMES]


# -- export -------------------------------------------------------------------------------------------


def _days(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_catalog(district: Unit, *, actor: User | None) -> bytes:
    """The district's catalog (inactive categories too) as an .xlsx workbook; the export is
    audit-recorded."""
    categories = list(
        catalog.in_tree_order(Category.objects.filter(district=district)).select_related(
            "parent__parent", "department"
        )
    )
    limits = list(TimeLimit.objects.filter(district=district))
    groups = [g for g in CANONICAL_GROUPS if any((row.triage_class, row.stage) == g for row in limits)]
    by_owner: dict[int | None, dict[Group, TimeLimit]] = {}
    for row in limits:
        by_owner.setdefault(row.category_id, {})[(row.triage_class, row.stage)] = row

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    headers = [*COLUMNS.values(), *(_limit_header(g, day) for g in groups for day in DAY_NAMES)]
    sheet.append(headers)

    def limit_cells(owner: int | None) -> list[Any]:
        rows = by_owner.get(owner, {})
        cells: list[Any] = []
        for group in groups:
            row = rows.get(group)
            cells += [_days(getattr(row, day)) if row else None for day in DAY_NAMES]
        return cells

    sheet.append([DEFAULTS_CODE, _("District defaults"), *[None] * (len(COLUMNS) - 2), *limit_cells(None)])
    for category in categories:
        department = category.department
        sheet.append(
            [
                category.code,
                category.name,
                category.parent.code if category.parent else None,
                category.level,
                catalog.path_of(category),
                CLASS_NAMES.get(category.default_class) if category.default_class else None,
                (department.short_name or department.name) if department else None,
                "、".join(catalog.keyword_list(category.keywords)) or None,
                category.examples or None,
                "是" if category.auto_escalate else "否",
                "是" if category.urgent_may_skip else "否",
                category.sort_order,
                "是" if category.is_active else "否",
                *limit_cells(category.pk),
            ]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"名称": 16, "路径": 30, "关键词": 30, "示例": 50, "责任部门": 12}
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 11)
    for row in sheet.iter_rows(min_row=2):
        row[list(COLUMNS).index("examples")].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="cases.category",
        target_id=district.code,
        label=_("Matter catalog of %(district)s") % {"district": district.name},
        scope_path=district.path,
        changes={"categories": len(categories), "time_limits": len(limits)},
    )
    return buffer.getvalue()


# -- import -------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # the sheet's row number, as Excel shows it
    code: str
    errors: dict[str, list[str]]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "code": self.code, "errors": self.errors}


@dataclass
class ImportReport:
    """What an import did (or, when ``committed`` is false, would have done: nothing was kept)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    limits_written: int = 0
    limits_removed: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    committed: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "limits_written": self.limits_written,
            "limits_removed": self.limits_removed,
            "errors": [error.as_dict() for error in self.errors],
            "ignored_columns": self.ignored_columns,
            "committed": self.committed,
        }


@dataclass
class _Row:
    number: int
    code: str
    fields: dict[str, Any]  # key → raw cell value, for the columns present
    limits: dict[Group, dict[str, Any]]  # group → day → raw cell value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _flag(value: Any, key: str) -> bool:
    word = _text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError({key: [_("Write 是 or 否.")]})


def _class(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    for key, name in CLASS_NAMES.items():
        if key and (text.lower() == key or name in text):
            return key
    raise ValidationError({"default_class": [_("Write 大事, 小事 or 私事, or leave it empty to inherit.")]})


def read_rows(data: IO[bytes] | bytes) -> tuple[list[_Row], list[str]]:
    """The sheet's rows (with their Excel row numbers) and the headers that were not understood.
    A file that is not a workbook, or has no code column, is a ``file`` error."""
    try:
        book = load_workbook(
            io.BytesIO(data) if isinstance(data, bytes) else data, read_only=True, data_only=True
        )
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError({"file": [_("This is not an Excel workbook (.xlsx).")]}) from None
    sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    columns: list[tuple[str, Any] | None] = []
    ignored: list[str] = []
    for cell in header_row:
        header = _text(cell)
        target = HEADERS.get(header.lower()) if header else None
        if target is None and header:
            ignored.append(header)
        if target is not None and target[0] == "field" and target[1] in INFORMATIONAL:
            target = None
        columns.append(target)
    if ("field", "code") not in columns:
        raise ValidationError({"file": [_("The first row must name the columns, including 编码 (code).")]})
    result: list[_Row] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(_text(v) == "" for v in values):
            continue
        fields: dict[str, Any] = {}
        limits: dict[Group, dict[str, Any]] = {}
        for target, value in zip(columns, values, strict=False):
            if target is None:
                continue
            kind, key = target
            if kind == "field":
                fields[key] = value
            else:
                group, day = key
                limits.setdefault(group, {})[day] = value
        result.append(_Row(number, _text(fields.pop("code", "")), fields, limits))
    book.close()
    return result, ignored


def _resolve_department(value: Any, departments: Iterable[Department]) -> Department | None:
    text = _text(value)
    if not text:
        return None
    for attribute in ("short_name", "name", "code"):
        for department in departments:
            if getattr(department, attribute) == text:
                return department
    raise ValidationError(
        {"department": [_("The district has no department called %(name)s.") % {"name": text}]}
    )


def _category_fields(row: _Row, district: Unit, departments: list[Department]) -> dict[str, Any]:
    """The action's fields from the row's cells; field errors collected over all cells."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    raw = row.fields
    converters: Mapping[str, Any] = {
        "name": lambda v: ("name", _text(v)),
        "class": lambda v: ("default_class", _class(v)),
        "department": lambda v: ("department", _resolve_department(v, departments)),
        "keywords": lambda v: ("keywords", _text(v)),
        "examples": lambda v: ("examples", _text(v)),
        "auto_escalate": lambda v: ("auto_escalate", _flag(v, "auto_escalate")),
        "urgent_may_skip": lambda v: ("urgent_may_skip", _flag(v, "urgent_may_skip")),
        "active": lambda v: ("is_active", _flag(v, "is_active")),
        "sort_order": lambda v: ("sort_order", _sort_order(v)),
    }
    for key, convert in converters.items():
        if key in raw:
            try:
                name, value = convert(raw[key])
                out[name] = value
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if "parent" in raw:
        parent_code = _text(raw["parent"])
        parent = Category.objects.filter(district=district, code=parent_code).first() if parent_code else None
        if parent_code and parent is None:
            errors["parent"] = [_("No category has the code %(code)s.") % {"code": parent_code}]
        out["parent"] = parent
    if errors:
        raise ValidationError(errors)
    return out


def _sort_order(value: Any) -> int:
    text = _text(value)
    if not text:
        return 0
    try:
        return int(Decimal(text))
    except ArithmeticError:
        raise ValidationError({"sort_order": [_("Give a whole number, 0 or more.")]}) from None


def _in_dependency_order(rows: list[_Row], report: ImportReport) -> list[_Row]:
    """Rows with parents (in the file) before their children; later duplicates of a code and
    parent cycles become row errors."""
    by_code: dict[str, _Row] = {}
    ordered: list[_Row] = []
    for row in rows:
        if not row.code:
            report.errors.append(RowError(row.number, "", {"code": [_("A code is required.")]}))
        elif row.code in by_code:
            report.errors.append(
                RowError(row.number, row.code, {"code": [_("This code appears twice in the file.")]})
            )
        else:
            by_code[row.code] = row
    placed: set[str] = set()

    def place(row: _Row, chain: tuple[str, ...]) -> None:
        if row.code in placed:
            return
        parent = _text(row.fields.get("parent"))
        if parent in chain:
            report.errors.append(
                RowError(row.number, row.code, {"parent": [_("The parents of this row form a loop.")]})
            )
            placed.add(row.code)
            return
        if parent and parent in by_code and parent != row.code:
            place(by_code[parent], (*chain, row.code))
        if row.code not in placed:
            placed.add(row.code)
            ordered.append(row)

    for row in by_code.values():
        place(row, ())
    ordered.sort(key=lambda r: r.code != DEFAULTS_CODE)  # stable: the defaults first, order kept
    return ordered


def _apply_limits(
    row: _Row, *, actor: User | None, district: Unit, category: Category | None, report: ImportReport
) -> None:
    errors: dict[str, list[str]] = {}
    current = {
        (limit.triage_class, limit.stage): limit
        for limit in TimeLimit.objects.filter(district=district, category=category)
    }
    for group, cells in row.limits.items():
        given = {day: _text(value) for day, value in cells.items()}
        existing = current.get(group)
        try:
            if not any(given.values()):
                if existing is not None:
                    catalog.remove_time_limit(actor=actor, limit=existing)
                    report.limits_removed += 1
                continue
            before = [getattr(existing, day) for day in DAY_NAMES] if existing else None
            limit = catalog.set_time_limit(
                actor=actor,
                district=district,
                category=category,
                triage_class=group[0],
                stage=group[1],
                **{day: value for day, value in given.items() if value},
            )
            if before != [getattr(limit, day) for day in DAY_NAMES]:
                report.limits_written += 1
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                name = _limit_header(group, key) if key in DAY_NAMES else key
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply_row(
    row: _Row, *, actor: User | None, district: Unit, departments: list[Department], report: ImportReport
) -> None:
    if row.code == DEFAULTS_CODE:
        _apply_limits(row, actor=actor, district=district, category=None, report=report)
        return
    fields = _category_fields(row, district, departments)
    category = Category.objects.filter(district=district, code=row.code).first()
    if category is None:
        if not fields.get("name"):
            raise ValidationError({"name": [_("A name is required to add a category.")]})
        category = catalog.create_category(actor=actor, district=district, code=row.code, **fields)
        report.created += 1
    else:
        before = audit.snapshot(category, catalog.CATEGORY_FIELDS)
        category = catalog.update_category(actor=actor, category=category, **fields)
        changed = audit.snapshot(category, catalog.CATEGORY_FIELDS) != before
        report.updated += changed
        report.unchanged += not changed
    _apply_limits(row, actor=actor, district=district, category=category, report=report)


def import_catalog(
    data: IO[bytes] | bytes, *, actor: User | None, district: Unit, atomic: bool = False
) -> ImportReport:
    """Read a catalog workbook (the format above) into ``district`` through the catalog actions.
    Each row is applied in its own savepoint: a failing row leaves nothing behind and is reported;
    with ``atomic`` any failing row rolls back the whole import (``committed`` false)."""
    if actor is not None and not catalog.can_edit_catalog(actor, district):
        raise NotAllowed(_("You cannot edit this district's catalog."))
    rows, ignored = read_rows(data)
    report = ImportReport(rows=len(rows), ignored_columns=ignored)
    departments = list(Department.objects.filter(district=district).order_by("code"))
    with transaction.atomic():
        for row in _in_dependency_order(rows, report):
            try:
                with transaction.atomic():
                    _apply_row(row, actor=actor, district=district, departments=departments, report=report)
            except ValidationError as exc:
                messages = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
                report.errors.append(RowError(row.number, row.code, messages))
            except PermissionDenied as exc:
                report.errors.append(RowError(row.number, row.code, {"row": [str(exc)]}))
        report.errors.sort(key=lambda error: error.row)
        if atomic and report.errors:
            transaction.set_rollback(True)
            report.committed = False
    return report


__all__ = [
    "COLUMNS",
    "DEFAULTS_CODE",
    "ImportReport",
    "RowError",
    "export_catalog",
    "import_catalog",
    "read_rows",
]
